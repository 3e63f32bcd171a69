// `multiarch init` on module trees in the conventional shapes, then the generated project
// configured and built by real CMake, Ninja and go with no edit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "go_build_support.hpp"
#include "harness.hpp"

namespace multiarch::test {
namespace {
namespace fs = std::filesystem;

// A kratos-style main: reads every file of -conf DIR at start, fails without it.
std::string kratos_main(const std::string& name) {
  return "package main\n\nimport (\n\t\"flag\"\n\t\"fmt\"\n\t\"os\"\n)\n\n"
         "var flagconf string\n\n"
         "func init() {\n\tflag.StringVar(&flagconf, \"conf\", \"../../configs\", \"config path, "
         "eg: -conf config.yaml\")\n}\n\n"
         "func main() {\n\tflag.Parse()\n\tdata, err := os.ReadFile(flagconf + \"/config.yaml\")\n"
         "\tif err != nil {\n\t\tpanic(err)\n\t}\n\tfmt.Printf(\"" +
         name + " config: %s\", data)\n}\n";
}

void write_module(const fs::path& dir, const std::string& module) {
  write_text(dir / "go.mod", "module " + module + "\n\ngo 1.21\n");
  write_text(dir / "internal/biz/biz.go", "package biz\n\nfunc Name() string { return \"biz\" }\n");
}

const std::vector<std::string> kBeerShop = {"admin",   "cart",   "catalog", "comment", "order",
                                            "payment", "review", "shop",    "user"};

TEST(Init, BeerShopNineServicesConfigureAndBuildWithNoEdit) {
  MULTIARCH_REQUIRE_TOOL("cmake", "apt-get install cmake", "MULTIARCH_SKIP_BUILD_TOOLS");
  MULTIARCH_REQUIRE_TOOL("ninja", "apt-get install ninja-build", "MULTIARCH_SKIP_BUILD_TOOLS");
  TempDir dir;
  fs::path module = dir / "beer-shop";
  write_module(module, "github.com/go-kratos/beer-shop");
  for (const auto& s : kBeerShop) {
    write_text(module / "app" / s / "service/cmd/server/main.go", kratos_main(s));
    write_text(module / "app" / s / "service/configs/config.yaml", "name: " + s + "\n");
    write_text(module / "app" / s / "service/internal/data/data.go", "package data\n");
  }
  std::map<std::string, std::string> env = {{"PATH", path_with_go()}};

  auto init =
      run_multiarch({"init", "--module-dir", module.string(), "--write", "--makefile"}, {}, env);
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  std::cout << init.out;
  for (const auto& s : kBeerShop)
    EXPECT_NE(init.out.find(s + std::string(21 - s.size(), ' ') + "./app/" + s +
                            "/service/cmd/server  FILES app/" + s + "/service/configs:/data/conf"),
              std::string::npos)
        << init.out;
  std::string cmake_lists = read_text(module / "CMakeLists.txt");
  EXPECT_NE(cmake_lists.find("add_multiarch_image(SERVICE user\n  PACKAGE "
                             "./app/user/service/cmd/server\n  ${IMAGE_SETTINGS}\n  FILES "
                             "app/user/service/configs:/data/conf\n  ENTRYPOINT /app/service "
                             "-conf /data/conf)"),
            std::string::npos)
      << cmake_lists;
  EXPECT_TRUE(fs::exists(module / "CMakePresets.json"));
  EXPECT_NE(read_text(module / "Makefile").find("PACKAGE.user := ./app/user/service/cmd/server"),
            std::string::npos);

  // Never over an existing file without --force; nothing is rewritten.
  write_text(module / "CMakePresets.json", read_text(module / "CMakePresets.json"));
  auto again = run_multiarch({"init", "--module-dir", module.string(), "--write"}, {}, env);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("CMakeLists.txt exists; keep it, or overwrite it with --force"),
            std::string::npos)
      << again.err;
  auto forced =
      run_multiarch({"init", "--module-dir", module.string(), "--write", "--force"}, {}, env);
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(read_text(module / "CMakeLists.txt"), cmake_lists);

  // The generated project, no edit: one platform keeps the build small.
  fs::path multiarch_dir = multiarch_binary().parent_path();
  auto configure = run({"cmake", "--preset", "default", "-DMultiArch_DIR=" + multiarch_dir.string(),
                        "-DMULTIARCH_PLATFORMS=linux/amd64"},
                       module.string(), env);
  ASSERT_EQ(configure.exit_code, 0) << configure.out << configure.err;
  auto build = run({"cmake", "--build", "--preset", "default"}, module.string(), env);
  ASSERT_EQ(build.exit_code, 0) << build.out << build.err;
  int images = 0;
  for (const auto& s : kBeerShop) {
    fs::path layout = module / "build/default/multiarch" / s / "oci";
    auto index = nlohmann::json::parse(read_text(layout / "index.json"), nullptr, false);
    ASSERT_FALSE(index.is_discarded()) << layout;
    ASSERT_EQ(index["manifests"].size(), 1u) << s;
    // The image index names one linux/amd64 manifest whose config runs the binary with the
    // config folder the image carries.
    std::string index_digest = index["manifests"][0]["digest"].get<std::string>().substr(7);
    auto image_index = nlohmann::json::parse(read_text(layout / "blobs/sha256" / index_digest));
    auto manifest_ref =
        image_index.contains("manifests") ? image_index["manifests"][0] : index["manifests"][0];
    EXPECT_EQ(manifest_ref["platform"]["architecture"], "amd64") << image_index.dump();
    auto manifest = nlohmann::json::parse(
        read_text(layout / "blobs/sha256" / manifest_ref["digest"].get<std::string>().substr(7)));
    auto config = nlohmann::json::parse(read_text(
        layout / "blobs/sha256" / manifest["config"]["digest"].get<std::string>().substr(7)));
    EXPECT_EQ(config["config"]["Entrypoint"],
              (nlohmann::json{"/app/service", "-conf", "/data/conf"}))
        << config.dump();
    // IMAGE_SETTINGS: what the Makefile's image of the service carries too.
    EXPECT_TRUE(config["config"]["ExposedPorts"].contains("8080/tcp")) << config.dump();
    EXPECT_NE(config["config"]["Env"].dump().find("\"TZ=Asia/Shanghai\""), std::string::npos)
        << config.dump();
    // The binary it runs answers with its config when given the folder init found.
    // Binaries live in their go-build group's folder: multiarch/go/<group>/bin/<slug>/<name>.
    fs::path binary;
    for (const auto& group : fs::directory_iterator(module / "build/default/multiarch/go"))
      if (fs::exists(group.path() / "bin/linux_amd64" / s))
        binary = group.path() / "bin/linux_amd64" / s;
    ASSERT_FALSE(binary.empty()) << "no linux/amd64 binary of " << s;
    auto answer =
        run({binary.string(), "-conf", (module / "app" / s / "service/configs").string()});
    EXPECT_EQ(answer.out, s + " config: name: " + s + "\n") << answer.err;
    ++images;
  }
  EXPECT_EQ(images, 9);

  // Issue 16's trial: TEST added to a generated call gave no CTest test, silently (no
  // enable_testing()). Listing needs no sandbox: the tests are not run here.
  EXPECT_NE(cmake_lists.find("enable_testing()\n"), std::string::npos) << cmake_lists;
  std::string with_test = cmake_lists;
  std::string user_call = "ENTRYPOINT /app/service -conf /data/conf)";
  size_t user = with_test.find("add_multiarch_image(SERVICE user\n");
  ASSERT_NE(user, std::string::npos);
  with_test.replace(with_test.find(user_call, user), user_call.size(),
                    "ENTRYPOINT /app/service -conf /data/conf\n  TEST)");
  write_text(module / "CMakeLists.txt", with_test);
  auto reconfigure = run({"cmake", "--preset", "default", "-DMULTIARCH_PLATFORMS=linux/amd64"},
                         module.string(), env);
  ASSERT_EQ(reconfigure.exit_code, 0) << reconfigure.out << reconfigure.err;
  EXPECT_EQ((reconfigure.out + reconfigure.err).find("CMake Warning"), std::string::npos)
      << reconfigure.out << reconfigure.err;
  // Through the generated test preset, as docs/test.md says to run them.
  auto listed =
      run({"ctest", "--preset", "default", "-N", "-L", "multiarch"}, module.string(), env);
  ASSERT_EQ(listed.exit_code, 0) << listed.out << listed.err;
  EXPECT_NE(listed.out.find("multiarch.user.linux_amd64"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("Total Tests: 1\n"), std::string::npos) << listed.out;

  // The trial's registry loss: a -D registry survives a later `cmake --preset default`
  // without MULTIARCH_REGISTRY in the environment; the environment is the fallback only.
  auto push_command = [&] {
    auto commands =
        run({"ninja", "-C", (module / "build/default").string(), "-t", "commands", "push-user"});
    EXPECT_EQ(commands.exit_code, 0) << commands.err;
    return commands.out;
  };
  auto env_without = env;
  env_without.erase("MULTIARCH_REGISTRY");
  ASSERT_EQ(run({"cmake", "--preset", "default", "-DMULTIARCH_REGISTRY=127.0.0.1:5999/team"},
                module.string(), env_without)
                .exit_code,
            0);
  ASSERT_EQ(run({"cmake", "--preset", "default"}, module.string(), env_without).exit_code, 0);
  EXPECT_NE(push_command().find("127.0.0.1:5999/team/user:"), std::string::npos) << push_command();
  auto env_with = env_without;
  env_with["MULTIARCH_REGISTRY"] = "127.0.0.1:5998/ci";
  ASSERT_EQ(run({"cmake", "--preset", "default"}, module.string(), env_with).exit_code, 0);
  EXPECT_NE(push_command().find("127.0.0.1:5999/team/user:"), std::string::npos)
      << "the environment never overrides a -D value";
  ASSERT_EQ(
      run({"cmake", "--preset", "default", "-DMULTIARCH_REGISTRY="}, module.string(), env_with)
          .exit_code,
      0);
  EXPECT_NE(push_command().find("127.0.0.1:5998/ci/user:"), std::string::npos) << push_command();
}

TEST(Init, KratosLayoutAndApplicationLayoutNames) {
  TempDir dir;
  std::map<std::string, std::string> env = {{"PATH", path_with_go()}};
  fs::path kratos = dir / "kratos-layout";
  write_module(kratos, "github.com/go-kratos/kratos-layout");
  write_text(kratos / "cmd/server/main.go", kratos_main("server"));
  write_text(kratos / "configs/config.yaml", "name: server\n");
  auto k = run_multiarch({"init", "--module-dir", kratos.string(), "--json"}, {}, env);
  ASSERT_EQ(k.exit_code, 0) << k.err;
  auto kj = nlohmann::json::parse(k.out);
  ASSERT_EQ(kj["services"].size(), 1u) << k.out;
  EXPECT_EQ(kj["services"][0]["name"], "server");
  EXPECT_EQ(kj["services"][0]["package"], "./cmd/server");
  EXPECT_EQ(kj["services"][0]["config_dir"], "configs");
  EXPECT_TRUE(kj["services"][0]["reads_conf"]);
  EXPECT_FALSE(fs::exists(kratos / "CMakeLists.txt"));  // printed, not written

  fs::path mono = dir / "monorepo";
  write_module(mono, "example.com/monorepo");
  write_text(mono / "application/user/cmd/user/main.go", "package main\n\nfunc main() {}\n");
  write_text(mono / "application/order/cmd/order/main.go", "package main\n\nfunc main() {}\n");
  write_text(mono / "cmd/user/main.go", "package main\n\nfunc main() {}\n");
  write_text(mono / "cmd/native/main.go",
             "package main\n\n// int one() { return 1; }\nimport \"C\"\n\nfunc main() { _ = "
             "C.one() }\n");
  auto m = run_multiarch({"init", "--module-dir", mono.string()}, {}, env);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(
      m.out.find("add_multiarch_image(SERVICE order\n  PACKAGE ./application/order/cmd/order\n"
                 "  ${IMAGE_SETTINGS})"),
      std::string::npos)
      << m.out;
  // application/user and cmd/user collide: the nearest folder that differs tells them apart.
  EXPECT_NE(m.out.find("add_multiarch_image(SERVICE application-user\n  PACKAGE "
                       "./application/user/cmd/user\n  ${IMAGE_SETTINGS})"),
            std::string::npos)
      << m.out;
  EXPECT_NE(
      m.out.find("add_multiarch_image(SERVICE user\n  PACKAGE ./cmd/user\n  ${IMAGE_SETTINGS})"),
      std::string::npos);
  EXPECT_NE(m.out.find("add_multiarch_image(SERVICE native\n  PACKAGE ./cmd/native\n  "
                       "${IMAGE_SETTINGS}\n  CGO)"),
            std::string::npos)
      << m.out;

  auto no_module = run_multiarch({"init", "--module-dir", (dir / "nowhere").string()}, {}, env);
  EXPECT_EQ(no_module.exit_code, 2);
  EXPECT_NE(no_module.err.find("no go.mod"), std::string::npos) << no_module.err;
}

// Issue 16's trial, on the files init writes: `make help` printed `$(SERVICE)` unexpanded, the
// Makefile's image had settings the CMake image lacked, and no .gitignore was written.
TEST(Init, MakefileHelpImageSettingsAndGitignore) {
  MULTIARCH_REQUIRE_TOOL("make", "apt-get install make", "MULTIARCH_SKIP_BUILD_TOOLS");
  TempDir dir;
  std::map<std::string, std::string> env = {{"PATH", path_with_go()}};
  fs::path module = dir / "shop";
  write_module(module, "example.com/shop");
  write_text(module / "app/user/service/cmd/server/main.go", kratos_main("user"));
  write_text(module / "app/user/service/configs/config.yaml", "name: user\n");
  write_text(module / "app/web/service/cmd/server/main.go", "package main\n\nfunc main() {}\n");
  write_text(module / ".gitignore", "*.log\n");
  auto init =
      run_multiarch({"init", "--module-dir", module.string(), "--write", "--makefile"}, {}, env);
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  EXPECT_NE(init.out.find("appended /build/ to " + (module / ".gitignore").string()),
            std::string::npos)
      << init.out;
  EXPECT_EQ(read_text(module / ".gitignore"),
            "*.log\n# added by multiarch init: its build folders\n/build/\n");

  // help: every value expanded; the required ones not set say so.
  auto help = run({"make", "-s", "help"}, module.string(), env);
  ASSERT_EQ(help.exit_code, 0) << help.err;
  std::cout << help.out;
  EXPECT_EQ(help.out.find("$("), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("make docker-deployx SERVICE=user would cross-compile "
                          "./app/user/service/cmd/server\n  for linux/arm64,linux/amd64 and push "
                          "<REGISTER>/<REPOSITORY>/user:"),
            std::string::npos)
      << help.out;
  EXPECT_NE(help.out.find("  ARGS=-conf /data/conf\n"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("multiarch-staging-<platform>-VERSION"), std::string::npos);
  auto set = run({"make", "-s", "help", "REGISTER=r.example:5000", "REPOSITORY=team", "VERSION=v1",
                  "ARGS=-conf 'it''s'"},
                 module.string(), env);
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_NE(set.out.find("push r.example:5000/team/user:v1\n"), std::string::npos) << set.out;
  EXPECT_NE(set.out.find("  ARGS=-conf 'it''s'\n"), std::string::npos) << set.out;
  // Issue 16's trial: the header's usage lines named the first service, not the one given.
  auto web = run({"make", "-s", "help", "SERVICE=web"}, module.string(), env);
  ASSERT_EQ(web.exit_code, 0) << web.err;
  EXPECT_NE(web.out.find("  make docker-deployx SERVICE=web REGISTER=HOST[:PORT]"),
            std::string::npos)
      << web.out;
  EXPECT_NE(web.out.find("  make help SERVICE=web "), std::string::npos) << web.out;
  EXPECT_EQ(web.out.find("SERVICE=user"), std::string::npos) << web.out;
  EXPECT_NE(web.out.find("  TEST        1 runs every platform's image"), std::string::npos);
  EXPECT_NE(web.out.find(" TEST=0\n"), std::string::npos) << web.out;

  // The Makefile's image: the CMake image's settings (IMAGE_SETTINGS), its ARGS in the
  // entrypoint as CMake's ENTRYPOINT has them.
  EXPECT_NE(read_text(module / "CMakeLists.txt")
                .find("set(IMAGE_SETTINGS CA_CERTS TZ Asia/Shanghai PORTS 8080)"),
            std::string::npos);
  auto dry = run(
      {"make", "-n", "docker-deployx", "REGISTER=r.example:5000", "REPOSITORY=team", "VERSION=v1"},
      module.string(), env);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("--generate --ca-certs --tz Asia/Shanghai --port 8080 "
                         "'--entrypoint=/app/service -conf /data/conf'"),
            std::string::npos)
      << dry.out;
  EXPECT_EQ(dry.out.find(" image test "), std::string::npos) << dry.out;
  // TEST=1 (docs/test.md's promise, issue 16's trial: the generated Makefile had no TEST):
  // the same image assembled from the same binaries, tested, then buildx.
  auto dry_test = run({"make", "-n", "docker-deployx", "REGISTER=r.example:5000", "REPOSITORY=team",
                       "VERSION=v1", "TEST=1"},
                      module.string(), env);
  ASSERT_EQ(dry_test.exit_code, 0) << dry_test.err;
  std::string layout = (module / "build/docker-deployx/user.test-oci").string();
  size_t assemble = dry_test.out.find(
      " image assemble --binaries-dir " + (module / "build/docker-deployx/user").string() +
      " --module-dir " + module.string() +
      " --name user --platform linux/arm64,linux/amd64 --output " + layout +
      " --ca-certs --tz Asia/Shanghai --port 8080 --file app/user/service/configs:/data/conf "
      "'--entrypoint=/app/service -conf /data/conf'");
  size_t test =
      dry_test.out.find(" image test --layout " + layout + " --http-get /healthz --port 8080\n");
  size_t buildx = dry_test.out.find(" buildx ");
  EXPECT_NE(assemble, std::string::npos) << dry_test.out;
  EXPECT_NE(test, std::string::npos) << dry_test.out;
  EXPECT_TRUE(assemble < test && test < buildx) << dry_test.out;

  // Again, forced: the .gitignore ignores build/ now and is kept as it is.
  auto again = run_multiarch(
      {"init", "--module-dir", module.string(), "--write", "--makefile", "--force"}, {}, env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("kept " + (module / ".gitignore").string()), std::string::npos)
      << again.out;
  EXPECT_EQ(read_text(module / ".gitignore"),
            "*.log\n# added by multiarch init: its build folders\n/build/\n");
}

// TEST=1 for real: the generated Makefile runs every platform's image on its minimum CPU
// before buildx, and a failing platform stops make before anything is pushed.
TEST(Init, MakefileTestOneStopsBeforeThePushWhenAPlatformFails) {
  MULTIARCH_REQUIRE_TOOL("make", "apt-get install make", "MULTIARCH_SKIP_BUILD_TOOLS");
  if (!require_sandbox()) return;
  MULTIARCH_REQUIRE_TOOL("qemu-aarch64-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  TempDir dir;
  std::map<std::string, std::string> env = {{"PATH", path_with_go()}};
  fs::path module = dir / "shop";
  write_module(module, "example.com/shop");
  write_text(module / "cmd/hello/main.go",
             "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\n"
             "func main() { fmt.Printf(\"platform=%s/%s\\n\", runtime.GOOS, runtime.GOARCH) }\n");
  auto init =
      run_multiarch({"init", "--module-dir", module.string(), "--write", "--makefile"}, {}, env);
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  auto deployx = [&](const std::string& test_flags) {
    return run({"make", "docker-deployx", "SERVICE=hello", "VERSION=mk1", "REGISTER=127.0.0.1:9",
                "REPOSITORY=multiarch-test", "TEST=1", "TEST_FLAGS=" + test_flags,
                "MULTIARCH=" + multiarch_binary().string()},
               module.string(), env);
  };
  auto failed = deployx("--expect-output never-printed");
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.out.find("0 of 2 platforms passed"), std::string::npos)
      << failed.out << failed.err;
  EXPECT_EQ(failed.out.find(" buildx "), std::string::npos) << "buildx ran:\n" << failed.out;
  // Passing, make goes on to buildx (whose push to a closed port fails: not tested here).
  auto passed = deployx("--expect-output platform=linux/");
  EXPECT_NE(passed.out.find("2 of 2 platforms passed"), std::string::npos)
      << passed.out << passed.err;
  EXPECT_NE(passed.out.find(" buildx "), std::string::npos) << passed.out;
}

}  // namespace
}  // namespace multiarch::test
