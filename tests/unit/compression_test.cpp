// Deterministic gzip and zstd: same bytes in, same bytes out; round trips; no timestamp in
// the gzip header; the media type names.
#include "oci/compression.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "util/error.hpp"

namespace multiarch {
namespace {

std::string sample(size_t size) {
  std::string text;
  uint32_t state = 12345;
  while (text.size() < size) {
    state = state * 1103515245u + 12345u;
    text += (state >> 16) % 3 == 0 ? "func main() { println(\"hello\") }\n"
                                   : std::string(1, static_cast<char>(state >> 24));
  }
  text.resize(size);
  return text;
}

std::string compress(Compression c, const std::string& input, size_t chunk, unsigned threads = 1) {
  StringSink out;
  auto compressor = make_compressor(c, default_compression_level(c), out, threads);
  for (size_t i = 0; i < input.size(); i += chunk)
    compressor->write(input.data() + i, std::min(chunk, input.size() - i));
  compressor->finish();
  return out.bytes;
}

TEST(Compression, GzipIsDeterministicWithAZeroMtime) {
  std::string input = sample(300000);
  std::string a = compress(Compression::gzip, input, 4096);
  std::string b = compress(Compression::gzip, input, 65536);
  EXPECT_EQ(a, b);
  ASSERT_GT(a.size(), 10u);
  EXPECT_EQ(static_cast<unsigned char>(a[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(a[1]), 0x8b);
  EXPECT_EQ(a.substr(4, 4), std::string(4, '\0'));  // MTIME
  EXPECT_LT(a.size(), input.size());
  StringSink back;
  decompress(Compression::gzip, a, back);
  EXPECT_EQ(back.bytes, input);
}

/// The gzip members of a blob, decompressed one by one (zlib's way: member after member).
std::vector<std::string> gzip_members(std::string_view blob) {
  std::vector<std::string> members;
  while (!blob.empty()) {
    // Each member ends with CRC32 and ISIZE; find the next header by decompressing one.
    StringSink one;
    size_t end = 10;
    for (; end <= blob.size(); ++end) {
      if (end < blob.size() &&
          !(blob[end] == '\x1f' && end + 1 < blob.size() && blob[end + 1] == '\x8b'))
        continue;
      try {
        StringSink attempt;
        decompress(Compression::gzip, blob.substr(0, end), attempt);
        one = attempt;
        break;
      } catch (const RuntimeError&) {
      }
    }
    members.push_back(one.bytes);
    blob.remove_prefix(std::min(end, blob.size()));
  }
  return members;
}

TEST(Compression, GzipIsOneMemberPerMebibyteWhateverTheThreads) {
  std::string input = sample(2 * kGzipMemberSize + 12345);
  std::string one_thread = compress(Compression::gzip, input, 70000, 1);
  std::string four_threads = compress(Compression::gzip, input, 1 << 20, 4);
  EXPECT_EQ(one_thread, four_threads) << "the bytes never depend on the threads";
  auto members = gzip_members(one_thread);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0], input.substr(0, kGzipMemberSize));
  EXPECT_EQ(members[2], input.substr(2 * kGzipMemberSize));
  StringSink back;
  decompress(Compression::gzip, one_thread, back);
  EXPECT_EQ(back.bytes, input);
}

TEST(Compression, EmptyGzipIsOneValidMember) {
  std::string empty = compress(Compression::gzip, "", 1, 2);
  ASSERT_GE(empty.size(), 18u);
  StringSink back;
  decompress(Compression::gzip, empty, back);
  EXPECT_EQ(back.bytes, "");
}

TEST(Compression, ZstdIsDeterministicAndRoundTrips) {
  std::string input = sample(300000);
  std::string a = compress(Compression::zstd, input, 1 << 20);
  std::string b = compress(Compression::zstd, input, 1 << 20);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.substr(0, 4), "\x28\xb5\x2f\xfd");
  StringSink back;
  decompress(Compression::zstd, a, back);
  EXPECT_EQ(back.bytes, input);
}

TEST(Compression, LevelsChangeTheBytes) {
  std::string input = sample(200000);
  StringSink fast, slow;
  auto one = make_compressor(Compression::gzip, 1, fast);
  one->write(input);
  one->finish();
  auto nine = make_compressor(Compression::gzip, 9, slow);
  nine->write(input);
  nine->finish();
  EXPECT_NE(fast.bytes, slow.bytes);
}

TEST(Compression, NoneIsThePlainStream) { EXPECT_EQ(compress(Compression::none, "abc", 1), "abc"); }

TEST(Compression, NamesAndMediaTypes) {
  EXPECT_EQ(parse_compression("gzip"), Compression::gzip);
  EXPECT_EQ(parse_compression("zstd"), Compression::zstd);
  EXPECT_EQ(parse_compression("none"), Compression::none);
  EXPECT_THROW(parse_compression("xz"), InputError);
  EXPECT_EQ(layer_media_type(Compression::gzip), "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(layer_media_type(Compression::zstd), "application/vnd.oci.image.layer.v1.tar+zstd");
  EXPECT_EQ(layer_media_type(Compression::none), "application/vnd.oci.image.layer.v1.tar");
  EXPECT_EQ(compression_of_media_type("application/vnd.docker.image.rootfs.diff.tar.gzip"),
            Compression::gzip);
  EXPECT_EQ(compression_of_media_type("application/vnd.oci.image.layer.v1.tar"), Compression::none);
  EXPECT_EQ(compression_of_media_type("application/vnd.oci.image.config.v1+json"), std::nullopt);
  EXPECT_NO_THROW(check_compression_level(Compression::gzip, 12));
  EXPECT_THROW(check_compression_level(Compression::gzip, 13), InputError);
  EXPECT_THROW(check_compression_level(Compression::zstd, 0), InputError);
  EXPECT_THROW(check_compression_level(Compression::none, 3), InputError);
}

TEST(Compression, CorruptInputIsAnError) {
  StringSink out;
  EXPECT_THROW(decompress(Compression::gzip, "not gzip at all", out), RuntimeError);
  EXPECT_THROW(decompress(Compression::zstd, "not zstd at all", out), RuntimeError);
}

}  // namespace
}  // namespace multiarch
