// The tar writer's bytes, field by field: what makes layers reproducible.
#include "oci/tar_writer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "oci/tar_reader.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

std::string field(const std::string& block, size_t offset, size_t size) {
  std::string value = block.substr(offset, size);
  return value.substr(0, value.find('\0'));
}

bool checksum_ok(const std::string& block) {
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
  return std::stoul(field(block, 148, 7), nullptr, 8) == sum;
}

std::string archive(const std::vector<std::pair<TarEntry, std::string>>& entries, int64_t mtime) {
  StringSink out;
  TarWriter tar(out, mtime);
  for (const auto& [entry, data] : entries) {
    tar.begin_entry(entry);
    tar.write_data(data.data(), data.size());
    tar.end_entry();
  }
  tar.finish();
  EXPECT_EQ(tar.bytes_written(), out.bytes.size());
  return out.bytes;
}

TEST(TarWriter, FileHeaderFieldsAreFixed) {
  std::string bytes =
      archive({{TarEntry{"app/service", TarEntry::Type::file, 0755, 5, {}}, "hello"}}, 1700000000);
  ASSERT_EQ(bytes.size(), 512u + 512u + 1024u);
  std::string header = bytes.substr(0, 512);
  EXPECT_EQ(field(header, 0, 100), "app/service");
  EXPECT_EQ(field(header, 100, 8), "0000755");
  EXPECT_EQ(field(header, 108, 8), "0000000");  // uid
  EXPECT_EQ(field(header, 116, 8), "0000000");  // gid
  EXPECT_EQ(field(header, 124, 12), "00000000005");
  EXPECT_EQ(field(header, 136, 12), "14524770400");  // 1700000000 in octal
  EXPECT_EQ(header[156], '0');
  EXPECT_EQ(std::string(header.data() + 257, 6), std::string("ustar\0", 6));
  EXPECT_EQ(header.substr(263, 2), "00");
  EXPECT_EQ(field(header, 265, 32), "");  // no user name
  EXPECT_EQ(field(header, 297, 32), "");  // no group name
  EXPECT_TRUE(checksum_ok(header));
  EXPECT_EQ(bytes.substr(512, 5), "hello");
  EXPECT_EQ(bytes.substr(517), std::string(512 - 5 + 1024, '\0'));
}

TEST(TarWriter, DirectoriesAndSymlinks) {
  std::string bytes = archive({{TarEntry{"etc/ssl", TarEntry::Type::directory, 0755, 0, {}}, ""},
                               {TarEntry{"etc/link", TarEntry::Type::symlink, 0777, 0, "ssl"}, ""}},
                              0);
  ASSERT_EQ(bytes.size(), 512u * 2 + 1024u);
  EXPECT_EQ(field(bytes, 0, 100), "etc/ssl/");
  EXPECT_EQ(bytes[156], '5');
  EXPECT_EQ(field(bytes, 124, 12), "00000000000");
  EXPECT_EQ(field(bytes, 512, 100), "etc/link");
  EXPECT_EQ(bytes[512 + 156], '2');
  EXPECT_EQ(field(bytes, 512 + 157, 100), "ssl");
  EXPECT_TRUE(checksum_ok(bytes.substr(512, 512)));
}

TEST(TarWriter, LongPathUsesTheUstarPrefix) {
  std::string dir(120, 'd');
  std::string path = dir + "/file";
  std::string bytes = archive({{TarEntry{path, TarEntry::Type::file, 0644, 1, {}}, "x"}}, 0);
  EXPECT_EQ(field(bytes, 0, 100), "file");
  EXPECT_EQ(field(bytes, 345, 155), dir);
  EXPECT_EQ(bytes[156], '0');
}

TEST(TarWriter, PathTooLongForUstarGetsAPaxRecord) {
  std::string name(150, 'n');  // a single component longer than the name field
  std::string bytes =
      archive({{TarEntry{"a/" + name, TarEntry::Type::file, 0644, 2, {}}, "ab"}}, 0);
  EXPECT_EQ(bytes[156], 'x');
  EXPECT_EQ(field(bytes, 0, 100), "PaxHeaders/" + name.substr(0, 89));
  std::string record = "a/" + name;
  std::string expected = std::to_string(record.size() + 10) + " path=" + record + "\n";
  EXPECT_EQ(field(bytes, 512, 512), expected);
  EXPECT_EQ(bytes[1024 + 156], '0');
  EXPECT_EQ(bytes.substr(1536, 2), "ab");
}

// The reader takes the pax record back; a malformed length is an error, not std::stoul's
// invalid_argument escaping (found by fuzz_tar_reader).
TEST(TarReader, PaxPathRoundTripsAndAMalformedRecordIsAnError) {
  std::string name(150, 'n');
  std::string bytes =
      archive({{TarEntry{"a/" + name, TarEntry::Type::file, 0644, 2, {}}, "ab"}}, 0);
  auto files = read_tar_files(bytes);
  ASSERT_EQ(files.count("a/" + name), 1u);
  EXPECT_EQ(files.at("a/" + name), "ab");
  for (std::string length : {"x6", "99", "1"}) {
    std::string bad = bytes;
    bad.replace(512, 3, length + std::string(3 - length.size(), ' '));
    EXPECT_THROW(read_tar_files(bad), RuntimeError) << length;
  }
}

TEST(TarWriter, SameEntriesGiveTheSameBytesAndMtimeChangesThem) {
  auto make = [](int64_t mtime) {
    return archive({{TarEntry{"a", TarEntry::Type::file, 0644, 3, {}}, "abc"}}, mtime);
  };
  EXPECT_EQ(make(5), make(5));
  EXPECT_NE(make(5), make(6));
}

TEST(TarWriter, RefusesDataThatDoesNotMatchTheAnnouncedSize) {
  StringSink out;
  TarWriter tar(out, 0);
  tar.begin_entry(TarEntry{"a", TarEntry::Type::file, 0644, 3, {}});
  tar.write_data("ab", 2);
  EXPECT_THROW(tar.end_entry(), RuntimeError);
  TarWriter grown(out, 0);
  grown.begin_entry(TarEntry{"b", TarEntry::Type::file, 0644, 1, {}});
  EXPECT_THROW(grown.write_data("xy", 2), RuntimeError);
}

}  // namespace
}  // namespace multiarch
