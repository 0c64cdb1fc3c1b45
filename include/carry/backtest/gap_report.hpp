#pragma once
// Gaps in a series (missing candle intervals, missing funding settlements, quiet tick periods).
// Gaps are warnings, not errors: the caller prints summary() and the run goes on.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace carry::backtest {

struct Gap {
  std::size_t line = 0;      // the row after the gap
  std::int64_t prev_ms = 0;  // timestamp of the row before the gap
  std::int64_t ts_ms = 0;    // timestamp of the row after the gap
  std::int64_t missing = 0;  // missing intervals/settlements (0 for tick files: just quiet)
};

struct GapReport {
  static constexpr std::size_t kMaxListed = 5;

  std::string file;
  std::string what;                // "candles", "funding settlements", "quiet periods"
  std::size_t count = 0;           // number of gaps
  std::int64_t missing = 0;        // total missing intervals
  std::vector<Gap> first;          // the first kMaxListed gaps
  std::vector<std::string> notes;  // other irregularities (e.g. settlements closer than the interval)

  bool empty() const noexcept { return count == 0 && notes.empty(); }
  void add(const Gap& g);
  // "data/x.csv: 3 gaps (12 missing candles); first: line 10: 2025-...Z -> 2025-...Z (5 missing); ..."
  std::string summary() const;
};

}  // namespace carry::backtest
