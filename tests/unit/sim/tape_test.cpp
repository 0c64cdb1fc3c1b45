#include "tape.hpp"
#include <carry_test/paths.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace carry::sim {
namespace {

const char* kHeader = "ts_ms,symbol,market,bid,bid_size,ask,ask_size\n";

std::string all_rows(std::int64_t ts) {
  std::string t = std::to_string(ts);
  return t + ",BTCUSDT,spot,100000.00,0.5,100000.01,0.6\n" + t + ",ETHUSDT,spot,2500.00,2,2500.01,3\n" + t +
         ",BTCUSDT,perp,99990.0,1.000,99990.1,1.000\n" + t + ",ETHUSDT,perp,2499.00,5.00,2499.01,5.00\n";
}

TEST(Tape, ParsesAndLocatesRows) {
  auto tape = Tape::parse_csv(std::string(kHeader) + all_rows(1000) + all_rows(2000) + all_rows(4000), "t.csv",
                              default_instruments());
  EXPECT_EQ(tape.row_count(), 12u);
  EXPECT_EQ(tape.start_ms(), 1000);
  EXPECT_EQ(tape.period_ms(), 3000 + 1000);
  const auto* s = tape.find(Market::Perp, "BTCUSDT");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->rows[0].bid, "99990"_dec);
  EXPECT_EQ(locate(tape, *s, 0, true).index, 0u);
  EXPECT_EQ(locate(tape, *s, 1500, true).index, 1u);
  EXPECT_EQ(locate(tape, *s, 3999, true).index, 2u);
  auto wrapped = locate(tape, *s, 4000, true);
  EXPECT_EQ(wrapped.loop, 1);
  EXPECT_EQ(wrapped.index, 0u);
  EXPECT_EQ(locate(tape, *s, 99999, false).index, 2u);  // no loop: stays on the last row
}

TEST(Tape, ErrorsNameTheLine) {
  auto expect_error = [](const std::string& text, const std::string& needle) {
    try {
      Tape::parse_csv(text, "bad.csv", default_instruments());
      ADD_FAILURE() << "no error for " << needle;
    } catch (const TapeError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("nope\n", "bad.csv:1: expected header");
  expect_error(std::string(kHeader) + "x,BTCUSDT,spot,1,1,2,1\n", "bad.csv:2: ts_ms 'x'");
  expect_error(std::string(kHeader) + "1,BTCUSDT,fut,1,1,2,1\n", "market 'fut'");
  expect_error(std::string(kHeader) + "1,DOGEUSDT,spot,1,1,2,1\n", "DOGEUSDT (spot) is not configured");
  expect_error(std::string(kHeader) + "1,BTCUSDT,spot,2,1,1,1\n", "is not below ask");
  expect_error(std::string(kHeader) + "1,BTCUSDT,spot,1.001,1,2,1\n", "multiple of the tick");
  expect_error(std::string(kHeader) + all_rows(5) + "4,BTCUSDT,spot,1,1,2,1\n", "goes backwards");
  expect_error(std::string(kHeader) + "1,BTCUSDT,spot,1,1,2,1\n", "no rows for configured instrument");
}

TEST(Tape, SyntheticIsDeterministicPerSeed) {
  auto a = Tape::synthetic(7, default_instruments(), 60'000, 1000);
  auto b = Tape::synthetic(7, default_instruments(), 60'000, 1000);
  auto c = Tape::synthetic(8, default_instruments(), 60'000, 1000);
  const auto* sa = a.find(Market::Perp, "BTCUSDT");
  const auto* sb = b.find(Market::Perp, "BTCUSDT");
  const auto* sc = c.find(Market::Perp, "BTCUSDT");
  ASSERT_EQ(sa->rows.size(), 60u);
  for (std::size_t i = 0; i < sa->rows.size(); ++i) {
    EXPECT_EQ(sa->rows[i].bid, sb->rows[i].bid);
    EXPECT_LT(sa->rows[i].bid, sa->rows[i].ask);
  }
  EXPECT_NE(sa->rows[59].bid, sc->rows[59].bid);
}

TEST(Tape, BundledTapeLoads) {
  auto tape = Tape::load_csv(std::string(carry_test::source_dir()) + "/data/sim/tape_btc_eth_2025-05-20.csv",
                             default_instruments());
  EXPECT_EQ(tape.series().size(), 4u);
  EXPECT_EQ(tape.row_count(), 4u * 360 * 4);
}

}  // namespace
}  // namespace carry::sim
