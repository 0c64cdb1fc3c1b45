#pragma once
// A half-open time span [start, end) covered by data.
#include <carry/core/time.hpp>

#include <algorithm>
#include <string>

namespace carry::backtest {

struct Period {
  UnixNanos start, end;

  bool empty() const noexcept { return end <= start; }
  bool contains(UnixNanos t) const noexcept { return start <= t && t < end; }
  double days() const noexcept { return empty() ? 0.0 : static_cast<double>(end.ns - start.ns) / 86'400e9; }
  Period intersect(const Period& o) const noexcept { return {std::max(start, o.start), std::min(end, o.end)}; }
  // "2025-05-20T00:00:00Z .. 2025-06-24T00:00:00Z (35.00 days)"
  std::string to_string() const;

  friend bool operator==(const Period&, const Period&) = default;
};

}  // namespace carry::backtest
