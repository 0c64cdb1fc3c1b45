// The report's per-month table and return on capital used, on hand-made inputs with exact values.
#include "backtest_report.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace carry::app {
namespace {

UnixNanos at(const char* rfc3339) { return UnixNanos::parse_rfc3339(rfc3339).value(); }

BacktestDay day(const char* funding, const char* fees, const char* start, const char* end) {
  BacktestDay d;
  d.funding = Decimal::parse(funding).value();
  d.fees = Decimal::parse(fees).value();
  d.equity_start = Decimal::parse(start).value();
  d.equity_end = Decimal::parse(end).value();
  return d;
}

backtest::BaselineResult baseline(std::map<std::string, Decimal> by_month) {
  backtest::BaselineResult b;
  b.traded = true;
  b.funding_by_month = std::move(by_month);
  for (const auto& [m, a] : b.funding_by_month) b.funding += a, b.net += a;
  return b;
}

TEST(BacktestReport, MonthTableSumsDaysBaselinesAndTimeInMarket) {
  const std::map<std::string, BacktestDay> days = {{"2021-01-31", day("1", "0.5", "100", "102")},
                                                   {"2021-02-01", day("2", "0", "102", "101")}};
  const std::vector<backtest::BaselineResult> baselines = {baseline({{"2021-01", "3"_dec}, {"2021-02", "4"_dec}}),
                                                           baseline({{"2021-02", "1"_dec}})};
  // Open from 12:00 on the 31st to 06:00 on the 1st (crossing the month end), then flat to 12:00.
  const std::vector<ExposureSample> samples = {{at("2021-01-31T12:00:00Z"), "1500"_dec, true},
                                               {at("2021-02-01T06:00:00Z"), "0"_dec, false},
                                               {at("2021-02-01T12:00:00Z"), "0"_dec, false}};
  const std::vector<MonthRow> rows = month_table(days, baselines, samples);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].month, "2021-01");
  EXPECT_EQ(rows[0].available, "3"_dec);
  EXPECT_EQ(rows[0].funding, "1"_dec);
  EXPECT_EQ(rows[0].fees, "0.5"_dec);
  EXPECT_EQ(rows[0].net, "2"_dec);
  EXPECT_EQ(rows[0].basis, "1.5"_dec);  // net - funding + fees
  EXPECT_EQ(rows[0].time_in_market, 1.0);
  EXPECT_EQ(rows[1].month, "2021-02");
  EXPECT_EQ(rows[1].available, "5"_dec);
  EXPECT_EQ(rows[1].net, "-1"_dec);
  EXPECT_EQ(rows[1].basis, "-3"_dec);
  EXPECT_EQ(rows[1].time_in_market, 0.5);  // 6 h open of the 12 h sampled
}

TEST(BacktestReport, CapitalUsedIsTimeWeightedAndFlatTimeCountsAsNothing) {
  // 3,000 USDT deployed for the first hour of three, none after: 1,000 on average.
  const std::vector<ExposureSample> samples = {{at("2021-01-01T00:00:00Z"), "3000"_dec, true},
                                               {at("2021-01-01T01:00:00Z"), "0"_dec, false},
                                               {at("2021-01-01T03:00:00Z"), "999"_dec, true}};
  const CapitalUse c = capital_use(samples, "10"_dec);
  EXPECT_EQ(c.average, 1000.0);
  EXPECT_DOUBLE_EQ(c.apr, 10.0 / 1000.0 * (365.0 * 24 / 3));            // 29.2 = 2,920 %
  EXPECT_EQ(capital_use({samples[1], samples[2]}, "10"_dec).apr, 0.0);  // nothing deployed
  EXPECT_EQ(capital_use({samples[0]}, "10"_dec).average, 0.0);          // no span
}

TEST(BacktestReport, ReportShowsBaselinesMonthsAndCapital) {
  BacktestSummary s;
  s.net_pnl = "5"_dec;
  s.baseline_net = "-2"_dec;
  const backtest::Period window{at("2021-01-31T00:00:00Z"), at("2021-02-02T00:00:00Z")};
  const std::vector<std::string> symbols = {"BTCUSDT"};
  const config::Config cfg;
  const std::map<std::string, BacktestDay> days = {{"2021-01-31", day("1", "0.5", "100", "102")}};
  std::vector<backtest::BaselineResult> baselines = {baseline({{"2021-01", "-2"_dec}})};
  baselines[0].symbol = "BTCUSDT";
  const std::vector<ExposureSample> samples = {{at("2021-01-31T00:00:00Z"), "1500"_dec, true},
                                               {at("2021-02-01T00:00:00Z"), "0"_dec, false}};
  std::ostringstream md;
  write_report(md, {s, window, symbols, cfg, days, 0, 0, baselines, samples});
  const std::string text = md.str();
  EXPECT_NE(text.find("vs_baseline=n/a"), std::string::npos);
  EXPECT_NE(text.find("| always-on, all symbols | | | | | | | -2.00 |"), std::string::npos) << text;
  EXPECT_NE(text.find("| flat | | | | | | | 0.00 |"), std::string::npos);
  EXPECT_NE(text.find("| 2021-01 | -2.00 | 1.00 | 0.50 | 1.50 | 2.00 | 100.0 % |"), std::string::npos) << text;
  EXPECT_NE(text.find("| average capital used (spot + perp margin at 2x) | 1500.00 |"), std::string::npos) << text;
}

}  // namespace
}  // namespace carry::app
