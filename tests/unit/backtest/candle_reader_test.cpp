#include <carry/backtest/candle_reader.hpp>

#include "test_files.hpp"

#include <gtest/gtest.h>

namespace carry::backtest {
namespace {

using namespace carry::backtest::testing;

std::string error_of(const DataResult<CandleSeries>& r) {
  return r ? std::string("(no error)") : r.error().to_string();
}

TEST(CandleReader, RealOneMinuteFilesLoadAsTheyAre) {
  for (const char* name : {"binance_spot_BTCUSDT_1m.csv", "binance_spot_ETHUSDT_1m.csv", "binance_perp_BTCUSDT_1m.csv",
                           "binance_perp_ETHUSDT_1m.csv"}) {
    auto r = read_candles(repo_data_dir() / name, {60'000});
    ASSERT_TRUE(r) << error_of(r);
    EXPECT_EQ(r->rows.size(), 50'400u) << name;  // SOURCES.md
    EXPECT_EQ(r->interval_ms, 60'000);
    EXPECT_TRUE(r->gaps.empty()) << r->gaps.summary();
    EXPECT_EQ(r->coverage().start.to_rfc3339(), "2025-05-20T00:00:00Z");
    EXPECT_EQ(r->coverage().end.to_rfc3339(), "2025-06-24T00:00:00Z");
  }
  auto perp = read_candles(repo_data_dir() / "binance_perp_BTCUSDT_1m.csv");
  ASSERT_TRUE(perp);
  // First data row: 1747699200000,2025-05-20T00:00:00Z,105531.5,105568.3,105511,105512.5,105.858
  const Candle& c = perp->rows.front();
  EXPECT_EQ(c.open_time_ms, 1747699200000);
  EXPECT_EQ(c.open, "105531.5"_dec);
  EXPECT_EQ(c.high, "105568.3"_dec);
  EXPECT_EQ(c.low, "105511"_dec);
  EXPECT_EQ(c.close, "105512.5"_dec);
  EXPECT_EQ(c.volume, "105.858"_dec);
}

TEST(CandleReader, RealOneHourFilesLoadAsTheyAre) {
  for (const char* name : {"binance_spot_BTCUSDT_1h.csv", "binance_spot_ETHUSDT_1h.csv", "binance_perp_BTCUSDT_1h.csv",
                           "binance_perp_ETHUSDT_1h.csv"}) {
    auto r = read_candles(repo_data_dir() / name);  // interval inferred from the rows
    ASSERT_TRUE(r) << error_of(r);
    EXPECT_EQ(r->rows.size(), 2'928u) << name;
    EXPECT_EQ(r->interval_ms, 3'600'000);
    EXPECT_TRUE(r->gaps.empty()) << r->gaps.summary();
  }
}

TEST(CandleReader, MissingColumnNamesItAndTheHeader) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv",
                            "open_time_ms,open_time_utc,open,high,low,volume\n"
                            "1747699200000,2025-05-20T00:00:00Z,1,1,1,1\n");
  EXPECT_EQ(error_of(read_candles(f)),
            f.string() + ":1: missing column 'close' (header: open_time_ms,open_time_utc,open,high,low,volume)");
}

TEST(CandleReader, ColumnsAreFoundByNameInAnyOrder) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv",
                            "close,volume,extra,open_time_ms,low,high,open\n"
                            "2,5,x,1747699200000,1,3,1.5\n"
                            "2.5,6,y,1747699260000,2,3,2\n");
  auto r = read_candles(f);
  ASSERT_TRUE(r) << error_of(r);
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].open, "1.5"_dec);
  EXPECT_EQ(r->rows[0].high, "3"_dec);
  EXPECT_EQ(r->rows[1].close, "2.5"_dec);
  EXPECT_EQ(r->rows[1].volume, "6"_dec);
}

TEST(CandleReader, BadNumberGivesFileLineAndColumn) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv",
                            std::string(kCandleHeader) + candle_row(kT0) +
                                "1747699260000,2025-05-20T00:01:00Z,100,100,100,12x.5,2\n" + candle_row(kT0 + 120'000));
  EXPECT_EQ(error_of(read_candles(f)), f.string() + ":3: bad number in column 'close': '12x.5'");
}

TEST(CandleReader, EmptyValueIsAnError) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv", std::string(kCandleHeader) + "1747699200000,2025-05-20T00:00:00Z,1,1,1,1,\n");
  EXPECT_EQ(error_of(read_candles(f)), f.string() + ":2: empty value in column 'volume'");
}

TEST(CandleReader, WrongFieldCount) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv", std::string(kCandleHeader) + candle_row(kT0) + "1747699260000,x,1,1,1\n");
  EXPECT_EQ(error_of(read_candles(f)), f.string() + ":3: expected 7 fields as in the header, found 5");
}

TEST(CandleReader, DuplicateTimestampIsAnError) {
  const auto dir = scratch_dir();
  const auto f = write_file(
      dir, "c.csv", std::string(kCandleHeader) + candle_row(kT0) + candle_row(kT0 + 60'000) + candle_row(kT0 + 60'000));
  EXPECT_EQ(error_of(read_candles(f)),
            f.string() + ":4: duplicate open_time_ms 1747699260000 (2025-05-20T00:01:00Z) (same as line 3)");
}

TEST(CandleReader, UnsortedRowsAreAnError) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv", std::string(kCandleHeader) + candle_row(kT0 + 60'000) + candle_row(kT0));
  EXPECT_EQ(error_of(read_candles(f)),
            f.string() +
                ":3: out of order: open_time_ms 1747699200000 (2025-05-20T00:00:00Z) is before line 2's "
                "1747699260000 (2025-05-20T00:01:00Z)");
}

TEST(CandleReader, GapsAreWarningsWithCountAndFirstLines) {
  const auto dir = scratch_dir();
  // minutes 0,1,2,5,6,10 => gaps after line 4 (2 missing) and after line 6 (3 missing)
  std::string text = kCandleHeader;
  for (int m : {0, 1, 2, 5, 6, 10}) text += candle_row(kT0 + m * 60'000LL);
  const auto f = write_file(dir, "c.csv", text);
  auto r = read_candles(f, {60'000});
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ(r->rows.size(), 6u);
  EXPECT_EQ(r->gaps.count, 2u);
  EXPECT_EQ(r->gaps.missing, 5);
  ASSERT_EQ(r->gaps.first.size(), 2u);
  EXPECT_EQ(r->gaps.first[0].line, 5u);
  EXPECT_EQ(r->gaps.first[0].missing, 2);
  EXPECT_EQ(r->gaps.first[1].line, 7u);
  EXPECT_EQ(
      r->gaps.summary(),
      f.string() +
          ": 2 gaps (5 missing candles); first: line 5: 2025-05-20T00:02:00Z -> 2025-05-20T00:05:00Z (2 missing); "
          "line 7: 2025-05-20T00:06:00Z -> 2025-05-20T00:10:00Z (3 missing)");
}

TEST(CandleReader, ManyGapsListOnlyTheFirstFew) {
  const auto dir = scratch_dir();
  std::string text = kCandleHeader;  // pairs of minutes with one missing between pairs: 0,1, 3,4, 6,7, ...
  for (int i = 0; i < 20; ++i) text += candle_row(kT0 + (i / 2 * 3 + i % 2) * 60'000LL);
  const auto f = write_file(dir, "c.csv", text);
  auto r = read_candles(f, {60'000});
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ(r->gaps.count, 9u);
  EXPECT_EQ(r->gaps.missing, 9);
  EXPECT_EQ(r->gaps.first.size(), GapReport::kMaxListed);
}

TEST(CandleReader, UtcCopyMustAgreeWithMs) {
  const auto dir = scratch_dir();
  const auto f =
      write_file(dir, "c.csv", std::string(kCandleHeader) + "1747699200000,2025-05-20T01:00:00Z,1,1,1,1,1\n");
  EXPECT_EQ(error_of(read_candles(f)), f.string() +
                                           ":2: column 'open_time_utc' '2025-05-20T01:00:00Z' disagrees with "
                                           "open_time_ms 1747699200000 (2025-05-20T00:00:00Z)");
}

TEST(CandleReader, SecondsInsteadOfMillisecondsAreCaught) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv", "open_time_ms,open,high,low,close,volume\n1747699200,1,1,1,1,1\n");
  EXPECT_EQ(
      error_of(read_candles(f)),
      f.string() +
          ":2: column 'open_time_ms': 1747699200 is not a Unix time in ms between 2000 and 2100 (seconds or ns by "
          "mistake?)");
}

TEST(CandleReader, InconsistentOhlcIsAnError) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv", "open_time_ms,open,high,low,close,volume\n1747699200000,10,12,9,13,1\n");
  EXPECT_EQ(error_of(read_candles(f)), f.string() + ":2: close 13 is outside [low 9, high 12]");
  const auto g = write_file(dir, "d.csv", "open_time_ms,open,high,low,close,volume\n1747699200000,10,12,9,10,-1\n");
  EXPECT_EQ(error_of(read_candles(g)), g.string() + ":2: volume -1 is negative");
  const auto h = write_file(dir, "e.csv", "open_time_ms,open,high,low,close,volume\n1747699200000,0,0,0,0,1\n");
  EXPECT_EQ(error_of(read_candles(h)), h.string() + ":2: open 0 is not positive");
}

TEST(CandleReader, MisalignedOpenTimeIsAnError) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv", std::string(kCandleHeader) + candle_row(kT0) + candle_row(kT0 + 90'000));
  EXPECT_EQ(
      error_of(read_candles(f, {60'000})),
      f.string() + ":3: open_time_ms 1747699290000 (2025-05-20T00:01:30Z) is not aligned to the 60 s candle interval");
}

TEST(CandleReader, WrongTimeframeForTheFileIsAnError) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv", candles(kT0, 3, 3'600'000));
  EXPECT_EQ(error_of(read_candles(f, {60'000})),
            f.string() +
                ": no two consecutive candles are one interval apart (smallest step 3600 s, expected 60 s): wrong "
                "timeframe for this file?");
}

TEST(CandleReader, EmptyFileAndHeaderOnly) {
  const auto dir = scratch_dir();
  const auto e = write_file(dir, "e.csv", "");
  EXPECT_EQ(error_of(read_candles(e)), e.string() + ":1: empty file: expected a header row");
  const auto h = write_file(dir, "h.csv", kCandleHeader);
  EXPECT_EQ(error_of(read_candles(h)), h.string() + ":2: no data rows");
  EXPECT_EQ(error_of(read_candles(dir / "absent.csv")),
            (dir / "absent.csv").string() + ": cannot open: No such file or directory");
}

TEST(CandleReader, CrlfAndTrailingBlankLinesAreFineButInnerBlankLineIsNot) {
  const auto dir = scratch_dir();
  std::string crlf =
      "open_time_ms,open,high,low,close,volume\r\n1747699200000,1,1,1,1,1\r\n1747699260000,1,1,1,1,1\r\n\r\n\n";
  auto r = read_candles(write_file(dir, "crlf.csv", crlf));
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ(r->rows.size(), 2u);
  const auto f =
      write_file(dir, "blank.csv",
                 "open_time_ms,open,high,low,close,volume\n1747699200000,1,1,1,1,1\n\n1747699260000,1,1,1,1,1\n");
  EXPECT_EQ(error_of(read_candles(f)), f.string() + ":3: blank line before more data");
}

TEST(CandleReader, Utf8BomAndSpacesAroundHeaderNamesAreAccepted) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "bom.csv",
                            "\xEF\xBB\xBFopen_time_ms, open ,high,low,close,volume\n1747699200000,1,2,1,2,3\n"
                            "1747699260000,2,2,2,2,0\n");
  auto r = read_candles(f);
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ(r->rows[0].open, "1"_dec);
  EXPECT_EQ(r->rows[0].volume, "3"_dec);
}

TEST(CandleReader, SingleRowNeedsAnInterval) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "c.csv", candles(kT0, 1));
  EXPECT_FALSE(read_candles(f));
  auto r = read_candles(f, {60'000});
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ(r->coverage().end.ms() - r->coverage().start.ms(), 60'000);
}

}  // namespace
}  // namespace carry::backtest
