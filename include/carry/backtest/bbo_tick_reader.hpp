#pragma once
// BBO tick CSV (our own format, see docs/backtest.md): header
// `ts_ms,bid_price,bid_size,ask_price,ask_size` (columns found by name, extra columns ignored).
// One row per top-of-book change; ts_ms = Unix ms UTC when the quote became valid. Timestamps
// must be non-decreasing (several updates in one ms keep their file order).
#include <carry/backtest/data_error.hpp>
#include <carry/backtest/gap_report.hpp>
#include <carry/backtest/period.hpp>
#include <carry/backtest/quote.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace carry::backtest {

struct QuoteSeries {
  std::string file;
  std::vector<Quote> rows;
  GapReport gaps;

  // [first ts, last ts + 1 ms)
  Period coverage() const;
};

struct BboTickReadOptions {
  // A silence longer than this between two ticks is reported as a gap (warning).
  std::int64_t max_quiet_ms = 60'000;
};

// Errors (file:line): missing column, wrong field count, bad number/timestamp, price <= 0,
// size < 0, crossed quote (bid > ask), timestamp before the previous row, no data rows.
DataResult<QuoteSeries> read_bbo_ticks(const std::filesystem::path& file, const BboTickReadOptions& opts = {});

}  // namespace carry::backtest
