#include <carry/strategy/leg_book.hpp>

#include <carry/core/position_math.hpp>
#include <carry/strategy/carry_economics.hpp>

#include "strategy_helpers.hpp"

namespace carry::strategy {

// ---------------------------------------------------------------- one leg

void Leg::apply_fill(Decimal delta, Decimal price) {
  const Decimal old = position;
  (void)apply_trade(position, avg_entry, delta, price);
  // A position opened (or flipped) by our own fill has a known entry, even an adopted one's.
  if (old.is_zero() || (!position.is_zero() && sign_of(position) != sign_of(old))) entry_known = true;
}

void Leg::adopt(Decimal size, std::optional<Decimal> entry_price) {
  position = size;
  entry_known = entry_price.has_value();
  avg_entry = entry_price && !size.is_zero() ? *entry_price : Decimal{};
}

bool Leg::is_flat() const {
  if (!inst) return position.is_zero();
  const Decimal size = position.abs();
  if (size < max(inst->lot, inst->min_size)) return true;
  // Dust no order could close (under the minimum notional) counts as flat.
  return has_quote && size * quote.mid() < inst->min_notional;
}

Decimal Leg::step() const { return inst ? max(inst->lot, inst->min_size) : Decimal{}; }

// ---------------------------------------------------------------- the two legs of a symbol

Decimal SymbolLegs::hedge_bound() const {
  Decimal b;
  for (const Leg* leg : {&spot, &perp})
    if (leg->inst) b = max(b, max(leg->inst->lot, leg->inst->min_size));
  return b;
}

double SymbolLegs::net_delta_bps() const {
  const Decimal denom = spot.position.abs() + perp.position.abs();
  if (!denom.is_positive()) return 0.0;
  return (spot.position + perp.position).abs().to_double() / denom.to_double() * 1e4;
}

std::optional<double> SymbolLegs::current_basis() const {
  if (!spot.has_quote || !perp.has_quote) return std::nullopt;
  return basis_bps(spot.quote.mid(), perp.quote.mid());
}

Decimal SymbolLegs::leg_notional() const {
  const Decimal s = spot.has_quote ? spot.position.abs() * spot.quote.mid() : Decimal{};
  const Decimal p = perp.has_quote ? perp.position.abs() * perp.quote.mid() : Decimal{};
  return max(s, p);
}

std::optional<double> SymbolLegs::entry_basis() const {
  if (!spot.entry_known || !perp.entry_known || spot.position.is_zero() || perp.position.is_zero()) return std::nullopt;
  if (!spot.avg_entry.is_positive() || !perp.avg_entry.is_positive()) return std::nullopt;
  return basis_bps(spot.avg_entry, perp.avg_entry);
}

bool SymbolLegs::apart(double rebalance_band_bps) const {
  const Decimal net = (spot.position + perp.position).abs();
  // Dust that no order on either leg could trade is not a hedge failure.
  auto tradable = [&](const Leg& leg) {
    return leg.inst && net >= leg.inst->min_size && (!leg.has_quote || net * leg.quote.mid() >= leg.inst->min_notional);
  };
  return net.is_positive() && net > hedge_bound() && net_delta_bps() > rebalance_band_bps &&
         (tradable(spot) || tradable(perp));
}

// ---------------------------------------------------------------- orders and wallet

Decimal LegBook::in_flight(const SymbolLegs& s, MarketType m, std::optional<LegRole> role) const {
  Decimal sum;
  for (const auto& [oid, w] : working) {
    if (w.symbol != s.symbol || w.market != m || (role && w.role != *role)) continue;
    sum += w.side == Side::Buy ? w.remaining() : -w.remaining();
  }
  return sum;
}

bool LegBook::leader_live(const SymbolLegs& s, MarketType leader) const {
  for (const auto& [oid, w] : working)
    if (w.symbol == s.symbol && w.market == leader && w.role == LegRole::Leader) return true;
  return false;
}

std::size_t LegBook::working_count(const SymbolLegs& s) const {
  std::size_t n = 0;
  for (const auto& [oid, w] : working) n += w.symbol == s.symbol;
  return n;
}

Decimal LegBook::spot_sellable(const SymbolLegs& s) const {
  // What we bought (our fills prove it, even before the balance catches up) or, when the wallet
  // is ours to use, its inventory, whichever is larger; minus sells already in flight. Never
  // more: no borrowing, and never a coin somebody else holds on the account.
  Decimal wallet;
  if (s.spot.inst && adopt_foreign_positions)
    if (auto it = balances.spot.find(s.spot.inst->base_coin); it != balances.spot.end()) wallet = it->second;
  Decimal sellable = max(wallet, max(s.spot.position, Decimal{}));
  for (const auto& [oid, w] : working)
    if (w.symbol == s.symbol && w.market == MarketType::Spot && w.side == Side::Sell) sellable -= w.remaining();
  return max(sellable, Decimal{});
}

std::optional<HedgeNeed> LegBook::hedge_need(const SymbolLegs& s, MarketType m) const {
  const Leg& leg = s.leg(m);
  if (!leg.inst) return std::nullopt;
  // Taker orders in flight will (mostly) fill; a resting or canceling leader may not, and its
  // fills, if any, are hedged when they come.
  const Decimal takers = in_flight(s, m) - in_flight(s, m, LegRole::Leader);
  const Decimal need = -(s.spot.position + s.perp.position) - takers;
  Decimal size = to_lot(need.abs(), leg.inst->lot, Rounding::HalfEven);
  const Side side = need.is_positive() ? Side::Buy : Side::Sell;
  if (m == MarketType::Spot && side == Side::Sell)
    size = min(size, to_lot(spot_sellable(s), leg.inst->lot, Rounding::Down));
  if (!size.is_positive() || size < leg.inst->min_size) return std::nullopt;
  // Under the minimum notional the gap waits for more leader fills (it is dust until then).
  if (leg.has_quote && size * (side == Side::Buy ? leg.quote.ask : leg.quote.bid) < leg.inst->min_notional)
    return std::nullopt;
  return HedgeNeed{side, size};
}

void LegBook::on_balance(const BalanceUpdate& b) {
  auto& wallet = b.account == MarketType::Spot ? balances.spot : balances.perp;
  wallet[b.coin] = b.available;
  balances.shared = b.shared;
}

void LegBook::apply_fill(SymbolLegs& s, const Fill& f) {
  Leg& leg = s.leg(f.market);
  leg.apply_fill(f.side == Side::Buy ? f.size : -f.size, f.price);
  // Bitget charges spot buy fees in the base coin: we hold that much less.
  if (f.market == MarketType::Spot && leg.inst && f.fee.is_positive() && f.fee_coin == leg.inst->base_coin)
    leg.apply_fill(-f.fee, f.price);
  // Balances lag fills: sells are taken off at once, buys wait for the venue (never overstated).
  if (f.market == MarketType::Spot && f.side == Side::Sell && s.spot.inst) {
    auto it = balances.spot.find(s.spot.inst->base_coin);
    if (it != balances.spot.end()) it->second = max(Decimal{}, it->second - f.size);
  }
  if (auto it = working.find(f.client_oid); it != working.end()) {
    it->second.filled += f.size;
    if (it->second.done && it->second.filled >= it->second.size) working.erase(it);
  }
}

}  // namespace carry::strategy
