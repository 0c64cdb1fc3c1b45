// Simulator: the accounts: creation, the futures account's figures, positions, what a fill does to
// balances and positions (with its bill), and funding settlement.
#include "exchange.hpp"

#include "exchange_internal.hpp"

namespace carry::sim {

using namespace detail;

int Account::leverage_for(const std::string& symbol) const {
  auto it = leverage.find(symbol);
  return it == leverage.end() ? default_leverage : it->second;
}

const std::string& Account::margin_mode_for(const std::string& symbol) const {
  auto it = margin_modes.find(symbol);
  return it == margin_modes.end() ? margin_mode : it->second;
}

Account& Exchange::add_account(const std::string& key, const std::string& secret, const std::string& passphrase,
                               const StartingBalances& balances, int default_leverage, const std::string& pos_mode,
                               const std::string& margin_mode) {
  Account acc;
  acc.api_key = key;
  acc.secret = secret;
  acc.passphrase = passphrase;
  for (const auto& [coin, amount] : balances.spot) {
    acc.spot_available[coin] = amount;
    acc.spot_frozen[coin] = Decimal{};
  }
  acc.futures_cash = balances.futures_usdt;
  acc.default_leverage = default_leverage;
  acc.pos_mode = pos_mode;
  acc.margin_mode = margin_mode;
  auto [it, _] = accounts_.insert_or_assign(key, std::move(acc));
  return it->second;
}

Account* Exchange::account(const std::string& key) {
  auto it = accounts_.find(key);
  return it == accounts_.end() ? nullptr : &it->second;
}

Exchange::FuturesFigures Exchange::futures_figures(const Account& acc) const {
  FuturesFigures f;
  f.cash = acc.futures_cash;
  for (const auto& p : acc.positions) {
    f.unrealized_pl += unrealized_pl(p);
    f.position_margin += position_margin(acc, p);
  }
  for (const auto& id : pending_) {
    const auto& o = orders_.at(id);
    if (o.account == acc.api_key && o.market == Market::Perp) f.order_margin += o.frozen;
  }
  f.equity = f.cash + f.unrealized_pl;
  f.available = f.equity - f.position_margin - f.order_margin;
  return f;
}

Decimal Exchange::unrealized_pl(const Position& p) const {
  const Decimal mark = market_.mark_price(p.symbol);
  const Decimal diff = (mark - p.open_price_avg) * p.total;
  return p.hold_side == "long" ? diff : -diff;
}

Decimal Exchange::position_margin(const Account& acc, const Position& p) const {
  return p.open_price_avg * p.total / Decimal::from_units(acc.leverage_for(p.symbol));
}

Position* Exchange::position(Account& acc, const std::string& symbol, const std::string& hold_side, bool create,
                             std::int64_t now_ms) {
  for (auto& p : acc.positions)
    if (p.symbol == symbol && p.hold_side == hold_side) return &p;
  if (!create) return nullptr;
  Position p;
  p.pos_id = next_id(pos_counter_, 1'400'000'000'000'000'000LL);
  p.symbol = symbol;
  p.hold_side = hold_side;
  p.c_time = p.u_time = now_ms;
  acc.positions.push_back(p);
  return &acc.positions.back();
}

// How much of `o` may still execute as a reduction (one-way reduce-only and hedge closes).
Decimal Exchange::reducible(const Account& acc, const Order& o) const {
  std::string hold;
  if (acc.pos_mode == "hedge_mode")
    hold = o.side == Side::Buy ? "long" : "short";
  else
    hold = o.side == Side::Buy ? "short" : "long";
  for (const auto& p : acc.positions)
    if (p.symbol == o.symbol && p.hold_side == hold) return p.total;
  return {};
}

void Exchange::apply_spot_fill(Account& acc, Order& o, Fill& f, const InstrumentSpec& spec) {
  if (o.side == Side::Buy) {
    // Limit buys reserved price x size; a better execution price refunds the difference.
    const Decimal reserved = o.type == OrdType::Limit ? o.price * f.size : f.quote;
    const Decimal rel = min(reserved, o.frozen);
    o.frozen -= rel;
    acc.spot_frozen[spec.quote_coin] -= rel;
    acc.spot_available[spec.quote_coin] += rel - f.quote;
    acc.spot_available[spec.base_coin] += f.size + f.fee;
  } else {
    const Decimal rel = min(f.size, o.frozen);
    o.frozen -= rel;
    acc.spot_frozen[spec.base_coin] -= rel;
    acc.spot_available[spec.quote_coin] += f.quote + f.fee;
  }
}

void Exchange::apply_perp_fill(Account& acc, Order& o, Fill& f, const InstrumentSpec& spec, std::int64_t now_ms) {
  (void)spec;
  acc.futures_cash += f.fee;
  acc.futures_utime = now_ms;
  std::vector<Position> closed;
  Decimal pnl;
  std::string business;
  auto close_part = [&](Position& p, Decimal qty) {
    const Decimal diff = (f.price - p.open_price_avg) * qty;
    const Decimal gain = p.hold_side == "long" ? diff : -diff;
    p.total -= qty;
    p.achieved_profits += gain;
    p.u_time = now_ms;
    pnl += gain;
    business = p.hold_side == "long" ? "close_long" : "close_short";
  };
  auto open_part = [&](const std::string& hold, Decimal qty) {
    Position* p = position(acc, o.symbol, hold, true, now_ms);
    const Decimal total = p->total + qty;
    p->open_price_avg = (p->open_price_avg * p->total + f.price * qty) / total;
    p->total = total;
    p->u_time = now_ms;
    if (business.empty()) business = hold == "long" ? "open_long" : "open_short";
  };
  auto drop_empty = [&] {
    for (auto it = acc.positions.begin(); it != acc.positions.end();) {
      if (!it->total.is_positive()) {
        closed.push_back(*it);
        it = acc.positions.erase(it);
      } else {
        ++it;
      }
    }
  };
  if (acc.pos_mode == "hedge_mode") {
    const std::string hold = o.side == Side::Buy ? "long" : "short";
    if (o.trade_side == "close") {
      if (Position* p = position(acc, o.symbol, hold, false, now_ms)) close_part(*p, min(p->total, f.size));
    } else {
      open_part(hold, f.size);
    }
    f.trade_side = o.trade_side;
  } else {
    const std::string incr = o.side == Side::Buy ? "long" : "short";
    Decimal qty = f.size;
    if (Position* p = position(acc, o.symbol, opposite_hold(incr), false, now_ms)) {
      const Decimal c = min(p->total, qty);
      close_part(*p, c);
      qty -= c;
    }
    if (qty.is_positive() && !o.reduce_only) open_part(incr, qty);
    f.trade_side = o.trade_side;
  }
  drop_empty();
  acc.futures_cash += pnl;
  f.profit = pnl;
  f.pos_mode = acc.pos_mode;
  Bill b;
  b.bill_id = next_id(bill_counter_, 1'300'000'000'000'000'000LL);
  b.symbol = o.symbol;
  b.business_type = business;
  b.coin = "USDT";
  b.amount = pnl;
  b.fee = f.fee;
  b.balance = acc.futures_cash;
  b.c_time = now_ms;
  acc.bills.push_back(b);
  push_positions(acc, std::move(closed));
}

int Exchange::settle_funding(const std::string& symbol, Decimal rate, std::int64_t settle_ms, std::int64_t now_ms) {
  const Decimal mark = market_.mark_price(symbol);
  int settled = 0;
  for (auto& [key, acc] : accounts_) {
    bool touched = false;
    for (auto& p : acc.positions) {
      if (p.symbol != symbol || !p.total.is_positive()) continue;
      const Decimal signed_size = p.hold_side == "long" ? p.total : -p.total;
      const Decimal amount = funding_amount(rate, signed_size, mark);
      acc.futures_cash += amount;
      acc.futures_utime = now_ms;
      p.total_fee += amount;
      p.u_time = now_ms;
      Bill b;
      b.bill_id = next_id(bill_counter_, 1'300'000'000'000'000'000LL);
      b.symbol = symbol;
      b.business_type = "contract_settle_fee";
      b.coin = "USDT";
      b.amount = amount;
      b.fee = Decimal{};
      b.balance = acc.futures_cash;
      b.c_time = settle_ms;
      acc.bills.push_back(b);
      touched = true;
      ++settled;
    }
    if (touched) {
      push_positions(acc);
      push_account(acc, Market::Perp);
    }
  }
  return settled;
}

}  // namespace carry::sim
