// backtest --sweep: the grid, the override names, the ranking and the table, without running a
// backtest (the process test runs one).
#include <carry/app/backtest_sweep.hpp>

#include <gtest/gtest.h>

namespace carry::app {
namespace {

TEST(BacktestSweep, TheGridIsTheProductWithTheLastKeyFastest) {
  const std::vector<CliOptions::Sweep> s{{"a.x", {"1", "2"}}, {"b.y", {"p", "q", "r"}}};
  const auto g = sweep_grid(s);
  ASSERT_EQ(g.size(), 6u);
  EXPECT_EQ(g[0], (SweepPoint{{"a.x", "1"}, {"b.y", "p"}}));
  EXPECT_EQ(g[1], (SweepPoint{{"a.x", "1"}, {"b.y", "q"}}));
  EXPECT_EQ(g[5], (SweepPoint{{"a.x", "2"}, {"b.y", "r"}}));
  EXPECT_TRUE(sweep_grid({}).empty());
}

TEST(BacktestSweep, AKeyTravelsAsItsEnvironmentName) {
  EXPECT_EQ(sweep_env_name("strategy.funding.min_expected_apr"), "STRATEGY__FUNDING__MIN_EXPECTED_APR");
  EXPECT_EQ(sweep_env_name("backtest.slippage_bps"), "BACKTEST__SLIPPAGE_BPS");
}

SweepResult result(const char* v, const char* net, const char* dd, std::string error = {}) {
  SweepResult r;
  r.point = {{"k", v}};
  r.summary.net_pnl = Decimal::parse(net).value();
  r.summary.max_drawdown = Decimal::parse(dd).value();
  r.summary.trades = 4;
  r.summary.baseline_net = Decimal::from_units(10);
  r.summary.time_in_market = 0.5;
  r.error = std::move(error);
  return r;
}

TEST(BacktestSweep, RankedByNetThenSmallerDrawdownThenGridOrderFailuresLast) {
  const std::vector<SweepResult> rs{result("a", "10", "5"), result("b", "12", "9"), result("c", "10", "2"),
                                    result("d", "99", "0", "config refused"), result("e", "10", "2")};
  EXPECT_EQ(rank_sweep(rs), (std::vector<std::size_t>{1, 2, 4, 0, 3}));
}

TEST(BacktestSweep, TheTableAndTheCsvHoldTheSameRankedRows) {
  const std::vector<SweepResult> rs{result("0.05", "-1.5", "3"), result("0.1", "7.25", "1")};
  const auto ranking = rank_sweep(rs);
  const std::string csv = sweep_csv(rs, ranking);
  EXPECT_EQ(csv,
            "rank,k,net_pnl,baseline_net,vs_baseline,apr,max_drawdown,trades,time_in_market,funding_pnl,fees,error\n"
            "1,0.1,7.25,10.00,0.72,0.00%,1.00,4,50.00%,0.00,0.00,\n"
            "2,0.05,-1.50,10.00,-0.15,0.00%,3.00,4,50.00%,0.00,0.00,\n");
  const std::string table = sweep_table(rs, ranking);
  EXPECT_EQ(table.substr(0, table.find('\n')),
            "rank  k     net_pnl  baseline_net  vs_baseline  apr    max_drawdown  trades  time_in_market  funding_pnl  "
            "fees  error");
  EXPECT_NE(table.find("1     0.1   7.25"), std::string::npos) << table;
  // A cell with a comma is quoted in the CSV.
  const std::vector<SweepResult> bad{result("x", "0", "0", "refused: a, b")};
  EXPECT_NE(sweep_csv(bad, rank_sweep(bad)).find("\"refused: a, b\""), std::string::npos);
}

TEST(BacktestSweep, TheFlagIsParsedRepeatableAndRefusedWhenMalformed) {
  const auto o = parse_cli({"backtest", "--data", "d", "--sweep", "a.b=1,2", "--sweep=c.d=x"});
  ASSERT_EQ(o.sweeps.size(), 2u);
  EXPECT_EQ(o.sweeps[0].key, "a.b");
  EXPECT_EQ(o.sweeps[0].values, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(o.sweeps[1].key, "c.d");
  EXPECT_THROW(parse_cli({"backtest", "--data", "d", "--sweep", "a.b"}), CliError);
  EXPECT_THROW(parse_cli({"backtest", "--data", "d", "--sweep", "=1"}), CliError);
  EXPECT_THROW(parse_cli({"backtest", "--data", "d", "--sweep", "a.b=1", "--sweep", "a.b=2"}), CliError);
  EXPECT_THROW(parse_cli({"--sweep", "a.b=1"}), CliError);  // backtest only
}

}  // namespace
}  // namespace carry::app
