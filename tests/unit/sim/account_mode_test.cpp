// Account kinds: a UTA account is refused the Classic (v2) private API with 40085 and a Classic
// one the UTA (v3) private API with 40084, both before the signature is checked; v3 account
// settings report the kind; the admin API changes it mid-run; the config and flag set it.
#include "sim_config.hpp"
#include "sim_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace carry::sim {
namespace {

using nlohmann::json;
using test_support::SimFixture;

struct UtaFixture : SimFixture {
  void configure(SimConfig& cfg) override {
    cfg.accounts[0].account_mode = "uta";
    cfg.accounts.push_back({"key2", "secret2", "pass2"});  // classic
  }
  bitget::Signer classic{bitget::Credentials{"key2", "secret2", "pass2"}, false};
};

TEST_F(UtaFixture, UtaAccountGets40085OnPrivateV2EvenWithAWrongSignature) {
  auto r = signed_call("GET", "/api/v2/mix/account/accounts", "productType=USDT-FUTURES", "", signer);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r)["code"], "40085");
  bitget::Signer wrong{bitget::Credentials{"key1", "not-the-secret", "pass1"}, false};
  auto w = signed_call("POST", "/api/v2/spot/trade/place-order", "", "{}", wrong);
  EXPECT_EQ(body(w)["code"], "40085");
  EXPECT_EQ(stats()["signature_failures"], 0);
  // ... and before the body is read.
  EXPECT_EQ(body(signed_call("POST", "/api/v2/mix/order/place-order", "", "not json", signer))["code"], "40085");
  // Public v2 is for everyone; the Classic account still trades v2.
  EXPECT_EQ(get("/api/v2/public/time").status, 200);
  auto c = signed_call("GET", "/api/v2/mix/account/accounts", "productType=USDT-FUTURES", "", classic);
  EXPECT_EQ(c.status, 200) << c.body;
}

TEST_F(UtaFixture, ClassicAccountGets40084OnPrivateV3) {
  auto r = signed_call("GET", "/api/v3/account/settings", "", "", classic);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r)["code"], "40084");
  auto unknown = signed_call("GET", "/api/v3/trade/nope", "", "", classic);
  EXPECT_EQ(body(unknown)["code"], "40084");
}

TEST_F(UtaFixture, V3SettingsDescribeTheUtaAccount) {
  auto r = signed_call("GET", "/api/v3/account/settings", "", "", signer);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto d = body(r)["data"];
  EXPECT_EQ(d["accountMode"], "unified");
  EXPECT_EQ(d["holdMode"], "one_way_mode");
  EXPECT_EQ(d["uid"], "key1");
  ASSERT_FALSE(d["symbolConfigList"].empty());
  EXPECT_EQ(d["symbolConfigList"][0]["category"], "USDT-FUTURES");
  EXPECT_EQ(d["symbolConfigList"][0]["marginMode"], "crossed");
  EXPECT_EQ(d["symbolConfigList"][0]["leverage"], "10");
  // Signed like v2: a bad signature on v3 is refused by the signature check.
  bitget::Signer wrong{bitget::Credentials{"key1", "not-the-secret", "pass1"}, false};
  EXPECT_EQ(body(signed_call("GET", "/api/v3/account/settings", "", "", wrong))["code"], "40009");
}

TEST_F(UtaFixture, AdminApiMovesTheAccountToUpgradingAndBack) {
  auto post = [&](const std::string& text) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/sim/accounts";
    r.body = text;
    return sim->handle_http(r);
  };
  auto up = post(R"({"api_key":"key2","account_mode":"upgrading"})");
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(body(up)["key2"]["account_mode"], "upgrading");
  auto s = signed_call("GET", "/api/v3/account/settings", "", "", classic);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(body(s)["data"]["accountMode"], "upgrading");
  EXPECT_EQ(body(signed_call("GET", "/api/v2/spot/account/assets", "", "", classic))["code"], "40085");
  EXPECT_EQ(post(R"({"api_key":"key2","account_mode":"classic"})").status, 200);
  EXPECT_EQ(body(signed_call("GET", "/api/v3/account/settings", "", "", classic))["code"], "40084");

  EXPECT_EQ(post(R"({"api_key":"key2","account_mode":"uta2"})").status, 400);
  EXPECT_EQ(post(R"({"api_key":"nobody","account_mode":"classic"})").status, 400);
  EXPECT_EQ(post("not json").status, 400);
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p.string();
}

TEST(SimConfigAccountMode, YamlPerAccountAndTheFlagForAll) {
  const auto path = write_temp("sim_account_mode.yaml",
                               "sim:\n  accounts:\n"
                               "    - {api_key: a, secret: b, passphrase: c, account_mode: uta}\n"
                               "    - {api_key: d, secret: e, passphrase: f}\n");
  SimConfig cfg;
  load_sim_yaml(cfg, path);
  ASSERT_EQ(cfg.accounts.size(), 2u);
  EXPECT_EQ(cfg.accounts[0].account_mode, "uta");
  EXPECT_EQ(cfg.accounts[1].account_mode, "classic");

  SimConfig all;
  const char* argv[] = {"bitget-sim", "--config", path.c_str(), "--account", "g,h,i", "--account-mode", "uta"};
  ASSERT_TRUE(parse_cli(all, 7, argv));
  ASSERT_EQ(all.accounts.size(), 3u);
  for (const auto& a : all.accounts) EXPECT_EQ(a.account_mode, "uta") << a.api_key;

  const auto bad =
      write_temp("sim_account_mode_bad.yaml",
                 "sim:\n  accounts:\n    - {api_key: a, secret: b, passphrase: c, account_mode: unified}\n");
  SimConfig b;
  try {
    load_sim_yaml(b, bad);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sim.accounts[].account_mode: expected classic or uta"), std::string::npos)
        << e.what();
  }
  SimConfig f;
  const char* flag[] = {"bitget-sim", "--account-mode", "hybrid"};
  EXPECT_THROW(parse_cli(f, 3, flag), ConfigError);
}

}  // namespace
}  // namespace carry::sim
