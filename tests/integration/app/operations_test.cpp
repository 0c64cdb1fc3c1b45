// Operating Carry unattended (issue 17): carryd against bitget-sim as real processes. `carryd
// status` shows the open hedge while the daemon runs; a loopback webhook and a Telegram API
// stand-in (alerts.telegram.api_url) get the kill-switch alert; an alert endpoint that is down or
// never answers costs trading nothing.
#include <carry_test/paths.hpp>
#include <carry_test/sim_fixture.hpp>

#include <carry_test/http_receiver.hpp>
#include <carry_test/process.hpp>

#include <gtest/gtest.h>

#include <csignal>

namespace {

using carry::test::kClassic;
using carry::test::kUta;
using carry::test::SimAccount;
using carry::test::SimAccountName;
using carry::test::SimFixture;
using carry_test::HttpReceiver;
using carry_test::Process;
using carry_test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

class Operations : public ::testing::TestWithParam<SimAccount> {
 protected:
  const SimAccount& account() const { return GetParam(); }
};

// `carryd status` as a second process beside the running daemon.
struct StatusRun {
  int code = -1;
  std::string out, err;
};
StatusRun carryd_status(const SimFixture& f, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {carry_test::carryd_path(), "status", "--config", f.dir.file("carryd.yaml")};
  argv.insert(argv.end(), extra.begin(), extra.end());
  Process p(argv);
  StatusRun r;
  r.code = p.wait(30s).value_or(-1);
  r.out = p.out();
  r.err = p.err();
  return r;
}

bool received(const HttpReceiver& r, const std::string& needle) {
  for (const auto& req : r.requests())
    if (req.body.find(needle) != std::string::npos) return true;
  return false;
}

TEST_P(Operations, StatusShowsTheOpenHedgeWhileTheDaemonRuns) {
  SimFixture f(account(), 600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  auto env = f.keys();
  env["LOG__CONSOLE"] = "true";  // the console line is checked below
  auto d = f.carryd({}, env);
  ASSERT_TRUE(wait_until([&] { return carry::test::hedged(f, lot); }, carry::test::kOpenDeadline))
      << f.account().dump() << "\n"
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  const double perp = f.perp_position("BTCUSDT");
  // A heartbeat after the hedge: the status row holds both legs.
  const auto beats = f.log_events("metrics.heartbeat").size();
  ASSERT_TRUE(wait_until([&] { return f.log_events("metrics.heartbeat").size() >= beats + 2; }, 30s));

  const auto js = carryd_status(f, {"--json"});
  ASSERT_EQ(js.code, 0) << js.err;
  const json st = json::parse(js.out, nullptr, false);
  ASSERT_TRUE(st.is_object()) << js.out;
  EXPECT_EQ(st["mode"], "testnet");
  EXPECT_EQ(st["kill_switch"], "active");
  EXPECT_TRUE(st["trading"].get<bool>());
  EXPECT_EQ(st["state"], "trading");
  EXPECT_LT(st["age_s"].get<long>(), 30);
  ASSERT_EQ(st["symbols"].size(), 1u) << st.dump();
  const json& btc = st["symbols"][0];
  EXPECT_EQ(btc["symbol"], "BTCUSDT");
  EXPECT_NEAR(std::stod(btc["perp_position"].get<std::string>()), perp, 1e-9) << btc.dump();
  EXPECT_GT(std::stod(btc["spot_position"].get<std::string>()), 0.0) << btc.dump();
  EXPECT_TRUE(btc["funding_rate"].is_string()) << btc.dump();
  EXPECT_TRUE(btc["next_funding"].is_string()) << btc.dump();
  EXPECT_FALSE(st["last_decisions"].empty()) << st.dump();
  EXPECT_FALSE(st["fees"]["total"].empty()) << st.dump();  // the hedge's fills paid fees

  const auto table = carryd_status(f);
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("kill switch  active"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("BTCUSDT"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(btc["perp_position"].get<std::string>()), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("decision     BTCUSDT"), std::string::npos) << table.out;
  ASSERT_TRUE(d->running());
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
  // The console shows the compact heartbeat line; app.log keeps every field.
  const std::string console = d->err();
  EXPECT_NE(console.find("info heartbeat active | BTCUSDT spot +"), std::string::npos) << console.substr(0, 4000);
  EXPECT_EQ(console.find("metrics.heartbeat"), std::string::npos) << console.substr(0, 4000);
  EXPECT_NE(carry_test::read_file(f.dir.path() / "logs" / "app.log").find("\"spot_position\""), std::string::npos);
  // The last row says the daemon stopped; the hedge stays on the venue and in the status.
  const auto after = carryd_status(f);
  ASSERT_EQ(after.code, 0) << after.err;
  EXPECT_NE(after.out.find("(testnet), stopped, pid"), std::string::npos) << after.out;
}

TEST_P(Operations, WebhookAndTelegramGetTheKillSwitchAlert) {
  SimFixture f(account(), 600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  HttpReceiver hook, telegram;
  auto env = f.keys();
  env["ALERTS__WEBHOOK_URL"] = hook.url("/carry/alerts");
  env["ALERTS__TELEGRAM__BOT_TOKEN"] = "123456:TESTTOKEN";
  env["ALERTS__TELEGRAM__CHAT_ID"] = "-1001";
  env["ALERTS__TELEGRAM__API_URL"] = telegram.url();
  env["RISK__MARKET_DATA_STALE_S"] = "3";
  env["EXCHANGE__WS_PING_INTERVAL_S"] = "1";
  env["EXCHANGE__WS_DEAD_AFTER_S"] = "2";
  auto d = f.carryd({}, env);
  // The start alert first.
  ASSERT_TRUE(wait_until([&] { return received(hook, "\"app.running\""); }, 30s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  ASSERT_TRUE(wait_until([&] { return carry::test::hedged(f, lot); }, carry::test::kOpenDeadline))
      << f.account().dump();
  f.post("/sim/faults", {{"stale_books", true}});
  ASSERT_TRUE(wait_until([&] { return received(hook, "\"kill_switch.trip\""); }, 60s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  f.post("/sim/faults", {{"stale_books", false}});
  json alert;
  for (const auto& r : hook.requests()) {
    const auto j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j.value("event", "") == "kill_switch.trip") alert = j;
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/carry/alerts");
  }
  EXPECT_EQ(alert["level"], "error") << alert.dump();
  EXPECT_EQ(alert["fields"]["reason"], "md_stale") << alert.dump();
  EXPECT_EQ(alert["fields"]["to"], "reducing") << alert.dump();
  EXPECT_NE(alert["text"].get<std::string>().find("md_stale"), std::string::npos) << alert.dump();

  // Telegram's sendMessage through api_url: the bot token in the path, chat_id and text in the body.
  ASSERT_TRUE(wait_until([&] { return received(telegram, "Kill switch"); }, 30s));
  bool seen = false;
  for (const auto& r : telegram.requests()) {
    EXPECT_EQ(r.target, "/bot123456:TESTTOKEN/sendMessage");
    const auto j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j["chat_id"], "-1001");
    if (j["text"].get<std::string>().find("[carry] ERROR Kill switch active -> reducing: md_stale") == 0) seen = true;
  }
  EXPECT_TRUE(seen);
  // The token never reaches the logs.
  EXPECT_EQ(carry_test::read_file(f.dir.path() / "logs" / "app.jsonl").find("TESTTOKEN"), std::string::npos);

  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
  // The stop alert had its bounded chance and the endpoint was up.
  EXPECT_TRUE(received(hook, "\"app.stop\""));

  // The operator resets the kill switch (daemon stopped): that is an alert too.
  auto reset = f.carryd({"--reset-kill-switch"}, env);
  ASSERT_EQ(reset->wait(60s).value_or(-1), 0) << reset->out() << reset->err();
  EXPECT_NE(reset->out().find("reset to active (was "), std::string::npos) << reset->out();
  EXPECT_TRUE(received(hook, "\"kill_switch.reset\"")) << carry_test::read_file(f.dir.path() / "logs" / "app.log");
}

// The webhook never answers and Telegram's address refuses connections: the daemon hedges as
// usual, logs alert.failed, and still stops promptly.
TEST_P(Operations, TradingContinuesWhenTheAlertEndpointsAreSlowOrDown) {
  SimFixture f(account(), 600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  HttpReceiver slow(200, HttpReceiver::Mode::Silent);
  unsigned short closed_port = 0;
  {
    HttpReceiver gone;
    closed_port = gone.port();
  }  // nothing listens there any more
  auto env = f.keys();
  env["ALERTS__WEBHOOK_URL"] = slow.url("/hook");
  env["ALERTS__TELEGRAM__BOT_TOKEN"] = "123456:TESTTOKEN";
  env["ALERTS__TELEGRAM__CHAT_ID"] = "-1001";
  env["ALERTS__TELEGRAM__API_URL"] = "http://127.0.0.1:" + std::to_string(closed_port);
  env["ALERTS__MIN_INTERVAL_S"] = "0";
  auto d = f.carryd({}, env);
  ASSERT_TRUE(wait_until([&] { return carry::test::hedged(f, lot); }, carry::test::kOpenDeadline))
      << f.account().dump() << "\n"
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  ASSERT_TRUE(wait_until([&] { return !f.log_events("alert.failed").empty(); }, 60s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  EXPECT_FALSE(slow.requests().empty());  // it was tried, and the request was held unanswered
  for (const auto& e : f.log_events("alert.failed"))
    EXPECT_EQ(e.dump().find("TESTTOKEN"), std::string::npos) << e.dump();
  const auto beats = f.log_events("metrics.heartbeat").size();
  ASSERT_TRUE(wait_until([&] { return f.log_events("metrics.heartbeat").size() >= beats + 2; }, 30s));
  EXPECT_TRUE(f.log_events("app.task_failed").empty());
  const auto stop_at = std::chrono::steady_clock::now();
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
  // Shutdown waited for the stop alert at most its short budget (plus the usual cancel round).
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at, 40s);
}

TEST(OperationsCli, StatusWithoutAStoreSaysSoInOneLineAndFails) {
  carry_test::TempDir dir("status_cli");
  const auto cfg =
      dir.write("app.yaml", "store:\n  db_path: " + dir.file("none.db") + "\nlog:\n  dir: " + dir.file("logs") + "\n");
  Process p({carry_test::carryd_path(), "status", "--config", cfg});
  EXPECT_EQ(p.wait(30s).value_or(-1), 1);
  const std::string err = p.err();
  EXPECT_NE(err.find("carryd status: no store at " + dir.file("none.db")), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("none.db")));  // status never creates a store
}

INSTANTIATE_TEST_SUITE_P(Accounts, Operations, ::testing::Values(kClassic, kUta), SimAccountName());

}  // namespace
