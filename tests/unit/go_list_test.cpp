// Parsing `go list -deps -json=...` output: a stream of concatenated JSON objects.
#include "go/go_list.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace multiarch {
namespace {

// Trimmed from real output of `go list -deps -json=...` for the example monorepo.
constexpr const char* kOutput = R"({
	"Dir": "/usr/local/go/src/errors",
	"ImportPath": "errors",
	"Root": "/usr/local/go",
	"Standard": true,
	"GoFiles": [
		"errors.go",
		"wrap.go"
	]
}
{
	"Dir": "/m/internal/service",
	"ImportPath": "example.com/monorepo/internal/service",
	"Root": "/m",
	"Module": {
		"Path": "example.com/monorepo",
		"Main": true,
		"Dir": "/m",
		"GoMod": "/m/go.mod",
		"GoVersion": "1.21"
	},
	"GoFiles": ["platform.go", "service.go", "shutdown_unix.go"],
	"SFiles": ["asm_amd64.s"],
	"EmbedFiles": ["assets/banner.txt"],
	"IgnoredGoFiles": ["shutdown_windows.go"]
}
{
	"Dir": "/libs/strutil",
	"ImportPath": "example.com/strutil",
	"Module": {
		"Path": "example.com/strutil",
		"Version": "v1.0.0",
		"Replace": {"Path": "../libs/strutil", "Dir": "/libs/strutil", "GoMod": "/libs/strutil/go.mod"},
		"Dir": "/libs/strutil",
		"GoMod": "/libs/strutil/go.mod"
	},
	"GoFiles": ["s{}\"tricky\".go"]
}
{
	"Dir": "/root/go/pkg/mod/example.com/dep@v1.2.0",
	"ImportPath": "example.com/dep",
	"Module": {
		"Path": "example.com/dep",
		"Version": "v1.2.0",
		"Replace": {"Path": "example.com/fork", "Version": "v1.2.1"},
		"Dir": "/root/go/pkg/mod/example.com/fork@v1.2.1"
	},
	"GoFiles": ["dep.go"],
	"Error": {"Err": "something went wrong"}
}
)";

TEST(GoList, ParsesEveryPackageOfTheStream) {
  auto packages = parse_go_list_json(kOutput);
  ASSERT_EQ(packages.size(), 4u);

  EXPECT_EQ(packages[0].import_path, "errors");
  EXPECT_TRUE(packages[0].standard);
  EXPECT_EQ(packages[0].root, "/usr/local/go");
  EXPECT_FALSE(packages[0].has_module);

  const auto& service = packages[1];
  EXPECT_EQ(service.dir, "/m/internal/service");
  EXPECT_TRUE(service.has_module);
  EXPECT_TRUE(service.module.main);
  EXPECT_EQ(service.module.go_mod, "/m/go.mod");
  EXPECT_EQ(service.files,
            (std::vector<std::string>{"platform.go", "service.go", "shutdown_unix.go",
                                      "asm_amd64.s", "assets/banner.txt"}));
  EXPECT_EQ(service.ignored_files, std::vector<std::string>{"shutdown_windows.go"});

  EXPECT_TRUE(packages[2].module.local_replace) << "a replacement without a version is a dir";
  EXPECT_FALSE(packages[2].module.main);
  EXPECT_EQ(packages[2].files, std::vector<std::string>{"s{}\"tricky\".go"});

  EXPECT_FALSE(packages[3].module.local_replace) << "a versioned replacement is a module";
  EXPECT_EQ(packages[3].error, "something went wrong");
}

TEST(GoList, EmptyOutputIsNoPackages) {
  EXPECT_TRUE(parse_go_list_json("").empty());
  EXPECT_TRUE(parse_go_list_json("\n  \n").empty());
}

TEST(GoList, MalformedOutputIsARuntimeError) {
  EXPECT_THROW(parse_go_list_json("{\"Dir\": \"/x\""), RuntimeError);
  EXPECT_THROW(parse_go_list_json("go: no such package\n"), RuntimeError);
  EXPECT_THROW(parse_go_list_json("{\"Dir\": \"/x\"}}"), RuntimeError);
  EXPECT_THROW(parse_go_list_json("{\"Dir\": /x}"), RuntimeError);
}

TEST(GoList, RequestsOnlyTheFieldsTheDepfileNeeds) {
  const std::string& fields = go_list_json_fields();
  for (const char* field : {"Dir", "Root", "Module", "GoFiles", "CgoFiles", "CFiles", "HFiles",
                            "SFiles", "SysoFiles", "EmbedFiles", "IgnoredGoFiles"})
    EXPECT_NE(fields.find(field), std::string::npos) << field;
  EXPECT_EQ(fields.find("Deps,"), std::string::npos);
}

}  // namespace
}  // namespace multiarch
