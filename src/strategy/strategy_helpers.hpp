#pragma once
// Small conversions the funding-basis files share (private to the module).
#include <carry/core/decimal.hpp>
#include <carry/core/types.hpp>

#include <chrono>
#include <string>

namespace carry::strategy {

inline int sign_of(Decimal d) noexcept { return d.is_positive() ? 1 : (d.is_negative() ? -1 : 0); }

// `v` on the `lot` grid (as it is without a positive lot; zero when rounding overflows).
inline Decimal to_lot(Decimal v, Decimal lot, Rounding mode) {
  if (!lot.is_positive()) return v;
  auto r = v.round_to_step(lot, mode);
  return r ? *r : Decimal{};
}

inline std::chrono::nanoseconds seconds(int s) { return std::chrono::seconds(s); }
inline std::chrono::nanoseconds millis(int ms) { return std::chrono::milliseconds(ms); }

// bps as an exact-enough Decimal factor for limit prices (analytics input, not a size).
inline Decimal bps_factor(double bps) {
  auto r = Decimal::from_double(bps / 1e4);
  return r ? *r : Decimal{};
}

inline MarketType other(MarketType m) noexcept { return m == MarketType::Spot ? MarketType::Perp : MarketType::Spot; }

inline std::string dec(Decimal d) { return d.to_string(); }

}  // namespace carry::strategy
