// The staged build context: only the requested binaries, checked, plus declared files, with one
// fixed mtime.
#include "buildx/build_context.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "buildx_test_support.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {
namespace fs = std::filesystem;
using test::elf_for;
using test::write_file;

const Platform kAmd64{"linux", "amd64", ""};
const Platform kArm64{"linux", "arm64", ""};
const Platform kArmV7{"linux", "arm", "v7"};

class BuildContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = work_.path();
    write_file(root_ / "bin/linux_amd64/user", elf_for("amd64"));
    write_file(root_ / "bin/linux_arm64/user", elf_for("arm64"));
    write_file(root_ / "bin/linux_arm_v7/user", elf_for("arm"));
    for (const char* slug : {"linux_amd64", "linux_arm64", "linux_arm_v7"})
      fs::permissions(root_ / "bin" / slug / "user", fs::perms::owner_all, fs::perm_options::add);
    // go-build's depfile and stamp are not binaries.
    write_file(root_ / "bin/linux_arm_v7/user.d", "depfile");
    write_file(root_ / "bin/linux_amd64/user.d.stamp", "{}");
    write_file(root_ / "config.yaml", "port: 8080\n");
  }
  ContextRequest request(std::vector<Platform> platforms) {
    ContextRequest r;
    r.binaries_dir = root_ / "bin";
    r.platforms = std::move(platforms);
    r.epoch = 1700000000;
    return r;
  }
  std::string error_of(const ContextRequest& r) {
    try {
      plan_build_context(r);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  }
  WorkDir work_;
  fs::path root_;
};

TEST_F(BuildContextTest, PlansTheSingleBinaryOfEachSlug) {
  auto plan = plan_build_context(request({kAmd64, kArmV7}));
  EXPECT_EQ(plan.binary_name, "user");
  ASSERT_EQ(plan.binaries.size(), 2u);
  EXPECT_EQ(plan.binaries[1], root_ / "bin/linux_arm_v7/user");
}

TEST_F(BuildContextTest, WritesOnlyTheRequestedBinariesAndRootfsWithOneMtime) {
  auto r = request({kAmd64, kArm64});
  r.files = {parse_context_file((root_ / "config.yaml").string() + ":/etc/app//config.yaml:0600")};
  auto plan = plan_build_context(r);
  fs::path context = root_ / "context";
  write_build_context(plan, r.platforms, r.epoch, context);

  std::vector<std::string> entries;
  for (auto it = fs::recursive_directory_iterator(context);
       it != fs::recursive_directory_iterator(); ++it) {
    entries.push_back(fs::relative(it->path(), context).string());
    struct stat st {};
    ASSERT_EQ(::lstat(it->path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mtime, 1700000000) << it->path();
  }
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{"linux_amd64", "linux_amd64/user", "linux_arm64",
                                               "linux_arm64/user", "rootfs", "rootfs/etc",
                                               "rootfs/etc/app", "rootfs/etc/app/config.yaml"}));
  EXPECT_EQ(fs::status(context / "rootfs/etc/app/config.yaml").permissions(), fs::perms(0600));
  EXPECT_EQ(fs::status(context / "linux_arm64/user").permissions(), fs::perms(0755));
}

TEST_F(BuildContextTest, FoldersAreCopiedWithTheirLinks) {
  write_file(root_ / "conf/app.yaml", "a: 1\n");
  write_file(root_ / "conf/sub/b.yaml", "b: 2\n");
  fs::create_symlink("app.yaml", root_ / "conf/current.yaml");
  auto r = request({kAmd64});
  r.files = {parse_context_file((root_ / "conf").string() + ":/etc/app")};
  fs::path context = root_ / "context";
  write_build_context(plan_build_context(r), r.platforms, r.epoch, context);
  EXPECT_EQ(test::read(context / "rootfs/etc/app/sub/b.yaml"), "b: 2\n");
  EXPECT_TRUE(fs::is_symlink(context / "rootfs/etc/app/current.yaml"));
  EXPECT_EQ(fs::read_symlink(context / "rootfs/etc/app/current.yaml"), "app.yaml");
  struct stat st {};
  ASSERT_EQ(::lstat((context / "rootfs/etc/app/current.yaml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1700000000);
}

TEST_F(BuildContextTest, MissingPlatformNamesTheFolderAndTheFix) {
  auto message = error_of(request({kAmd64, Platform{"linux", "s390x", ""}}));
  EXPECT_NE(message.find("no binaries for linux/s390x"), std::string::npos) << message;
  EXPECT_NE(message.find("multiarch go-build --platform linux/s390x"), std::string::npos);
}

TEST_F(BuildContextTest, WrongArchitectureIsRefused) {
  write_file(root_ / "bin/linux_arm64/user", elf_for("amd64"));
  auto message = error_of(request({kArm64}));
  EXPECT_NE(message.find("linux/arm64"), std::string::npos) << message;
}

TEST_F(BuildContextTest, ABinaryNeedingAHigherArmLevelThanTheSlugIsRefused) {
  // A GOARM=7 binary staged under linux_arm_v6/ would die with SIGILL on an ARMv6 board.
  write_file(root_ / "bin/linux_arm_v6/user",
             elf_for("arm") + test::go_build_info_blob("go1.26.8", "build\tGOARM=7\n"));
  fs::permissions(root_ / "bin/linux_arm_v6/user", fs::perms::owner_all, fs::perm_options::add);
  std::string message = error_of(request({Platform{"linux", "arm", "v6"}}));
  EXPECT_NE(message.find("was built with GOARM=7, but linux/arm/v6 guarantees only GOARM=6"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("linux_arm_v6/user"), std::string::npos) << message;
}

TEST_F(BuildContextTest, TheDepfileListsTheBinariesAndEveryFileOfAFolder) {
  write_file(root_ / "conf/app.yaml", "a: 1\n");
  write_file(root_ / "conf/sub/b.yaml", "b: 1\n");
  auto r = request({kAmd64});
  r.files.push_back(parse_context_file((root_ / "conf").string() + ":/etc/app"));
  auto plan = plan_build_context(r);
  auto depfile = context_depfile_request((root_ / "image.d").string(), "image.stamp", {});
  write_context_depfile(depfile, plan);
  std::string text = test::read(root_ / "image.d");
  EXPECT_EQ(text.rfind("image.stamp:", 0), 0u) << text;
  for (const auto& input : {root_ / "bin/linux_amd64/user", root_ / "conf", root_ / "conf/app.yaml",
                            root_ / "conf/sub", root_ / "conf/sub/b.yaml"})
    EXPECT_NE(text.find(input.string()), std::string::npos) << input << " missing:\n" << text;
  EXPECT_THROW(context_depfile_request("a\nb.d", "t", {}), InputError);
}

TEST_F(BuildContextTest, SeveralBinariesNeedAName) {
  write_file(root_ / "bin/linux_amd64/order", elf_for("amd64"));
  fs::permissions(root_ / "bin/linux_amd64/order", fs::perms::owner_all, fs::perm_options::add);
  auto message = error_of(request({kAmd64}));
  EXPECT_NE(message.find("several binaries (order, user); pass --name"), std::string::npos)
      << message;
  auto r = request({kAmd64});
  r.binary_name = "order";
  EXPECT_EQ(plan_build_context(r).binaries[0], root_ / "bin/linux_amd64/order");
  r.binary_name = "payment";
  EXPECT_NE(error_of(r).find("payment is missing for linux/amd64"), std::string::npos);
}

TEST_F(BuildContextTest, DeclaredFilesAreChecked) {
  auto r = request({kAmd64});
  r.files = {ContextFile{root_ / "nope.yaml", "/etc/nope.yaml", std::nullopt}};
  EXPECT_NE(error_of(r).find("not a regular file or folder"), std::string::npos);
  r.files = {ContextFile{root_ / "config.yaml", "/etc/a", std::nullopt},
             ContextFile{root_ / "config.yaml", "/etc/a", std::nullopt}};
  EXPECT_NE(error_of(r).find("/etc/a is given twice"), std::string::npos);
  r.binaries_dir = root_ / "missing";
  EXPECT_NE(error_of(r).find("not a directory"), std::string::npos);
}

TEST(ParseContextFile, SourceMayHoldColonsDestinationIsNormalized) {
  auto file = parse_context_file("C:/x/a.yaml:/etc//app/./a.yaml:644");
  EXPECT_EQ(file.source, "C:/x/a.yaml");
  EXPECT_EQ(file.destination, "/etc/app/a.yaml");
  ASSERT_TRUE(file.mode);
  EXPECT_EQ(*file.mode, fs::perms(0644));
  EXPECT_THROW(parse_context_file("a.yaml"), InputError);
  EXPECT_THROW(parse_context_file("a.yaml:etc/a"), InputError);
  EXPECT_THROW(parse_context_file("a.yaml:/etc/../a"), InputError);
  EXPECT_THROW(parse_context_file("a.yaml:/"), InputError);
  EXPECT_THROW(parse_context_file("a.yaml:/etc/a:rw"), InputError);
}

}  // namespace
}  // namespace multiarch
