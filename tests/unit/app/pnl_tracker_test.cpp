// The runtime's per-symbol PnL book (pnl_tracker.hpp): average entry per leg through adds,
// reductions, closes and flips; funding and fees since start and for the day; the daily_pnl row.
#include "pnl_tracker.hpp"

#include <gtest/gtest.h>

using namespace carry;
using namespace carry::app;

namespace {

Fill fill(MarketType market, Side side, const char* size, const char* price, const char* fee = "0") {
  Fill f;
  f.symbol = "BTCUSDT";
  f.market = market;
  f.side = side;
  f.size = Decimal::parse(size).value();
  f.price = Decimal::parse(price).value();
  f.fee = Decimal::parse(fee).value();
  return f;
}

}  // namespace

TEST(PnlTracker, FlatLegsHaveNoEntry) {
  const PnlTracker t;
  EXPECT_TRUE(t.position(MarketType::Spot).is_zero());
  EXPECT_FALSE(t.entry_price(MarketType::Spot).has_value());
  EXPECT_FALSE(t.entry_price(MarketType::Perp).has_value());
}

TEST(PnlTracker, AddingAveragesTheEntryAndReducingKeepsIt) {
  PnlTracker t;
  t.on_fill(fill(MarketType::Spot, Side::Buy, "1", "100"));
  t.on_fill(fill(MarketType::Spot, Side::Buy, "1", "110"));
  EXPECT_EQ(t.position(MarketType::Spot), "2"_dec);
  EXPECT_EQ(t.entry_price(MarketType::Spot), "105"_dec);
  t.on_fill(fill(MarketType::Spot, Side::Sell, "0.5", "130"));
  EXPECT_EQ(t.position(MarketType::Spot), "1.5"_dec);
  EXPECT_EQ(t.entry_price(MarketType::Spot), "105"_dec);
  EXPECT_FALSE(t.entry_price(MarketType::Perp).has_value());  // the other leg is untouched
}

TEST(PnlTracker, ShortLegsAverageToo) {
  PnlTracker t;
  t.on_fill(fill(MarketType::Perp, Side::Sell, "1", "100"));
  t.on_fill(fill(MarketType::Perp, Side::Sell, "1", "90"));
  EXPECT_EQ(t.position(MarketType::Perp), "-2"_dec);
  EXPECT_EQ(t.entry_price(MarketType::Perp), "95"_dec);
  t.on_fill(fill(MarketType::Perp, Side::Buy, "1", "80"));
  EXPECT_EQ(t.position(MarketType::Perp), "-1"_dec);
  EXPECT_EQ(t.entry_price(MarketType::Perp), "95"_dec);
}

TEST(PnlTracker, ClosingEndsTheEntryAndFlippingStartsAtTheFillPrice) {
  PnlTracker t;
  t.on_fill(fill(MarketType::Perp, Side::Buy, "1", "100"));
  t.on_fill(fill(MarketType::Perp, Side::Sell, "1", "120"));
  EXPECT_TRUE(t.position(MarketType::Perp).is_zero());
  EXPECT_FALSE(t.entry_price(MarketType::Perp).has_value());
  t.on_fill(fill(MarketType::Perp, Side::Buy, "1", "100"));
  t.on_fill(fill(MarketType::Perp, Side::Sell, "3", "120"));  // through zero: short 2 opened at 120
  EXPECT_EQ(t.position(MarketType::Perp), "-2"_dec);
  EXPECT_EQ(t.entry_price(MarketType::Perp), "120"_dec);
}

TEST(PnlTracker, FundingAndFeesCountSinceStartAndForTheDay) {
  PnlTracker t;
  t.on_fill(fill(MarketType::Spot, Side::Buy, "1", "100", "0.1"));
  t.on_fill(fill(MarketType::Perp, Side::Sell, "1", "100", "0.05"));
  t.on_funding("0.3"_dec);
  EXPECT_EQ(t.fees(), "0.15"_dec);
  EXPECT_EQ(t.day_fees(), "0.15"_dec);
  EXPECT_EQ(t.funding(), "0.3"_dec);
  EXPECT_EQ(t.day_funding(), "0.3"_dec);

  t.start_day();
  EXPECT_TRUE(t.day_fees().is_zero());
  EXPECT_TRUE(t.day_funding().is_zero());
  t.on_funding("-0.1"_dec);  // paid
  EXPECT_EQ(t.funding(), "0.2"_dec);
  EXPECT_EQ(t.day_funding(), "-0.1"_dec);
  EXPECT_EQ(t.fees(), "0.15"_dec);  // since start: kept across days
  EXPECT_EQ(t.position(MarketType::Spot), "1"_dec);
}

TEST(PnlTracker, DayRowIsFundingLessFees) {
  PnlTracker t;
  t.on_fill(fill(MarketType::Spot, Side::Buy, "1", "100", "0.1"));
  t.on_funding("0.5"_dec);
  const auto now = UnixNanos::from_seconds(1'735'689'600);
  const store::DailyPnlRecord r = t.day_row("2025-01-01", "BTCUSDT", now);
  EXPECT_EQ(r.date, "2025-01-01");
  EXPECT_EQ(r.symbol, "BTCUSDT");
  EXPECT_EQ(r.funding, "0.5"_dec);
  EXPECT_EQ(r.fees, "0.1"_dec);
  EXPECT_EQ(r.net_pnl, "0.4"_dec);
  EXPECT_TRUE(r.basis_pnl.is_zero());
  EXPECT_EQ(r.updated, now);
}

TEST(PnlTracker, AdoptedLegIsCostedAtTheMidWhenThereIsOne) {
  PnlTracker t;
  t.adopt(MarketType::Spot, "2"_dec, "50"_dec);
  EXPECT_EQ(t.position(MarketType::Spot), "2"_dec);
  EXPECT_EQ(t.entry_price(MarketType::Spot), "50"_dec);
  // No quote: the entry stays (the added coins are not costed at zero, which would book their
  // whole value as profit).
  t.adopt(MarketType::Spot, "4"_dec, std::nullopt);
  EXPECT_EQ(t.position(MarketType::Spot), "4"_dec);
  EXPECT_EQ(t.entry_price(MarketType::Spot), "50"_dec);
  t.adopt(MarketType::Perp, "-1"_dec, "60"_dec);
  EXPECT_EQ(t.entry_price(MarketType::Perp), "60"_dec);
}
