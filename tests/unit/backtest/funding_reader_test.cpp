#include <carry/backtest/funding_reader.hpp>

#include "test_files.hpp"

#include <gtest/gtest.h>

namespace carry::backtest {
namespace {

using namespace carry::backtest::testing;

std::string error_of(const DataResult<FundingSeries>& r) {
  return r ? std::string("(no error)") : r.error().to_string();
}

TEST(FundingReader, RealFilesLoadAsTheyAre) {
  for (const char* sym : {"BTCUSDT", "ETHUSDT"}) {
    auto r = read_funding(repo_data_dir() / ("binance_funding_" + std::string(sym) + ".csv"), {sym});
    ASSERT_TRUE(r) << error_of(r);
    EXPECT_EQ(r->rows.size(), 366u) << sym;  // SOURCES.md: no missing settlements
    EXPECT_EQ(r->symbol, sym);
    EXPECT_TRUE(r->gaps.empty()) << r->gaps.summary();
    for (const FundingRow& row : r->rows) EXPECT_EQ(row.interval_hours, 8);
    EXPECT_EQ(UnixNanos::from_ms(r->rows.front().time_ms).to_rfc3339(), "2025-03-01T00:00:00Z");
    EXPECT_EQ(UnixNanos::from_ms(r->rows.back().time_ms).to_rfc3339(), "2025-06-30T16:00:00Z");
  }
  auto btc = read_funding(repo_data_dir() / "binance_funding_BTCUSDT.csv");
  ASSERT_TRUE(btc);
  EXPECT_EQ(btc->symbol, "BTCUSDT");  // from the rows when not expected
  EXPECT_EQ(btc->rows[0].rate, "-0.00000014"_dec);
  EXPECT_EQ(btc->rows[1].rate, "-0.00006108"_dec);
  // Known rates span one interval before the first settlement up to the last settlement.
  EXPECT_EQ(btc->coverage().start.to_rfc3339(), "2025-02-28T16:00:00Z");
  EXPECT_EQ(btc->coverage().end.to_rfc3339_ms(), "2025-06-30T16:00:00.001Z");
}

TEST(FundingReader, MissingColumn) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "f.csv", "funding_time_ms,symbol,interval_hours\n1747699200000,BTCUSDT,8\n");
  EXPECT_EQ(error_of(read_funding(f)),
            f.string() + ":1: missing column 'funding_rate' (header: funding_time_ms,symbol,interval_hours)");
}

TEST(FundingReader, BadRate) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "f.csv", fundings(kT0, 2) + funding_row(kT0 + 16 * 3'600'000LL, "BTCUSDT", "0.01%"));
  EXPECT_EQ(error_of(read_funding(f)), f.string() + ":4: bad number in column 'funding_rate': '0.01%'");
  const auto g = write_file(dir, "g.csv", fundings(kT0, 1) + funding_row(kT0 + 8 * 3'600'000LL, "BTCUSDT", "1.5"));
  EXPECT_EQ(error_of(read_funding(g)),
            g.string() + ":3: funding_rate 1.5 is not a fraction per interval (|rate| >= 1)");
}

TEST(FundingReader, SymbolMustMatch) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "f.csv", fundings(kT0, 2) + funding_row(kT0 + 16 * 3'600'000LL, "ETHUSDT"));
  EXPECT_EQ(error_of(read_funding(f)), f.string() + ":4: symbol 'ETHUSDT' but this file is for 'BTCUSDT'");
  EXPECT_EQ(error_of(read_funding(write_file(dir, "g.csv", fundings(kT0, 1)), {"ETHUSDT"})),
            (dir / "g.csv").string() + ":2: symbol 'BTCUSDT' but this file is for 'ETHUSDT'");
}

TEST(FundingReader, IntervalHoursRange) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "f.csv", std::string(kFundingHeader) + funding_row(kT0, "BTCUSDT", "0", 0));
  EXPECT_EQ(error_of(read_funding(f)), f.string() + ":2: interval_hours 0 is outside 1..24");
}

TEST(FundingReader, UnsortedAndDuplicateSettlements) {
  const auto dir = scratch_dir();
  const std::int64_t h8 = 8 * 3'600'000LL;
  const auto f = write_file(dir, "f.csv", std::string(kFundingHeader) + funding_row(kT0 + h8) + funding_row(kT0));
  EXPECT_EQ(error_of(read_funding(f)),
            f.string() +
                ":3: out of order: funding_time_ms 1747699200000 (2025-05-20T00:00:00Z) is before line 2's "
                "1747728000000 (2025-05-20T08:00:00Z)");
  const auto g = write_file(dir, "g.csv", std::string(kFundingHeader) + funding_row(kT0) + funding_row(kT0));
  EXPECT_EQ(error_of(read_funding(g)),
            g.string() + ":3: duplicate funding_time_ms 1747699200000 (2025-05-20T00:00:00Z) (same as line 2)");
}

TEST(FundingReader, MissingSettlementsAreGaps) {
  const auto dir = scratch_dir();
  const std::int64_t h8 = 8 * 3'600'000LL;
  // 00:00, 08:00, (16:00 and 00:00 missing), 08:00 next day
  const auto f = write_file(
      dir, "f.csv", std::string(kFundingHeader) + funding_row(kT0) + funding_row(kT0 + h8) + funding_row(kT0 + 4 * h8));
  auto r = read_funding(f);
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ(r->gaps.count, 1u);
  EXPECT_EQ(r->gaps.missing, 2);
  EXPECT_EQ(r->gaps.summary(), f.string() +
                                   ": 1 gap (2 missing settlements); first: line 4: 2025-05-20T08:00:00Z -> "
                                   "2025-05-21T08:00:00Z (2 missing)");
}

TEST(FundingReader, ExchangeJitterOfAFewMsIsNotAGap) {
  const auto dir = scratch_dir();
  const std::int64_t h8 = 8 * 3'600'000LL;
  const auto f = write_file(dir, "f.csv",
                            "funding_time_ms,symbol,funding_rate,interval_hours\n" + std::to_string(kT0 + 3) +
                                ",BTCUSDT,0.0001,8\n" + std::to_string(kT0 + h8 + 1) + ",BTCUSDT,0.0001,8\n" +
                                std::to_string(kT0 + 2 * h8 + 7) + ",BTCUSDT,0.0001,8\n");
  auto r = read_funding(f);
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_TRUE(r->gaps.empty()) << r->gaps.summary();
}

TEST(FundingReader, SettlementsCloserThanTheIntervalAreNoted) {
  const auto dir = scratch_dir();
  const auto f =
      write_file(dir, "f.csv", std::string(kFundingHeader) + funding_row(kT0) + funding_row(kT0 + 3'600'000));
  auto r = read_funding(f);
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ(r->gaps.count, 0u);
  ASSERT_EQ(r->gaps.notes.size(), 1u);
  EXPECT_EQ(r->gaps.notes[0], "line 3: settlement only 60 min after the previous one (interval 8 h)");
  EXPECT_FALSE(r->gaps.empty());
}

}  // namespace
}  // namespace carry::backtest
