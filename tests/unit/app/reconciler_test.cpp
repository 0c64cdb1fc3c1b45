// The reconciliation planner without sockets: what the store's fills, the venue's open orders and
// fills, and the OMS's view decide (adopt, record, resolve, leave alone, recover, trip on drift).
#include "reconciler.hpp"

#include <gtest/gtest.h>

namespace carry::app::reconciler {
namespace {

const Owns kOurs = [](std::string_view oid) { return oid.starts_with("cry"); };

Fill fill(std::string oid, std::string trade, MarketType m, Side side, const char* size, const char* fee = "0",
          std::string fee_coin = "USDT") {
  Fill f;
  f.symbol = "BTCUSDT";
  f.market = m;
  f.client_oid = std::move(oid);
  f.order_id = "O-" + f.client_oid;
  f.trade_id = std::move(trade);
  f.side = side;
  f.price = Decimal::from_units(100);
  f.size = Decimal::parse(size).value();
  f.fee = Decimal::parse(fee).value();
  f.fee_coin = std::move(fee_coin);
  return f;
}

OrderUpdate open_order(std::string oid, MarketType m, Side side, const char* filled, std::string symbol = "BTCUSDT") {
  OrderUpdate u;
  u.symbol = std::move(symbol);
  u.market = m;
  u.client_oid = std::move(oid);
  u.order_id = "O-" + u.client_oid;
  u.side = side;
  u.size = Decimal::from_units(1);
  u.filled_size = Decimal::parse(filled).value();
  u.status = OrderStatus::PartiallyFilled;
  return u;
}

TEST(Reconciler, TheLedgerCountsOnlyOurFillsAndTheSpotFeeTakenInTheBaseCoin) {
  const Ledger l = ledger_from(
      {fill("cry1", "T1", MarketType::Spot, Side::Buy, "0.5", "0.001", "BTC"),
       fill("cry2", "T2", MarketType::Perp, Side::Sell, "0.5"), fill("manual", "T3", MarketType::Perp, Side::Buy, "3")},
      kOurs);
  EXPECT_EQ(l.spot_net.at("BTCUSDT"), "0.499"_dec);
  EXPECT_EQ(l.perp_net.at("BTCUSDT"), "-0.5"_dec);
  EXPECT_EQ(l.filled.at("cry1"), "0.5"_dec);
  EXPECT_FALSE(l.filled.contains("manual"));
}

TEST(Reconciler, OpenOrdersAreRecordedAdoptedResolvedOrLeftAlone) {
  Ledger l = ledger_from({fill("cry1", "T1", MarketType::Perp, Side::Sell, "0.2")}, kOurs);
  const std::vector<OrderUpdate> venue{open_order("cry1", MarketType::Perp, Side::Sell, "0.5"),
                                       open_order("cry2", MarketType::Spot, Side::Buy, "0"),
                                       open_order("manual", MarketType::Perp, Side::Buy, "0"),
                                       open_order("cry3", MarketType::Perp, Side::Buy, "0", "DOGEUSDT")};
  store::OrderRecord gone, live, listed;
  gone.client_oid = "cry4";
  live.client_oid = "cry5";
  listed.client_oid = "cry1";
  const OmsView oms{[](std::string_view oid) { return oid == "cry2" || oid == "cry5"; },
                    [](std::string_view oid) { return oid == "cry5"; }};
  const auto plan = plan_orders(
      venue, {gone, live, listed}, [](std::string_view s) { return s == "BTCUSDT"; }, kOurs, oms, l);
  ASSERT_EQ(plan.foreign.size(), 2u);  // another client's, and ours on a symbol not traded now
  EXPECT_EQ(plan.record.size(), 2u);
  ASSERT_EQ(plan.adopt.size(), 1u);
  EXPECT_EQ(plan.adopt[0].client_oid, "cry1");
  ASSERT_EQ(plan.missed.size(), 1u);  // the venue filled 0.5, the store holds 0.2
  EXPECT_EQ(plan.missed[0].size, "0.3"_dec);
  EXPECT_EQ(l.perp_net.at("BTCUSDT"), "-0.5"_dec);
  ASSERT_EQ(plan.resolve.size(), 1u);  // not listed, not live here: ask the venue
  EXPECT_EQ(plan.resolve[0].client_oid, "cry4");
}

TEST(Reconciler, AResolvedRowTheVenueNeverSawIsRejectedOneItSawBooksWhatItFilled) {
  Ledger l;
  store::OrderRecord row;
  row.client_oid = "cry4";
  row.symbol = "BTCUSDT";
  row.market = MarketType::Spot;
  row.side = Side::Buy;
  row.status = OrderStatus::Sent;
  auto r = resolve(row, std::nullopt, UnixNanos::from_seconds(10), l);
  EXPECT_FALSE(r.reached_venue);
  EXPECT_EQ(r.record.status, OrderStatus::Rejected);
  EXPECT_EQ(r.record.reason, "not_on_exchange");
  EXPECT_FALSE(r.missed);
  OrderUpdate filled = open_order("cry4", MarketType::Spot, Side::Buy, "1");
  filled.status = OrderStatus::Filled;
  r = resolve(row, filled, UnixNanos::from_seconds(10), l);
  EXPECT_TRUE(r.reached_venue);
  EXPECT_EQ(r.record.status, OrderStatus::Filled);
  ASSERT_TRUE(r.missed);
  EXPECT_EQ(r.missed->size, "1"_dec);
  EXPECT_EQ(l.spot_net.at("BTCUSDT"), "1"_dec);
}

TEST(Reconciler, MissedFillsAreOursUnappliedOnceForeignOnesApartAndUnnamedOnesGoToBeNamed) {
  std::vector<Fill> venue{
      fill("cry1", "T1", MarketType::Perp, Side::Sell, "0.1"), fill("cry1", "T2", MarketType::Perp, Side::Sell, "0.1"),
      fill("cry1", "T2", MarketType::Perp, Side::Sell, "0.1"),  // page overlap
      fill("manual", "T3", MarketType::Perp, Side::Buy, "1"),  fill("", "T4", MarketType::Spot, Side::Buy, "0.1"),
      fill("", "T5", MarketType::Spot, Side::Buy, "0.1")};
  venue[4].order_id = "O-known";
  venue[5].order_id = "O-lost";
  const auto m = missed_fills(
      venue, [](MarketType, std::string_view id) { return id == "T1"; },
      [](std::string_view oid) { return oid == "O-known" ? std::optional<std::string>("cry9") : std::nullopt; }, kOurs);
  ASSERT_EQ(m.ours.size(), 2u);
  EXPECT_EQ(m.ours[0].trade_id, "T2");
  EXPECT_EQ(m.ours[1].client_oid, "cry9");
  ASSERT_EQ(m.unnamed.size(), 1u);
  EXPECT_EQ(m.unnamed[0].trade_id, "T5");
  // Another client's fill that names itself (v3 fills carry the clientOid) is kept apart, not lost:
  // the foreign part of the position must follow it.
  ASSERT_EQ(m.foreign.size(), 1u);
  EXPECT_EQ(m.foreign[0].trade_id, "T3");
}

TEST(Reconciler, DriftTripsOnlyWhenItOutlastsAPassAndClears) {
  DriftTracker d;
  const Decimal lot = "0.001"_dec;
  auto v = d.observe("BTCUSDT", "-0.02"_dec, "0"_dec, "-0.0205"_dec, lot);  // within a lot step
  EXPECT_FALSE(v.drifted);
  v = d.observe("BTCUSDT", "-0.04"_dec, "0"_dec, "-0.02"_dec, lot);
  EXPECT_TRUE(v.drifted);
  EXPECT_FALSE(v.trip);
  EXPECT_EQ(v.unexplained, "-0.02"_dec);
  v = d.observe("BTCUSDT", "-0.04"_dec, "0"_dec, "-0.02"_dec, lot);
  EXPECT_TRUE(v.trip);
  EXPECT_EQ(v.passes, 2);
  v = d.observe("BTCUSDT", "-0.04"_dec, "-0.02"_dec, "-0.02"_dec, lot);  // the foreign part explains it
  EXPECT_FALSE(v.drifted);
  EXPECT_TRUE(v.cleared);
}

}  // namespace
}  // namespace carry::app::reconciler
