#include <carry/backtest/data_set.hpp>

#include "test_files.hpp"

#include <gtest/gtest.h>

namespace carry::backtest {
namespace {

using namespace carry::backtest::testing;

std::string error_of(const DataResult<DataSet>& r) { return r ? std::string("(no error)") : r.error().to_string(); }

TEST(DataSet, DiscoveryWithRangeReportsPeriodsAndWindow) {
  DataRequest req;
  req.data_dir = repo_data_dir();
  req.from = "2025-06-01";
  req.to = "2025-06-07";
  auto r = load_data_set(req);
  ASSERT_TRUE(r) << error_of(r);
  ASSERT_EQ(r->symbols.size(), 2u);
  EXPECT_EQ(r->symbols[0].symbol, "BTCUSDT");
  ASSERT_EQ(r->report.size(), 4u);
  EXPECT_EQ(r->report[0].rfind("BTCUSDT: using 2025-05-20T00:00:00Z .. 2025-06-24T00:00:00Z (35.00 days)", 0), 0u);
  EXPECT_EQ(r->report[1], "BTCUSDT: replaying 2025-06-01T00:00:00Z .. 2025-06-08T00:00:00Z (7.00 days) (--from/--to)");
  EXPECT_EQ(r->report[2].rfind("ETHUSDT: using", 0), 0u);
  Replay replay(std::move(r->symbols), r->range);
  EXPECT_EQ(replay.counts().quotes, 4u * 7u * 1440u);
}

TEST(DataSet, ExplicitFilesForOneSymbol) {
  DataRequest req;
  req.spot = repo_data_dir() / "binance_spot_ETHUSDT_1h.csv";
  req.perp = repo_data_dir() / "binance_perp_ETHUSDT_1h.csv";
  req.funding = repo_data_dir() / "binance_funding_ETHUSDT.csv";
  auto r = load_data_set(req);
  ASSERT_TRUE(r) << error_of(r);
  ASSERT_EQ(r->symbols.size(), 1u);
  EXPECT_EQ(r->symbols[0].symbol, "ETHUSDT");
  EXPECT_EQ(r->report.size(), 1u);
}

TEST(DataSet, ConflictingOrIncompleteOptionsAreNamed) {
  DataRequest req;
  EXPECT_EQ(error_of(load_data_set(req)), "--data: no data: give --data DIR or --spot/--perp/--funding FILE");
  req.spot = repo_data_dir() / "binance_spot_ETHUSDT_1h.csv";
  EXPECT_EQ(error_of(load_data_set(req)), "--spot/--perp/--funding: the three go together (missing --perp --funding)");
  req.perp = repo_data_dir() / "binance_perp_ETHUSDT_1h.csv";
  req.funding = repo_data_dir() / "binance_funding_ETHUSDT.csv";
  req.data_dir = repo_data_dir();
  EXPECT_EQ(error_of(load_data_set(req)), "--data: give either --data DIR or --spot/--perp/--funding FILE, not both");
  req.data_dir.clear();
  req.timeframe = Timeframe::Hour1;
  EXPECT_EQ(error_of(load_data_set(req)), "--timeframe: applies to --data discovery; explicit files are used as named");
  req.timeframe.reset();
  req.symbols = {"ETHUSDT", "BTCUSDT"};
  EXPECT_EQ(error_of(load_data_set(req)), "--symbols: explicit files are for one symbol");
}

TEST(DataSet, RangeOutsideTheDataIsAnError) {
  DataRequest req;
  req.data_dir = repo_data_dir();
  req.symbols = {"BTCUSDT"};
  req.from = "2024-01-01";
  req.to = "2024-02-01";
  EXPECT_EQ(error_of(load_data_set(req)),
            "--from/--to: BTCUSDT: the range leaves nothing to replay (data: 2025-05-20T00:00:00Z .. "
            "2025-06-24T00:00:00Z (35.00 days))");
  req.from = "yesterday";
  EXPECT_EQ(error_of(load_data_set(req)), "--from: bad date 'yesterday' (expected YYYY-MM-DD or RFC 3339 UTC)");
}

TEST(DataSet, UnknownSymbolAndBadRowsComeThrough) {
  DataRequest req;
  req.data_dir = repo_data_dir();
  req.symbols = {"DOGEUSDT"};
  EXPECT_NE(error_of(load_data_set(req)).find(": unknown symbol DOGEUSDT: "), std::string::npos);
  const auto dir = scratch_dir();
  write_file(dir, "x_spot_BTCUSDT_1m.csv", candles(kT0, 3) + "1747699380000,2025-05-20T00:03:00Z,1,1,1,1,abc\n");
  write_file(dir, "x_perp_BTCUSDT_1m.csv", candles(kT0, 5));
  write_file(dir, "x_funding_BTCUSDT.csv", fundings(kT0, 2));
  req.data_dir = dir;
  req.symbols.clear();
  EXPECT_EQ(error_of(load_data_set(req)),
            (dir / "x_spot_BTCUSDT_1m.csv").string() + ":5: bad number in column 'volume': 'abc'");
}

TEST(DataSet, GapWarningsAreReported) {
  const auto dir = scratch_dir();
  write_file(dir, "x_spot_BTCUSDT_1m.csv", candles(kT0, 3) + candle_row(kT0 + 10 * 60'000));
  write_file(dir, "x_perp_BTCUSDT_1m.csv", candles(kT0, 11));
  write_file(dir, "x_funding_BTCUSDT.csv", fundings(kT0, 2));
  DataRequest req;
  req.data_dir = dir;
  auto r = load_data_set(req);
  ASSERT_TRUE(r) << error_of(r);
  ASSERT_EQ(r->report.size(), 2u);
  EXPECT_EQ(r->report[1], "warning: " + (dir / "x_spot_BTCUSDT_1m.csv").string() +
                              ": 1 gap (7 missing candles); first: line 5: 2025-05-20T00:02:00Z -> "
                              "2025-05-20T00:10:00Z (7 missing)");
}

}  // namespace
}  // namespace carry::backtest
