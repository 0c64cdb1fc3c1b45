// monitor.http.listen / monitor.http.token: the address rules and the secret's redaction.
#include <carry/config/listen_address.hpp>
#include <carry/config/loader.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace carry::config;
namespace fs = std::filesystem;

namespace {

struct Dir {
  fs::path path =
      fs::temp_directory_path() / ("carry_http_cfg_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  Dir() { fs::create_directories(path); }
  ~Dir() { fs::remove_all(path); }
  LoadOptions options(const std::string& yaml) const {
    std::ofstream(path / "app.yaml") << yaml;
    LoadOptions o;
    o.config_file = (path / "app.yaml").string();
    o.env_file = (path / ".env").string();
    o.use_process_environment = false;
    return o;
  }
  static inline int counter = 0;
};

std::string error_of(const LoadOptions& o) {
  try {
    load(o);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ListenAddress, ParsesLoopbackAnyAndIpv6) {
  auto a = parse_listen_address("127.0.0.1:9464");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9464);
  EXPECT_TRUE(a->loopback);
  a = parse_listen_address("localhost:0");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 0);
  a = parse_listen_address("[::1]:80");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::1");
  EXPECT_TRUE(a->loopback);
  a = parse_listen_address("0.0.0.0:9464");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->loopback);
}

TEST(ListenAddress, RejectsWithAReason) {
  for (const char* bad : {"9464", "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:9x", "example.com:80", "::1:80", ":80"}) {
    std::string why;
    EXPECT_FALSE(parse_listen_address(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST(HttpConfig, DefaultIsLoopback9464WithoutToken) {
  Dir d;
  const auto c = load(d.options("")).config;
  EXPECT_EQ(c.monitor.http.listen, "127.0.0.1:9464");
  EXPECT_TRUE(c.monitor.http.token.empty());
}

TEST(HttpConfig, EmptyListenTurnsItOff) {
  Dir d;
  EXPECT_EQ(load(d.options("monitor:\n  http:\n    listen: \"\"\n")).config.monitor.http.listen, "");
}

TEST(HttpConfig, NonLoopbackWithoutTokenNamesTheTokenKey) {
  Dir d;
  const auto e = error_of(d.options("monitor:\n  http:\n    listen: 0.0.0.0:9464\n"));
  EXPECT_NE(e.find("monitor.http.token"), std::string::npos) << e;
  EXPECT_NE(e.find("0.0.0.0:9464"), std::string::npos) << e;
  EXPECT_EQ(error_of(d.options("monitor:\n  http:\n    listen: 0.0.0.0:9464\n    token: abc\n")), "");
}

TEST(HttpConfig, BadListenNamesTheKey) {
  Dir d;
  const auto e = error_of(d.options("monitor:\n  http:\n    listen: nohost\n"));
  EXPECT_NE(e.find("monitor.http.listen"), std::string::npos) << e;
}

TEST(HttpConfig, TokenIsASecretInThePrintedConfig) {
  Dir d;
  const auto loaded = load(d.options("monitor:\n  http:\n    listen: 0.0.0.0:1\n    token: TOPSECRET-token-42\n"));
  const std::string text = render(loaded);
  EXPECT_EQ(text.find("TOPSECRET"), std::string::npos) << text;
  EXPECT_NE(text.find("token: \"***\""), std::string::npos) << text;
  const auto files = files_holding_secrets(loaded);
  ASSERT_EQ(files.size(), 1u);
}
