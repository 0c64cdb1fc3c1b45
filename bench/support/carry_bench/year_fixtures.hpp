#pragma once
// Bench support: a year of 1-minute candles for BTCUSDT and ETHUSDT, made by tiling the real
// 35-day 1m files (data/) end to end with shifted timestamps, so parsers see real numbers; and the
// matching funding history (the real rates repeated, one settlement every 8 h). Written once into
// a benchmark's build folder (never the repo) and reused while its `complete` marker exists.
#include <carry/backtest/candle_reader.hpp>
#include <carry/backtest/funding_reader.hpp>
#include <carry_test/paths.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace carry::bench {

// The real 1m files the benchmarks read (the repository's data/ folder).
inline std::filesystem::path real_data_dir() { return std::filesystem::path(carry_test::source_dir()) / "data"; }

inline constexpr std::int64_t kYearMinutes = 525'600;
// The real files start at 2025-05-20T00:00Z; the year's first settlement is 8 h later, so its
// announcement (one interval earlier) falls on the first candle.
inline constexpr std::int64_t kYearFirstSettlementMs = 1'747'699'200'000 + 8 * 3'600'000;

namespace detail {

inline void write_all(const std::filesystem::path& p, const std::string& text) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(p.string().c_str(), "wb"), &std::fclose);
  if (!f || std::fwrite(text.data(), 1, text.size(), f.get()) != text.size())
    throw std::runtime_error("write " + p.string());
}

// Tiles a real 1m candle file to a year of consecutive minutes.
inline void make_year_candles(const std::filesystem::path& src, const std::filesystem::path& dst) {
  auto series = backtest::read_candles(src, {60'000});
  if (!series) throw std::runtime_error(series.error().to_string());
  const auto& rows = series->rows;
  const std::int64_t t0 = rows.front().open_time_ms;
  std::string out = "open_time_ms,open_time_utc,open,high,low,close,volume\n";
  out.reserve(static_cast<std::size_t>(kYearMinutes) * 90);
  for (std::int64_t m = 0; m < kYearMinutes; ++m) {
    const backtest::Candle& c = rows[static_cast<std::size_t>(m) % rows.size()];
    const std::int64_t t = t0 + m * 60'000;
    out += std::to_string(t);
    out += ',';
    out += UnixNanos::from_ms(t).to_rfc3339();
    for (Decimal d : {c.open, c.high, c.low, c.close, c.volume}) {
      out += ',';
      out += d.to_string();
    }
    out += '\n';
  }
  write_all(dst, out);
}

// One settlement every 8 h over the year, the real rates repeated in order.
inline void make_year_funding(const std::filesystem::path& src, const std::filesystem::path& dst,
                              std::int64_t first_ms) {
  auto series = backtest::read_funding(src);
  if (!series) throw std::runtime_error(series.error().to_string());
  std::string out = "funding_time_ms,funding_time_utc,symbol,funding_rate,interval_hours\n";
  const std::int64_t n = kYearMinutes / (8 * 60) + 1;
  for (std::int64_t i = 0; i < n; ++i) {
    const backtest::FundingRow& r = series->rows[static_cast<std::size_t>(i) % series->rows.size()];
    const std::int64_t t = first_ms + i * 8 * 3'600'000;
    out += std::to_string(t) + "," + UnixNanos::from_ms(t).to_rfc3339() + "," + series->symbol + "," +
           r.rate.to_string() + ",8\n";
  }
  write_all(dst, out);
}

}  // namespace detail

// <build>/bench/<area>/year_1m (the benchmark's build folder) with year_{spot,perp}_<SYMBOL>_1m.csv
// and year_funding_<SYMBOL>.csv for BTCUSDT and ETHUSDT (4 x 525,600 candle rows, 2 x 1,096
// funding rows), made on first use.
inline const std::filesystem::path& year_1m_dir() {
  static const std::filesystem::path dir =
      (std::filesystem::path(carry_test::binary_dir()) / "bench" / CARRY_BENCH_AREA) / "year_1m";
  static std::once_flag once;
  std::call_once(once, [] {
    if (std::filesystem::exists(dir / "complete")) return;
    std::filesystem::create_directories(dir);
    const auto real = real_data_dir();
    for (const std::string s : {"BTCUSDT", "ETHUSDT"}) {
      detail::make_year_candles(real / ("binance_spot_" + s + "_1m.csv"), dir / ("year_spot_" + s + "_1m.csv"));
      detail::make_year_candles(real / ("binance_perp_" + s + "_1m.csv"), dir / ("year_perp_" + s + "_1m.csv"));
      detail::make_year_funding(real / ("binance_funding_" + s + ".csv"), dir / ("year_funding_" + s + ".csv"),
                                kYearFirstSettlementMs);
    }
    detail::write_all(dir / "complete", "");
  });
  return dir;
}

}  // namespace carry::bench
