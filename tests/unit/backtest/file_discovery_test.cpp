#include <carry/backtest/file_discovery.hpp>

#include "test_files.hpp"

#include <gtest/gtest.h>

namespace carry::backtest {
namespace {

using namespace carry::backtest::testing;

std::string error_of(const DataResult<std::vector<SymbolFiles>>& r) {
  return r ? std::string("(no error)") : r.error().to_string();
}

void touch(const std::filesystem::path& dir, std::initializer_list<const char*> names) {
  for (const char* n : names) write_file(dir, n, "x\n");
}

TEST(FileDiscovery, DataFolderPicksTheFinestTimeframe) {
  auto r = discover_symbol_files(repo_data_dir());
  ASSERT_TRUE(r) << error_of(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].symbol, "BTCUSDT");
  EXPECT_EQ((*r)[0].spot.filename(), "binance_spot_BTCUSDT_1m.csv");
  EXPECT_EQ((*r)[0].perp.filename(), "binance_perp_BTCUSDT_1m.csv");
  EXPECT_EQ((*r)[0].funding.filename(), "binance_funding_BTCUSDT.csv");
  EXPECT_EQ((*r)[0].spot_timeframe, Timeframe::Minute1);
  EXPECT_EQ((*r)[1].symbol, "ETHUSDT");
  EXPECT_EQ((*r)[1].perp.filename(), "binance_perp_ETHUSDT_1m.csv");
}

TEST(FileDiscovery, SymbolFilterIgnoresCaseAndKeepsTheTimeframe) {
  auto r = discover_symbol_files(repo_data_dir(), {{"btcusdt", "ETHUSDT"}, Timeframe::Hour1});
  ASSERT_TRUE(r) << error_of(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].spot.filename(), "binance_spot_BTCUSDT_1h.csv");
  EXPECT_EQ((*r)[1].funding.filename(), "binance_funding_ETHUSDT.csv");
}

TEST(FileDiscovery, TimeframeIsHonoured) {
  auto r = discover_symbol_files(repo_data_dir(), {{"ETHUSDT"}, Timeframe::Hour1});
  ASSERT_TRUE(r) << error_of(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].spot.filename(), "binance_spot_ETHUSDT_1h.csv");
  EXPECT_EQ((*r)[0].perp.filename(), "binance_perp_ETHUSDT_1h.csv");
  EXPECT_EQ((*r)[0].perp_timeframe, Timeframe::Hour1);
}

TEST(FileDiscovery, UnknownSymbolListsTheKnownOnes) {
  const std::string dir = repo_data_dir().string();
  EXPECT_EQ(error_of(discover_symbol_files(repo_data_dir(), {{"SOLUSDT"}, std::nullopt})),
            dir +
                ": unknown symbol SOLUSDT: no *_spot_SOLUSDT_*, *_perp_SOLUSDT_* or *_funding_SOLUSDT*.csv file "
                "(symbols found: BTCUSDT, ETHUSDT)");
}

TEST(FileDiscovery, TwoCandidatesForOneRoleAreListed) {
  const auto dir = scratch_dir();
  touch(dir, {"a_spot_BTCUSDT_1m.csv", "a_perp_BTCUSDT_1m.csv", "a_funding_BTCUSDT_2024.csv",
              "a_funding_BTCUSDT_2025-07.csv"});
  EXPECT_EQ(error_of(discover_symbol_files(dir)),
            dir.string() +
                ": BTCUSDT: ambiguous funding file, candidates: a_funding_BTCUSDT_2024.csv, "
                "a_funding_BTCUSDT_2025-07.csv (name one with --funding FILE)");
  const auto dir2 = dir / "two";
  std::filesystem::create_directories(dir2);
  touch(dir2, {"a_spot_BTCUSDT_1m.csv", "b_spot_BTCUSDT_1m_v2.csv", "a_perp_BTCUSDT_1m.csv", "a_funding_BTCUSDT.csv"});
  EXPECT_EQ(error_of(discover_symbol_files(dir2)),
            dir2.string() +
                ": BTCUSDT: ambiguous spot file at 1m, candidates: a_spot_BTCUSDT_1m.csv, b_spot_BTCUSDT_1m_v2.csv "
                "(name one with --spot FILE)");
}

TEST(FileDiscovery, SameRoleAtDifferentTimeframesIsNotAmbiguous) {
  const auto dir = scratch_dir();
  touch(dir, {"a_spot_BTCUSDT_1h_2024.csv", "a_spot_BTCUSDT_1m.csv", "a_perp_BTCUSDT_1h_2024.csv",
              "a_perp_BTCUSDT_1m.csv", "a_funding_BTCUSDT.csv", "a_spot_BTCUSDT_bbo.csv"});
  auto r = discover_symbol_files(dir);  // bbo exists for spot only: the finest COMMON is 1m
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ((*r)[0].spot.filename(), "a_spot_BTCUSDT_1m.csv");
  auto h = discover_symbol_files(dir, {{}, Timeframe::Hour1});
  ASSERT_TRUE(h) << error_of(h);
  EXPECT_EQ((*h)[0].perp.filename(), "a_perp_BTCUSDT_1h_2024.csv");
  EXPECT_EQ(error_of(discover_symbol_files(dir, {{}, Timeframe::Tick})),
            dir.string() +
                ": BTCUSDT: no perp file at timeframe bbo (spot: bbo: a_spot_BTCUSDT_bbo.csv, 1m: "
                "a_spot_BTCUSDT_1m.csv, 1h: a_spot_BTCUSDT_1h_2024.csv; perp: 1m: a_perp_BTCUSDT_1m.csv, "
                "1h: a_perp_BTCUSDT_1h_2024.csv)");
}

TEST(FileDiscovery, SymbolsAreDelimited) {
  const auto dir = scratch_dir();
  touch(dir, {"a_spot_BTCUSDT_1m.csv", "a_perp_BTCUSDT_1m.csv", "a_funding_BTCUSDT.csv", "a_spot_XBTCUSDT_1m.csv",
              "a_funding_BTCUSDTX.csv", "a_spot_BTCUSDT_1mo.csv", "notes.txt", "a_perp_BTCUSDT_5m.csv"});
  auto r = discover_symbol_files(dir, {{"BTCUSDT"}, std::nullopt});
  ASSERT_TRUE(r) << error_of(r);
  EXPECT_EQ((*r)[0].spot.filename(), "a_spot_BTCUSDT_1m.csv");
  EXPECT_EQ((*r)[0].funding.filename(), "a_funding_BTCUSDT.csv");
}

TEST(FileDiscovery, MissingRoleOrNoCommonTimeframe) {
  const auto dir = scratch_dir();
  touch(dir, {"a_spot_BTCUSDT_1m.csv", "a_perp_BTCUSDT_1h.csv"});
  EXPECT_EQ(error_of(discover_symbol_files(dir)), dir.string() + ": BTCUSDT: no funding file (*_funding_BTCUSDT*.csv)");
  touch(dir, {"a_funding_BTCUSDT.csv"});
  EXPECT_EQ(error_of(discover_symbol_files(dir)),
            dir.string() +
                ": BTCUSDT: spot and perp files share no timeframe (spot: 1m: a_spot_BTCUSDT_1m.csv; perp: "
                "1h: a_perp_BTCUSDT_1h.csv)");
}

TEST(FileDiscovery, NotADirectory) {
  EXPECT_EQ(error_of(discover_symbol_files("/nonexistent-carry-dir")), "/nonexistent-carry-dir: not a directory");
}

TEST(FileDiscovery, ExplicitFiles) {
  const auto dir = repo_data_dir();
  auto r = explicit_symbol_files("btcusdt", dir / "binance_spot_BTCUSDT_1h.csv", dir / "binance_perp_BTCUSDT_1h.csv",
                                 dir / "binance_funding_BTCUSDT.csv");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->symbol, "BTCUSDT");
  EXPECT_EQ(r->spot_timeframe, Timeframe::Hour1);
  auto missing = explicit_symbol_files("", dir / "nope.csv", dir / "binance_perp_BTCUSDT_1h.csv",
                                       dir / "binance_funding_BTCUSDT.csv");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().to_string(), (dir / "nope.csv").string() + ": no such file (--spot)");
}

}  // namespace
}  // namespace carry::backtest
