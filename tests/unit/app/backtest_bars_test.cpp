// Order lifetimes fitted to the bar length of a backtest's data (backtest_bars.hpp).
#include <carry/app/backtest_bars.hpp>

#include <gtest/gtest.h>

using namespace carry;
using namespace carry::app;

namespace {

using engine::EngineSetup;

EngineSetup defaults() { return engine::make_engine_setup(config::Config{}); }

TEST(BacktestBars, TicksChangeNothing) {
  EngineSetup s = defaults();
  EXPECT_TRUE(fit_lifetimes_to_bars(s, 0).empty());
  EXPECT_EQ(s.strategy.leader_timeout_s, defaults().strategy.leader_timeout_s);
  EXPECT_FALSE(s.strategy.leader_taker);  // ticks: the maker leader, as live
}

TEST(BacktestBars, HourlyBarsRaiseEveryLifetimeAndListThem) {
  EngineSetup s = defaults();
  const auto raised = fit_lifetimes_to_bars(s, 3'600'000);
  std::vector<std::string> lines;
  for (const auto& r : raised) lines.push_back(r.line());
  EXPECT_EQ(
      lines,
      (std::vector<std::string>{
          "leader_timeout_s: 120 s configured, 7200 s used", "order_expiry_s: 60 s configured, 3600 s used",
          "chase_interval_ms: 2000 ms configured, 3600000 ms used", "hedge_timeout_s: 30 s configured, 7200 s used",
          "reopen_cooldown_s: 900 s configured, 3600 s used", "leader: post-only maker configured, taker IOC used"}));
  EXPECT_TRUE(s.strategy.leader_taker);  // a maker fill inside a bar could only be hedged at its close
  EXPECT_EQ(s.strategy.leader_timeout_s, 7200);
  EXPECT_EQ(s.strategy.order_expiry_s, 3600);
  EXPECT_EQ(s.strategy.hedge_timeout_s, 7200);
  EXPECT_EQ(s.strategy.reopen_cooldown_s, 3600);
  EXPECT_EQ(s.oms.chase_interval_ms, 3'600'000);  // the chaser reads the OMS's copy
}

TEST(BacktestBars, MinuteBarsRaiseOnlyWhatIsShorterAndNeverLower) {
  EngineSetup s = defaults();
  s.strategy.reopen_cooldown_s = 5;
  const auto raised = fit_lifetimes_to_bars(s, 60'000);
  std::vector<std::string> names;
  for (const auto& r : raised) names.push_back(r.name);
  // leader 120 s is already two 1m bars, expiry 60 s one; the cooldown set to 5 s is raised.
  EXPECT_EQ(names, (std::vector<std::string>{"chase_interval_ms", "hedge_timeout_s", "reopen_cooldown_s", "leader"}));
  EXPECT_EQ(s.strategy.leader_timeout_s, 120);
  EXPECT_EQ(s.strategy.hedge_timeout_s, 120);
  EXPECT_EQ(s.oms.chase_interval_ms, 60'000);
}

}  // namespace
