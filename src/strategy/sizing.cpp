#include <carry/strategy/sizing.hpp>

#include <array>
#include <limits>
#include <numeric>

namespace carry::strategy {
namespace {

// Size that fits `money` at `unit_cost` per base unit, rounded down (never over a limit).
Decimal fit(Decimal money, Decimal unit_cost) {
  if (!money.is_positive() || !unit_cost.is_positive()) return {};
  auto r = money.checked_div(unit_cost, Rounding::Down);
  return r ? *r : Decimal{};
}

}  // namespace

std::optional<Decimal> common_step(Decimal lot_a, Decimal lot_b) noexcept {
  const std::int64_t a = lot_a.raw(), b = lot_b.raw();
  if (a <= 0 || b <= 0) return std::nullopt;
  const std::int64_t g = std::gcd(a, b);
  const std::int64_t a_over_g = a / g;
  if (a_over_g > std::numeric_limits<std::int64_t>::max() / b) return std::nullopt;
  return Decimal::from_raw(a_over_g * b);
}

SizingResult size_pair(const SizingInput& in) {
  SizingResult r;
  if (in.spot == nullptr || in.perp == nullptr) {
    r.rejected = "instrument_unknown";
    return r;
  }
  const auto step = common_step(in.spot->lot, in.perp->lot);
  if (!step) {
    r.rejected = "invalid_lot";
    return r;
  }
  if (!in.spot_price.is_positive() || !in.perp_price.is_positive()) {
    r.rejected = "no_price";
    return r;
  }
  const Decimal ref = max(in.spot_price, in.perp_price);  // the dearer leg bounds the notional
  const Decimal one = Decimal::from_units(1);

  // At most eight caps: a fixed array (this runs on every evaluation, no allocation).
  struct Cap {
    Decimal size;
    std::string_view name;
  };
  std::array<Cap, 8> caps;
  std::size_t n = 0;
  caps[n++] = {fit(in.target_notional, ref), "target"};
  if (in.max_order_notional.is_positive()) caps[n++] = {fit(in.max_order_notional, ref), "order_limit"};
  if (in.symbol_limited) caps[n++] = {fit(in.symbol_room, ref), "symbol_limit"};
  if (in.total_limited) caps[n++] = {fit(in.total_room, ref.mul_int(2)), "total_limit"};  // both legs count

  if (in.direction > 0) {
    if (!in.spot_quote_available) {
      r.rejected = "spot_balance_unknown";
      return r;
    }
    caps[n++] = {fit(*in.spot_quote_available, in.spot_price * (one + in.spot->taker_fee)), "spot_quote_balance"};
  } else {
    if (!in.spot_base_available) {
      r.rejected = "spot_inventory_unknown";
      return r;
    }
    if (!in.spot_base_available->is_positive()) {
      r.rejected = "no_spot_inventory";  // negative funding never borrows spot
      return r;
    }
    caps[n++] = {*in.spot_base_available, "spot_inventory"};
  }
  if (!in.perp_margin_available) {
    r.rejected = "perp_balance_unknown";
    return r;
  }
  const int lev = in.leverage > 0 ? in.leverage : 1;
  const Decimal margin_per_unit = in.perp_price * (one / Decimal::from_units(lev) + in.perp->taker_fee);
  caps[n++] = {fit(*in.perp_margin_available, margin_per_unit), "perp_margin"};
  if (in.shared_wallet && in.direction > 0) {
    // The spot buy and the short's margin are paid from one balance.
    const Decimal pair_cost = in.spot_price * (one + in.spot->taker_fee) + margin_per_unit;
    caps[n++] = {fit(min(*in.spot_quote_available, *in.perp_margin_available), pair_cost), "shared_wallet"};
  }

  const Cap* best = &caps[0];
  for (std::size_t i = 1; i < n; ++i)
    if (caps[i].size < best->size) best = &caps[i];
  r.limited_by = best->name;
  auto rounded = best->size.round_to_step(*step, Rounding::Down);
  r.size = rounded ? *rounded : Decimal{};

  const Decimal min_size = max(in.spot->min_size, in.perp->min_size);
  if (!r.size.is_positive() || r.size < min_size) {
    r.rejected = "below_min_size";
    r.size = {};
    return r;
  }
  if (r.size * in.spot_price < in.spot->min_notional || r.size * in.perp_price < in.perp->min_notional) {
    r.rejected = "below_min_notional";
    r.size = {};
    return r;
  }
  return r;
}

}  // namespace carry::strategy
