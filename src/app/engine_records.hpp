#pragma once
// The engine's facts as store rows: one mapping for the daemon's Store and the backtest's Repo.
#include <carry/risk/kill_switch.hpp>
#include <carry/store/records.hpp>
#include <carry/strategy/funding_basis.hpp>

namespace carry::app {

inline store::DecisionRecord decision_record(const strategy::Decision& d) {
  store::DecisionRecord r;
  r.ts = d.ts;
  r.symbol = d.symbol;
  r.kind = std::string(strategy::to_string(d.kind));
  r.reason = d.reason;
  r.numbers = strategy::decision_numbers(d);
  return r;
}

inline store::KillSwitchRecord kill_switch_record(const risk::KillSwitch& ks) {
  return {std::string(risk::to_string(ks.state())), ks.reason(), ks.since()};
}

}  // namespace carry::app
