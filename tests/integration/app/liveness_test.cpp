// Time and liveness (issue 14): carryd against bitget-sim. A public stream that goes silent (socket
// open, nothing sent, no pong) is found dead within exchange.ws_dead_after_s and reconnected before
// risk.market_data_stale_s would trip the kill switch and flatten the held hedge. The exchange's
// clock jumping a minute mid-run costs one refused request and a re-sync, never an auth failure.
#include <carry_test/sim_fixture.hpp>

#include <carry_test/process.hpp>

#include <carry/core/time.hpp>

#include <gtest/gtest.h>

#include <csignal>

namespace {

using carry::test::kClassic;
using carry::test::kUta;
using carry::test::SimAccount;
using carry::test::SimAccountName;
using carry::test::SimFixture;
using carry_test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

std::int64_t ts_ms(const json& event) { return carry::UnixNanos::parse_rfc3339(event.value("ts", "")).value().ms(); }

std::vector<json> session_events(const SimFixture& f, const std::string& event, const std::string& session) {
  std::vector<json> out;
  for (auto& e : f.log_events(event))
    if (e.value("session", "") == session) out.push_back(std::move(e));
  return out;
}

bool md_stale_tripped(const SimFixture& f) {
  for (const auto& e : f.log_events("kill_switch.trip"))
    if (e.value("reason", "") == "md_stale") return true;
  return false;
}

// Both run on a Classic (v2) and on a Unified Trading Account (v3).
class Liveness : public ::testing::TestWithParam<SimAccount> {
 protected:
  const SimAccount& account() const { return GetParam(); }
};

TEST_P(Liveness, StalledPublicStreamIsReconnectedBeforeTheStaleDataGuardTrips) {
  SimFixture f(account(), 600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  auto env = f.keys();
  env["EXCHANGE__WS_PING_INTERVAL_S"] = "2";
  env["EXCHANGE__WS_DEAD_AFTER_S"] = "5";
  env["RISK__MARKET_DATA_STALE_S"] = "12";
  auto d = f.carryd({}, env);
  ASSERT_TRUE(wait_until([&] { return carry::test::hedged(f, lot); }, carry::test::kOpenDeadline))
      << f.account().dump() << "\n"
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");

  const auto backoffs = session_events(f, "ws.backoff", "public").size();
  const auto streamings = session_events(f, "ws.streaming", "public").size();
  const std::int64_t stalled_at =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  f.post("/sim/faults", {{"ws_stall_now", "public"}});

  // Found dead (no data, no pong) and streaming again on a new connection.
  ASSERT_TRUE(wait_until([&] { return session_events(f, "ws.streaming", "public").size() > streamings; }, 30s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  const auto dead = session_events(f, "ws.backoff", "public");
  ASSERT_GT(dead.size(), backoffs);
  const json& found = dead[backoffs];
  const std::string reason = found.value("reason", "");
  EXPECT_TRUE(reason == "no data" || reason == "pong missing") << found.dump();
  EXPECT_LT(ts_ms(found) - stalled_at, 12'000) << found.dump();
  EXPECT_LT(ts_ms(session_events(f, "ws.streaming", "public").back()) - stalled_at, 12'000);

  // Past the stale window since the stall, the guard has not tripped: the data came back in time.
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& h : f.log_events("metrics.heartbeat"))
          if (ts_ms(h) > stalled_at + 15'000) return true;
        return false;
      },
      40s));
  EXPECT_FALSE(md_stale_tripped(f)) << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  EXPECT_GE(f.get("/sim/stats")["faults_injected"]["ws_stalled"].get<int>(), 1);
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

TEST_P(Liveness, ExchangeClockJumpIsResyncedWithoutAnAuthFailureOrTheKillSwitch) {
  SimFixture f(account(), 600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  auto env = f.keys();
  env["RECONCILE__INTERVAL_S"] = "5";  // private REST calls keep coming
  auto d = f.carryd({}, env);
  ASSERT_TRUE(wait_until([&] { return !f.log_events("reconcile.done").empty(); }, 60s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  f.post("/sim/faults", {{"clock_skew_ms", 60'000}});
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& e : f.log_events("gateway.time_sync"))
          if (e.value("reason", "") == "timestamp_rejected") return true;
        return false;
      },
      40s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  json sync;
  for (const auto& e : f.log_events("gateway.time_sync"))
    if (e.value("reason", "") == "timestamp_rejected") sync = e;
  EXPECT_GT(sync["offset_ms"].get<std::int64_t>(), 55'000) << sync.dump();
  // Later private calls are stamped right the first time: none refused any more (read after a few
  // calls, so a request already in flight at the re-sync is not counted as a later one).
  const auto private_calls = [&] { return f.get("/sim/stats")["private_calls"].get<int>(); };
  const int calls = private_calls();
  ASSERT_TRUE(wait_until([&] { return private_calls() > calls + 2; }, 30s));
  const int refused = f.get("/sim/stats")["auth_failures"].get<int>();
  EXPECT_GE(refused, 1);
  const int later = private_calls();
  ASSERT_TRUE(wait_until([&] { return private_calls() > later + 3; }, 30s));
  EXPECT_EQ(f.get("/sim/stats")["auth_failures"].get<int>(), refused);
  EXPECT_TRUE(f.log_events("kill_switch.trip").empty());
  EXPECT_TRUE(f.log_events("kill_switch.halt").empty());
  for (const auto& e : f.log_events("rest.rejected"))
    EXPECT_EQ(e.value("code", ""), "40008") << e.dump();  // the refusals were the clock, not the key
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

INSTANTIATE_TEST_SUITE_P(Accounts, Liveness, ::testing::Values(kClassic, kUta), SimAccountName());

}  // namespace
