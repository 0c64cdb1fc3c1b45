#pragma once
// Counters the OMS keeps for the heartbeat: one set per reporting period (reset by the monitor)
// and one since start.
#include <nlohmann/json.hpp>

#include <cstdint>

namespace carry::oms {

struct OmsCounters {
  std::uint64_t submits = 0;
  std::uint64_t blocks = 0;  // all guards together; the per-guard counts follow
  std::uint64_t blocks_invalid = 0;
  std::uint64_t blocks_idempotent = 0;
  std::uint64_t blocks_ws_stale = 0;
  std::uint64_t blocks_cooldown = 0;
  std::uint64_t blocks_price_deviation = 0;
  std::uint64_t blocks_risk = 0;
  std::uint64_t acks = 0;
  std::uint64_t rejects = 0;
  std::uint64_t fills = 0;
  std::uint64_t duplicate_fills = 0;
  std::uint64_t stale_events = 0;
  std::uint64_t cancels = 0;
  std::uint64_t amends = 0;
  std::uint64_t chases = 0;
  std::uint64_t cooldowns = 0;
  std::uint64_t postonly_adjusts = 0;
  std::uint64_t unknowns = 0;
  std::uint64_t recovered = 0;
  std::uint64_t adopted = 0;
  std::uint64_t foreign = 0;

  nlohmann::json to_json() const;
};

struct OmsMetrics {
  OmsCounters period;
  OmsCounters total;

  void add(std::uint64_t OmsCounters::*counter, std::uint64_t n = 1) noexcept {
    period.*counter += n;
    total.*counter += n;
  }
  void reset_period() noexcept { period = OmsCounters{}; }
  nlohmann::json to_json() const;  // {"period": {...}, "total": {...}}
};

}  // namespace carry::oms
