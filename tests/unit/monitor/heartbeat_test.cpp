#include <carry/monitor/heartbeat.hpp>

#include <gtest/gtest.h>

using namespace carry;
using namespace carry::monitor;

namespace {

constexpr UnixNanos kNow = UnixNanos::from_seconds(1735689600);  // 2025-01-01T00:00:00Z

SymbolState hedged() {
  SymbolState s;
  s.symbol = "BTCUSDT";
  s.spot_position = "0.1"_dec;
  s.perp_position = "-0.1"_dec;
  s.spot_bid = "100000"_dec;
  s.spot_ask = "100002"_dec;  // mid 100001
  s.perp_bid = "100050"_dec;
  s.perp_ask = "100052"_dec;  // mid 100051
  s.spot_entry_price = "99000"_dec;
  s.perp_entry_price = "99100"_dec;
  s.funding_rate = "0.0001"_dec;
  s.funding_interval_hours = 8;
  s.next_funding = kNow + std::chrono::hours(8);
  s.funding_pnl = "3"_dec;
  s.fees_paid = "1.5"_dec;
  return s;
}

}  // namespace

TEST(Heartbeat, HedgedPositionNumbers) {
  const Heartbeat hb = build_heartbeat({kNow, {hedged()}, {}, ""});
  ASSERT_EQ(hb.symbols.size(), 1u);
  const SymbolHeartbeat& h = hb.symbols[0];
  EXPECT_EQ(h.spot_mid, "100001"_dec);
  EXPECT_EQ(h.perp_mid, "100051"_dec);
  EXPECT_EQ(h.net_delta, "0"_dec);
  EXPECT_EQ(h.spot_notional, "10000.1"_dec);
  EXPECT_EQ(h.perp_notional, "10005.1"_dec);
  EXPECT_EQ(h.notional, "10005.1"_dec);
  // The value of the legs differs by the basis: (10000.1 - 10005.1) / 10005.1
  ASSERT_TRUE(h.net_delta_bps);
  EXPECT_NEAR(*h.net_delta_bps, -5.0 / 10005.1 * 1e4, 1e-9);
  ASSERT_TRUE(h.basis_bps);
  EXPECT_NEAR(*h.basis_bps, 50.0 / 100001.0 * 1e4, 1e-9);
  ASSERT_TRUE(h.funding_apr);
  EXPECT_NEAR(*h.funding_apr, 0.0001 * 3 * 365, 1e-12);
  EXPECT_EQ(h.pnl.funding, "3"_dec);
  EXPECT_EQ(h.pnl.fees, "1.5"_dec);
  EXPECT_EQ(h.pnl.basis, "5"_dec);  // 0.1 x 1001 - 0.1 x 951
  EXPECT_EQ(h.pnl.net, "6.5"_dec);
  EXPECT_EQ(hb.total_notional, "10005.1"_dec);
  EXPECT_EQ(hb.total_pnl.net, "6.5"_dec);
}

TEST(Heartbeat, UnhedgedRemainderShowsInNetDelta) {
  SymbolState s = hedged();
  s.perp_position = "-0.05"_dec;
  const Heartbeat hb = build_heartbeat({kNow, {s}, {}, ""});
  const SymbolHeartbeat& h = hb.symbols[0];
  EXPECT_EQ(h.net_delta, "0.05"_dec);
  EXPECT_EQ(h.notional, "10000.1"_dec);  // the spot leg is the larger one now
  EXPECT_NEAR(*h.net_delta_bps, (10000.1 - 5002.55) / 10000.1 * 1e4, 1e-6);
}

TEST(Heartbeat, MissingMarketDataGivesNullsNotZeros) {
  SymbolState s = hedged();
  s.perp_bid.reset();
  SymbolState flat;
  flat.symbol = "ETHUSDT";
  flat.spot_bid = "3300"_dec;
  flat.spot_ask = "3301"_dec;
  flat.perp_bid = "3302"_dec;
  flat.perp_ask = "3303"_dec;
  const Heartbeat hb = build_heartbeat({kNow, {s, flat}, {}, ""});
  const SymbolHeartbeat& h = hb.symbols[0];
  EXPECT_FALSE(h.perp_mid);
  EXPECT_FALSE(h.notional);
  EXPECT_FALSE(h.net_delta_bps);
  EXPECT_FALSE(h.basis_bps);
  EXPECT_FALSE(h.pnl.basis);
  EXPECT_FALSE(h.pnl.net);
  EXPECT_FALSE(hb.total_notional);  // one unknown symbol makes the total unknown
  EXPECT_FALSE(hb.total_pnl.net);
  EXPECT_EQ(hb.total_pnl.funding, "3"_dec);

  const SymbolHeartbeat& f = hb.symbols[1];  // flat: no entry prices needed
  EXPECT_EQ(f.notional, "0"_dec);
  EXPECT_EQ(f.net_delta_bps, 0.0);
  EXPECT_EQ(f.pnl.basis, "0"_dec);
  EXPECT_FALSE(f.funding_rate);
  EXPECT_FALSE(f.funding_apr);

  const auto j = to_json(hb);
  EXPECT_TRUE(j["symbols"][0]["perp_mid"].is_null());
  EXPECT_TRUE(j["symbols"][0]["pnl"]["net"].is_null());
  EXPECT_TRUE(j["total_notional"].is_null());
}

TEST(Heartbeat, JsonFieldsAreExactStringsAndCounters) {
  const Heartbeat hb = build_heartbeat({kNow, {hedged()}, {{"oms.chase", 2, 10}, {"oms.cooldown", 0, 1}}, "Active"});
  const auto j = to_json(hb);
  EXPECT_EQ(j["ts"], "2025-01-01T00:00:00.000Z");
  const auto& s = j["symbols"][0];
  EXPECT_EQ(s["symbol"], "BTCUSDT");
  EXPECT_EQ(s["spot_position"], "0.1");
  EXPECT_EQ(s["perp_position"], "-0.1");
  EXPECT_EQ(s["spot_mid"], "100001");
  EXPECT_EQ(s["notional"], "10005.1");
  EXPECT_EQ(s["funding_rate"], "0.0001");
  EXPECT_EQ(s["next_funding"], "2025-01-01T08:00:00.000Z");
  EXPECT_EQ(s["pnl"]["basis"], "5");
  EXPECT_EQ(s["pnl"]["net"], "6.5");
  EXPECT_TRUE(s["net_delta_bps"].is_number());
  EXPECT_EQ(j["pnl"]["fees"], "1.5");
  EXPECT_EQ(j["counters"]["oms.chase"]["period"], 2);
  EXPECT_EQ(j["counters"]["oms.chase"]["total"], 10);
  EXPECT_EQ(j["counters"]["oms.cooldown"]["total"], 1);
  EXPECT_EQ(j["kill_switch"], "Active");
}

TEST(Heartbeat, NoSymbolsIsAnEmptyButValidHeartbeat) {
  const auto j = to_json(build_heartbeat({kNow, {}, {}, ""}));
  EXPECT_TRUE(j["symbols"].empty());
  EXPECT_EQ(j["total_notional"], "0");
  EXPECT_EQ(j["pnl"]["net"], "0");
  EXPECT_FALSE(j.contains("kill_switch"));
}
