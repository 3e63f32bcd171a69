// The service-name rule against the vectors the CMake module's test runs too.
#include "util/service_name.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "util/error.hpp"

namespace multiarch {
namespace {

TEST(ServiceName, SharedVectors) {
  std::ifstream in(MULTIARCH_TEST_DATA_DIR "/service_names.txt");
  ASSERT_TRUE(in) << "cannot read " MULTIARCH_TEST_DATA_DIR "/service_names.txt";
  int valid = 0;
  int invalid = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t colon = line.find(':');
    ASSERT_NE(colon, std::string::npos) << "bad vector line: " << line;
    const std::string kind = line.substr(0, colon);
    const std::string name = line.substr(colon + 1);
    ASSERT_TRUE(kind == "valid" || kind == "invalid") << "bad vector line: " << line;
    EXPECT_EQ(is_service_name(name), kind == "valid") << kind << " name \"" << name << "\"";
    (kind == "valid" ? valid : invalid)++;
  }
  // The file is read as a whole: both kinds are there.
  EXPECT_GE(valid, 5);
  EXPECT_GE(invalid, 10);
}

TEST(ServiceName, EmptyIsNotAName) { EXPECT_FALSE(is_service_name("")); }

TEST(ServiceName, CheckNamesTheFlagAndTheRule) {
  EXPECT_NO_THROW(check_service_name("user", "--name"));
  try {
    check_service_name("User", "--name");
    FAIL() << "User was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--name \"User\": a service name is lower-case letters and digits with single "
              "'.', '_' or '-' between them, at most 128 characters (e.g. user, order-api)");
  }
}

}  // namespace
}  // namespace multiarch
