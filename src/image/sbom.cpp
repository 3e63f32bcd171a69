#include "image/sbom.hpp"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "image/image_config.hpp"
#include "oci/image_reference.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/version.hpp"

namespace multiarch {
namespace {

using ordered = nlohmann::ordered_json;

std::string percent_encode(const std::string& text, bool keep_slash) {
  std::string out;
  for (unsigned char c : text) {
    bool plain =
        std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || (keep_slash && c == '/');
    if (plain)
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

/// SPDX identifiers allow [A-Za-z0-9.-] after "SPDXRef-" (spec clause 3.2).
std::string spdx_id(const std::string& kind, const std::string& name) {
  std::string id = "SPDXRef-" + kind + "-";
  for (unsigned char c : name) id += (std::isalnum(c) || c == '.' || c == '-') ? char(c) : '-';
  return id;
}

std::string image_display_name(const SbomInput& input) {
  return input.image_name.empty() ? std::string("image") : input.image_name;
}

std::string repository_of_image_name(const std::string& name) { return split_name_tag(name).first; }

/// The version of the Go standard library as syft writes it ("go1.26.8" -> "1.26.8").
std::string stdlib_version(const std::string& go_version) {
  return go_version.substr(0, 2) == "go" ? go_version.substr(2) : go_version;
}

/// One Go module as the SBOM shows it: the replacement's version and sum when replaced by
/// another module version (the code linked in is the replacement's).
struct ModuleFacts {
  std::string path;
  std::string version;
  std::string sum;
  std::string comment;
};

ModuleFacts module_facts(const GoModule& m) {
  ModuleFacts f{m.path, m.version, m.sum, ""};
  if (!m.replace_path.empty()) {
    if (!m.replace_version.empty()) {
      f.version = m.replace_version;
      f.sum = m.replace_sum;
      f.comment = fmt::format("replaced by {} {}", m.replace_path, m.replace_version);
    } else {
      f.comment = fmt::format("replaced by the local folder {}", m.replace_path);
    }
  }
  if (!f.sum.empty())
    f.comment = fmt::format("go.sum {}{}{}", f.sum, f.comment.empty() ? "" : "; ", f.comment);
  return f;
}

std::vector<ModuleFacts> dependency_facts(const GoModuleInfo& go) {
  std::vector<ModuleFacts> deps;
  for (const auto& d : go.deps) deps.push_back(module_facts(d));
  return deps;
}

}  // namespace

std::string purl_platform_qualifier(const Platform& platform) {
  return "platform=" + percent_encode(platform.str(), false);
}

SbomFormat parse_sbom_format(const std::string& text, const std::string& flag) {
  if (text == "spdx" || text == "spdx-json") return SbomFormat::spdx;
  if (text == "cyclonedx" || text == "cyclonedx-json") return SbomFormat::cyclonedx;
  throw InputError(fmt::format("{} \"{}\": expected spdx or cyclonedx", flag, text));
}

SbomFile hash_sbom_file(const std::string& image_path, const std::filesystem::path& source) {
  FileDigests digests = file_digests(source);
  return SbomFile{image_path, digests.sha256_hex, digests.sha1_hex, digests.size};
}

SbomFile sbom_file_from_content(const std::string& image_path, std::string_view content) {
  return SbomFile{image_path, sha256_hex(content), sha1_hex(content), content.size()};
}

std::string golang_purl(const std::string& module_path, const std::string& version) {
  std::string purl = "pkg:golang/" + percent_encode(module_path, true);
  // "(devel)" is Go's word for "no version" (a build in the module's own tree): no purl
  // version, as syft writes it.
  if (!version.empty() && version != "(devel)") purl += "@" + percent_encode(version, false);
  return purl;
}

std::string spdx_json(const SbomInput& input) {
  const std::string created = rfc3339_utc(input.epoch);
  const std::string tool = fmt::format("Tool: multiarch-{}", kMultiarchVersion);
  ordered doc;
  doc["spdxVersion"] = "SPDX-2.3";
  doc["dataLicense"] = "CC0-1.0";
  doc["SPDXID"] = "SPDXRef-DOCUMENT";
  doc["name"] = fmt::format("{} {}", image_display_name(input), input.platform.str());
  doc["documentNamespace"] = "";  // filled in below, from the digest of the rest
  doc["creationInfo"] = {{"creators", {tool}}, {"created", created}};

  ordered packages = ordered::array();
  ordered relationships = ordered::array();
  auto relate = [&](const std::string& a, const std::string& type, const std::string& b) {
    relationships.push_back(
        {{"spdxElementId", a}, {"relationshipType", type}, {"relatedSpdxElement", b}});
  };
  auto purl_ref = [](const std::string& purl) {
    return ordered::array({{{"referenceCategory", "PACKAGE-MANAGER"},
                            {"referenceType", "purl"},
                            {"referenceLocator", purl}}});
  };

  const std::string image_id = "SPDXRef-Image";
  {
    ordered image;
    image["name"] = image_display_name(input);
    image["SPDXID"] = image_id;
    image["downloadLocation"] = "NOASSERTION";
    image["filesAnalyzed"] = false;
    image["primaryPackagePurpose"] = "CONTAINER";
    image["externalRefs"] = purl_ref(fmt::format(
        "pkg:oci/{}?{}", percent_encode(repository_of_image_name(image_display_name(input)), false),
        purl_platform_qualifier(input.platform)));
    packages.push_back(image);
  }
  relate("SPDXRef-DOCUMENT", "DESCRIBES", image_id);

  std::string binary_id;
  ordered files = ordered::array();
  std::set<std::string> used_ids;
  for (const auto& f : input.files) {
    std::string id = spdx_id("File", f.path);
    while (!used_ids.insert(id).second) id += "-1";
    ordered file;
    file["fileName"] = f.path;
    file["SPDXID"] = id;
    file["fileTypes"] = {f.path == input.binary_path ? "BINARY" : "OTHER"};
    file["checksums"] = {{{"algorithm", "SHA1"}, {"checksumValue", f.sha1_hex}},
                         {{"algorithm", "SHA256"}, {"checksumValue", f.sha256_hex}}};
    file["licenseConcluded"] = "NOASSERTION";
    file["copyrightText"] = "NOASSERTION";
    files.push_back(file);
    relate(image_id, "CONTAINS", id);
    if (f.path == input.binary_path) binary_id = id;
  }

  if (input.go) {
    const GoModuleInfo& go = *input.go;
    auto go_package = [&](const ModuleFacts& m, const std::string& purpose) {
      std::string id = spdx_id("Package-golang", m.path);
      while (!used_ids.insert(id).second) id += "-1";
      ordered p;
      p["name"] = m.path;
      p["SPDXID"] = id;
      if (!m.version.empty()) p["versionInfo"] = m.version;
      p["downloadLocation"] = "NOASSERTION";
      p["filesAnalyzed"] = false;
      if (auto sha = go_sum_sha256_hex(m.sum))
        p["checksums"] = {{{"algorithm", "SHA256"}, {"checksumValue", *sha}}};
      p["primaryPackagePurpose"] = purpose;
      p["externalRefs"] = purl_ref(golang_purl(m.path, m.version));
      if (!m.comment.empty()) p["comment"] = m.comment;
      packages.push_back(p);
      relate(image_id, "CONTAINS", id);
      return id;
    };
    std::string main_id;
    if (!go.main.path.empty()) {
      ModuleFacts main = module_facts(go.main);
      main_id = go_package(main, "APPLICATION");
      if (!binary_id.empty()) relate(binary_id, "GENERATED_FROM", main_id);
    }
    ModuleFacts stdlib{"stdlib", go.go_version, "", "the Go standard library"};
    std::string stdlib_id = spdx_id("Package-golang", "stdlib");
    used_ids.insert(stdlib_id);
    {
      ordered p;
      p["name"] = "stdlib";
      p["SPDXID"] = stdlib_id;
      p["versionInfo"] = go.go_version;
      p["downloadLocation"] = "NOASSERTION";
      p["filesAnalyzed"] = false;
      p["primaryPackagePurpose"] = "LIBRARY";
      p["externalRefs"] = purl_ref(golang_purl("stdlib", stdlib_version(go.go_version)));
      p["comment"] = "the Go standard library";
      packages.push_back(p);
      relate(image_id, "CONTAINS", stdlib_id);
    }
    if (!main_id.empty()) relate(main_id, "DEPENDS_ON", stdlib_id);
    for (const auto& dep : dependency_facts(go)) {
      std::string id = go_package(dep, "LIBRARY");
      if (!main_id.empty()) relate(main_id, "DEPENDS_ON", id);
    }
  }

  if (input.base) {
    const std::string base_id = "SPDXRef-BaseImage";
    ordered p;
    p["name"] = input.base->name;
    p["SPDXID"] = base_id;
    p["versionInfo"] = input.base->manifest_digest;
    p["downloadLocation"] = "NOASSERTION";
    p["filesAnalyzed"] = false;
    std::string digest_hex =
        input.base->manifest_digest.substr(input.base->manifest_digest.find(':') + 1);
    p["checksums"] = {{{"algorithm", "SHA256"}, {"checksumValue", digest_hex}}};
    p["primaryPackagePurpose"] = "CONTAINER";
    std::string base_repo = repository_of_image_name(input.base->name);
    size_t slash = base_repo.find_last_of('/');
    if (slash != std::string::npos) base_repo = base_repo.substr(slash + 1);
    p["externalRefs"] = purl_ref(fmt::format("pkg:oci/{}@{}?{}", percent_encode(base_repo, false),
                                             percent_encode(input.base->manifest_digest, false),
                                             purl_platform_qualifier(input.platform)));
    packages.push_back(p);
    relate(image_id, "DESCENDANT_OF", base_id);
  }

  doc["packages"] = packages;
  doc["files"] = files;
  doc["relationships"] = relationships;
  // The namespace must be unique per document: derived from the content, it is.
  std::string content_digest = sha256_hex(doc.dump());
  doc["documentNamespace"] =
      fmt::format("https://spdx.org/spdxdocs/multiarch/{}-{}",
                  percent_encode(repository_of_image_name(image_display_name(input)), false) + "-" +
                      input.platform.slug(),
                  content_digest);
  return doc.dump(2) + "\n";
}

std::string cyclonedx_json(const SbomInput& input) {
  ordered bom;
  bom["bomFormat"] = "CycloneDX";
  bom["specVersion"] = "1.5";
  bom["serialNumber"] = "";
  bom["version"] = 1;
  ordered metadata;
  metadata["timestamp"] = rfc3339_utc(input.epoch);
  metadata["tools"] = {
      {"components",
       {{{"type", "application"}, {"name", "multiarch"}, {"version", kMultiarchVersion}}}}};
  metadata["component"] = {
      {"bom-ref", "image"},
      {"type", "container"},
      {"name", image_display_name(input)},
      {"purl",
       fmt::format("pkg:oci/{}?{}",
                   percent_encode(repository_of_image_name(image_display_name(input)), false),
                   purl_platform_qualifier(input.platform))}};
  bom["metadata"] = metadata;

  ordered components = ordered::array();
  ordered depends = ordered::array();
  std::string main_ref;
  if (input.go) {
    auto component = [&](const ModuleFacts& m, const std::string& type) {
      std::string purl = golang_purl(m.path, m.version);
      ordered c;
      c["bom-ref"] = purl;
      c["type"] = type;
      c["name"] = m.path;
      if (!m.version.empty()) c["version"] = m.version;
      if (auto sha = go_sum_sha256_hex(m.sum))
        c["hashes"] = {{{"alg", "SHA-256"}, {"content", *sha}}};
      c["purl"] = purl;
      if (!m.comment.empty()) c["description"] = m.comment;
      components.push_back(c);
      return purl;
    };
    std::vector<std::string> refs;
    if (!input.go->main.path.empty())
      main_ref = component(module_facts(input.go->main), "application");
    refs.push_back(component(
        ModuleFacts{"stdlib", input.go->go_version, "", "the Go standard library"}, "library"));
    // stdlib's purl drops the "go" prefix, as syft writes it
    components.back()["bom-ref"] = golang_purl("stdlib", stdlib_version(input.go->go_version));
    components.back()["purl"] = components.back()["bom-ref"];
    refs.back() = components.back()["bom-ref"].get<std::string>();
    for (const auto& dep : dependency_facts(*input.go)) refs.push_back(component(dep, "library"));
    if (!main_ref.empty()) depends.push_back({{"ref", main_ref}, {"dependsOn", refs}});
  }
  for (const auto& f : input.files) {
    ordered c;
    c["bom-ref"] = "file:" + f.path;
    c["type"] = "file";
    c["name"] = f.path;
    c["hashes"] = {{{"alg", "SHA-1"}, {"content", f.sha1_hex}},
                   {{"alg", "SHA-256"}, {"content", f.sha256_hex}}};
    components.push_back(c);
  }
  if (input.base) {
    ordered c;
    c["bom-ref"] = "base-image";
    c["type"] = "container";
    c["name"] = input.base->name;
    c["version"] = input.base->manifest_digest;
    components.push_back(c);
  }
  bom["components"] = components;
  if (!depends.empty()) bom["dependencies"] = depends;
  // serialNumber: a version-4-shaped UUID made from the content's SHA-256 (stable).
  std::string h = sha256_hex(bom.dump());
  bom["serialNumber"] = fmt::format("urn:uuid:{}-{}-4{}-8{}-{}", h.substr(0, 8), h.substr(8, 4),
                                    h.substr(13, 3), h.substr(17, 3), h.substr(20, 12));
  return bom.dump(2) + "\n";
}

std::string sbom_json(const SbomInput& input, SbomFormat format) {
  return format == SbomFormat::spdx ? spdx_json(input) : cyclonedx_json(input);
}

}  // namespace multiarch
