// carryd sets the futures account up as configured before it trades (issue 13), against a real
// bitget-sim process on loopback: the sim's account starts in other settings (hedge mode,
// isolated margin, leverage 10) and reads back as configured once carryd has started; an account
// that cannot be switched (a position or an order is open: 40920) stops carryd with exit 1 and
// account.setup_failed naming the field, and nothing is traded.
#include <carry_test/paths.hpp>
#include <carry_test/sim_fixture.hpp>

#include <carry/bitget/signer.hpp>
#include <carry_test/process.hpp>

#include <gtest/gtest.h>

#include <csignal>

namespace {

using carry::test::http_call;
using carry::test::SimProcess;
using carry_test::Process;
using carry_test::TempDir;
using carry_test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

struct SimAccount {
  std::string position_mode = "one_way_mode";
  std::string margin_mode = "crossed";
  std::string account_mode = "classic";  // or "uta": the settings are then read and set over v3
};

class AccountSetup : public ::testing::Test {
 protected:
  TempDir dir{"account_setup"};
  std::unique_ptr<SimProcess> sim;
  carry::bitget::Signer signer{carry::bitget::Credentials{"k1", "s1", "p1"}, false};

  // A synthetic market, funding 0 (the strategy never opens), leverage 10 on every symbol.
  void start_sim(const SimAccount& a) {
    const auto cfg = dir.write(
        "sim.yaml",
        "sim:\n  listen: 127.0.0.1:0\n  synthetic: true\n  seed: 5\n  tick_ms: 50\n"
        "  funding:\n    interval_s: 600\n    rate: \"0\"\n"
        "  balances:\n    futures_usdt: \"100000\"\n    spot: {USDT: \"100000\", BTC: \"0\", ETH: \"0\"}\n"
        "  default_leverage: 10\n  position_mode: " +
            a.position_mode + "\n  margin_mode: " + a.margin_mode +
            "\n  accounts:\n    - {api_key: k1, secret: s1, passphrase: p1, account_mode: " + a.account_mode + "}\n");
    uta = a.account_mode == "uta";
    sim = std::make_unique<SimProcess>(carry_test::sim_exe(), std::vector<std::string>{"--config", cfg});
    ASSERT_TRUE(sim->is_ready()) << sim->ready().dump();
  }

  std::unique_ptr<Process> carryd() const {
    const std::string host = "127.0.0.1:" + std::to_string(sim->port());
    const auto cfg = dir.write(
        "carryd.yaml", "exchange:\n  environment: testnet\n  demo_trading: false\n  rest_url: http://" + host +
                           "\n  ws_public_url: ws://" + host + "/v2/ws/public\n  ws_private_url: ws://" + host +
                           "/v2/ws/private\n  margin_mode: crossed\n  position_mode: one_way\n  leverage: 3\n"
                           "  rest_timeout_ms: 3000\nstrategy:\n  funding:\n    symbols: [BTCUSDT, ETHUSDT]\n"
                           "store:\n  db_path: " +
                           dir.file("carry.db") + "\nlog:\n  dir: " + dir.file("logs") +
                           "\n  console: false\nmonitor:\n  heartbeat_s: 2\n  reports_dir: " + dir.file("reports") +
                           "\n  http:\n    listen: 127.0.0.1:0\n");
    std::map<std::string, std::string> env = {
        {"APP_CONFIG_FILE", ""}, {"KEYS__API_KEY", "k1"}, {"KEYS__API_SECRET", "s1"}, {"KEYS__PASSPHRASE", "p1"}};
    return std::make_unique<Process>(
        std::vector<std::string>{carry_test::carryd_path(), "--env", "testnet", "--config", cfg}, env);
  }

  // The sim's view of one symbol's settings, read as carryd reads them.
  json settings(const std::string& symbol) const {
    auto r = carry::test::signed_call(
        sim->port(), signer, "GET",
        "/api/v2/mix/account/account?marginCoin=USDT&productType=USDT-FUTURES&symbol=" + symbol);
    EXPECT_EQ(r["code"], "00000") << r.dump();
    return r["data"];
  }

  // A UTA account's settings over v3: holdMode (account-wide) and one symbol's leverage.
  std::pair<std::string, std::string> uta_settings(const std::string& symbol) const {
    auto r = carry::test::signed_call(sim->port(), signer, "GET", "/api/v3/account/settings");
    EXPECT_EQ(r["code"], "00000") << r.dump();
    std::string leverage;
    for (const auto& c : r["data"]["symbolConfigList"])
      if (c["symbol"] == symbol) leverage = c["leverage"].get<std::string>();
    return {r["data"]["holdMode"].get<std::string>(), leverage};
  }

  json place_perp(const json& order) const {
    return carry::test::place_perp(sim->port(), signer, order, uta ? carry::test::kUta : carry::test::kClassic);
  }
  bool uta = false;

  json sim_account() const { return http_call(sim->port(), "GET", "/sim/accounts").json()["k1"]; }
  int orders_placed() const { return http_call(sim->port(), "GET", "/sim/stats").json()["orders_placed"].get<int>(); }

  std::vector<json> events(const std::string& name) const { return carry::test::log_events(dir, name); }

  // Starts carryd on an account it must refuse: exit 1 and one account.setup_failed, whose full
  // event and first difference are returned (null when carryd did not refuse so).
  std::pair<json, json> refused() const {
    auto d = carryd();
    const auto code = d->wait(60s);
    EXPECT_TRUE(code.has_value()) << "carryd still running";
    EXPECT_EQ(code.value_or(-1), 1) << d->err();
    const auto failed = events("account.setup_failed");
    EXPECT_EQ(failed.size(), 1u);
    if (failed.size() != 1u) return {json(), json()};
    return {failed[0], failed[0]["differences"][0]};
  }
};

TEST_F(AccountSetup, AnAccountInOtherSettingsIsSetUpAsConfiguredAndReadBack) {
  // Hedge mode, isolated margin and leverage 10 everywhere.
  start_sim({"hedge_mode", "isolated"});
  ASSERT_EQ(settings("BTCUSDT")["posMode"], "hedge_mode");
  ASSERT_EQ(settings("ETHUSDT")["marginMode"], "isolated");
  // carryd's first two private v2 requests (the set-up's, after the v3 account-kind probe) answer
  // HTTP 503: transient, retried.
  http_call(sim->port(), "POST", "/sim/faults", {}, R"({"http_5xx_next": 2, "http_scope": "private_v2"})");
  auto d = carryd();
  ASSERT_TRUE(wait_until([&] { return !events("account.setup").empty() || !d->running(); }, 60s)) << d->err();
  ASSERT_FALSE(events("account.setup").empty()) << d->err();

  for (const std::string symbol : {"BTCUSDT", "ETHUSDT"}) {
    const json s = settings(symbol);
    EXPECT_EQ(s["posMode"], "one_way_mode") << symbol;
    EXPECT_EQ(s["marginMode"], "crossed") << symbol;
    EXPECT_EQ(s["crossedMarginLeverage"], 3) << symbol;
  }
  const json setup = events("account.setup").front();
  EXPECT_EQ(setup["position_mode"], "one_way_mode");
  EXPECT_EQ(setup["verified"]["BTCUSDT"]["margin_mode"], "crossed");
  EXPECT_EQ(setup["verified"]["ETHUSDT"]["leverage"], "3");
  ASSERT_EQ(setup["applied"].size(), 5u) << setup.dump();  // position mode, then margin + leverage per symbol
  EXPECT_EQ(setup["applied"][0]["field"], "position_mode");
  EXPECT_EQ(events("account.kind_retry").size(), 0u);
  EXPECT_EQ(events("account.setup_retry").size(), 2u);
  EXPECT_EQ(events("account.kind").size(), 1u);
  EXPECT_TRUE(events("account.setup_failed").empty());

  // Then the usual start: reconciliation and trading enabled; SIGTERM stops it cleanly.
  ASSERT_TRUE(wait_until([&] { return !events("strategy.enabled").empty(); }, 60s)) << d->err();
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();

  // A second start on the set-up account changes nothing and says so.
  std::filesystem::remove_all(dir.path() / "logs");
  auto again = carryd();
  ASSERT_TRUE(wait_until([&] { return !events("account.setup").empty() || !again->running(); }, 60s));
  ASSERT_FALSE(events("account.setup").empty()) << again->err();
  EXPECT_TRUE(events("account.setup").front()["applied"].empty());
  again->signal(SIGTERM);
  EXPECT_EQ(again->wait(60s).value_or(-1), 0) << again->err();
}

TEST_F(AccountSetup, AHedgeAccountHoldingAPositionIsRefusedWithExit1) {
  start_sim({"hedge_mode", "crossed"});
  const json placed = place_perp(
      {{"marginMode", "crossed"}, {"size", "0.010"}, {"side", "buy"}, {"tradeSide", "open"}, {"orderType", "market"}});
  ASSERT_EQ(placed["code"], "00000") << placed.dump();
  ASSERT_EQ(sim_account()["positions"].size(), 1u);

  const auto [failed, diff] = refused();
  ASSERT_FALSE(diff.is_null());
  EXPECT_EQ(failed["level"], "error");
  EXPECT_EQ(failed["fields"][0], "position_mode") << failed.dump();  // then the leverage, not attempted
  EXPECT_EQ(diff["field"], "position_mode");
  EXPECT_EQ(diff["wanted"], "one_way_mode");
  EXPECT_EQ(diff["actual"], "hedge_mode");
  EXPECT_EQ(diff["code"], "40920");
  EXPECT_FALSE(diff["msg"].get<std::string>().empty());
  EXPECT_TRUE(events("account.setup").empty());
  EXPECT_TRUE(events("strategy.enabled").empty());  // never traded
  EXPECT_FALSE(events("app.stop").empty());
  EXPECT_EQ(orders_placed(), 1);  // only the test's own order
  EXPECT_EQ(settings("BTCUSDT")["posMode"], "hedge_mode");
  EXPECT_EQ(settings("BTCUSDT")["crossedMarginLeverage"], 10);  // nothing changed after the refusal
}

TEST_F(AccountSetup, AMarginModeThatCannotSwitchUnderAnOpenOrderIsRefusedWithExit1) {
  start_sim({"one_way_mode", "isolated"});
  const json placed = place_perp({{"marginMode", "isolated"},
                                  {"size", "0.010"},
                                  {"price", "1000.0"},
                                  {"side", "buy"},
                                  {"orderType", "limit"},
                                  {"force", "post_only"}});
  ASSERT_EQ(placed["code"], "00000") << placed.dump();

  const auto [failed, diff] = refused();
  ASSERT_FALSE(diff.is_null()) << failed.dump();
  EXPECT_EQ(diff["field"], "margin_mode");
  EXPECT_EQ(diff["symbol"], "BTCUSDT");
  EXPECT_EQ(diff["wanted"], "crossed");
  EXPECT_EQ(diff["actual"], "isolated");
  EXPECT_EQ(diff["code"], "40920");
  EXPECT_TRUE(events("strategy.enabled").empty());
  EXPECT_EQ(sim_account()["open_orders"]["perp"], 1);  // the foreign order is left alone
}

// On a Unified Trading Account the hold mode is account-wide (v3 set-hold-mode) and leverage is
// set per symbol (v3 set-leverage); both read back from v3 account/settings.
TEST_F(AccountSetup, AUtaAccountInHedgeModeIsSwitchedToOneWayAndItsLeverageSetOverV3) {
  start_sim({"hedge_mode", "crossed", "uta"});
  ASSERT_EQ(uta_settings("BTCUSDT").first, "hedge_mode");
  auto d = carryd();
  ASSERT_TRUE(wait_until([&] { return !events("account.setup").empty() || !d->running(); }, 60s)) << d->err();
  ASSERT_FALSE(events("account.setup").empty()) << d->err();
  for (const std::string symbol : {"BTCUSDT", "ETHUSDT"}) {
    const auto [hold, leverage] = uta_settings(symbol);
    EXPECT_EQ(hold, "one_way_mode") << symbol;
    EXPECT_EQ(leverage, "3") << symbol;
  }
  const json setup = events("account.setup").front();
  ASSERT_EQ(setup["applied"].size(), 3u) << setup.dump();  // the hold mode once, then leverage per symbol
  EXPECT_EQ(setup["applied"][0]["field"], "position_mode");
  EXPECT_EQ(events("account.kind").front()["kind"], "uta");
  ASSERT_TRUE(wait_until([&] { return !events("strategy.enabled").empty(); }, 60s)) << d->err();
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

// A hedge-mode UTA holding a position cannot be switched: in v3 hedge mode a close is side=sell +
// posSide=long, and carryd never trades that way. It stops with exit 1 and the venue's reason.
TEST_F(AccountSetup, AHedgeUtaAccountHoldingAPositionIsRefusedWithExit1) {
  start_sim({"hedge_mode", "crossed", "uta"});
  const json placed = place_perp({{"size", "0.010"}, {"side", "buy"}, {"posSide", "long"}, {"orderType", "market"}});
  ASSERT_EQ(placed["code"], "00000") << placed.dump();
  ASSERT_EQ(sim_account()["positions"].size(), 1u);
  const auto [failed, diff] = refused();
  ASSERT_FALSE(diff.is_null()) << failed.dump();
  EXPECT_EQ(diff["field"], "position_mode");
  EXPECT_EQ(diff["actual"], "hedge_mode");
  EXPECT_FALSE(diff["code"].get<std::string>().empty()) << diff.dump();
  EXPECT_FALSE(diff["msg"].get<std::string>().empty());
  EXPECT_TRUE(events("strategy.enabled").empty());
  EXPECT_EQ(orders_placed(), 1);
  EXPECT_EQ(uta_settings("BTCUSDT").first, "hedge_mode");
}

// v3 has no per-symbol margin-mode call: an isolated UTA is refused, naming where to change it.
TEST_F(AccountSetup, AnIsolatedUtaIsRefusedNamingTheAccountWideSetting) {
  start_sim({"one_way_mode", "isolated", "uta"});
  const auto [failed, diff] = refused();
  ASSERT_FALSE(diff.is_null()) << failed.dump();
  EXPECT_EQ(diff["field"], "margin_mode");
  EXPECT_EQ(diff["wanted"], "crossed");
  EXPECT_EQ(diff["actual"], "isolated");
  EXPECT_NE(diff["msg"].get<std::string>().find("whole account"), std::string::npos) << diff.dump();
  EXPECT_EQ(orders_placed(), 0);
}

}  // namespace
