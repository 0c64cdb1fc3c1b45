// The backtest's own always-on carry baseline on the development windows (data/regimes) with the
// default costs reproduces the figures issue 16 gives, and the summary line carries it.
#include <carry/app/backtest_runner.hpp>
#include <carry_test/paths.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

namespace carry::app {
namespace {

struct Expected {
  const char* window;
  const char* symbol;
  double net;  // USDT, as the issue prints it (one decimal)
};

// 1,000 USDT per leg at the first close, taker fees both legs both ways (spot 0.1 %, perp 0.06 %),
// 2 bp slippage per fill, funding at the settlement hour's perp close.
constexpr Expected kIssueTable[] = {
    {"2021-01_2021-05", "BTCUSDT", 383.0},  {"2021-01_2021-05", "ETHUSDT", 707.3},
    {"2021-01_2021-05", "XRPUSDT", 1248.6}, {"2021-10_2021-12", "BTCUSDT", 64.3},
    {"2021-10_2021-12", "ETHUSDT", 57.3},   {"2021-10_2021-12", "XRPUSDT", 54.8},
    {"2022-05_2022-07", "BTCUSDT", 5.9},    {"2022-05_2022-07", "ETHUSDT", 0.8},
    {"2022-05_2022-07", "XRPUSDT", -7.9},   {"2022-11", "BTCUSDT", -4.9},
    {"2022-11", "ETHUSDT", -5.4},           {"2022-11", "SOLUSDT", -164.1},
    {"2023-10_2023-12", "BTCUSDT", 38.1},   {"2023-10_2023-12", "ETHUSDT", 38.0},
    {"2023-10_2023-12", "SOLUSDT", 101.1},
};

TEST(BacktestBaseline, DefaultCostsAreTheIssuesCosts) {
  const config::Config cfg;
  const backtest::BaselineCosts c = baseline_costs(cfg);
  EXPECT_EQ(c.notional, "1000"_dec);
  EXPECT_EQ(c.spot_taker_fee, "0.001"_dec);
  EXPECT_EQ(c.perp_taker_fee, "0.0006"_dec);
  EXPECT_EQ(c.slippage, "0.0002"_dec);
}

// The issue rounds to 0.1; this baseline differs from its figures by at most 0.053 (ETH
// 2022-05..07: 0.748 here, printed 0.8 there), so ±0.1 is the rounding plus that.
TEST(BacktestBaseline, ReproducesTheIssueTableOnTheDevelopmentWindows) {
  const config::Config cfg;
  for (const Expected& e : kIssueTable) {
    CliOptions cli;
    cli.data_dir = (std::filesystem::path(carry_test::source_dir()) / "data" / "regimes" / e.window).string();
    cli.symbols = {e.symbol};
    std::ostringstream info;
    const BacktestData data = load_backtest_data(cli, cfg, info);
    ASSERT_EQ(data.baselines.size(), 1u);
    const backtest::BaselineResult& b = data.baselines[0];
    EXPECT_TRUE(b.traded) << e.window << " " << e.symbol;
    EXPECT_NEAR(b.net.to_double(), e.net, 0.1) << e.window << " " << e.symbol;
  }
}

TEST(BacktestBaseline, SummaryLineCarriesTheBaselineAndTheRatio) {
  BacktestSummary s;
  s.net_pnl = "90"_dec;
  s.baseline_net = "120"_dec;
  EXPECT_EQ(s.vs_baseline(), "0.75");
  EXPECT_NE(s.line().find(" max_drawdown=0.00 baseline_net=120.00 vs_baseline=0.75"), std::string::npos) << s.line();
  s.baseline_net = "0"_dec;
  EXPECT_EQ(s.vs_baseline(), "n/a");
  s.baseline_net = "-4.9"_dec;
  EXPECT_NE(s.line().find(" baseline_net=-4.90 vs_baseline=n/a"), std::string::npos) << s.line();
}

}  // namespace
}  // namespace carry::app
