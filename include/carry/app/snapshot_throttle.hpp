#pragma once
// Which position snapshots carryd stores at a heartbeat. A row per leg per heartbeat grows the
// database by ~100 k rows a day with 20 pairs, mostly flat legs saying nothing new; instead a leg
// is stored when its size changes, and an open one at most every `interval` (its mark price and
// unrealised PnL), so the history stays complete where it matters and small where it does not.
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>
#include <carry/core/types.hpp>

#include <chrono>
#include <map>
#include <string>
#include <utility>

namespace carry::app {

class SnapshotThrottle {
 public:
  explicit SnapshotThrottle(std::chrono::seconds interval) : interval_(interval) {}

  // True when a snapshot of this leg at `now` should be stored; it is then taken as stored.
  bool due(const std::string& symbol, MarketType market, Decimal size, UnixNanos now);

 private:
  struct Last {
    Decimal size;
    UnixNanos ts;
  };
  std::chrono::seconds interval_;
  std::map<std::pair<std::string, MarketType>, Last> last_;
};

}  // namespace carry::app
