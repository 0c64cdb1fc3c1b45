#pragma once
// Funding CSV: header `funding_time_ms,funding_time_utc,symbol,funding_rate,interval_hours`
// (funding_time_utc optional but checked if present). funding_time = settlement instant (Unix ms
// UTC); funding_rate = fraction of notional per interval (positive: longs pay shorts);
// interval_hours = length of the interval that ends at this settlement.
#include <carry/backtest/data_error.hpp>
#include <carry/backtest/gap_report.hpp>
#include <carry/backtest/period.hpp>
#include <carry/core/decimal.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace carry::backtest {

struct FundingRow {
  std::int64_t time_ms = 0;  // settlement instant
  Decimal rate;
  std::int32_t interval_hours = 0;
};

struct FundingSeries {
  std::string file;
  std::string symbol;
  std::vector<FundingRow> rows;
  GapReport gaps;

  // (first settlement - its interval, last settlement]: the span whose rates are known, as the
  // half-open [first - interval, last + 1 ms).
  Period coverage() const;
};

struct FundingReadOptions {
  // If set, every row's symbol must equal it; otherwise every row must carry the first row's.
  std::string expected_symbol;
};

// Errors (file:line): missing column, wrong field count, bad number/timestamp, symbol mismatch,
// |rate| >= 1 (not a fraction), interval_hours outside 1..24, funding_time_utc disagreeing,
// duplicate or out-of-order settlement, no data rows. Missing settlements go to gaps.
DataResult<FundingSeries> read_funding(const std::filesystem::path& file, const FundingReadOptions& opts = {});

}  // namespace carry::backtest
