#include <carry/backtest/bbo_tick_reader.hpp>

#include "test_files.hpp"

#include <gtest/gtest.h>

namespace carry::backtest {
namespace {

using namespace carry::backtest::testing;

std::string error_of(const DataResult<QuoteSeries>& r) { return r ? std::string("(no error)") : r.error().to_string(); }

TEST(BboTickReader, ReadsTicksAndKeepsSameMillisecondUpdatesInFileOrder) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "t.csv",
                            std::string(kTickHeader) +
                                "1747699200000,100.1,2,100.2,3\n"
                                "1747699200000,100.0,1,100.2,3\n"
                                "1747699200500,100.0,1,100.0,4\n");  // locked book is allowed
  auto r = read_bbo_ticks(f);
  ASSERT_TRUE(r) << error_of(r);
  ASSERT_EQ(r->rows.size(), 3u);
  EXPECT_EQ(r->rows[0].ts_ns, kT0 * 1'000'000);
  EXPECT_EQ(r->rows[0].bid_price, "100.1"_dec);
  EXPECT_EQ(r->rows[1].bid_price, "100.0"_dec);
  EXPECT_EQ(r->rows[2].ask_size, "4"_dec);
  EXPECT_EQ(r->rows[2].ts_ns, (kT0 + 500) * 1'000'000);
  EXPECT_EQ(r->coverage().end.ns, (kT0 + 501) * 1'000'000);
}

TEST(BboTickReader, CrossedQuoteIsAnError) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "t.csv", std::string(kTickHeader) + "1747699200000,100.3,2,100.2,3\n");
  EXPECT_EQ(error_of(read_bbo_ticks(f)), f.string() + ":2: crossed quote: bid_price 100.3 is above ask_price 100.2");
}

TEST(BboTickReader, OutOfOrderIsAnError) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "t.csv", std::string(kTickHeader) + "1747699200001,1,1,2,1\n1747699200000,1,1,2,1\n");
  EXPECT_EQ(error_of(read_bbo_ticks(f)),
            f.string() +
                ":3: out of order: ts_ms 1747699200000 (2025-05-20T00:00:00Z) is before line 2's 1747699200001 "
                "(2025-05-20T00:00:00Z)");
}

TEST(BboTickReader, MissingColumnAndBadNumber) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "t.csv", "ts_ms,bid_price,bid_size,ask_price\n1747699200000,1,1,2\n");
  EXPECT_EQ(error_of(read_bbo_ticks(f)),
            f.string() + ":1: missing column 'ask_size' (header: ts_ms,bid_price,bid_size,ask_price)");
  const auto g = write_file(dir, "g.csv", std::string(kTickHeader) + "1747699200000,1,1,2,NaN\n");
  EXPECT_EQ(error_of(read_bbo_ticks(g)), g.string() + ":2: bad number in column 'ask_size': 'NaN'");
}

TEST(BboTickReader, LongSilencesAreReportedAsGaps) {
  const auto dir = scratch_dir();
  const auto f = write_file(dir, "t.csv",
                            std::string(kTickHeader) +
                                "1747699200000,1,1,2,1\n1747699230000,1,1,2,1\n"
                                "1747699330000,1,1,2,1\n");
  auto r = read_bbo_ticks(f, {60'000});
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ(r->gaps.count, 1u);
  ASSERT_EQ(r->gaps.first.size(), 1u);
  EXPECT_EQ(r->gaps.first[0].line, 4u);
  EXPECT_EQ(r->gaps.summary(), f.string() +
                                   ": 1 gap in quiet periods; first: line 4: 2025-05-20T00:00:30Z -> "
                                   "2025-05-20T00:02:10Z");
}

}  // namespace
}  // namespace carry::backtest
