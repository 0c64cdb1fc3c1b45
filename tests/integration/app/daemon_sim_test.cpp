// carryd trading bitget-sim, both as real processes on loopback (issue 6): the hedged open, a
// funding settlement recorded with the right sign and amount, the close when funding flips, the
// flatten on SIGTERM, kill -9 and restart, --dry-run touching nothing private, and --ops-check.
#include "sim_process.hpp"

#include <carry_test/process.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <fstream>
#include <set>

namespace {

using carry::test::http_call;
using carry::test::SimProcess;
using carry_test::Process;
using carry_test::TempDir;
using carry_test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

const std::string kSource = CARRY_SOURCE_DIR;

// The bundled tape, funding settled every `interval_s` at `rate`.
std::string sim_yaml(int interval_s, const std::string& rate) {
  return "sim:\n  listen: 127.0.0.1:0\n  tape: " + kSource +
         "/data/sim/tape_btc_eth_2025-05-20.csv\n  loop: true\n  speed: 4\n  seed: 1\n  tick_ms: 50\n"
         "  funding:\n    interval_s: " +
         std::to_string(interval_s) + "\n    reported_interval_hours: 8\n    rate: \"" + rate +
         "\"\n  balances:\n    futures_usdt: \"100000\"\n    spot: {USDT: \"100000\", BTC: \"0\", ETH: \"0\"}\n"
         "  accounts:\n    - {api_key: k1, secret: s1, passphrase: p1}\n";
}

struct SimFixture {
  TempDir dir{"daemon_sim"};
  std::unique_ptr<SimProcess> sim;

  explicit SimFixture(int interval_s = 20, const std::string& rate = "0.0003") {
    const auto cfg = dir.write("sim.yaml", sim_yaml(interval_s, rate));
    sim = std::make_unique<SimProcess>(BITGET_SIM_EXE, std::vector<std::string>{"--config", cfg});
  }
  unsigned short port() const { return sim->port(); }
  json get(const std::string& target) const { return http_call(port(), "GET", target).json(); }
  json post(const std::string& target, const json& body) const {
    return http_call(port(), "POST", target, {{"Content-Type", "application/json"}}, body.dump()).json();
  }
  json account() const { return get("/sim/accounts")["k1"]; }

  // carryd's configuration: one symbol, the simulator's endpoints, everything written under dir.
  std::string daemon_yaml(const std::string& extra = "") const {
    const std::string host = "127.0.0.1:" + std::to_string(port());
    return "exchange:\n  environment: testnet\n  demo_trading: false\n  rest_url: http://" + host +
           "\n  ws_public_url: ws://" + host + "/v2/ws/public\n  ws_private_url: ws://" + host +
           "/v2/ws/private\n  leverage: 2\n  rest_timeout_ms: 3000\n  bbo_max_age_ms: 3000\n"
           "risk:\n  max_order_notional: 2000\n  max_symbol_notional: 10000\n  max_total_notional: 20000\n"
           "strategy:\n  funding:\n    symbols: [BTCUSDT]\n    min_expected_apr: 0.10\n    close_apr: 0.02\n"
           "    hold_across_events: true\n    holding_horizon_hours: 720\n    notional_per_symbol: 1000\n"
           "store:\n  db_path: " +
           dir.file("carry.db") + "\nlog:\n  dir: " + dir.file("logs") + "\n  console: false\nmonitor:\n  heartbeat_s: 2\n" +
           "  reports_dir: " + dir.file("reports") + "\n" + extra;
  }
  std::map<std::string, std::string> keys(const std::string& secret = "s1") const {
    return {{"KEYS__API_KEY", "k1"}, {"KEYS__API_SECRET", secret}, {"KEYS__PASSPHRASE", "p1"}};
  }
  std::unique_ptr<Process> carryd(std::vector<std::string> args, std::map<std::string, std::string> env) const {
    const auto cfg = dir.write("carryd.yaml", daemon_yaml());
    std::vector<std::string> argv = {CARRYD_PATH, "--env", "testnet", "--config", cfg};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<Process>(argv, env);
  }

  // Signed base-coin positions on the simulator for one symbol.
  double perp_position(const std::string& symbol) const {
    double total = 0;
    const json acc = account();
    for (const auto& p : acc["positions"]) {
      if (p["symbol"] != symbol) continue;
      const double size = std::stod(p["total"].get<std::string>());
      total += p["holdSide"] == "short" ? -size : size;
    }
    return total;
  }
  double spot_holding(const std::string& coin) const {
    const json acc = account();
    const auto& s = acc["spot"][coin];
    return std::stod(s["available"].get<std::string>()) + std::stod(s["frozen"].get<std::string>());
  }
  int open_orders() const {
    const auto a = account();
    return a["open_orders"]["spot"].get<int>() + a["open_orders"]["perp"].get<int>();
  }
  double perp_lot(const std::string& symbol) const {
    const auto c = get("/api/v2/mix/market/contracts?productType=USDT-FUTURES&symbol=" + symbol);
    return std::stod(c["data"][0]["sizeMultiplier"].get<std::string>());
  }

  std::vector<json> log_events(const std::string& event) const {
    std::vector<json> out;
    for (const auto& line : carry_test::read_lines(dir.path() / "logs" / "app.jsonl")) {
      auto j = json::parse(line, nullptr, false);
      if (j.is_object() && j.value("event", "") == event) out.push_back(j);
    }
    return out;
  }
};

constexpr auto kOpenDeadline = 90s;

bool hedged(const SimFixture& f, double lot) {
  const double perp = f.perp_position("BTCUSDT");
  const double spot = f.spot_holding("BTC");
  return perp < 0 && spot > 0 && std::abs(spot + perp) <= lot + 1e-12;
}

TEST(DaemonSim, OpensHedgedRecordsFundingClosesOnFlipAndFlattensOnExit) {
  SimFixture f(20, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  auto d = f.carryd({"--flatten-on-exit"}, f.keys());

  ASSERT_TRUE(wait_until([&] { return hedged(f, lot); }, kOpenDeadline))
      << "perp=" << f.perp_position("BTCUSDT") << " spot=" << f.spot_holding("BTC") << "\n"
      << f.account().dump() << "\n" << d->err();

  // A settlement while the position is open lands in funding_events, positive for a short perp
  // at a positive rate, equal to what the simulator paid us.
  double amount = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        try {
          SQLite::Database db(f.dir.file("carry.db"), SQLite::OPEN_READONLY);
          SQLite::Statement q(db, "SELECT amount FROM funding_events WHERE symbol='BTCUSDT' ORDER BY ts_ns LIMIT 1");
          if (!q.executeStep()) return false;
          amount = std::stod(q.getColumn(0).getString());
          return true;
        } catch (const std::exception&) {
          return false;  // table not written yet
        }
      },
      90s));
  EXPECT_GT(amount, 0.0);
  bool matched = false;
  const json settlements = f.get("/sim/settlements");
  for (const auto& s : settlements) {
    if (s["symbol"] != "BTCUSDT") continue;
    for (const auto& p : s["payments"]) {
      if (p["api_key"] != "k1") continue;
      const double paid = std::stod(p["amount"].get<std::string>());
      if (std::abs(paid - amount) > 1e-9) continue;
      // rate x position value at the sim's mark price
      const double rate = std::stod(s["fundingRate"].get<std::string>());
      const double mark = std::stod(s["markPrice"].get<std::string>());
      const double value = amount / rate / mark;  // the short size the settlement saw
      EXPECT_GT(value, 0.0);
      EXPECT_LE(value, 1000.0 / mark * 1.6);  // within the configured notional
      matched = true;
    }
  }
  EXPECT_TRUE(matched) << "no simulator payment equals the recorded amount " << amount << ": "
                       << f.get("/sim/settlements").dump();

  // The log explains: decisions with their reasons and every order's lifecycle.
  const auto decisions = f.log_events("strategy.decision");
  ASSERT_FALSE(decisions.empty());
  bool saw_open = false;
  for (const auto& e : decisions) saw_open |= e.dump().find("OPEN") != std::string::npos;
  EXPECT_TRUE(saw_open);

  // Funding flips negative: the strategy closes to flat.
  f.post("/sim/funding", {{"rate", "-0.0005"}});
  EXPECT_TRUE(wait_until([&] { return std::abs(f.perp_position("BTCUSDT")) < 1e-12; }, kOpenDeadline))
      << f.account().dump();

  // SIGTERM with --flatten-on-exit: nothing open, nothing held on the simulator.
  d->signal(SIGTERM);
  const auto code = d->wait(120s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << d->err();
  EXPECT_EQ(f.open_orders(), 0);
  EXPECT_EQ(f.account()["positions"].size(), 0u) << f.account().dump();
  EXPECT_LE(f.spot_holding("BTC"), lot);
  EXPECT_FALSE(f.log_events("app.stop").empty());
}

TEST(DaemonSim, KillNineWhileOpeningThenRestartCompletesTheHedgeWithoutDuplicates) {
  SimFixture f(600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  {
    auto d = f.carryd({}, f.keys());
    ASSERT_TRUE(wait_until([&] { return f.get("/sim/stats")["orders_placed"].get<int>() >= 1; }, kOpenDeadline))
        << d->err();
    d->signal(SIGKILL);
    ASSERT_TRUE(d->wait(10s).has_value());
  }
  const int placed_before = f.get("/sim/stats")["orders_placed"].get<int>();
  auto d = f.carryd({}, f.keys());
  ASSERT_TRUE(wait_until([&] { return !f.log_events("reconcile.done").empty(); }, 60s)) << d->err();
  ASSERT_TRUE(wait_until([&] { return hedged(f, lot); }, kOpenDeadline)) << f.account().dump();
  // No double open: the position stays within the configured notional.
  const double mark = std::stod(f.get("/sim/funding")["BTCUSDT"]["markPrice"].get<std::string>());
  EXPECT_LE(-f.perp_position("BTCUSDT") * mark, 1000.0 * 1.6);
  // No client id was ever sent twice: the sim would reject a duplicate clientOid; the daemon's
  // ids come from a counter persisted ahead of use.
  EXPECT_GE(f.get("/sim/stats")["orders_placed"].get<int>(), placed_before);
  const auto reconciled = f.log_events("reconcile.done");
  ASSERT_FALSE(reconciled.empty());
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

TEST(DaemonSim, DryRunNeverCallsAPrivateEndpoint) {
  SimFixture f;
  ASSERT_TRUE(f.sim->is_ready());
  auto d = f.carryd({"--dry-run", "--duration", "8"}, f.keys());
  const auto code = d->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << d->err();
  const auto stats = f.get("/sim/stats");
  EXPECT_EQ(stats["private_calls"].get<int>(), 0) << stats.dump();
  EXPECT_GT(stats["ws_connections"]["public"].get<int>(), 0);  // it did watch the market
  EXPECT_FALSE(f.log_events("metrics.heartbeat").empty());
  const auto enabled = f.log_events("strategy.enabled");
  ASSERT_FALSE(enabled.empty());
  EXPECT_TRUE(enabled.front()["trading"].get<bool>());
}

TEST(DaemonSim, OpsCheckPassesAgainstAHealthySimulator) {
  SimFixture f;
  ASSERT_TRUE(f.sim->is_ready());
  auto d = f.carryd({"--ops-check"}, f.keys());
  const auto code = d->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << d->out() << d->err();
  EXPECT_NE(d->out().find("ops.check symbol=BTCUSDT funding=0.0003 next="), std::string::npos) << d->out();
  EXPECT_NE(d->out().find("open=0"), std::string::npos);
  EXPECT_NE(d->out().find("verdict=PASS"), std::string::npos);
  EXPECT_EQ(f.get("/sim/stats")["orders_placed"].get<int>(), 0);
}

TEST(DaemonSim, OpsCheckFailsNamingAuthWhenTheSignatureIsRejected) {
  SimFixture f;
  ASSERT_TRUE(f.sim->is_ready());
  auto d = f.carryd({"--ops-check"}, f.keys("wrong-secret"));
  const auto code = d->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(d->out().find("auth=FAIL"), std::string::npos) << d->out();
  EXPECT_NE(d->out().find("verdict=FAIL failed=BTCUSDT:auth("), std::string::npos) << d->out();
  EXPECT_GT(f.get("/sim/stats")["signature_failures"].get<int>(), 0);
}

TEST(DaemonSim, OpsCheckWithoutKeysSkipsAuthAndFailsUnlessDryRun) {
  SimFixture f;
  ASSERT_TRUE(f.sim->is_ready());
  auto d = f.carryd({"--ops-check"}, {});
  EXPECT_EQ(d->wait(60s).value_or(-1), 1);
  EXPECT_NE(d->out().find("auth=skipped"), std::string::npos) << d->out();
  auto dry = f.carryd({"--ops-check", "--dry-run"}, {});
  EXPECT_EQ(dry->wait(60s).value_or(-1), 0) << dry->out();
  EXPECT_EQ(f.get("/sim/stats")["private_calls"].get<int>(), 0);
}

TEST(DaemonSim, OpsCheckFailsNamingBboWhenBooksAreStale) {
  SimFixture f;
  ASSERT_TRUE(f.sim->is_ready());
  f.post("/sim/faults", {{"stale_books", true}});
  // Wait (bounded) until the frozen quotes are older than the 500 ms the daemon will accept.
  const auto frozen = f.get("/api/v2/mix/market/ticker?productType=USDT-FUTURES&symbol=BTCUSDT");
  const long long quote_ts = std::stoll(frozen["data"][0]["ts"].get<std::string>());
  ASSERT_TRUE(wait_until([&] { return f.get("/sim/stats")["server_time"].get<long long>() > quote_ts + 1500; }, 30s));
  auto env = f.keys();
  env["EXCHANGE__BBO_MAX_AGE_MS"] = "500";
  auto d = f.carryd({"--ops-check"}, env);
  EXPECT_EQ(d->wait(60s).value_or(-1), 1);
  EXPECT_NE(d->out().find("bbo=FAIL"), std::string::npos) << d->out();
  EXPECT_NE(d->out().find("stale"), std::string::npos) << d->out();
}

}  // namespace
