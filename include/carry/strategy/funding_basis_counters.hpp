#pragma once
// What the funding-basis strategy counted since start (tests and the heartbeat read them).
#include <cstdint>

namespace carry::strategy {

struct FundingBasisCounters {
  std::uint64_t evaluations = 0;
  std::uint64_t decisions_logged = 0;
  std::uint64_t follower_orders = 0;
  std::uint64_t leader_orders = 0;
  std::uint64_t rejected_events = 0;  // malformed market data (crossed/zero BBO ...) ignored
  std::uint64_t foreign_events = 0;   // fills/updates of orders that are not ours
  std::uint64_t hedge_halts = 0;
  std::uint64_t stale_quote_waits = 0;        // taker orders held back: their leg's quote was too old
  std::uint64_t unexpected_mode_changes = 0;  // mode changes the transition table does not allow
};

}  // namespace carry::strategy
