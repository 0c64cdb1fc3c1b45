#include <carry/app/snapshot_throttle.hpp>

namespace carry::app {

bool SnapshotThrottle::due(const std::string& symbol, MarketType market, Decimal size, UnixNanos now) {
  auto [it, first] = last_.try_emplace({symbol, market}, Last{size, now});
  if (first) return true;
  Last& last = it->second;
  const bool changed = size != last.size;
  const bool refresh = !size.is_zero() && now - last.ts >= interval_;
  if (!changed && !refresh) return false;
  last = {size, now};
  return true;
}

}  // namespace carry::app
