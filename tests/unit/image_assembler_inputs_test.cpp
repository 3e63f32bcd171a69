// What assemble_image() accepts and how it treats its inputs (issue 17): symbolic links in a
// --file folder, binaries built for a higher CPU level than the platform, dynamically linked
// binaries without a base, the depfile of every input, and what killed runs left behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "image/image_assembler.hpp"
#include "oci/oci_layout.hpp"
#include "support/fake_binaries.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;
const Platform kHost{"linux", "amd64", ""};

class AssemblerInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("multiarch-assembler-inputs-" + std::to_string(std::random_device()()));
    fs::create_directories(dir_ / "bin");
    atomic_write_file(dir_ / "bin" / "amd64", test::elf_for("amd64"), fs::perms::owner_all);
  }
  void TearDown() override { fs::remove_all(dir_); }

  AssembleRequest request() const {
    AssembleRequest r;
    r.binaries = {{{"linux", "amd64", ""}, dir_ / "bin" / "amd64"}};
    r.settings.entrypoint = {"/app/service"};
    r.layer = {0, Compression::gzip, 1};
    r.output = dir_ / "out";
    return r;
  }
  std::string input_error(const AssembleRequest& r) {
    try {
      assemble_image(r, statter_, kHost);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  }

  fs::path dir_;
  SystemFileStatter statter_;
};

const LayerFile* find(const std::vector<LayerFile>& files, const std::string& path) {
  for (const auto& f : files)
    if (f.path == path) return &f;
  return nullptr;
}

TEST_F(AssemblerInputs, SymlinksInAFileFolderStayLinksWithTheirOwnTargetText) {
  fs::create_directories(dir_ / "sl");
  atomic_write_file(dir_ / "sl" / "a.yaml", "a\n");
  fs::create_symlink("a.yaml", dir_ / "sl" / "z");
  fs::create_symlink("/usr/share/zoneinfo/UTC", dir_ / "sl" / "localtime");
  fs::create_symlink("../outside", dir_ / "sl" / "up");  // dangling on this machine: still a link
  auto files = extra_layer_files({{dir_ / "sl", "/etc/app", std::nullopt}});
  const LayerFile* z = find(files, "/etc/app/z");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->type, TarEntry::Type::symlink);
  EXPECT_EQ(z->link_target, "a.yaml");
  const LayerFile* localtime = find(files, "/etc/app/localtime");
  ASSERT_NE(localtime, nullptr);
  EXPECT_EQ(localtime->type, TarEntry::Type::symlink);
  EXPECT_EQ(localtime->link_target, "/usr/share/zoneinfo/UTC");
  ASSERT_NE(find(files, "/etc/app/up"), nullptr);
  EXPECT_EQ(find(files, "/etc/app/up")->link_target, "../outside");
  ASSERT_NE(find(files, "/etc/app/a.yaml"), nullptr);
  EXPECT_EQ(find(files, "/etc/app/a.yaml")->type, TarEntry::Type::file);

  // And the whole image builds (the link no longer collides with its target).
  auto r = request();
  r.files = {{dir_ / "sl", "/etc/app", std::nullopt}};
  EXPECT_NO_THROW(assemble_image(r, statter_, kHost));
}

TEST_F(AssemblerInputs, ASymlinkLoopIsAnErrorNamingIt) {
  fs::create_directories(dir_ / "sl");
  fs::create_symlink("loop2", dir_ / "sl" / "loop1");
  fs::create_symlink("loop1", dir_ / "sl" / "loop2");
  auto r = request();
  r.files = {{dir_ / "sl", "/etc/app", std::nullopt}};
  std::string message = input_error(r);
  EXPECT_NE(message.find("symlink loop"), std::string::npos) << message;
  EXPECT_NE(message.find((dir_ / "sl" / "loop").string()), std::string::npos) << message;
  // A --file that is itself a loop says so, not "no such file or folder".
  r.files = {{dir_ / "sl" / "loop1", "/etc/x", std::nullopt}};
  message = input_error(r);
  EXPECT_EQ(message, "--file " + (dir_ / "sl" / "loop1").string() +
                         ": a symlink loop (its links never reach a file)");
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(AssemblerInputs, ABinaryNeedingMoreThanThePlatformVariantIsRefused) {
  atomic_write_file(dir_ / "bin" / "arm7",
                    test::elf_for("arm") +
                        test::go_build_info_blob("go1.26.8", "build\tGOARCH=arm\nbuild\tGOARM=7\n"),
                    fs::perms::owner_all);
  auto r = request();
  r.binaries = {{{"linux", "arm", "v6"}, dir_ / "bin" / "arm7"}};
  std::string message = input_error(r);
  EXPECT_NE(message.find("was built with GOARM=7, but linux/arm/v6 guarantees only GOARM=6"),
            std::string::npos)
      << message;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  r.binaries = {{{"linux", "arm", "v7"}, dir_ / "bin" / "arm7"}};
  EXPECT_NO_THROW(assemble_image(r, statter_, kHost));
}

TEST_F(AssemblerInputs, ADynamicBinaryWithoutABaseIsRefusedUnlessAllowed) {
  std::string bytes = test::elf_for("amd64");
  auto put = [&](size_t at, uint64_t value, size_t size) {
    for (size_t i = 0; i < size; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
  };
  put(32, 64, 8);
  put(54, 56, 2);
  put(56, 1, 2);
  bytes += std::string(56, '\0');
  put(64, 3, 4);
  put(72, 120, 8);
  put(96, 28, 8);
  bytes += std::string("/lib64/ld-linux-x86-64.so.2") + '\0';
  atomic_write_file(dir_ / "bin" / "cgo", bytes, fs::perms::owner_all);
  auto r = request();
  r.binaries = {{{"linux", "amd64", ""}, dir_ / "bin" / "cgo"}};
  std::string message = input_error(r);
  EXPECT_NE(message.find("dynamically linked (ELF interpreter /lib64/ld-linux-x86-64.so.2)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("--base"), std::string::npos) << message;
  EXPECT_NE(message.find("static"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  r.allow_dynamic = true;
  EXPECT_NO_THROW(assemble_image(r, statter_, kHost));
}

TEST_F(AssemblerInputs, TheDepfileListsEveryFileAndFolderUnderAFileFolder) {
  fs::create_directories(dir_ / "conf" / "sub");
  atomic_write_file(dir_ / "conf" / "app.yaml", "a: 1\n");
  atomic_write_file(dir_ / "conf" / "sub" / "b.yaml", "b: 1\n");
  fs::create_symlink("app.yaml", dir_ / "conf" / "link");
  auto r = request();
  r.files = {{dir_ / "conf", "/etc/app", std::nullopt}};
  r.depfile = dir_ / "image.d";
  r.depfile_target = (dir_ / "image.stamp").string();
  assemble_image(r, statter_, kHost);
  std::string depfile = read_file(dir_ / "image.d");
  EXPECT_EQ(depfile.rfind((dir_ / "image.stamp").string() + ":", 0), 0u) << depfile;
  for (const auto& input : {dir_ / "bin" / "amd64", dir_ / "conf", dir_ / "conf" / "app.yaml",
                            dir_ / "conf" / "sub", dir_ / "conf" / "sub" / "b.yaml"})
    EXPECT_TRUE(depfile.find("  " + input.string() + " \\\n") != std::string::npos ||
                depfile.find("  " + input.string() + "\n") != std::string::npos)
        << input << " missing from\n"
        << depfile;
  EXPECT_EQ(depfile.find((dir_ / "conf" / "link").string()), std::string::npos) << depfile;

  r.depfile = dir_ / "a\nb.d";
  EXPECT_EQ(input_error(r),
            "--depfile: the path has a newline, carriage return or tab; pick a plain file name");
}

TEST_F(AssemblerInputs, TemporariesAndOrphanBlobsOfDeadRunsAreRemovedAtTheStart) {
  auto r = request();
  auto first = assemble_image(r, statter_, kHost);
  fs::path blobs = dir_ / "out" / "blobs" / "sha256";
  // What a killed run leaves: a half-written blob and a finished one nothing refers to.
  atomic_write_file(blobs / ".blob.tmp-999999-0", "half");
  std::string orphan(64, 'a');
  atomic_write_file(blobs / orphan, "orphan");
  atomic_write_file(dir_ / "out" / ".index.json.tmp-999999-1", "{");
  // An unchanged re-run writes no new index, yet still cleans up.
  std::vector<std::string> progress;
  auto again = assemble_image(r, statter_, kHost,
                              [&](const std::string& line) { progress.push_back(line); });
  EXPECT_FALSE(again.index_json_written);
  EXPECT_FALSE(fs::exists(blobs / ".blob.tmp-999999-0"));
  EXPECT_FALSE(fs::exists(blobs / orphan));
  EXPECT_FALSE(fs::exists(dir_ / "out" / ".index.json.tmp-999999-1"));
  OciLayout layout(dir_ / "out");
  EXPECT_TRUE(layout.has_blob(first.platforms[0].layers[0]));
  EXPECT_TRUE(layout.has_blob(first.index));
  ASSERT_FALSE(progress.empty());
  EXPECT_NE(progress[0].find("removed 3 files no image in"), std::string::npos) << progress[0];
}

TEST_F(AssemblerInputs, WithoutIndexJsonTheCachedLayerIsKeptAndReused) {
  auto r = request();
  auto first = assemble_image(r, statter_, kHost);
  fs::remove(dir_ / "out" / "index.json");  // what the CMake module does before each run
  auto again = assemble_image(r, statter_, kHost);
  EXPECT_EQ(again.layers_built, 0u);
  EXPECT_EQ(again.index.digest, first.index.digest);
}

}  // namespace
}  // namespace multiarch
