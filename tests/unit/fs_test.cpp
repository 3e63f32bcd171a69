// Atomic writes, whole-file reads and the SHA-256 / SHA-1 helpers.
#include "util/fs.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/mapped_file.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

class FsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("multiarch-fs-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(FsTest, AtomicWriteCreatesParentsAndLeavesNoTemporaryFiles) {
  auto path = dir_ / "a" / "b" / "file.txt";
  atomic_write_file(path, "hello");
  EXPECT_EQ(read_file(path), "hello");
  atomic_write_file(path, "replaced");
  EXPECT_EQ(read_file(path), "replaced");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(path.parent_path())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(FsTest, FailedRenameKeepsThePreviousOutputAndCleansUp) {
  // A directory in the way makes the final rename fail, even for root.
  auto target = dir_ / "target";
  fs::create_directories(target);
  atomic_write_file(target / "kept", "good");
  EXPECT_THROW(atomic_write_file(target, "bad"), RuntimeError);
  EXPECT_EQ(read_file(target / "kept"), "good");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1) << "the temporary file must be removed";
}

TEST_F(FsTest, WriteIntoAFileInsteadOfADirectoryFailsNamingThePath) {
  atomic_write_file(dir_ / "plain", "x");
  try {
    atomic_write_file(dir_ / "plain" / "child", "y");
    FAIL();
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("plain"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(dir_ / "plain"), "x");
}

TEST_F(FsTest, ModeIsApplied) {
  auto path = dir_ / "exe";
  atomic_write_file(path, "#!", fs::perms::owner_all | fs::perms::group_read);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0740u);
}

TEST_F(FsTest, ReadFileReadsWholeFilesOfAnySize) {
  // Sized from fstat: empty, exactly one page, and more than one read(2) can return.
  for (size_t size : {size_t{0}, size_t{4096}, size_t{3} << 20}) {
    std::string content(size, '\0');
    for (size_t i = 0; i < size; ++i) content[i] = static_cast<char>(i * 7 % 251);
    atomic_write_file(dir_ / "data", content);
    EXPECT_EQ(read_file(dir_ / "data"), content) << size << " bytes";
    MappedFile mapped(dir_ / "data");
    EXPECT_EQ(mapped.bytes(), content) << size << " bytes, mapped";
  }
}

TEST_F(FsTest, ReadFileAndMappedFileNameTheBadPath) {
  for (const fs::path& path : {dir_ / "missing", dir_}) {
    try {
      read_file(path);
      ADD_FAILURE() << path << " was read";
    } catch (const RuntimeError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
    try {
      MappedFile mapped(path);
      ADD_FAILURE() << path << " was mapped";
    } catch (const RuntimeError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
  }
}

TEST(Sha256, KnownVectorsAndStreamingAgree) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 streamed;
  streamed.update("a");
  streamed.update("bc");
  EXPECT_EQ(streamed.hex_digest(), sha256_hex("abc"));
}

TEST_F(FsTest, FileDigestMatchesInMemoryDigest) {
  std::string content(300000, 'q');
  atomic_write_file(dir_ / "big", content);
  EXPECT_EQ(sha256_file_hex(dir_ / "big"), sha256_hex(content));
  EXPECT_THROW(sha256_file_hex(dir_ / "missing"), RuntimeError);
  FileDigests both = file_digests(dir_ / "big");
  EXPECT_EQ(both.size, content.size());
  EXPECT_EQ(both.sha256_hex, sha256_hex(content));
  EXPECT_EQ(both.sha1_hex, sha1_hex(content));
  EXPECT_THROW(file_digests(dir_ / "missing"), RuntimeError);
}

TEST(Sha1, KnownVectorsAndHex) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  EXPECT_EQ(hex_string(bytes, sizeof bytes), "000fa5ff");
}

}  // namespace
}  // namespace multiarch
