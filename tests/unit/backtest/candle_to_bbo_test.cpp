#include <carry/backtest/candle_to_bbo.hpp>
#include <carry/backtest/funding_reader.hpp>

#include "test_files.hpp"

#include <gtest/gtest.h>

namespace carry::backtest {
namespace {

using namespace carry::backtest::testing;

TEST(CandleToBbo, QuoteIsTheCloseKnownAtTheCandlesLastMillisecond) {
  CandleSeries s;
  s.file = "x.csv";
  s.interval_ms = 60'000;
  s.rows = {Candle{kT0, "100"_dec, "110"_dec, "90"_dec, "105"_dec, "20"_dec}};
  CandleBboConfig cfg;
  cfg.half_spread_bps = "2"_dec;
  auto q = candles_to_quotes(s, cfg);
  ASSERT_TRUE(q) << q.error().to_string();
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].ts_ns, (kT0 + 59'999) * 1'000'000);
  EXPECT_EQ((*q)[0].bid_price, "104.979"_dec);  // 105 * (1 - 0.0002)
  EXPECT_EQ((*q)[0].ask_price, "105.021"_dec);  // 105 * (1 + 0.0002)
  EXPECT_EQ((*q)[0].bid_size, "2"_dec);         // 0.1 x volume 20
  EXPECT_EQ((*q)[0].ask_size, "2"_dec);
}

TEST(CandleToBbo, RoundsBidDownAndAskUpAtNanoPrecision) {
  CandleSeries s;
  s.interval_ms = 60'000;
  s.rows = {Candle{kT0, "1"_dec, "1"_dec, "0.000000003"_dec, "0.000000003"_dec, "1"_dec}};
  CandleBboConfig cfg;
  cfg.half_spread_bps = "1"_dec;
  cfg.fixed_size = "0.5"_dec;
  auto q = candles_to_quotes(s, cfg);
  ASSERT_TRUE(q);
  EXPECT_EQ((*q)[0].bid_price, "0.000000002"_dec);
  EXPECT_EQ((*q)[0].ask_price, "0.000000004"_dec);
  EXPECT_EQ((*q)[0].bid_size, "0.5"_dec);
}

TEST(CandleToBbo, NoLookAheadOnRealData) {
  for (const char* name : {"binance_perp_BTCUSDT_1m.csv", "binance_spot_ETHUSDT_1h.csv"}) {
    auto candles = read_candles(repo_data_dir() / name);
    ASSERT_TRUE(candles) << candles.error().to_string();
    auto quotes = candles_to_quotes(*candles, {});
    ASSERT_TRUE(quotes);
    ASSERT_EQ(quotes->size(), candles->rows.size());
    const std::int64_t iv_ns = candles->interval_ms * 1'000'000;
    for (std::size_t i = 0; i < quotes->size(); ++i) {
      const Quote& q = (*quotes)[i];
      const std::int64_t open_ns = candles->rows[i].open_time_ms * 1'000'000;
      // Never before the candle's end (its last ms), never as late as the next candle's start.
      ASSERT_GE(q.ts_ns, open_ns + iv_ns - 1'000'000) << name << " row " << i;
      ASSERT_LT(q.ts_ns, open_ns + iv_ns) << name << " row " << i;
      ASSERT_LT(q.bid_price, candles->rows[i].close);
      ASSERT_GT(q.ask_price, candles->rows[i].close);
    }
  }
}

TEST(CandleToBbo, QuotesAreCompact) {
  // Replay keeps every quote of the run in memory: a year of 1m candles for two pairs is 2.1 M.
  EXPECT_EQ(sizeof(Quote), 40u);
  EXPECT_EQ(sizeof(FundingRow), 24u);
}

TEST(CandleToBbo, ZeroVolumeCandleOffersNothing) {
  CandleSeries s;
  s.interval_ms = 60'000;
  s.rows = {Candle{kT0, "1"_dec, "1"_dec, "1"_dec, "1"_dec, "0"_dec}};
  auto q = candles_to_quotes(s, {});
  ASSERT_TRUE(q);
  EXPECT_TRUE((*q)[0].bid_size.is_zero());
}

TEST(CandleToBbo, BadConfigIsRejected) {
  CandleSeries s;
  s.file = "x.csv";
  s.interval_ms = 60'000;
  CandleBboConfig cfg;
  cfg.half_spread_bps = "-1"_dec;
  auto q = candles_to_quotes(s, cfg);
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().to_string(), "x.csv: candle->BBO config: half_spread_bps -1 must be in [0, 10000)");
  cfg = {};
  cfg.volume_fraction = "1.5"_dec;
  EXPECT_EQ(cfg.validate().value_or(""), "volume_fraction 1.5 must be in (0, 1]");
  cfg.fixed_size = "0"_dec;
  EXPECT_EQ(cfg.validate().value_or(""), "fixed_size 0 must be positive");
}

}  // namespace
}  // namespace carry::backtest
