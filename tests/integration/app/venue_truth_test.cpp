// The venue is the source of truth: carryd against bitget-sim with the private `fill` and `orders`
// pushes dropped while the hedge opens. What the pushes did not say, the periodic reconciliation
// reads back over REST (the order-fills endpoints): every venue fill reaches the store, and the
// strategy never believes it is flat while the venue holds its legs (no second opening).
#include <carry_test/sim_fixture.hpp>

#include <carry_test/process.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
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

int store_fills(const SimFixture& f) {
  try {
    SQLite::Database db(f.dir.file("carry.db"), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT count(*) FROM fills WHERE symbol='BTCUSDT'");
    return q.executeStep() ? q.getColumn(0).getInt() : 0;
  } catch (const std::exception&) {
    return 0;  // not written yet
  }
}

// The account's fills on the venue, read as any client would.
int venue_fills(const SimFixture& f) {
  if (f.account_kind.uta()) {
    int n = 0;
    const json all = f.signed_call("GET", "/api/v3/trade/fills?limit=100");
    for (const auto& fill : all["data"]["list"]) n += fill.value("symbol", "") == "BTCUSDT";
    return n;
  }
  const json perp = f.signed_call("GET", "/api/v2/mix/order/fills?productType=USDT-FUTURES&symbol=BTCUSDT&limit=100");
  const json spot = f.signed_call("GET", "/api/v2/spot/trade/fills?symbol=BTCUSDT&limit=100");
  return static_cast<int>(perp["data"]["fillList"].size() + spot["data"].size());
}

// Every test runs on a Classic (v2) and on a Unified Trading Account (v3).
class VenueTruth : public ::testing::TestWithParam<SimAccount> {
 protected:
  const SimAccount& account() const { return GetParam(); }
};

TEST_P(VenueTruth, FillsLostWithTheirPushesAreRecoveredAndTheHedgeIsNeverDoubled) {
  SimFixture f(account(), 600, "0.0003");  // no settlement during the test
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  f.post("/sim/faults", {{"push_drop_rate", 1.0}, {"push_channels", {"fill", "orders"}}});
  auto env = f.keys();
  env["RECONCILE__INTERVAL_S"] = "5";
  auto d = f.carryd({}, env);

  // The hedge opens on the venue while carryd hears nothing of its fills.
  ASSERT_TRUE(wait_until([&] { return f.perp_position("BTCUSDT") < 0 && f.spot_holding("BTC") > 0; },
                         carry::test::kOpenDeadline))
      << f.account().dump() << "\n"
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  // With every fill push still dropped, the periodic reconciliation reads the fills back.
  ASSERT_TRUE(wait_until([&] { return !f.log_events("reconcile.missed_fill").empty(); }, 60s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  f.post("/sim/faults", {{"push_drop_rate", 0.0}});

  // Every venue fill reaches the store, one reconcile.missed_fill each, and the legs stay one
  // hedge: never the perp twice the spot.
  ASSERT_TRUE(wait_until([&] { return store_fills(f) == venue_fills(f) && carry::test::hedged(f, lot); }, 90s))
      << "store " << store_fills(f) << " venue " << venue_fills(f) << "\n"
      << f.account().dump() << "\n"
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  // And it stays one hedge over the next reconciliation passes (heartbeats every 2 s as a clock).
  const auto beats = f.log_events("metrics.heartbeat").size();
  ASSERT_TRUE(wait_until([&] { return f.log_events("metrics.heartbeat").size() >= beats + 6; }, 60s));
  EXPECT_TRUE(carry::test::hedged(f, lot)) << f.account().dump();
  EXPECT_EQ(store_fills(f), venue_fills(f));
  const double mark = std::stod(f.get("/sim/funding")["BTCUSDT"]["markPrice"].get<std::string>());
  EXPECT_LE(-f.perp_position("BTCUSDT") * mark, 1000.0 * 1.6) << f.account().dump();
  EXPECT_LE(f.spot_holding("BTC") * mark, 1000.0 * 1.6) << f.account().dump();
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

// Pongs prove a socket, not delivery: with every private push dropped (pings still answered) and
// the periodic reconciliation too far off to help, the silence itself sends carryd to REST.
TEST_P(VenueTruth, APrivateStreamThatOnlyAnswersPingsIsCheckedOverRestWhileOrdersRest) {
  SimFixture f(account(), 600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  f.post("/sim/faults", {{"push_drop_rate", 1.0}});  // every private channel
  auto env = f.keys();
  env["RECONCILE__INTERVAL_S"] = "600";
  auto d = f.carryd({}, env);
  ASSERT_TRUE(wait_until([&] { return !f.log_events("ws.private_silent").empty(); }, 90s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  ASSERT_TRUE(wait_until([&] { return f.perp_position("BTCUSDT") < 0 && f.spot_holding("BTC") > 0; },
                         carry::test::kOpenDeadline))
      << f.account().dump();
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& e : f.log_events("reconcile.missed_fill"))
          if (e.value("why", "") == "private_silent") return true;
        return false;
      },
      90s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  ASSERT_TRUE(wait_until([&] { return store_fills(f) == venue_fills(f) && carry::test::hedged(f, lot); }, 90s))
      << "store " << store_fills(f) << " venue " << venue_fills(f) << "\n"
      << f.account().dump();
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

// Somebody else trades the account while its pushes are lost: the venue's fills (read back over
// REST, named by an order lookup) say whose trade it was, so the perp moving under Carry is the
// foreign part growing, never drift; Carry's own legs stay as they were. (Drift that no fill
// explains trips Reducing after two passes: Reconciler.DriftTripsOnlyWhenItOutlastsAPassAndClears.)
TEST_P(VenueTruth, AForeignTradeWhosePushesAreLostIsNamedFromTheVenuesFillsAndIsNeverDrift) {
  SimFixture f(account(), 600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  auto env = f.keys();
  env["RECONCILE__INTERVAL_S"] = "5";
  auto d = f.carryd({}, env);
  ASSERT_TRUE(wait_until([&] { return carry::test::hedged(f, lot); }, carry::test::kOpenDeadline))
      << f.account().dump();
  const double ours = f.perp_position("BTCUSDT");

  f.post("/sim/faults", {{"push_drop_rate", 1.0}, {"push_channels", {"fill", "orders"}}});
  const json r = f.place_perp({{"marginMode", "crossed"},
                               {"size", "0.05"},
                               {"side", "sell"},
                               {"orderType", "market"},
                               {"clientOid", "manual-drift"}});
  ASSERT_EQ(r.value("code", ""), "00000") << r.dump();
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& e : f.log_events("fill.foreign"))
          if (e.value("client_oid", "") == "manual-drift") return true;
        return false;
      },
      60s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  // Two more reconciliation passes: the foreign part explains the venue, no drift trips.
  const auto beats = f.log_events("metrics.heartbeat").size();
  ASSERT_TRUE(wait_until([&] { return f.log_events("metrics.heartbeat").size() >= beats + 7; }, 60s));
  for (const auto& e : f.log_events("kill_switch.trip"))
    EXPECT_EQ(e.dump().find("reconcile_drift"), std::string::npos) << e.dump();
  EXPECT_NEAR(f.perp_position("BTCUSDT"), ours - 0.05, 1e-9) << "Carry traded against someone else's position";
  EXPECT_TRUE(carry::test::hedged(f, lot, 0.05)) << f.account().dump();
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

TEST_P(VenueTruth, AfterARestartTheRiskGuardsSeeTheAdoptedPositions) {
  SimFixture f(account(), 600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  {
    auto d = f.carryd({}, f.keys());
    ASSERT_TRUE(wait_until([&] { return carry::test::hedged(f, lot); }, carry::test::kOpenDeadline))
        << f.account().dump();
    d->signal(SIGTERM);  // no --flatten-on-exit: the hedge stays on the venue
    ASSERT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
  }
  ASSERT_TRUE(carry::test::hedged(f, lot));

  auto env = f.keys();
  env["RISK__MARKET_DATA_STALE_S"] = "3";
  env["EXCHANGE__WS_PING_INTERVAL_S"] = "1";  // dead-link detection stays below the stale trip
  env["EXCHANGE__WS_DEAD_AFTER_S"] = "2";
  auto d = f.carryd({}, env);
  ASSERT_TRUE(wait_until([&] { return f.log_events("oms.position_adopted").size() >= 2; }, 60s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  // The market data goes silent: the staleness guard watches the legs carryd holds, the adopted
  // ones included, and takes the kill switch to Reducing.
  f.post("/sim/faults", {{"stale_books", true}});
  EXPECT_TRUE(wait_until(
      [&] {
        for (const auto& e : f.log_events("kill_switch.trip"))
          if (e.value("reason", "") == "md_stale") return true;
        return false;
      },
      60s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  f.post("/sim/faults", {{"stale_books", false}});
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

INSTANTIATE_TEST_SUITE_P(Accounts, VenueTruth, ::testing::Values(kClassic, kUta), SimAccountName());

}  // namespace
