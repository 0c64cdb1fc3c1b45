// carryd backtest --sweep as a real process on the bundled data: one run per grid point, each with
// its own outputs, the ranked table on stdout and as CSV, and a refused key or value stopping it
// before anything runs.
#include <carry_test/paths.hpp>
#include "backtest_support.hpp"

#include <carry_test/process.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace {

using carry_test::Process;
using carry_test::TempDir;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kData = fs::path(carry_test::source_dir()) / "data";

using carry_test::backtest::carryd;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(BacktestSweep, EveryGridPointRunsAndTheTableIsRankedByNet) {
  TempDir dir("bt_sweep");
  const auto cfg = dir.write("quiet.yaml", "log:\n  console: false\n");
  const auto r = carryd({"backtest", "--data", kData.string(), "--symbols", "ETHUSDT", "--to", "2025-05-25", "--config",
                         cfg, "--out", dir.file("out"), "--sweep", "strategy.funding.min_expected_apr=0.05,0.5",
                         "--sweep", "strategy.funding.notional_per_symbol=500,1000"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto table = lines(r.out);
  ASSERT_EQ(table.size(), 5u) << r.out;  // header + 4 points
  EXPECT_EQ(table[0].rfind("rank  strategy.funding.min_expected_apr  strategy.funding.notional_per_symbol  net_pnl", 0),
            0u)
      << table[0];
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(table[i].rfind(std::to_string(i) + " ", 0), 0u) << table[i];
    std::ostringstream run;
    run << "run-00" << i;
    EXPECT_TRUE(fs::exists(dir.path() / "out" / "sweep" / run.str() / "report.md")) << run.str();
  }
  // Ranked: net descending down the table.
  auto net_of = [](const std::string& row) {
    std::istringstream in(row);
    std::string rank, apr, notional, net;
    in >> rank >> apr >> notional >> net;
    return std::stod(net);
  };
  for (int i = 1; i < 4; ++i) EXPECT_GE(net_of(table[i]), net_of(table[i + 1]));
  const auto csv = lines(carry_test::read_file(dir.path() / "out" / "sweep.csv"));
  ASSERT_EQ(csv.size(), 5u);
  EXPECT_EQ(csv[0],
            "rank,strategy.funding.min_expected_apr,strategy.funding.notional_per_symbol,net_pnl,baseline_net,"
            "vs_baseline,apr,max_drawdown,trades,time_in_market,funding_pnl,fees,error");
  EXPECT_NE(r.err.find("sweep 4/4"), std::string::npos) << r.err;  // the progress bar
}

TEST(BacktestSweep, AnUnknownKeyOrABadValueStopsBeforeAnyRunWithExit2) {
  TempDir dir("bt_sweep_bad");
  const auto cfg = dir.write("quiet.yaml", "log:\n  console: false\n");
  const auto key = carryd(
      {"backtest", "--data", kData.string(), "--config", cfg, "--out", dir.file("out"), "--sweep", "strategy.nope=1"});
  EXPECT_EQ(key.code, 2);
  EXPECT_NE(key.err.find("unknown configuration key 'strategy.nope'"), std::string::npos) << key.err;
  const auto value = carryd({"backtest", "--data", kData.string(), "--config", cfg, "--out", dir.file("out"), "--sweep",
                             "strategy.funding.min_expected_apr=0.1,abc"});
  EXPECT_EQ(value.code, 2);
  EXPECT_NE(value.err.find("--sweep strategy.funding.min_expected_apr=abc"), std::string::npos) << value.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "sweep"));
}

}  // namespace
