// multiarch init: naming services from fake `go list -json` output, config folders, cgo,
// collisions, and the files rendered from them.
#include "init/service_discovery.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "init/project_files.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

class FakeTree : public ModuleTree {
 public:
  std::set<std::string> dirs;
  std::map<std::string, std::string> files;
  bool is_directory(const std::string& rel) const override { return dirs.count(rel) > 0; }
  std::string read_text(const std::string& rel) const override {
    auto it = files.find(rel);
    return it == files.end() ? "" : it->second;
  }
};

// One `go list -json=ImportPath,Name,Dir,GoFiles,CgoFiles,Module` object.
std::string package_json(const std::string& rel, const std::string& name = "main",
                         bool cgo = false) {
  std::string dir = rel.empty() ? "/src/shop" : "/src/shop/" + rel;
  std::string import = rel.empty() ? "example.com/shop" : "example.com/shop/" + rel;
  return "{\n\t\"Dir\": \"" + dir + "\",\n\t\"ImportPath\": \"" + import + "\",\n\t\"Name\": \"" +
         name + "\",\n\t\"Module\": {\n\t\t\"Path\": \"example.com/shop\",\n\t\t\"Main\": true,\n" +
         "\t\t\"Dir\": \"/src/shop\"\n\t},\n\t\"GoFiles\": [\n\t\t\"main.go\"\n\t]" +
         (cgo ? ",\n\t\"CgoFiles\": [\n\t\t\"c.go\"\n\t]" : "") + "\n}\n";
}

std::vector<ServicePlan> plan(const std::vector<std::string>& rels, const FakeTree& tree = {}) {
  std::string output;
  for (const auto& rel : rels) output += package_json(rel);
  return plan_services(parse_main_packages(output), tree);
}

std::map<std::string, std::string> names(const std::vector<ServicePlan>& plans) {
  std::map<std::string, std::string> out;  // package -> name
  for (const auto& p : plans) out[p.package] = p.name;
  return out;
}

TEST(ServiceDiscovery, ParsesOnlyMainPackagesRelativeToTheModule) {
  std::string output = package_json("internal/biz", "biz") + package_json("cmd/user") +
                       package_json("", "main", true);
  auto module = parse_main_packages(output);
  EXPECT_EQ(module.module_path, "example.com/shop");
  ASSERT_EQ(module.mains.size(), 2u);
  EXPECT_EQ(module.mains[0].rel_dir, "");
  EXPECT_TRUE(module.mains[0].cgo);
  EXPECT_EQ(module.mains[1].rel_dir, "cmd/user");
  EXPECT_FALSE(module.mains[1].cgo);
  EXPECT_EQ(module.mains[1].go_files, std::vector<std::string>{"main.go"});
  EXPECT_THROW(parse_main_packages("{\"Dir\": "), RuntimeError);
  EXPECT_THROW(parse_main_packages("not json"), RuntimeError);
}

TEST(ServiceDiscovery, NamesTheConventionalLayouts) {
  auto n = names(plan({"application/user/cmd/user", "cmd/order", "app/cart/service/cmd/server",
                       "app/shop/interface/cmd/server", "app/pay/cmd/server", "app/pay2/cmd/worker",
                       "tools/migrate"}));
  EXPECT_EQ(n["./application/user/cmd/user"], "user");
  EXPECT_EQ(n["./cmd/order"], "order");
  EXPECT_EQ(n["./app/cart/service/cmd/server"], "cart");
  EXPECT_EQ(n["./app/shop/interface/cmd/server"], "shop");
  EXPECT_EQ(n["./app/pay/cmd/server"], "pay");
  EXPECT_EQ(n["./app/pay2/cmd/worker"], "pay2-worker");
  EXPECT_EQ(n["./tools/migrate"], "migrate");
}

TEST(ServiceDiscovery, KratosLayoutAndTheModuleRoot) {
  EXPECT_EQ(names(plan({"cmd/server"}))["./cmd/server"], "server");
  EXPECT_EQ(names(plan({""}))["."], "shop");
}

TEST(ServiceDiscovery, CollisionsTakeTheNearestDistinguishingFolder) {
  auto n = names(plan({"app/user/service/cmd/server", "app/user/interface/cmd/server"}));
  EXPECT_EQ(n["./app/user/service/cmd/server"], "user-service");
  EXPECT_EQ(n["./app/user/interface/cmd/server"], "user-interface");

  auto m = names(plan({"cmd/user", "legacy/application/user/cmd/user"}));
  EXPECT_EQ(m["./cmd/user"], "user");
  EXPECT_EQ(m["./legacy/application/user/cmd/user"], "application-user");

  auto o = names(plan({"a/cmd/server", "b/a/cmd/server"}));
  EXPECT_EQ(o["./a/cmd/server"], "a");
  EXPECT_EQ(o["./b/a/cmd/server"], "b-a");
  std::set<std::string> unique;
  for (const auto& [package, name] : o) unique.insert(name);
  EXPECT_EQ(unique.size(), 2u);
}

// Issue 16's trial: a service's name must not depend on which other services exist unless
// they share it. `tools/user-job` is named by its path alone; the `job` of app/user, which
// becomes user-job once app/order has a job too, must not push it to user-job-2.
TEST(ServiceDiscovery, AddingAnUnrelatedServiceRenamesNoService) {
  const std::vector<std::string> existing = {"app/user/job/cmd/server",
                                             "tools/user-job",
                                             "application/user/cmd/user",
                                             "cmd/order",
                                             "app/cart/service/cmd/server",
                                             "app/pay2/cmd/worker",
                                             "a/x/job2",
                                             "b/x/job2"};
  auto before = names(plan(existing));
  EXPECT_EQ(before["./tools/user-job"], "user-job");
  EXPECT_EQ(before["./a/x/job2"], "a-job2");
  EXPECT_EQ(before["./b/x/job2"], "b-job2");
  for (const std::string added :
       {"app/order/job/cmd/server", "c/y/job2", "cmd/migrate", "tools/x", "app/shop/cmd/server"}) {
    auto rels = existing;
    rels.push_back(added);
    auto after = names(plan(rels));
    std::set<std::string> unique;
    for (const auto& [package, name] : after) {
      unique.insert(name);
      EXPECT_TRUE(is_valid_service_name(name)) << name;
    }
    EXPECT_EQ(unique.size(), rels.size()) << added;
    for (const auto& [package, name] : before) {
      // Only the service whose name the added one shares may take a folder: a real collision.
      if (added == "app/order/job/cmd/server" && package == "./app/user/job/cmd/server") continue;
      EXPECT_EQ(after[package], name) << package << " after adding " << added;
    }
  }
  // The real collision: both jobs take their service's folder; the user's, whose user-job is
  // tools/user-job's own name, is numbered rather than renaming it.
  auto both =
      names(plan({"app/user/job/cmd/server", "app/order/job/cmd/server", "tools/user-job"}));
  EXPECT_EQ(both["./app/order/job/cmd/server"], "order-job");
  EXPECT_EQ(both["./tools/user-job"], "user-job");
  EXPECT_EQ(both["./app/user/job/cmd/server"], "user-job-2");
}

TEST(ServiceDiscovery, NamesAreValidForCMakeAndImages) {
  EXPECT_TRUE(is_valid_service_name("user"));
  EXPECT_TRUE(is_valid_service_name("user-api.v2_x"));
  EXPECT_FALSE(is_valid_service_name("User"));
  EXPECT_FALSE(is_valid_service_name("a--b"));
  EXPECT_FALSE(is_valid_service_name("-a"));
  EXPECT_FALSE(is_valid_service_name(""));
  EXPECT_EQ(service_name_from_folder("User_API"), "user_api");
  EXPECT_EQ(service_name_from_folder("--x--"), "x");
  EXPECT_EQ(service_name_from_folder("my service!"), "my-service");
  EXPECT_EQ(service_name_from_folder("___"), "service");
  for (const auto& p : plan({"cmd/Web_Front", "app/Bad Name/cmd/server"}))
    EXPECT_TRUE(is_valid_service_name(p.name)) << p.name;
}

TEST(ServiceDiscovery, ConfigFoldersUpToTheServiceRoot) {
  FakeTree tree;
  tree.dirs = {"app/user/service/configs", "configs", "application/order/conf"};
  tree.files["app/user/service/cmd/server/main.go"] =
      "func init() {\n\tflag.StringVar(&flagconf, \"conf\", \"../../configs\", \"config "
      "path\")\n}\n";
  auto plans = plan({"app/user/service/cmd/server", "app/cart/service/cmd/server", "cmd/server",
                     "application/order/cmd/order"},
                    tree);
  std::map<std::string, ServicePlan> by_name;
  for (const auto& p : plans) by_name[p.name] = p;
  EXPECT_EQ(by_name["user"].config_dir, "app/user/service/configs");
  EXPECT_TRUE(by_name["user"].reads_conf);
  EXPECT_EQ(by_name["cart"].config_dir, "");  // the module root's configs/ is not cart's
  EXPECT_FALSE(by_name["cart"].reads_conf);
  EXPECT_EQ(by_name["server"].config_dir, "configs");  // kratos-layout: root configs/
  EXPECT_EQ(by_name["order"].config_dir, "application/order/conf");
}

TEST(ServiceDiscovery, RendersOneImagePerServiceWithFilesAndCgo) {
  ModuleServices module;
  module.module_path = "example.com/shop";
  module.services = {{"user", "./app/user/service/cmd/server", "app/user/service",
                      "app/user/service/configs", true, false},
                     {"cgo-svc", "./cmd/cgo-svc", "", "", false, true}};
  std::string cmake = render_cmake_lists(module, "0.1.0");
  EXPECT_NE(cmake.find("project(shop LANGUAGES NONE)"), std::string::npos) << cmake;
  EXPECT_NE(cmake.find("find_package(MultiArch 0.1 REQUIRED)"), std::string::npos);
  EXPECT_NE(cmake.find("add_multiarch_image(SERVICE user\n  PACKAGE ./app/user/service/cmd/server\n"
                       "  ${IMAGE_SETTINGS}\n"
                       "  FILES app/user/service/configs:/data/conf\n"
                       "  ENTRYPOINT /app/service -conf /data/conf)"),
            std::string::npos)
      << cmake;
  EXPECT_NE(cmake.find("add_multiarch_image(SERVICE cgo-svc\n  PACKAGE ./cmd/cgo-svc\n"
                       "  ${IMAGE_SETTINGS}\n  CGO)"),
            std::string::npos)
      << cmake;
  std::string makefile = render_makefile(module);
  EXPECT_NE(makefile.find("PACKAGE.user := ./app/user/service/cmd/server\n"
                          "FILES.user := app/user/service/configs:/data/conf\n"
                          "ARGS.user := -conf /data/conf\n"),
            std::string::npos);
  EXPECT_NE(makefile.find("CGO.cgo-svc := 1"), std::string::npos);
  // Issue 16's trial: `make help` printed `$(SERVICE)` as it stands in the file. The header it
  // prints holds no make reference, and the values are printed expanded, with placeholders.
  std::string header = makefile.substr(0, makefile.find("\n\n"));
  EXPECT_EQ(header.find("$("), std::string::npos) << header;
  EXPECT_NE(makefile.find("$(or $(REGISTER),<REGISTER>)/$(or $(REPOSITORY),<REPOSITORY>)/"
                          "$(SERVICE):$(VERSION)"),
            std::string::npos);
  EXPECT_EQ(makefile.find("## "), std::string::npos);
  // ... and says what it leaves in the registry with the docker driver.
  EXPECT_NE(header.find("REPOSITORY/SERVICE:multiarch-staging-<platform>-VERSION"),
            std::string::npos);
  std::string presets = render_cmake_presets();
  for (const char* preset : {"\"default\"", "\"all-arm\"", "\"linux-arm-v7\"", "\"buildx\""})
    EXPECT_NE(presets.find(preset), std::string::npos) << preset;
}

// Issue 16's trial: the Makefile's image had TZ, port 8080 and the CA certificates, the CMake
// image of the same service none of them. Both now take them from the same values.
TEST(ServiceDiscovery, MakefileAndCMakeImagesCarryTheSameSettings) {
  ModuleServices module;
  module.module_path = "example.com/shop";
  module.services = {{"user", "./app/user/service/cmd/server", "app/user/service",
                      "app/user/service/configs", true, false}};
  std::string cmake = render_cmake_lists(module, "0.1.0");
  std::string makefile = render_makefile(module);
  EXPECT_NE(cmake.find("set(IMAGE_SETTINGS CA_CERTS TZ Asia/Shanghai PORTS 8080)\n"),
            std::string::npos)
      << cmake;
  EXPECT_NE(makefile.find("TZ         ?= Asia/Shanghai\n"), std::string::npos);
  EXPECT_NE(makefile.find("PORTS      ?= 8080\n"), std::string::npos);
  EXPECT_NE(makefile.find("--generate --ca-certs --tz $(TZ)"), std::string::npos);
  // The arguments follow the binary in the entrypoint, as CMake's ENTRYPOINT has them.
  EXPECT_NE(cmake.find("ENTRYPOINT /app/service -conf /data/conf"), std::string::npos);
  EXPECT_NE(makefile.find("ARGS.user := -conf /data/conf"), std::string::npos);
  EXPECT_NE(makefile.find("'--entrypoint=/app/service $(strip $(ARGS))'"), std::string::npos);
  EXPECT_EQ(makefile.find("--cmd="), std::string::npos);
}

// Issue 16's trial: `init --write` wrote no .gitignore. It writes one when there is none and
// never replaces one: it appends the lines it lacks, or keeps it, with --force too.
TEST(ServiceDiscovery, WritesAGitignoreAndNeverReplacesOne) {
  ModuleServices module;
  module.module_path = "example.com/shop";
  module.services = {{"user", "./cmd/user", "", "", false, false}};
  auto files = render_project_files(module, false, "0.1.0");
  ASSERT_EQ(files.back().name, ".gitignore");
  EXPECT_NE(files.back().content.find("\n/build/\n"), std::string::npos);

  test::TempDir dir;
  auto results = write_project_files(dir.path(), files, false);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results.back().action, WriteAction::written);
  EXPECT_EQ(read_file(dir / ".gitignore"), render_gitignore());

  // An existing one without the build folder: the line is appended, the rest kept; the other
  // files still need --force.
  atomic_write_file(dir / ".gitignore", "*.log\nvendor/");
  EXPECT_THROW(write_project_files(dir.path(), files, false), InputError);
  EXPECT_EQ(read_file(dir / ".gitignore"), "*.log\nvendor/");
  results = write_project_files(dir.path(), files, true);
  EXPECT_EQ(results.back().action, WriteAction::appended);
  EXPECT_EQ(results.back().appended, std::vector<std::string>{"/build/"});
  EXPECT_EQ(read_file(dir / ".gitignore"),
            "*.log\nvendor/\n# added by multiarch init: its build folders\n/build/\n");

  // One that ignores build already (any spelling) is kept as it is.
  for (const char* spelling : {"build", "build/", "/build", "/build/\r"}) {
    std::string mine = std::string("bin\n") + spelling + "\n";
    atomic_write_file(dir / ".gitignore", mine);
    results = write_project_files(dir.path(), files, true);
    EXPECT_EQ(results.back().action, WriteAction::kept) << spelling;
    EXPECT_EQ(read_file(dir / ".gitignore"), mine);
  }
  EXPECT_EQ(missing_ignore_lines("# /build/\n", "/build/\n"), std::vector<std::string>{"/build/"});
}

}  // namespace
}  // namespace multiarch
