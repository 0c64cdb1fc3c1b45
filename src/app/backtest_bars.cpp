#include <carry/app/backtest_bars.hpp>

#include <algorithm>
#include <type_traits>

namespace carry::app {

std::string RaisedParam::line() const {
  if (!text.empty()) return name + ": " + text;
  return name + ": " + std::to_string(configured) + " " + unit + " configured, " + std::to_string(used) + " " + unit +
         " used";
}

std::vector<RaisedParam> fit_lifetimes_to_bars(engine::EngineSetup& setup, std::int64_t bar_ms) {
  std::vector<RaisedParam> raised;
  if (bar_ms <= 0) return raised;
  const std::int64_t bar_s = (bar_ms + 999) / 1000;
  auto raise = [&raised](const char* name, auto& value, std::int64_t at_least, const char* unit) {
    if (value >= at_least) return;
    raised.push_back({name, static_cast<std::int64_t>(value), at_least, unit, ""});
    value = static_cast<std::remove_reference_t<decltype(value)>>(at_least);
  };
  auto& p = setup.strategy;
  raise("leader_timeout_s", p.leader_timeout_s, 2 * bar_s, "s");
  raise("order_expiry_s", p.order_expiry_s, bar_s, "s");
  raise("chase_interval_ms", p.chase_interval_ms, bar_ms, "ms");
  setup.oms.chase_interval_ms = std::max(setup.oms.chase_interval_ms, bar_ms);  // the one the chaser reads
  raise("hedge_timeout_s", p.hedge_timeout_s, 2 * bar_s, "s");
  raise("reopen_cooldown_s", p.reopen_cooldown_s, bar_s, "s");
  if (!p.leader_taker) {
    p.leader_taker = true;
    raised.push_back({"leader", 0, 1, "", "post-only maker configured, taker IOC used"});
  }
  return raised;
}

}  // namespace carry::app
