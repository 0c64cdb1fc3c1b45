#include "exchange.hpp"

#include <algorithm>

namespace carry::sim {

std::string_view to_string(Side s) noexcept { return s == Side::Buy ? "buy" : "sell"; }
std::string_view to_string(OrdType t) noexcept { return t == OrdType::Limit ? "limit" : "market"; }
std::string_view to_string(Force f) noexcept {
  switch (f) {
    case Force::Gtc:
      return "gtc";
    case Force::PostOnly:
      return "post_only";
    case Force::Ioc:
      return "ioc";
    case Force::Fok:
      return "fok";
  }
  return "gtc";
}
std::string_view to_string(OrdStatus s, Market m) noexcept {
  switch (s) {
    case OrdStatus::Live:
      return "live";
    case OrdStatus::PartiallyFilled:
      return "partially_filled";
    case OrdStatus::Filled:
      return "filled";
    case OrdStatus::Canceled:
      return m == Market::Spot ? "cancelled" : "canceled";
  }
  return "live";
}

Decimal Order::avg_price() const {
  if (!filled.is_positive()) return {};
  return filled_quote / filled;
}

int Account::leverage_for(const std::string& symbol) const {
  auto it = leverage.find(symbol);
  return it == leverage.end() ? default_leverage : it->second;
}

const std::string& Account::margin_mode_for(const std::string& symbol) const {
  auto it = margin_modes.find(symbol);
  return it == margin_modes.end() ? margin_mode : it->second;
}

namespace {

ApiError err(std::string code, std::string msg, int http = 400) {
  return ApiError{std::move(code), std::move(msg), http};
}

bool on_step(Decimal v, Decimal step) { return v.round_to_step(step, Rounding::Down).value() == v; }

std::string opposite_hold(const std::string& h) { return h == "long" ? "short" : "long"; }

}  // namespace

Exchange::Exchange(MarketState& market, std::int64_t modify_delay_ms)
    : market_(market), modify_delay_ms_(modify_delay_ms) {}

std::string Exchange::next_id(std::uint64_t& counter, std::int64_t base) {
  return std::to_string(base + static_cast<std::int64_t>(++counter));
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

std::optional<ApiError> Exchange::validate(Account& acc, const PlaceRequest& req, const InstrumentSpec& spec) const {
  const bool perp = req.market == Market::Perp;
  if (!req.size.is_positive()) return err("40808", "Parameter verification exception size");
  if (req.client_oid.size() > 50) return err("40304", "clientOid length cannot exceed 50");
  if (req.type == OrdType::Limit) {
    if (!req.price || !req.price->is_positive()) return err("40019", "Parameter price cannot be empty");
    if (!on_step(*req.price, spec.tick()))
      return perp ? err("45115", "The price you enter should be a multiple of " + spec.tick().to_string())
                  : err("43028", "Price step mismatch");
  }
  const bool quote_sized = !perp && req.type == OrdType::Market && req.side == Side::Buy;
  if (!quote_sized && !on_step(req.size, spec.size_multiplier))
    return err("40808", "Parameter verification exception size checkBDScale error value=" + req.size.to_string() +
                            " checkScale=" + std::to_string(spec.volume_place));
  if (!req.client_oid.empty()) {
    for (const auto& id : pending_) {
      const auto& o = orders_.at(id);
      if (o.account == acc.api_key && o.market == req.market && o.client_oid == req.client_oid) {
        ++duplicate_client_oids_;
        return perp ? err("45034", "clientOid duplicate") : err("43118", "clientOrderId duplicate");
      }
    }
  }
  const auto* inst = market_.find(req.market, req.symbol);
  const Decimal ref_price = req.price ? *req.price : (req.side == Side::Buy ? inst->row.ask : inst->row.bid);
  const Decimal notional = quote_sized ? req.size : req.size * ref_price;
  if (perp) {
    const bool hedge = acc.pos_mode == "hedge_mode";
    if (hedge && req.trade_side != "open" && req.trade_side != "close")
      return err("40774", "The order type for unilateral position must also be the unilateral position type.");
    const bool reducing = hedge ? req.trade_side == "close" : req.reduce_only;
    if (reducing) {
      Order probe;
      probe.symbol = req.symbol;
      probe.side = req.side;
      const Decimal avail = reducible(acc, probe);
      if (!avail.is_positive()) return err("22002", "No position to close");
      if (hedge && req.size > avail) return err("40757", "Not enough position is available.");
    } else {
      if (req.size < spec.min_size) return err("45111", "less than the minimum order quantity");
      if (notional < spec.min_notional)
        return err("45110", "less than the minimum amount " + spec.min_notional.to_string() + " USDT");
      const Decimal margin = notional / Decimal::from_units(acc.leverage_for(req.symbol)) + notional * spec.taker_fee;
      if (margin > futures_figures(acc).available)
        return err("40762", "The order size is greater than the max open size");
    }
  } else {
    if (!quote_sized && req.size < spec.min_size) return err("43006", "The order amount is less than the minimum");
    if (notional < spec.min_notional)
      return err("43027", "The minimum order value " + spec.min_notional.to_string() + " is not met");
    if (req.side == Side::Buy) {
      auto it = acc.spot_available.find(spec.quote_coin);
      const Decimal have = it == acc.spot_available.end() ? Decimal{} : it->second;
      if (notional > have) return err("43012", "Insufficient balance");
    } else {
      auto it = acc.spot_available.find(spec.base_coin);
      const Decimal have = it == acc.spot_available.end() ? Decimal{} : it->second;
      if (req.size > have) return err("43012", "Insufficient balance");
    }
  }
  return std::nullopt;
}

ApiResult<Order> Exchange::place(const std::string& account_key, const PlaceRequest& req, std::int64_t now_ms) {
  Account* acc = account(account_key);
  if (!acc) return err("40006", "Invalid ACCESS_KEY");
  return place_internal(*acc, req, now_ms);
}

ApiResult<Order> Exchange::place_internal(Account& acc, const PlaceRequest& req, std::int64_t now_ms) {
  InstrumentMarket* inst = market_.find(req.market, req.symbol);
  if (!inst) return err("40034", "Parameter " + req.symbol + " does not exist");
  const InstrumentSpec& spec = inst->spec;
  if (auto e = validate(acc, req, spec)) return *e;

  Order o;
  o.order_id = next_id(order_counter_, 1'100'000'000'000'000'000LL);
  o.client_oid =
      req.client_oid.empty() ? std::to_string(std::stoll(o.order_id) + 500'000'000'000'000'000LL) : req.client_oid;
  o.account = acc.api_key;
  o.market = req.market;
  o.symbol = req.symbol;
  o.side = req.side;
  o.type = req.type;
  o.force = req.type == OrdType::Market ? Force::Gtc : req.force;
  o.price = req.type == OrdType::Limit ? *req.price : Decimal{};
  o.size = req.size;
  o.c_time = o.u_time = now_ms;
  if (req.market == Market::Perp) {
    const bool hedge = acc.pos_mode == "hedge_mode";
    o.pos_mode = acc.pos_mode;
    o.margin_mode = acc.margin_mode_for(req.symbol);
    o.leverage = acc.leverage_for(req.symbol);
    o.fee_coin = "USDT";
    if (hedge) {
      o.trade_side = req.trade_side;
      o.reduce_only = req.trade_side == "close";
      // Hedge mode: side is the position direction, for opens and closes alike.
      o.pos_side = req.side == Side::Buy ? "long" : "short";
    } else {
      o.reduce_only = req.reduce_only;
      o.trade_side = req.side == Side::Buy ? "buy_single" : "sell_single";
      o.pos_side = "net";
    }
    if (!o.reduce_only) {
      const Decimal ref = o.type == OrdType::Limit ? o.price : (o.side == Side::Buy ? inst->row.ask : inst->row.bid);
      o.frozen = ref * o.size / Decimal::from_units(o.leverage);
      o.frozen_coin = "USDT";
    }
  } else {
    o.fee_coin = o.side == Side::Buy ? spec.base_coin : spec.quote_coin;
    if (o.side == Side::Buy) {
      o.frozen = o.type == OrdType::Limit ? o.price * o.size : o.size;
      o.frozen_coin = spec.quote_coin;
    } else {
      o.frozen = o.size;
      o.frozen_coin = spec.base_coin;
    }
    acc.spot_available[o.frozen_coin] -= o.frozen;
    acc.spot_frozen[o.frozen_coin] += o.frozen;
    acc.spot_utime[o.frozen_coin] = now_ms;
  }
  ++orders_placed_;
  // Bitget refuses a clientOid it has seen; this simulator only checks live orders, so a client
  // that reuses a finished order's id is counted here for the tests to catch.
  if (!o.client_oid.empty() &&
      !client_oids_seen_.insert(o.account + "|" + std::to_string(static_cast<int>(o.market)) + "|" + o.client_oid)
           .second)
    ++client_oids_reused_;
  auto [it, _] = orders_.emplace(o.order_id, o);
  Order& stored = it->second;
  pending_.push_back(stored.order_id);
  push_order(stored);
  push_account(acc, stored.market);

  // Post-only that would cross: accepted, then canceled by the engine (REFERENCE section 1).
  if (stored.force == Force::PostOnly) {
    const bool crosses = stored.side == Side::Buy ? stored.price >= inst->row.ask : stored.price <= inst->row.bid;
    if (crosses) {
      finish_cancel(stored, "post_only", now_ms);
      return stored;
    }
  }
  if (stored.force == Force::Fok) {
    // Fill-or-kill: only if the whole size is available within the limit right now.
    const auto& levels = stored.side == Side::Buy ? inst->asks : inst->bids;
    const auto& taken = stored.side == Side::Buy ? inst->ask_taken : inst->bid_taken;
    Decimal avail;
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const bool within = stored.side == Side::Buy ? levels[i].price <= stored.price : levels[i].price >= stored.price;
      if (!within) break;
      avail += levels[i].size - taken[i];
    }
    if (stored.reduce_only) avail = min(avail, reducible(acc, stored));
    if (avail < stored.size) {
      finish_cancel(stored, "fok", now_ms);
      return stored;
    }
  }
  match_taker(stored, *inst, now_ms);
  if (stored.pending() && (stored.type == OrdType::Market || stored.force == Force::Ioc || stored.force == Force::Fok))
    finish_cancel(stored, stored.type == OrdType::Market ? "market_remainder" : "ioc", now_ms);
  return stored;
}

void Exchange::match_taker(Order& o, InstrumentMarket& inst, std::int64_t now_ms) {
  auto& levels = o.side == Side::Buy ? inst.asks : inst.bids;
  auto& taken = o.side == Side::Buy ? inst.ask_taken : inst.bid_taken;
  const bool quote_sized = o.market == Market::Spot && o.type == OrdType::Market && o.side == Side::Buy;
  Account& acc = accounts_.at(o.account);
  for (std::size_t i = 0; i < levels.size() && o.pending(); ++i) {
    const Decimal lp = levels[i].price;
    if (o.type == OrdType::Limit && (o.side == Side::Buy ? lp > o.price : lp < o.price)) break;
    Decimal avail = levels[i].size - taken[i];
    if (!avail.is_positive()) continue;
    Decimal qty;
    if (quote_sized) {
      qty = ((o.size - o.filled_quote) / lp).round_to_step(inst.spec.size_multiplier, Rounding::Down).value();
      qty = min(qty, avail);
    } else {
      qty = min(o.size - o.filled, avail);
    }
    if (o.reduce_only) qty = min(qty, reducible(acc, o));
    if (!qty.is_positive()) break;
    taken[i] += qty;
    execute(o, inst, lp, qty, false, now_ms);
  }
}

void Exchange::match_maker(Order& o, InstrumentMarket& inst, std::int64_t now_ms) {
  auto& levels = o.side == Side::Buy ? inst.asks : inst.bids;
  auto& taken = o.side == Side::Buy ? inst.ask_taken : inst.bid_taken;
  Account& acc = accounts_.at(o.account);
  for (std::size_t i = 0; i < levels.size() && o.pending(); ++i) {
    const Decimal lp = levels[i].price;
    if (o.side == Side::Buy ? lp > o.price : lp < o.price) break;
    Decimal qty = min(o.size - o.filled, levels[i].size - taken[i]);
    if (o.reduce_only) qty = min(qty, reducible(acc, o));
    if (!qty.is_positive()) {
      if (o.reduce_only && !reducible(acc, o).is_positive()) break;
      continue;
    }
    taken[i] += qty;
    execute(o, inst, o.price, qty, true, now_ms);
  }
}

void Exchange::execute(Order& o, InstrumentMarket& inst, Decimal price, Decimal qty, bool maker, std::int64_t now_ms) {
  Account& acc = accounts_.at(o.account);
  const auto& spec = inst.spec;
  Fill f;
  f.trade_id = next_id(trade_counter_, 1'200'000'000'000'000'000LL);
  f.order_id = o.order_id;
  f.client_oid = o.client_oid;
  f.account = o.account;
  f.market = o.market;
  f.symbol = o.symbol;
  f.side = o.side;
  f.type = o.type;
  f.price = price;
  f.size = qty;
  f.quote = price * qty;
  f.maker = maker;
  f.ts = now_ms;
  const Decimal rate = maker ? spec.maker_fee : spec.taker_fee;
  if (o.market == Market::Spot && o.side == Side::Buy) {
    f.fee = -(qty * rate);
    f.fee_coin = spec.base_coin;
  } else {
    f.fee = -(f.quote * rate);
    f.fee_coin = spec.quote_coin;
  }
  const Decimal remaining_before = o.size - o.filled;
  o.filled += qty;
  o.filled_quote += f.quote;
  o.fee += f.fee;
  o.u_time = now_ms;
  if (o.market == Market::Perp) {
    if (o.frozen.is_positive()) {
      // Release the order margin in proportion to the executed part of what remained.
      const Decimal rel = qty >= remaining_before ? o.frozen : o.frozen * qty / remaining_before;
      o.frozen -= rel;
    }
    apply_perp_fill(acc, o, f, spec, now_ms);
  } else {
    apply_spot_fill(acc, o, f, spec);
    acc.spot_utime[spec.base_coin] = acc.spot_utime[spec.quote_coin] = now_ms;
  }
  bool done;
  if (o.market == Market::Spot && o.type == OrdType::Market && o.side == Side::Buy) {
    // Quote-sized: done when what is left cannot buy one more lot at this price.
    done = (o.size - o.filled_quote) < price * spec.size_multiplier;
  } else {
    done = o.filled >= o.size;
  }
  o.status = done ? OrdStatus::Filled : OrdStatus::PartiallyFilled;
  if (done && o.frozen.is_positive()) release_frozen(acc, o, o.frozen);
  acc.fills.push_back(f);
  ++fills_count_;
  market_.record_trade(inst, price, qty, maker ? o.side == Side::Sell : o.side == Side::Buy, now_ms);
  push_order(o, f);
  PrivateEvent fe;
  fe.kind = PrivateEvent::Kind::Fill;
  fe.account = o.account;
  fe.market = o.market;
  fe.fill = f;
  events_.push_back(std::move(fe));
  push_account(acc, o.market);
  if (done) pending_.erase(std::remove(pending_.begin(), pending_.end(), o.order_id), pending_.end());
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

void Exchange::release_frozen(Account& acc, Order& o, Decimal amount) {
  if (o.market == Market::Spot) {
    acc.spot_frozen[o.frozen_coin] -= amount;
    acc.spot_available[o.frozen_coin] += amount;
  }
  o.frozen -= amount;
}

void Exchange::finish_cancel(Order& o, const std::string& reason, std::int64_t now_ms) {
  Account& acc = accounts_.at(o.account);
  if (o.frozen.is_positive()) release_frozen(acc, o, o.frozen);
  o.status = OrdStatus::Canceled;
  o.cancel_reason = reason;
  o.u_time = now_ms;
  pending_.erase(std::remove(pending_.begin(), pending_.end(), o.order_id), pending_.end());
  push_order(o);
  push_account(acc, o.market);
}

const Order* Exchange::find_order(const std::string& account, Market market, const std::string& order_id,
                                  const std::string& client_oid) const {
  if (!order_id.empty()) {
    auto it = orders_.find(order_id);
    if (it == orders_.end() || it->second.account != account || it->second.market != market) return nullptr;
    return &it->second;
  }
  if (client_oid.empty()) return nullptr;
  const Order* best = nullptr;
  for (const auto& [id, o] : orders_)  // ids ascend with time: the last match is the newest
    if (o.account == account && o.market == market && o.client_oid == client_oid) best = &o;
  return best;
}

std::vector<const Order*> Exchange::orders(const std::string& account, Market market, bool pending) const {
  std::vector<const Order*> out;
  for (auto it = orders_.rbegin(); it != orders_.rend(); ++it)
    if (it->second.account == account && it->second.market == market && it->second.pending() == pending)
      out.push_back(&it->second);
  return out;
}

ApiResult<Order> Exchange::cancel(const std::string& account_key, Market market, const std::string& symbol,
                                  const std::string& order_id, const std::string& client_oid, std::int64_t now_ms) {
  const ApiError missing =
      market == Market::Perp ? err("40768", "Order does not exist") : err("43001", "The order does not exist");
  const Order* found = find_order(account_key, market, order_id, client_oid);
  if (!found || (!symbol.empty() && found->symbol != symbol) || !found->pending()) return missing;
  Order& o = orders_.at(found->order_id);
  finish_cancel(o, "", now_ms);
  return o;
}

std::vector<Order> Exchange::cancel_all(const std::string& account_key, Market market,
                                        const std::string& symbol_or_empty, std::int64_t now_ms) {
  std::vector<Order> out;
  const auto ids = pending_;
  for (const auto& id : ids) {
    Order& o = orders_.at(id);
    if (o.account != account_key || o.market != market) continue;
    if (!symbol_or_empty.empty() && o.symbol != symbol_or_empty) continue;
    finish_cancel(o, "", now_ms);
    out.push_back(o);
  }
  return out;
}

ApiResult<Order> Exchange::modify(const std::string& account_key, const std::string& symbol,
                                  const std::string& order_id, const std::string& client_oid,
                                  const std::string& new_client_oid, std::optional<Decimal> new_size,
                                  std::optional<Decimal> new_price, std::int64_t now_ms) {
  const Order* found = find_order(account_key, Market::Perp, order_id, client_oid);
  if (!found || found->symbol != symbol) return err("40768", "Order does not exist");
  if (!found->pending() || found->type != OrdType::Limit)
    return err("40768", "Order status does not allow modification");
  if (!new_size && !new_price) return err("40019", "Parameter newSize cannot be empty");
  if (new_client_oid.empty()) return err("22003", "modify price and size, please pass in newClientOid");
  if (!new_size) return err("40019", "Parameter newSize cannot be empty");
  if (!new_price) return err("40019", "Parameter newPrice cannot be empty");
  const auto* inst = market_.find(Market::Perp, symbol);
  if (!new_price->is_positive() || !on_step(*new_price, inst->spec.tick()))
    return err("45115", "The price you enter should be a multiple of " + inst->spec.tick().to_string());
  if (!new_size->is_positive() || !on_step(*new_size, inst->spec.size_multiplier))
    return err("40808", "Parameter verification exception size checkBDScale error value=" + new_size->to_string() +
                            " checkScale=" + std::to_string(inst->spec.volume_place));
  for (const auto& id : pending_) {
    const auto& o = orders_.at(id);
    if (o.account == account_key && o.market == Market::Perp && o.client_oid == new_client_oid &&
        o.order_id != found->order_id) {
      ++duplicate_client_oids_;
      return err("45034", "clientOid duplicate");
    }
  }
  for (const auto& m : modifies_)
    if (m.account == account_key && m.new_client_oid == new_client_oid) {
      ++duplicate_client_oids_;
      return err("45034", "clientOid duplicate");
    }
  modifies_.push_back({account_key, found->order_id, new_client_oid, *new_size, *new_price, now_ms + modify_delay_ms_});
  return *found;
}

ApiResult<Order> Exchange::cancel_replace(const std::string& account_key, const std::string& symbol,
                                          const std::string& order_id, const std::string& client_oid,
                                          const std::string& new_client_oid, Decimal price, Decimal size,
                                          std::int64_t now_ms) {
  const Order* found = find_order(account_key, Market::Spot, order_id, client_oid);
  if (!found || found->symbol != symbol || !found->pending()) return err("43001", "The order does not exist");
  if (found->type != OrdType::Limit) return err("43001", "The order does not exist");
  PlaceRequest req;
  req.market = Market::Spot;
  req.symbol = symbol;
  req.side = found->side;
  req.type = OrdType::Limit;
  req.force = found->force;
  req.price = price;
  req.size = size;
  req.client_oid = new_client_oid;
  Order& old = orders_.at(found->order_id);
  finish_cancel(old, "replace", now_ms);
  return place_internal(accounts_.at(account_key), req, now_ms);
}

void Exchange::on_market(const std::vector<MarketChange>& changes, std::int64_t now_ms) {
  for (const auto& ch : changes) {
    const auto ids = pending_;
    for (const auto& id : ids) {
      auto it = orders_.find(id);
      if (it == orders_.end()) continue;
      Order& o = it->second;
      if (!o.pending() || o.market != ch.inst->spec.market || o.symbol != ch.inst->spec.symbol) continue;
      match_maker(o, *ch.inst, now_ms);
    }
  }
}

void Exchange::on_timer(std::int64_t now_ms) {
  while (!modifies_.empty() && modifies_.front().due_ms <= now_ms) {
    PendingModify m = modifies_.front();
    modifies_.pop_front();
    auto it = orders_.find(m.order_id);
    // Filled or canceled in the meantime: the replacement is dropped, as the cancel failed.
    if (it == orders_.end() || !it->second.pending()) continue;
    Order& old = it->second;
    PlaceRequest req;
    req.market = Market::Perp;
    req.symbol = old.symbol;
    req.side = old.side;
    req.type = OrdType::Limit;
    req.force = old.force;
    req.price = m.new_price;
    req.size = m.new_size;
    req.client_oid = m.new_client_oid;
    req.reduce_only = old.reduce_only && old.pos_mode != "hedge_mode";
    req.trade_side = old.pos_mode == "hedge_mode" ? old.trade_side : "";
    finish_cancel(old, "modify", now_ms);
    (void)place_internal(accounts_.at(m.account), req, now_ms);
  }
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

void Exchange::push_order(const Order& o, const std::optional<Fill>& fill) {
  PrivateEvent e;
  e.kind = PrivateEvent::Kind::Order;
  e.account = o.account;
  e.market = o.market;
  e.order = o;
  e.fill = fill;
  events_.push_back(std::move(e));
}

void Exchange::push_positions(Account& acc, std::vector<Position> closed) {
  PrivateEvent e;
  e.kind = PrivateEvent::Kind::Positions;
  e.account = acc.api_key;
  e.market = Market::Perp;
  e.positions = acc.positions;
  for (auto& c : closed) e.positions.push_back(std::move(c));
  events_.push_back(std::move(e));
}

void Exchange::push_account(const Account& acc, Market m) {
  PrivateEvent e;
  e.kind = m == Market::Perp ? PrivateEvent::Kind::FuturesAccount : PrivateEvent::Kind::SpotAccount;
  e.account = acc.api_key;
  e.market = m;
  events_.push_back(std::move(e));
}

std::vector<PrivateEvent> Exchange::drain_events() {
  std::vector<PrivateEvent> out;
  out.swap(events_);
  return out;
}

}  // namespace carry::sim
