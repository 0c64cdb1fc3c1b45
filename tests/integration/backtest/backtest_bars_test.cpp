// carryd backtest on hourly candles, end to end: with funding that pays, the default config's
// openings trade (the leader takes on candles, its hedge at the same quote) and the run ends
// hedged. The data are generated here, into a temp dir: a gentle wave of prices, a steady basis
// and a positive funding rate, so the outcome depends on the fill rules, not on a market's luck.
// Then issue 16's acceptance on development windows of data/regimes where it holds.
#include <carry/core/decimal.hpp>
#include <carry_test/paths.hpp>
#include "backtest_support.hpp"

#include <carry_test/process.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>

using carry::Decimal;
using carry_test::Process;
using carry_test::TempDir;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using carry_test::backtest::dec;
using carry_test::backtest::summary_fields;

constexpr std::int64_t kStartMs = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
constexpr std::int64_t kHourMs = 3'600'000;
constexpr int kHours = 24 * 20;

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Hourly candles around 30,000 (a ±1 % wave over about 2.6 days), each 0.2 % either side of its
// open and close; the perp trades `premium` above the spot.
void write_candles(const fs::path& file, double premium) {
  std::ofstream out(file);
  out << "open_time_ms,open,high,low,close,volume\n";
  double open = 30'000 * premium;
  for (int i = 0; i < kHours; ++i) {
    const double close = 30'000 * premium * (1 + 0.01 * std::sin((i + 1) / 10.0));
    out << kStartMs + i * kHourMs << "," << px(open) << "," << px(std::max(open, close) * 1.002) << ","
        << px(std::min(open, close) * 0.998) << "," << px(close) << ",100\n";
    open = close;
  }
}

void write_funding(const fs::path& file, const std::string& rate) {
  std::ofstream out(file);
  out << "funding_time_ms,symbol,funding_rate,interval_hours\n";
  for (int h = 0; h <= kHours; h += 8) out << kStartMs + h * kHourMs << ",BTCUSDT," << rate << ",8\n";
}

TEST(BacktestBars, DefaultConfigTradesAndEndsHedgedOnHourlyDataWhereFundingPays) {
  TempDir dir("bt_bars");
  write_candles(dir.path() / "binance_spot_BTCUSDT_1h.csv", 1.0);
  write_candles(dir.path() / "binance_perp_BTCUSDT_1h.csv", 1.0003);
  write_funding(dir.path() / "binance_funding_BTCUSDT.csv", "0.0005");  // ~55 %/yr
  const fs::path config = fs::path(carry_test::source_dir()) / "config" / "app.yaml";
  Process p({carry_test::carryd_path(), "backtest", "--data", dir.path().string(), "--symbols", "BTCUSDT", "--config",
             config.string(), "--out", dir.file("out")});
  ASSERT_EQ(p.wait(600s).value_or(-1), 0) << p.err();
  const auto f = summary_fields(p.out());
  ASSERT_FALSE(f.empty()) << p.out();
  EXPECT_GT(std::stoi(f.at("trades")), 0) << p.out();
  EXPECT_GT(dec(f.at("funding_pnl")), Decimal{}) << p.out();
  EXPECT_NE(p.err().find("note: 3600 s bars: leader_timeout_s: 120 s configured, 7200 s used"), std::string::npos)
      << p.err();
  EXPECT_NE(p.err().find("note: 3600 s bars: leader: post-only maker configured, taker IOC used"), std::string::npos)
      << p.err();

  // Hedged at the end: the spot bought and the perp sold agree within one lot (the perp's 0.0001).
  SQLite::Database db((dir.path() / "out" / "backtest.db").string(), SQLite::OPEN_READONLY);
  auto net = [&db](const char* market) {
    SQLite::Statement q(db, "SELECT side, size FROM fills WHERE market = ?");
    q.bind(1, market);
    Decimal n;
    while (q.executeStep())
      n += (q.getColumn(0).getString() == "buy" ? dec(q.getColumn(1).getString()) : -dec(q.getColumn(1).getString()));
    return n;
  };
  const Decimal spot = net("spot"), perp = net("perp");
  EXPECT_TRUE(spot.is_positive()) << "spot " << spot.to_string();
  EXPECT_LE((spot + perp).abs(), dec("0.0001")) << "spot " << spot.to_string() << " perp " << perp.to_string();
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM fills WHERE maker = 1").getInt(), 0) << "both legs take on candles";
}

struct WindowRun {
  std::map<std::string, std::string> summary;
  Decimal spot, perp;  // net fills per market at the end
};

WindowRun run_window(const TempDir& dir, const std::string& window, const std::string& symbol) {
  const fs::path data = fs::path(carry_test::source_dir()) / "data" / "regimes" / window;
  const fs::path config = fs::path(carry_test::source_dir()) / "config" / "app.yaml";
  const std::string out = dir.file(window + "-" + symbol);
  Process p({carry_test::carryd_path(), "backtest", "--data", data.string(), "--symbols", symbol, "--config",
             config.string(), "--out", out});
  WindowRun r;
  EXPECT_EQ(p.wait(600s).value_or(-1), 0) << p.err();
  r.summary = summary_fields(p.out());
  SQLite::Database db((fs::path(out) / "backtest.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT market, side, size FROM fills");
  while (q.executeStep()) {
    const Decimal size = dec(q.getColumn(2).getString());
    (q.getColumn(0).getString() == "spot" ? r.spot : r.perp) += q.getColumn(1).getString() == "buy" ? size : -size;
  }
  return r;
}

// 2023-10..12: the always-on carry earns 3.8 % to 10 % of the leg, and BTC and SOL have stretches
// of 3 to 15 negative settlements, so the default config must trade, end hedged and beat it.
TEST(BacktestBars, DefaultConfigBeatsTheAlwaysOnCarryWhereTheWindowHasNegativeStretches) {
  TempDir dir("bt_accept");
  for (const std::string symbol : {"BTCUSDT", "SOLUSDT"}) {
    const WindowRun r = run_window(dir, "2023-10_2023-12", symbol);
    ASSERT_FALSE(r.summary.empty()) << symbol;
    const Decimal net = dec(r.summary.at("net_pnl")), baseline = dec(r.summary.at("baseline_net"));
    EXPECT_GT(baseline, Decimal::from_units(10)) << symbol << ": more than 1 % of the 1,000 USDT leg";
    EXPECT_GT(std::stoi(r.summary.at("trades")), 0) << symbol;
    EXPECT_GT(net, baseline) << symbol;
    EXPECT_TRUE(r.spot.is_positive()) << symbol;
    EXPECT_EQ(r.spot + r.perp, Decimal{}) << symbol << " ends hedged";
  }
}

// 2022-11: funding negative (SOL's always-on pair loses 164 USDT); the default config loses at
// most 0.05 % of the starting equity (spot_usdt + futures_usdt in config/app.yaml: 20,000 USDT).
TEST(BacktestBars, DefaultConfigLosesAtMostTheToleranceWhereFundingIsNegative) {
  TempDir dir("bt_accept_low");
  for (const std::string symbol : {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) {
    const WindowRun r = run_window(dir, "2022-11", symbol);
    ASSERT_FALSE(r.summary.empty()) << symbol;
    EXPECT_LT(dec(r.summary.at("baseline_net")), Decimal::from_units(10)) << symbol;
    EXPECT_GE(dec(r.summary.at("net_pnl")), dec("-10")) << symbol;
    EXPECT_EQ(r.spot + r.perp, Decimal{}) << symbol << " ends hedged or flat";
  }
}

}  // namespace
