// The always-on carry baseline on hand-made prices: sizes, fills, fees, slippage and which
// settlements count, with exact values.
#include <carry/backtest/baseline.hpp>

#include <gtest/gtest.h>

namespace carry::backtest {
namespace {

constexpr std::int64_t kHour = 3'600'000'000'000;

BaselineCosts costs() { return {"1000"_dec, "0.001"_dec, "0.0005"_dec, "0.001"_dec}; }

FundingRow settlement(std::int64_t ns, const char* rate) { return {ns / 1'000'000, Decimal::parse(rate).value(), 8}; }

BaselineInput three_hours() {
  BaselineInput in;
  in.symbol = "TESTUSDT";
  in.spot = {{1 * kHour, "100"_dec}, {2 * kHour, "110"_dec}, {3 * kHour, "120"_dec}};
  in.perp = {{1 * kHour, "101"_dec}, {2 * kHour, "111"_dec}, {3 * kHour, "119"_dec}};
  // Before the open, between closes (paid at the 2 h perp close), at the close, after it.
  in.funding = {settlement(kHour / 2, "0.5"), settlement(5 * kHour / 2, "0.001"), settlement(3 * kHour, "0.002"),
                settlement(4 * kHour, "0.5")};
  return in;
}

TEST(AlwaysOnCarry, OpensAtTheFirstCloseAndClosesAtTheLastWithFeesAndSlippage) {
  const BaselineResult r = always_on_carry(three_hours(), costs());
  ASSERT_TRUE(r.traded);
  EXPECT_EQ(r.size, "10"_dec);  // 1000 USDT at the first spot close, both legs
  EXPECT_EQ(r.open_ts.ns, 1 * kHour);
  EXPECT_EQ(r.close_ts.ns, 3 * kHour);
  // Fills 1001 / 1198.8 (spot), 1008.99 / 1191.19 (perp).
  EXPECT_EQ(r.fees, "3.29989"_dec);
  EXPECT_EQ(r.slippage, "4.4"_dec);  // 10 x 0.001 x (100 + 120 + 101 + 119)
  EXPECT_EQ(r.price_pnl, "20"_dec);  // spot +200, perp -180
  // 0.001 x 111 x 10 + 0.002 x 111 x 10: a settlement at the closing instant is still held (the
  // replay settles before it moves on to that instant's quotes) and paid at the last earlier close.
  EXPECT_EQ(r.funding, "3.33"_dec);
  EXPECT_EQ(r.settlements, 2u);
  EXPECT_EQ(r.net, "15.63011"_dec);
}

TEST(AlwaysOnCarry, NegativeFundingIsStillSpotLongPerpShortAndCosts) {
  BaselineInput in = three_hours();
  in.funding = {settlement(5 * kHour / 2, "-0.01")};
  const BaselineResult r = always_on_carry(in, costs());
  EXPECT_EQ(r.funding, "-11.1"_dec);
  EXPECT_EQ(r.net, "-11.1"_dec - "3.29989"_dec - "4.4"_dec + "20"_dec);
}

TEST(AlwaysOnCarry, OpensAndClosesOnlyWhereBothLegsHaveAPrice) {
  BaselineInput in = three_hours();
  in.spot.erase(in.spot.begin());                   // spot outage in the first hour
  in.perp.push_back({4 * kHour, "130"_dec});        // perp goes on without spot
  in.funding = {settlement(3 * kHour / 2, "0.1")};  // before the pair is open
  const BaselineResult r = always_on_carry(in, costs());
  ASSERT_TRUE(r.traded);
  EXPECT_EQ(r.open_ts.ns, 2 * kHour);
  EXPECT_EQ(r.close_ts.ns, 3 * kHour);
  EXPECT_EQ(r.spot_open, "110"_dec);
  EXPECT_EQ(r.perp_open, "111"_dec);
  EXPECT_EQ(r.perp_close, "119"_dec);
  EXPECT_EQ(r.funding, "0"_dec);
}

TEST(AlwaysOnCarry, NoCommonInstantMeansNothingHeld) {
  BaselineInput in = three_hours();
  in.perp = {{kHour / 2, "101"_dec}};
  const BaselineResult r = always_on_carry(in, costs());
  EXPECT_FALSE(r.traded);
  EXPECT_EQ(r.net, "0"_dec);
  in.spot.resize(1);
  in.perp = {{1 * kHour, "101"_dec}};  // one instant: opened and closed at once is no carry
  EXPECT_FALSE(always_on_carry(in, costs()).traded);
}

TEST(AlwaysOnCarry, FundingIsSplitByTheSettlementsMonth) {
  // 2021-01-31T23:00Z and 2021-02-01T00:00Z (the settlement that starts February).
  const std::int64_t jan31 = 1'612'134'000'000'000'000, feb1 = jan31 + kHour;
  BaselineInput in;
  in.symbol = "TESTUSDT";
  in.spot = {{jan31 - kHour, "100"_dec}, {feb1 + kHour, "100"_dec}};
  in.perp = {{jan31 - kHour, "100"_dec}, {jan31 + 1, "200"_dec}, {feb1 + kHour, "100"_dec}};
  in.funding = {settlement(jan31, "0.001"), settlement(feb1, "0.002")};
  const BaselineResult r = always_on_carry(in, costs());
  ASSERT_EQ(r.funding_by_month.size(), 2u);
  EXPECT_EQ(r.funding_by_month.at("2021-01"), "1"_dec);  // 0.001 x 100 x 10
  EXPECT_EQ(r.funding_by_month.at("2021-02"), "4"_dec);  // 0.002 x 200 x 10
}

TEST(AlwaysOnCarry, InputTakesCandleMidsWithinTheRange) {
  SymbolData d;
  d.symbol = "TESTUSDT";
  d.spot.quotes = {{1 * kHour, "99.99"_dec, "1"_dec, "100.01"_dec, "1"_dec},
                   {2 * kHour, "109"_dec, "1"_dec, "111"_dec, "1"_dec}};
  d.perp.quotes = d.spot.quotes;
  d.funding = {settlement(kHour, "0.001"), settlement(3 * kHour, "0.001")};
  const BaselineInput in = baseline_input(d, TimeRange{std::nullopt, UnixNanos{2 * kHour}});
  ASSERT_EQ(in.spot.size(), 1u);
  EXPECT_EQ(in.spot[0].price, "100"_dec);
  EXPECT_EQ(in.funding.size(), 1u);
  EXPECT_EQ(baseline_input(d, TimeRange{}).perp.back().price, "110"_dec);
}

}  // namespace
}  // namespace carry::backtest
