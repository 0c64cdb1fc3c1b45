// carryd backtest --symbols auto: the universe ranking over the symbols of one data folder, with
// the same code the daemon runs (app/universe.hpp), on a development window of real data.
#include <carry_test/paths.hpp>
#include "backtest_support.hpp"

#include <carry_test/process.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using carry_test::TempDir;
namespace fs = std::filesystem;

namespace {

using carry_test::backtest::carryd;
using carry_test::backtest::summary_fields;

const fs::path kWindow = fs::path(carry_test::source_dir()) / "data" / "regimes" / "2021-01_2021-05";

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<nlohmann::json> events_named(const fs::path& jsonl, const std::string& name) {
  std::vector<nlohmann::json> out;
  std::ifstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.value("event", "") == name) out.push_back(std::move(j));
  }
  return out;
}

TEST(BacktestUniverse, AutoHoldsTheBestRankedSymbolsOfTheFolderAtMostMaxSymbols) {
  TempDir dir("bt_universe");
  const std::string config = dir.file("auto.yaml");
  std::ofstream(config) << "strategy:\n  funding:\n    symbols: auto\n    universe:\n      max_symbols: 1\n";
  auto run = [&](const std::string& out) {
    return carryd({"backtest", "--data", kWindow.string(), "--config", config, "--out", dir.file(out)});
  };
  const auto r = run("a");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto f = summary_fields(r.out);
  EXPECT_EQ(f.at("symbols"), "3");
  EXPECT_GT(std::stoi(f.at("trades")), 0);

  const auto refreshes = events_named(fs::path(dir.file("a")) / "logs" / "app.jsonl", "universe.refresh");
  ASSERT_FALSE(refreshes.empty());
  for (const auto& e : refreshes) EXPECT_LE(e.at("members").size(), 1U) << e.dump();
  // The first choice is the ranking's best, and the ranking is ordered by net APR.
  const auto& first = refreshes.front();
  ASSERT_EQ(first.at("added").size(), 1U);
  EXPECT_EQ(first.at("added")[0], first.at("top")[0].at("symbol"));
  for (std::size_t i = 1; i < first.at("top").size(); ++i)
    if (first.at("top")[i].at("excluded") == "")
      EXPECT_GE(first.at("top")[i - 1].at("net_apr").get<double>(), first.at("top")[i].at("net_apr").get<double>());
  const std::string report = slurp(fs::path(dir.file("a")) / "report.md");
  EXPECT_NE(report.find("Symbols: auto over 3 in the folder, at most 1 at a time; held: " +
                        first.at("added")[0].get<std::string>()),
            std::string::npos);

  // The same inputs give the same report, byte for byte.
  const auto again = run("b");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(slurp(fs::path(dir.file("b")) / "report.md"), report);
}

TEST(BacktestUniverse, AutoRanksTheSymbolsOfAFolderNotExplicitFiles) {
  const std::string config = (fs::path(carry_test::source_dir()) / "config" / "app.yaml").string();
  const auto r = carryd({"backtest", "--config", config, "--symbols", "auto", "--spot", "a.csv", "--perp", "b.csv",
                         "--funding", "c.csv"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--symbols auto"), std::string::npos) << r.err;
}

}  // namespace
