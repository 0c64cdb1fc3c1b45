#pragma once
// Test helpers: a fresh scratch directory per test and small CSV writers.
#include <carry/core/time.hpp>
#include <carry_test/paths.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace carry::backtest::testing {

inline std::filesystem::path repo_data_dir() { return std::filesystem::path(carry_test::source_dir()) / "data"; }

// build/.../backtest_data_tests/<suite>.<test>/, emptied first.
inline std::filesystem::path scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto dir = std::filesystem::path(carry_test::binary_dir()) / "backtest_data_tests" /
                   (std::string(info->test_suite_name()) + "." + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::filesystem::path write_file(const std::filesystem::path& dir, const std::string& name,
                                        const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

inline const char* kCandleHeader = "open_time_ms,open_time_utc,open,high,low,close,volume\n";
inline const char* kFundingHeader = "funding_time_ms,funding_time_utc,symbol,funding_rate,interval_hours\n";
inline const char* kTickHeader = "ts_ms,bid_price,bid_size,ask_price,ask_size\n";

// 2025-05-20T00:00:00Z
constexpr std::int64_t kT0 = 1'747'699'200'000;

// A consistent candle row (open = high = low = close) with its real RFC 3339 copy.
inline std::string candle_row(std::int64_t open_ms, const std::string& close = "100", const std::string& volume = "2") {
  return std::to_string(open_ms) + "," + UnixNanos::from_ms(open_ms).to_rfc3339() + "," + close + "," + close + "," +
         close + "," + close + "," + volume + "\n";
}
inline std::string funding_row(std::int64_t settle_ms, const std::string& symbol = "BTCUSDT",
                               const std::string& rate = "0.0001", int hours = 8) {
  return std::to_string(settle_ms) + "," + UnixNanos::from_ms(settle_ms).to_rfc3339() + "," + symbol + "," + rate +
         "," + std::to_string(hours) + "\n";
}
inline std::string candles(std::int64_t first_ms, int count, std::int64_t step_ms = 60'000,
                           const std::string& close = "100") {
  std::string out = kCandleHeader;
  for (int i = 0; i < count; ++i) out += candle_row(first_ms + i * step_ms, close);
  return out;
}
inline std::string fundings(std::int64_t first_ms, int count, const std::string& symbol = "BTCUSDT",
                            const std::string& rate = "0.0001") {
  std::string out = kFundingHeader;
  for (int i = 0; i < count; ++i) out += funding_row(first_ms + i * 8 * 3'600'000LL, symbol, rate);
  return out;
}

}  // namespace carry::backtest::testing
