#pragma once
// Candle CSV: header `open_time_ms,open_time_utc,open,high,low,close,volume` (columns found by
// name, extra columns ignored, open_time_utc optional but checked against open_time_ms if present).
// open_time is the candle START in Unix ms UTC. Rows must be strictly increasing in time.
#include <carry/backtest/data_error.hpp>
#include <carry/backtest/gap_report.hpp>
#include <carry/backtest/period.hpp>
#include <carry/core/decimal.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace carry::backtest {

struct Candle {
  std::int64_t open_time_ms = 0;
  Decimal open, high, low, close, volume;
};

struct CandleSeries {
  std::string file;
  std::int64_t interval_ms = 0;
  std::vector<Candle> rows;
  GapReport gaps;

  // [first open, last open + interval)
  Period coverage() const;
};

struct CandleReadOptions {
  // Expected interval (60'000 for 1m). Unset: the smallest step between consecutive rows.
  std::optional<std::int64_t> interval_ms;
};

// Errors (file:line): missing column, wrong field count, bad number/timestamp, OHLC inconsistent
// (low > high, open/close outside [low, high], price <= 0, volume < 0), open_time_utc disagreeing,
// duplicate or out-of-order open_time, open_time not aligned to the interval, no data rows.
// Missing intervals are collected in CandleSeries::gaps.
DataResult<CandleSeries> read_candles(const std::filesystem::path& file, const CandleReadOptions& opts = {});

}  // namespace carry::backtest
