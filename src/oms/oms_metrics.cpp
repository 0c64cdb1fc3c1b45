#include <carry/oms/oms_metrics.hpp>

namespace carry::oms {

nlohmann::json OmsCounters::to_json() const {
  return {
      {"submits", submits},
      {"blocks", blocks},
      {"blocks_invalid", blocks_invalid},
      {"blocks_idempotent", blocks_idempotent},
      {"blocks_ws_stale", blocks_ws_stale},
      {"blocks_cooldown", blocks_cooldown},
      {"blocks_price_deviation", blocks_price_deviation},
      {"blocks_risk", blocks_risk},
      {"acks", acks},
      {"rejects", rejects},
      {"fills", fills},
      {"duplicate_fills", duplicate_fills},
      {"stale_events", stale_events},
      {"cancels", cancels},
      {"amends", amends},
      {"chases", chases},
      {"cooldowns", cooldowns},
      {"postonly_adjusts", postonly_adjusts},
      {"unknowns", unknowns},
      {"recovered", recovered},
      {"adopted", adopted},
      {"foreign", foreign},
  };
}

nlohmann::json OmsMetrics::to_json() const { return {{"period", period.to_json()}, {"total", total.to_json()}}; }

}  // namespace carry::oms
