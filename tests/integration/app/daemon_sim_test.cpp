// carryd trading bitget-sim, both as real processes on loopback (issue 6): the hedged open, a
// funding settlement recorded with the right sign and amount, the close when funding flips, the
// flatten on SIGTERM, kill -9 and restart, --dry-run touching nothing private, and --ops-check.
#include <carry_test/sim_fixture.hpp>

#include <carry_test/process.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <fstream>
#include <set>

namespace {

using carry::test::hedged;
using carry::test::http_call;
using carry::test::kClassic;
using carry::test::kOpenDeadline;
using carry::test::kUta;
using carry::test::SimAccount;
using carry::test::SimAccountName;
using carry::test::SimFixture;
using carry_test::Process;
using carry_test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

// Every test runs on a Classic (v2) and on a Unified Trading Account (v3): carryd detects the kind.
class DaemonSim : public ::testing::TestWithParam<SimAccount> {
 protected:
  const SimAccount& account() const { return GetParam(); }
};

TEST_P(DaemonSim, OpensHedgedRecordsFundingClosesOnFlipAndFlattensOnExit) {
  SimFixture f(account(), 20, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  auto d = f.carryd({"--flatten-on-exit"}, f.keys());

  ASSERT_TRUE(wait_until([&] { return hedged(f, lot); }, kOpenDeadline))
      << "perp=" << f.perp_position("BTCUSDT") << " spot=" << f.spot_holding("BTC") << "\n"
      << f.account().dump() << "\n"
      << d->err();

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

TEST_P(DaemonSim, KillNineWhileOpeningThenRestartCompletesTheHedgeWithoutDuplicates) {
  SimFixture f(account(), 600, "0.0003");
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
  // No client id was ever sent twice (the daemon's ids come from a counter persisted ahead of
  // use): the simulator counts both a refused duplicate and a reused id it accepted.
  const auto stats = f.get("/sim/stats");
  EXPECT_GT(stats["orders_placed"].get<int>(), placed_before) << "the restart placed nothing";
  EXPECT_EQ(stats["duplicate_client_oids"].get<int>(), 0);
  EXPECT_EQ(stats["client_oids_reused"].get<int>(), 0);
  const auto reconciled = f.log_events("reconcile.done");
  ASSERT_FALSE(reconciled.empty());
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

TEST_P(DaemonSim, DryRunNeverCallsAPrivateEndpoint) {
  SimFixture f(account());
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

TEST_P(DaemonSim, OpsCheckPassesAgainstAHealthySimulator) {
  SimFixture f(account());
  ASSERT_TRUE(f.sim->is_ready());
  auto d = f.carryd({"--ops-check"}, f.keys());
  const auto code = d->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << d->out() << d->err();
  // The mode, on the first line (a UTA adds the venue's accountMode).
  EXPECT_EQ(
      d->out().rfind("ops.check account=" + account().mode + (account().uta() ? " account_mode=unified\n" : "\n"), 0),
      0u)
      << d->out();
  EXPECT_NE(d->out().find("ops.check symbol=BTCUSDT funding=0.0003 next="), std::string::npos) << d->out();
  EXPECT_NE(d->out().find("open=0"), std::string::npos);
  EXPECT_NE(d->out().find("verdict=PASS"), std::string::npos);
  EXPECT_EQ(f.get("/sim/stats")["orders_placed"].get<int>(), 0);
}

TEST_P(DaemonSim, AnAccountModeThatDisagreesWithTheAccountStopsStartUpNamingBoth) {
  SimFixture f(account());
  ASSERT_TRUE(f.sim->is_ready());
  const std::string wrong = account().uta() ? "classic" : "uta";
  auto env = f.keys();
  env["EXCHANGE__ACCOUNT_MODE"] = wrong;
  auto d = f.carryd({}, env);
  const auto code = d->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1) << d->err();
  const auto refused = f.log_events("account.kind_refused");
  ASSERT_EQ(refused.size(), 1u);
  const std::string why = refused.front().value("error", "");
  EXPECT_NE(why.find("exchange.account_mode is " + wrong), std::string::npos) << why;
  EXPECT_NE(why.find(account().uta() ? "Unified Trading Account" : "Classic account"), std::string::npos) << why;
  EXPECT_NE(why.find("set exchange.account_mode to " + account().mode), std::string::npos) << why;
  EXPECT_NE(d->err().find("exchange.account_mode is " + wrong), std::string::npos) << d->err();
  const auto stats = f.get("/sim/stats");
  EXPECT_EQ(stats["orders_placed"].get<int>(), 0);
  EXPECT_EQ(stats["ws_connections"]["private"].get<int>(), 0) << stats.dump();  // nothing private but the probe
}

TEST_P(DaemonSim, OpsCheckFailsNamingAuthWhenTheSignatureIsRejected) {
  SimFixture f(account());
  ASSERT_TRUE(f.sim->is_ready());
  auto d = f.carryd({"--ops-check"}, f.keys("wrong-secret"));
  const auto code = d->wait(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(d->out().find("auth=FAIL"), std::string::npos) << d->out();
  EXPECT_NE(d->out().find("verdict=FAIL failed=BTCUSDT:auth("), std::string::npos) << d->out();
  EXPECT_GT(f.get("/sim/stats")["signature_failures"].get<int>(), 0);
}

TEST_P(DaemonSim, OpsCheckWithoutKeysSkipsAuthAndFailsUnlessDryRun) {
  SimFixture f(account());
  ASSERT_TRUE(f.sim->is_ready());
  auto d = f.carryd({"--ops-check"}, {});
  EXPECT_EQ(d->wait(60s).value_or(-1), 1);
  EXPECT_NE(d->out().find("auth=skipped"), std::string::npos) << d->out();
  auto dry = f.carryd({"--ops-check", "--dry-run"}, {});
  EXPECT_EQ(dry->wait(60s).value_or(-1), 0) << dry->out();
  EXPECT_EQ(f.get("/sim/stats")["private_calls"].get<int>(), 0);
}

TEST_P(DaemonSim, OpsCheckFailsNamingBboWhenBooksAreStale) {
  SimFixture f(account());
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

INSTANTIATE_TEST_SUITE_P(Accounts, DaemonSim, ::testing::Values(kClassic, kUta), SimAccountName());

}  // namespace
