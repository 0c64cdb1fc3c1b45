#include <carry/strategy/decision.hpp>
#include <carry/strategy/order_intent.hpp>

#include <gtest/gtest.h>

namespace carry::strategy {
namespace {

TEST(Decision, KindNamesAreTheStoresNames) {
  EXPECT_EQ(to_string(DecisionKind::Open), "OPEN");
  EXPECT_EQ(to_string(DecisionKind::Close), "CLOSE");
  EXPECT_EQ(to_string(DecisionKind::Rebalance), "REBALANCE");
  EXPECT_EQ(to_string(DecisionKind::Hold), "HOLD");
}

TEST(Decision, JsonCarriesEveryNumberAndTheReason) {
  Decision d;
  d.kind = DecisionKind::Open;
  d.symbol = "BTCUSDT";
  d.ts = UnixNanos::from_seconds(1735689600);
  d.reason = "funding_positive";
  d.funding_rate = 0.001;
  d.interval_hours = 4;
  d.next_settlement = UnixNanos::from_seconds(1735689600 + 4 * 3600);
  d.expected_apr = 0.5;
  d.target_spot = "0.0123"_dec;
  d.target_perp = "-0.0123"_dec;
  d.limited_by = "target";
  const auto numbers = decision_numbers(d);
  EXPECT_FALSE(numbers.contains("kind"));
  EXPECT_EQ(numbers.at("interval_hours"), 4);
  EXPECT_EQ(numbers.at("next_settlement"), "2025-01-01T04:00:00Z");
  EXPECT_EQ(numbers.at("target_spot"), "0.0123");
  EXPECT_EQ(numbers.at("target_perp"), "-0.0123");
  EXPECT_DOUBLE_EQ(numbers.at("expected_apr").get<double>(), 0.5);
  EXPECT_EQ(numbers.at("limited_by"), "target");
  const auto full = to_json(d);
  EXPECT_EQ(full.at("kind"), "OPEN");
  EXPECT_EQ(full.at("symbol"), "BTCUSDT");
  EXPECT_EQ(full.at("reason"), "funding_positive");
  EXPECT_EQ(full.at("decision_ts"), "2025-01-01T00:00:00.000Z");
}

TEST(Decision, JsonShowsTheForecastAndItsParts) {
  Decision d;
  d.funding_rate = 0.0006;
  d.ewma_rate = 0.00005;
  d.forecast_weight = 0.5;
  d.forecast_rate = 0.000325;
  d.settlements_seen = 6;
  d.close_confirmations = 2;
  const auto n = decision_numbers(d);
  EXPECT_DOUBLE_EQ(n.at("funding_rate").get<double>(), 0.0006);
  EXPECT_DOUBLE_EQ(n.at("ewma_rate").get<double>(), 0.00005);
  EXPECT_DOUBLE_EQ(n.at("forecast_weight").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(n.at("forecast_rate").get<double>(), 0.000325);
  EXPECT_EQ(n.at("settlements_seen"), 6);
  EXPECT_EQ(n.at("close_confirmations"), 2);
}

TEST(OrderIntent, TagJoinsRoleAndReason) {
  OrderIntent in;
  in.role = LegRole::Follower;
  in.reason = "follow";
  EXPECT_EQ(in.tag(), "follower:follow");
  in.tif = TimeInForce::PostOnly;
  EXPECT_TRUE(in.post_only());
  in.reason.clear();
  in.role = LegRole::Flatten;
  EXPECT_EQ(in.tag(), "flatten");
}

}  // namespace
}  // namespace carry::strategy
