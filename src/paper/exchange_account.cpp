// paper::Exchange: the account: spot balances, the futures wallet and frozen margin, perp
// positions; what a fill does to them, their pushes and queries.
#include <carry/paper/exchange.hpp>

#include <carry/core/position_math.hpp>

#include <algorithm>

namespace carry::paper {

void Exchange::apply_spot_fill(const Instrument& inst, Order& o, Decimal qty, Decimal notional, Decimal fee) {
  Balance& base = spot_[inst.base_coin];
  Balance& quote = spot_[inst.quote_coin];
  if (o.side == Side::Buy) {
    if (o.frozen.is_positive()) {
      const Decimal release = min(o.frozen, o.px() * qty * (Decimal::from_units(1) + inst.taker_fee));
      o.frozen -= release;
      quote.frozen -= release;
      quote.available += release;
    }
    quote.available -= notional + fee;
    base.available += qty;
  } else {
    const Decimal release = min(o.frozen, qty);
    o.frozen -= release;
    base.frozen -= release;
    base.available -= qty - release;
    quote.available += notional - fee;
  }
}

void Exchange::apply_perp_fill(Symbol& s, Order& o, Decimal qty, Decimal price, Decimal fee) {
  if (o.frozen.is_positive()) {
    const Decimal release = min(o.frozen, o.px() * qty / Decimal::from_units(params_.leverage));
    o.frozen -= release;
    frozen_margin_ -= release;
  }
  const Decimal realized = apply_trade(s.perp.size, s.perp.entry, o.side == Side::Buy ? qty : -qty, price);
  wallet_ += realized - fee;
}

void Exchange::release(Book& book, Order& o) {
  if (!o.frozen.is_positive()) return;
  if (o.market == MarketType::Perp) {
    frozen_margin_ -= o.frozen;
  } else {
    const Instrument& inst = *book.instrument;
    Balance& b = spot_[o.side == Side::Buy ? inst.quote_coin : inst.base_coin];
    b.frozen -= o.frozen;
    b.available += o.frozen;
  }
  o.frozen = Decimal{};
}

Decimal Exchange::perp_margin_in_use() const {
  Decimal total;
  for (const auto& [name, s] : symbols_)
    if (!s.perp.size.is_zero()) total += s.perp.size.abs() * s.perp.entry;
  return total / Decimal::from_units(params_.leverage);
}

Decimal Exchange::futures_equity() const {
  Decimal equity = wallet_;
  for (const auto& [name, s] : symbols_)
    if (!s.perp.size.is_zero()) equity += (perp_mark(s) - s.perp.entry) * s.perp.size;
  return equity;
}

Balance Exchange::futures_balance() const {
  return Balance{wallet_ - frozen_margin_ - perp_margin_in_use(), frozen_margin_};
}

Balance Exchange::spot_balance(std::string_view coin) const {
  auto it = spot_.find(coin);
  return it == spot_.end() ? Balance{} : it->second;
}

Decimal Exchange::position(std::string_view name) const {
  const Symbol* s = find_symbol(name);
  return s ? s->perp.size : Decimal{};
}

std::optional<Decimal> Exchange::entry_price(std::string_view name) const {
  const Symbol* s = find_symbol(name);
  if (!s || s->perp.size.is_zero()) return std::nullopt;
  return s->perp.entry;
}

void Exchange::deposit(MarketType account, std::string_view coin, Decimal amount) {
  const UnixNanos now = stamp(clock_.now());
  if (account == MarketType::Perp) {
    wallet_ += amount;
    push_futures_balance(now);
  } else {
    spot_[std::string(coin)].available += amount;
    push_spot_balance(coin, now);
  }
}

// One coin of the spot account, and the futures wallet, as the venue reports them (pushes and
// queries alike).
BalanceUpdate Exchange::spot_balance_update(std::string_view coin, UnixNanos ts) const {
  const Balance b = spot_balance(coin);
  BalanceUpdate u;
  u.account = MarketType::Spot;
  u.coin = std::string(coin);
  u.available = b.available;
  u.frozen = b.frozen;
  u.ts_event = u.ts_init = ts;
  return u;
}

BalanceUpdate Exchange::futures_balance_update(UnixNanos ts) const {
  const Balance b = futures_balance();
  BalanceUpdate u;
  u.account = MarketType::Perp;
  u.coin = "USDT";
  u.available = b.available;
  u.frozen = b.frozen;
  u.equity = futures_equity();
  u.ts_event = u.ts_init = ts;
  return u;
}

void Exchange::push_spot_balance(std::string_view coin, UnixNanos now) {
  events_.emplace_back(spot_balance_update(coin, now));
}

void Exchange::push_futures_balance(UnixNanos now) { events_.emplace_back(futures_balance_update(now)); }

void Exchange::push_position(std::string_view name, const Symbol& s, UnixNanos now) {
  PositionUpdate p;
  p.symbol = std::string(name);
  p.side = PositionSide::Net;
  p.size = s.perp.size;
  if (!s.perp.size.is_zero()) p.entry_price = s.perp.entry;
  const Decimal mark = perp_mark(s);
  p.mark_price = mark;
  p.unrealized_pnl = s.perp.size.is_zero() ? Decimal{} : (mark - s.perp.entry) * s.perp.size;
  p.ts_event = p.ts_init = now;
  events_.emplace_back(std::move(p));
}

std::vector<PositionUpdate> Exchange::positions() const {
  std::vector<PositionUpdate> out;
  std::vector<std::string_view> names;
  for (const auto& [name, s] : symbols_)
    if (!s.perp.size.is_zero()) names.push_back(name);
  std::sort(names.begin(), names.end());
  for (auto name : names) {
    const Symbol& s = *find_symbol(name);
    PositionUpdate p;
    p.symbol = std::string(name);
    p.side = PositionSide::Net;
    p.size = s.perp.size;
    p.entry_price = s.perp.entry;
    p.mark_price = perp_mark(s);
    p.unrealized_pnl = (*p.mark_price - s.perp.entry) * s.perp.size;
    p.ts_event = p.ts_init = venue_ts_;
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<BalanceUpdate> Exchange::balances() const {
  std::vector<BalanceUpdate> out;
  std::vector<std::string_view> coins;
  for (const auto& [coin, b] : spot_) coins.push_back(coin);
  std::sort(coins.begin(), coins.end());
  for (auto coin : coins) out.push_back(spot_balance_update(coin, venue_ts_));
  out.push_back(futures_balance_update(venue_ts_));
  return out;
}

}  // namespace carry::paper
