#pragma once
// Small helpers shared by the order manager's source files: log field formatting and durations.
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>
#include <carry/core/types.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace carry::oms::detail {

constexpr std::size_t mi(MarketType m) { return static_cast<std::size_t>(m); }

inline std::string dec(Decimal d) { return d.to_string(); }
inline nlohmann::json opt_dec(const std::optional<Decimal>& d) {
  return d ? nlohmann::json(d->to_string()) : nlohmann::json(nullptr);
}

inline std::chrono::milliseconds ms(std::int64_t v) { return std::chrono::milliseconds(v); }
inline std::chrono::seconds secs(std::int64_t v) { return std::chrono::seconds(v); }

// A monotonic deadline as wall time, for the log only.
inline std::string wall_of(const Clock& c, MonoNanos t) { return (c.now() + (t - c.mono())).to_rfc3339_ms(); }

}  // namespace carry::oms::detail
