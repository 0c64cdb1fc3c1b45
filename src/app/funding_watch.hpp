#pragma once
// What the runtime keeps of a symbol's funding between updates (sans-I/O). The WebSocket ticker
// carries the rate and the next settlement only; the REST read adds the interval and the caps,
// which Bitget changes by announcement: they are kept across ticker updates and re-read right
// after each settlement.
#include <carry/core/events.hpp>

#include <optional>

namespace carry::app {

class FundingWatch {
 public:
  // The update with what it lacks (interval, caps, mark) filled from what is known; remembered.
  FundingRateUpdate merge(const FundingRateUpdate& update);
  const std::optional<FundingRateUpdate>& last() const noexcept { return last_; }

  // The settlement the last update announced has passed: read the interval and caps again.
  bool reread_due(UnixNanos now) const noexcept;

  // True once per settlement when the rate sits at one of its caps (the venue clamped it: the
  // premium behind it is larger than the rate says).
  bool newly_at_cap();

 private:
  std::optional<FundingRateUpdate> last_;
  UnixNanos cap_noted_for_;
};

}  // namespace carry::app
