#pragma once
// Small helpers shared by paper::Exchange's source files (placement, matching, funding, account).
#include <carry/core/decimal.hpp>
#include <carry/core/result.hpp>
#include <carry/core/types.hpp>

#include <cstddef>

namespace carry::paper::detail {

constexpr std::size_t mi(MarketType m) { return static_cast<std::size_t>(m); }

inline boost::system::error_code rejected() { return make_error_code(Errc::exchange_rejected); }

inline bool on_grid(Decimal v, Decimal step) {
  if (!step.is_positive()) return true;
  auto r = v.round_to_step(step, Rounding::Down);
  return r && *r == v;
}

inline Decimal round_or_keep(Decimal v, Decimal step, Rounding mode) {
  if (!step.is_positive()) return v;
  auto r = v.round_to_step(step, mode);
  return r ? *r : v;
}

// Price moved `bps` basis points away from `px` (up for buys), kept on the tick grid.
inline Decimal slipped(Decimal px, double bps, Side side, Decimal tick) {
  if (bps <= 0) return px;
  const double factor = 1.0 + (side == Side::Buy ? bps : -bps) / 1e4;
  auto moved = Decimal::from_double(px.to_double() * factor);
  if (!moved) return px;
  return round_or_keep(*moved, tick, side == Side::Buy ? Rounding::Up : Rounding::Down);
}

}  // namespace carry::paper::detail
