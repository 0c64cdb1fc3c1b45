// carryd backtest on hourly candles, end to end: with funding that pays, the default config's
// maker openings now fill on a later bar (instead of timing out before it), and the run ends
// hedged. The data are generated here, into a temp dir: a gentle wave of prices, a steady basis
// and a positive funding rate, so the outcome depends on the fill rules, not on a market's luck.
#include <carry/core/decimal.hpp>
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
  const fs::path config = fs::path(CARRY_SOURCE_DIR) / "config" / "app.yaml";
  Process p({CARRYD_PATH, "backtest", "--data", dir.path().string(), "--symbols", "BTCUSDT", "--config",
             config.string(), "--out", dir.file("out")});
  ASSERT_EQ(p.wait(600s).value_or(-1), 0) << p.err();
  const auto f = summary_fields(p.out());
  ASSERT_FALSE(f.empty()) << p.out();
  EXPECT_GT(std::stoi(f.at("trades")), 0) << p.out();
  EXPECT_GT(dec(f.at("funding_pnl")), Decimal{}) << p.out();
  EXPECT_NE(p.err().find("note: 3600 s bars: leader_timeout_s: 120 s configured, 7200 s used"), std::string::npos)
      << p.err();

  // Hedged at the end: the spot bought and the perp sold agree within one lot (the perp's 0.0001).
  SQLite::Database db((dir.path() / "out" / "backtest.db").string(), SQLite::OPEN_READONLY);
  auto net = [&db](const char* market) {
    SQLite::Statement q(db, "SELECT side, size FROM fills WHERE market = ?");
    q.bind(1, market);
    Decimal n;
    while (q.executeStep()) n += (q.getColumn(0).getString() == "buy" ? dec(q.getColumn(1).getString())
                                                                      : -dec(q.getColumn(1).getString()));
    return n;
  };
  const Decimal spot = net("spot"), perp = net("perp");
  EXPECT_TRUE(spot.is_positive()) << "spot " << spot.to_string();
  EXPECT_LE((spot + perp).abs(), dec("0.0001")) << "spot " << spot.to_string() << " perp " << perp.to_string();
  EXPECT_GT(db.execAndGet("SELECT COUNT(*) FROM fills WHERE maker = 1").getInt(), 0) << "the leader fills as maker";
}

}  // namespace
