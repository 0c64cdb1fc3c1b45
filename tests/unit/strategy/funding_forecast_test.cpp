// The funding forecast (current rate blended with an EWMA of settled rates) and the exit
// persistence rule, as tables.
#include <carry/strategy/funding_forecast.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace carry::strategy {
namespace {

struct Settled {
  double rate;
  int interval;
};

SettledFunding history_of(const std::vector<Settled>& rows, double halflife) {
  SettledFunding s;
  for (const auto& r : rows) s.add(r.rate, r.interval, halflife);
  return s;
}

TEST(FundingForecast, BlendsTheCurrentRateWithTheSettledMean) {
  struct Row {
    const char* name;
    std::vector<Settled> settled;
    ForecastParams p;
    double current;
    int interval;
    double ewma, weight, rate;
  };
  const std::vector<Settled> low3{{0.0001, 8}, {0.0001, 8}, {0.0001, 8}};
  const std::vector<Row> rows{
      // No history: the current rate alone (weight 1), whatever the configured weight.
      {"no history", {}, {0.5, 9, 3}, 0.001, 8, 0, 1, 0.001},
      // Fewer than min_history settlements: the EWMA is shown but not used.
      {"short history", {{0.0001, 8}, {0.0001, 8}}, {0.5, 9, 3}, 0.001, 8, 0.0001, 1, 0.001},
      {"blend 0.5", low3, {0.5, 9, 3}, 0.001, 8, 0.0001, 0.5, 0.00055},
      {"weight 1: current only", low3, {1.0, 9, 3}, 0.001, 8, 0.0001, 1, 0.001},
      {"weight 0: settled only", low3, {0.0, 9, 3}, 0.001, 8, 0.0001, 0, 0.0001},
      {"min_history 1", {{0.0003, 8}}, {0.25, 9, 1}, 0.0007, 8, 0.0003, 0.25, 0.0004},
      // History at 8 h (1 bp per hour), now 4 h settlements: the mean is 4 bp per settlement.
      {"interval change", {{0.0008, 8}, {0.0008, 8}, {0.0008, 8}}, {0.5, 9, 3}, 0.0002, 4, 0.0004, 0.5, 0.0003},
      {"negative history", {{-0.0002, 8}, {-0.0002, 8}, {-0.0002, 8}}, {0.5, 9, 3}, 0.0001, 8, -0.0002, 0.5, -0.00005},
  };
  for (const Row& r : rows) {
    const SettledFunding s = history_of(r.settled, r.p.ewma_halflife_settlements);
    const FundingForecast f = forecast_funding(r.current, r.interval, s, r.p);
    EXPECT_DOUBLE_EQ(f.current, r.current) << r.name;
    EXPECT_EQ(f.history, static_cast<int>(r.settled.size())) << r.name;
    EXPECT_NEAR(f.ewma, r.ewma, 1e-12) << r.name;
    EXPECT_DOUBLE_EQ(f.weight, r.weight) << r.name;
    EXPECT_NEAR(f.rate, r.rate, 1e-12) << r.name;
  }
}

TEST(FundingForecast, HalfLifeSetsHowFastOldSettlementsFade) {
  // Ten settlements at 1 bp, then one at 11 bp: the new rate's weight is 1 - 2^(-1/h).
  struct Row {
    double halflife;
    double ewma;
  };
  for (const Row& r :
       {Row{1, 0.0001 + 0.5 * 0.001}, Row{9, 0.0001 + (1 - std::exp2(-1.0 / 9)) * 0.001}, Row{1e9, 0.0001}}) {
    SettledFunding s;
    for (int i = 0; i < 10; ++i) s.add(0.0001, 8, r.halflife);
    s.add(0.0011, 8, r.halflife);
    EXPECT_NEAR(s.ewma_per_hour() * 8, r.ewma, 1e-9) << r.halflife;
  }
  // After `halflife` settlements at a new level the old level keeps half its weight.
  SettledFunding s;
  s.add(0.0, 8, 4);
  for (int i = 0; i < 4; ++i) s.add(0.001, 8, 4);
  EXPECT_NEAR(s.ewma_per_hour() * 8, 0.0005, 1e-12);
}

TEST(FundingForecast, UnknownIntervalAndBadRatesAreNotLearned) {
  SettledFunding s;
  s.add(0.001, 0, 9);
  s.add(std::nan(""), 8, 9);
  EXPECT_EQ(s.count(), 0);
  const FundingForecast f = forecast_funding(0.0002, 0, history_of({{0.001, 8}}, 9), {0.5, 9, 1});
  EXPECT_DOUBLE_EQ(f.rate, 0.0002);  // no interval to scale the mean to: the current rate
}

TEST(ExitPersistence, ALowForecastClosesOnlyWhenSeenInNConsecutivePeriods) {
  const UnixNanos p1 = UnixNanos::from_seconds(1'000), p2 = UnixNanos::from_seconds(2'000),
                  p3 = UnixNanos::from_seconds(3'000);
  struct Step {
    double apr;
    UnixNanos period;
    bool close;
    const char* reason;
    int count;
  };
  struct Row {
    const char* name;
    int needed;
    std::vector<Step> steps;
  };
  const std::vector<Row> rows{
      {"one low print does not close", 3, {{0.01, p1, false, "close_pending", 1}, {0.05, p1, false, "", 0}}},
      {"many checks in one period count once",
       3,
       {{0.01, p1, false, "close_pending", 1},
        {0.01, p1, false, "close_pending", 1},
        {0.00, p1, false, "close_pending", 1}}},
      {"three periods close",
       3,
       {{0.01, p1, false, "close_pending", 1},
        {0.01, p2, false, "close_pending", 2},
        {0.01, p3, true, "apr_below_close", 3}}},
      {"a recovery resets the count",
       3,
       {{0.01, p1, false, "close_pending", 1}, {0.03, p2, false, "", 0}, {0.01, p3, false, "close_pending", 1}}},
      {"needed 1 closes at once", 1, {{0.01, p1, true, "apr_below_close", 1}}},
      {"a sign flip closes at once",
       3,
       {{0.01, p1, false, "close_pending", 1}, {-0.001, p1, true, "funding_sign_flip", 0}}},
      {"at close_apr holds", 3, {{0.02, p1, false, "", 0}}},
  };
  for (const Row& r : rows) {
    CloseConfirmations c;
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
      const Step& s = r.steps[i];
      const ExitVerdict v = check_exit(c, s.apr, 0.02, r.needed, s.period);
      EXPECT_EQ(v.close, s.close) << r.name << " step " << i;
      EXPECT_EQ(v.reason, s.reason) << r.name << " step " << i;
      EXPECT_EQ(c.count, s.count) << r.name << " step " << i;
    }
  }
}

TEST(ExitPersistence, AForecastAgainstThePositionClosesAtOnceOnlyWhenItCostsMoreThanARoundTrip) {
  const UnixNanos p1 = UnixNanos::from_seconds(1'000), p2 = UnixNanos::from_seconds(2'000),
                  p3 = UnixNanos::from_seconds(3'000);
  // 8 h periods; the position's forecast rate r per settlement gives hold_apr = r x 1095.
  auto apr = [](double r) { return r * 8760 / 8; };
  struct Step {
    double rate;
    UnixNanos period;
    bool close;
    const char* reason;
  };
  struct Row {
    const char* name;
    double horizon_settlements;  // adverse_horizon_hours / 8
    double close_apr;
    std::vector<Step> steps;
  };
  // Round trip 38 bps. At 9 settlements (72 h) the break-even rate is -38 / 9 = -4.22 bp.
  const std::vector<Row> rows{
      {"no horizon: any flip closes at once (the rule before)", 0, 0.02, {{-0.00001, p1, true, "funding_sign_flip"}}},
      {"a cheap stretch is ridden out",
       9,
       -0.30,
       {{-0.0001, p1, false, "adverse_tolerated"}, {-0.0002, p2, false, "adverse_tolerated"}, {0.0001, p3, false, ""}}},
      {"a costly one closes at once", 9, -0.30, {{-0.0005, p1, true, "funding_sign_flip"}}},
      {"just above the break-even holds", 9, -0.50, {{-0.00042, p1, false, "adverse_tolerated"}}},
      {"just below it closes", 9, -0.50, {{-0.00043, p1, true, "funding_sign_flip"}}},
      {"tolerated but persistently below close_apr closes after N periods",
       9,
       -0.10,
       {{-0.0002, p1, false, "close_pending"},
        {-0.0002, p2, false, "close_pending"},
        {-0.0002, p3, true, "apr_below_close"}}},
      {"a longer horizon tolerates less", 27, -0.50, {{-0.0002, p1, true, "funding_sign_flip"}}},
  };
  for (const Row& r : rows) {
    CloseConfirmations c;
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
      const Step& s = r.steps[i];
      const AdverseCost cost{r.horizon_settlements, s.rate, 38.0};
      const ExitVerdict v = check_exit(c, apr(s.rate), r.close_apr, 3, s.period, cost);
      EXPECT_EQ(v.close, s.close) << r.name << " step " << i;
      EXPECT_EQ(v.reason, s.reason) << r.name << " step " << i;
    }
  }
}

}  // namespace
}  // namespace carry::strategy
