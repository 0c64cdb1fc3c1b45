#include <carry/backtest/symbol_data.hpp>

#include "test_files.hpp"

#include <gtest/gtest.h>

namespace carry::backtest {
namespace {

using namespace carry::backtest::testing;

std::string error_of(const DataResult<SymbolData>& r) { return r ? std::string("(no error)") : r.error().to_string(); }

TEST(SymbolData, RealOneMinuteSetUsesThePeriodAllFilesShare) {
  auto files = discover_symbol_files(repo_data_dir(), {{"BTCUSDT"}, std::nullopt});
  ASSERT_TRUE(files) << files.error().to_string();
  auto d = load_symbol(files->front());
  ASSERT_TRUE(d) << error_of(d);
  EXPECT_EQ(d->symbol, "BTCUSDT");
  EXPECT_EQ(d->spot.rows, 50'400u);
  EXPECT_EQ(d->perp.quotes.size(), 50'400u);
  EXPECT_EQ(d->funding.size(), 366u);
  EXPECT_TRUE(d->warnings.empty());
  // 1m candles cover 2025-05-20..06-24; funding 2025-03-01..06-30: the candles bound the run.
  EXPECT_EQ(d->period.start.to_rfc3339(), "2025-05-20T00:00:00Z");
  EXPECT_EQ(d->period.end.to_rfc3339(), "2025-06-24T00:00:00Z");
  const std::string text = d->describe();
  EXPECT_EQ(
      text.rfind(
          "BTCUSDT: using 2025-05-20T00:00:00Z .. 2025-06-24T00:00:00Z (35.00 days), the period shared by spot 1m ", 0),
      0u)
      << text;
}

TEST(SymbolData, OneHourSetPeriod) {
  auto files = discover_symbol_files(repo_data_dir(), {{"ETHUSDT"}, Timeframe::Hour1});
  ASSERT_TRUE(files);
  auto d = load_symbol(files->front());
  ASSERT_TRUE(d) << error_of(d);
  EXPECT_EQ(d->spot.quotes.size(), 2'928u);
  EXPECT_EQ(d->period.start.to_rfc3339(), "2025-03-01T00:00:00Z");
  // Funding's last known rate settles 2025-06-30T16:00 (the 1h candles run to 07-01T00:00).
  EXPECT_EQ(d->period.end.to_rfc3339_ms(), "2025-06-30T16:00:00.001Z");
}

TEST(SymbolData, ExplicitFilesTakeTheSymbolFromTheFundingFile) {
  const auto dir = repo_data_dir();
  auto files = explicit_symbol_files("", dir / "binance_spot_ETHUSDT_1h.csv", dir / "binance_perp_ETHUSDT_1h.csv",
                                     dir / "binance_funding_ETHUSDT.csv");
  ASSERT_TRUE(files);
  auto d = load_symbol(*files);
  ASSERT_TRUE(d) << error_of(d);
  EXPECT_EQ(d->symbol, "ETHUSDT");
  EXPECT_EQ(d->perp.interval_ms, 3'600'000);
}

TEST(SymbolData, FundingFileOfAnotherSymbolIsAnError) {
  const auto dir = repo_data_dir();
  auto files = explicit_symbol_files("BTCUSDT", dir / "binance_spot_BTCUSDT_1h.csv",
                                     dir / "binance_perp_BTCUSDT_1h.csv", dir / "binance_funding_ETHUSDT.csv");
  ASSERT_TRUE(files);
  EXPECT_EQ(error_of(load_symbol(*files)),
            (dir / "binance_funding_ETHUSDT.csv").string() + ":2: symbol 'ETHUSDT' but this file is for 'BTCUSDT'");
}

TEST(SymbolData, TickFilesAreRecognisedByTheirHeaderAndGapsSurface) {
  const auto dir = scratch_dir();
  std::string ticks = kTickHeader;
  for (int s : {0, 10, 200}) ticks += std::to_string(kT0 + s * 1000LL) + ",99,1,101,1\n";
  write_file(dir, "x_spot_BTCUSDT_bbo.csv", ticks);
  write_file(dir, "x_perp_BTCUSDT_1m.csv", candles(kT0, 5, 60'000) + candle_row(kT0 + 9 * 60'000));
  write_file(dir, "x_funding_BTCUSDT.csv", fundings(kT0, 2));
  auto files = explicit_symbol_files("", dir / "x_spot_BTCUSDT_bbo.csv", dir / "x_perp_BTCUSDT_1m.csv",
                                     dir / "x_funding_BTCUSDT.csv");
  ASSERT_TRUE(files);
  auto d = load_symbol(*files);
  ASSERT_TRUE(d) << error_of(d);
  EXPECT_EQ(d->spot.timeframe, Timeframe::Tick);
  EXPECT_EQ(d->spot.quotes.size(), 3u);
  EXPECT_EQ(d->perp.quotes.size(), 6u);
  ASSERT_EQ(d->warnings.size(), 2u);  // a quiet spot period, missing perp candles
  EXPECT_EQ(d->warnings[0].count, 1u);
  EXPECT_EQ(d->warnings[1].missing, 4);
}

TEST(SymbolData, TickHeaderUnderACandleNameIsAnError) {
  const auto dir = scratch_dir();
  write_file(dir, "x_spot_BTCUSDT_1m.csv", std::string(kTickHeader) + "1747699200000,99,1,101,1\n");
  write_file(dir, "x_perp_BTCUSDT_1m.csv", candles(kT0, 5));
  write_file(dir, "x_funding_BTCUSDT.csv", fundings(kT0, 2));
  auto files = discover_symbol_files(dir);
  ASSERT_TRUE(files);
  EXPECT_EQ(error_of(load_symbol(files->front())),
            (dir / "x_spot_BTCUSDT_1m.csv").string() + ":1: named as 1m candles but the header is a BBO tick header");
}

TEST(SymbolData, FilesWithoutACommonPeriodAreAnError) {
  const auto dir = scratch_dir();
  write_file(dir, "x_spot_BTCUSDT_1m.csv", candles(kT0, 5));
  write_file(dir, "x_perp_BTCUSDT_1m.csv", candles(kT0 + 3'600'000, 5));
  write_file(dir, "x_funding_BTCUSDT.csv", fundings(kT0, 2));
  auto files = discover_symbol_files(dir);
  ASSERT_TRUE(files);
  EXPECT_EQ(
      error_of(load_symbol(files->front())),
      "BTCUSDT: the files share no common period: spot [2025-05-20T00:00:00Z .. 2025-05-20T00:05:00Z (0.00 days)], "
      "perp [2025-05-20T01:00:00Z .. 2025-05-20T01:05:00Z (0.00 days)], funding [2025-05-19T16:00:00Z .. "
      "2025-05-20T08:00:00.001Z (0.67 days)]");
}

}  // namespace
}  // namespace carry::backtest
