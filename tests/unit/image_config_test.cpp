// The image config's JSON shape and the merge with a base config.
#include "image/image_config.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace multiarch {
namespace {

const Platform kArmV7{"linux", "arm", "v7"};

TEST(ImageConfig, ExactBytesForAScratchImage) {
  ImageSettings settings;
  settings.entrypoint = {"/app/service"};
  settings.env = {{"TZ", "Asia/Shanghai"}};
  settings.ports = {"8080"};
  settings.labels = {{"b", "2"}, {"a", "1"}};
  settings.epoch = 1700000000;
  std::string json = image_config_json(kArmV7, settings, {{"sha256:aa", "multiarch image: x"}});
  EXPECT_EQ(
      json,
      R"({"created":"2023-11-14T22:13:20Z","architecture":"arm","os":"linux","variant":"v7",)"
      R"("config":{"User":"65532","ExposedPorts":{"8080/tcp":{}},"Env":["PATH=/usr/local/sbin:)"
      R"(/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","TZ=Asia/Shanghai"],"Entrypoint":)"
      R"(["/app/service"],"Labels":{"a":"1","b":"2"}},"rootfs":{"type":"layers","diff_ids":)"
      R"(["sha256:aa"]},"history":[{"created":"2023-11-14T22:13:20Z","created_by":)"
      R"("multiarch image: x","comment":"multiarch"}]})");
  EXPECT_EQ(image_config_json(kArmV7, settings, {{"sha256:aa", "multiarch image: x"}}), json);
}

TEST(ImageConfig, NoVariantKeyWithoutAVariant) {
  auto j = nlohmann::json::parse(image_config_json({"linux", "amd64", ""}, {}, {}));
  EXPECT_FALSE(j.contains("variant"));
  EXPECT_EQ(j["architecture"], "amd64");
  EXPECT_EQ(j["created"], "1970-01-01T00:00:00Z");
  EXPECT_EQ(j["history"][0]["empty_layer"], true);
}

TEST(ImageConfig, MergesABaseConfigUnderOurs) {
  auto base = nlohmann::json::parse(R"({
    "architecture": "arm", "os": "linux", "variant": "v7",
    "config": {"Env": ["PATH=/bin", "LANG=C", "MODE=base"], "WorkingDir": "/srv",
               "User": "1000", "Entrypoint": ["/bin/sh"], "Cmd": ["-c", "true"],
               "ExposedPorts": {"53/udp": {}}, "Labels": {"from": "base", "x": "base"},
               "StopSignal": "SIGINT"},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:base"]},
    "history": [{"created_by": "base layer"}]})");
  ImageSettings settings;
  settings.entrypoint = {"/app/service"};
  settings.env = {{"MODE", "prod"}, {"NEW", "1"}};
  settings.ports = {"8080/tcp"};
  settings.labels = {{"x", "ours"}};
  auto j = nlohmann::json::parse(
      image_config_json(kArmV7, settings, {{"sha256:ours", "multiarch image"}}, base));
  const auto& c = j["config"];
  EXPECT_EQ(c["Env"], nlohmann::json::array({"PATH=/bin", "LANG=C", "MODE=prod", "NEW=1"}));
  EXPECT_EQ(c["WorkingDir"], "/srv");
  EXPECT_EQ(c["User"], "1000");
  EXPECT_EQ(c["Entrypoint"], nlohmann::json::array({"/app/service"}));
  EXPECT_FALSE(c.contains("Cmd")) << "a new entrypoint resets the base's Cmd";
  EXPECT_TRUE(c["ExposedPorts"].contains("53/udp"));
  EXPECT_TRUE(c["ExposedPorts"].contains("8080/tcp"));
  EXPECT_EQ(c["Labels"]["from"], "base");
  EXPECT_EQ(c["Labels"]["x"], "ours");
  EXPECT_EQ(c["StopSignal"], "SIGINT");
  EXPECT_EQ(j["rootfs"]["diff_ids"], nlohmann::json::array({"sha256:base", "sha256:ours"}));
  EXPECT_EQ(j["history"].size(), 2u);
  EXPECT_EQ(j["history"][0]["created_by"], "base layer");

  // Without our entrypoint the base's Entrypoint and Cmd stay; our user/workdir win if set.
  ImageSettings keep;
  keep.user = "0";
  keep.workdir = "/app";
  auto k = nlohmann::json::parse(image_config_json(kArmV7, keep, {}, base));
  EXPECT_EQ(k["config"]["Entrypoint"], nlohmann::json::array({"/bin/sh"}));
  EXPECT_EQ(k["config"]["Cmd"], nlohmann::json::array({"-c", "true"}));
  EXPECT_EQ(k["config"]["User"], "0");
  EXPECT_EQ(k["config"]["WorkingDir"], "/app");
}

TEST(ImageConfig, Ports) {
  EXPECT_EQ(normalize_port("8080"), "8080/tcp");
  EXPECT_EQ(normalize_port("53/udp"), "53/udp");
  EXPECT_EQ(normalize_port("0080/tcp"), "80/tcp");
  EXPECT_THROW(normalize_port("0"), InputError);
  EXPECT_THROW(normalize_port("65536"), InputError);
  EXPECT_THROW(normalize_port("http"), InputError);
  EXPECT_THROW(normalize_port("80/icmp"), InputError);
}

TEST(ImageConfig, Rfc3339) {
  EXPECT_EQ(rfc3339_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339_utc(951782400), "2000-02-29T00:00:00Z");
}

}  // namespace
}  // namespace multiarch
