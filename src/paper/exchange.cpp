#include <carry/paper/exchange.hpp>

#include <carry/core/symbol_lookup.hpp>

#include <algorithm>
#include <stdexcept>

namespace carry::paper {
namespace {

constexpr std::size_t mi(MarketType m) { return static_cast<std::size_t>(m); }

boost::system::error_code rejected() { return make_error_code(Errc::exchange_rejected); }

bool on_grid(Decimal v, Decimal step) {
  if (!step.is_positive()) return true;
  auto r = v.round_to_step(step, Rounding::Down);
  return r && *r == v;
}

Decimal round_or_keep(Decimal v, Decimal step, Rounding mode) {
  if (!step.is_positive()) return v;
  auto r = v.round_to_step(step, mode);
  return r ? *r : v;
}

// Price moved `bps` basis points away from `px` (up for buys), kept on the tick grid.
Decimal slipped(Decimal px, double bps, Side side, Decimal tick) {
  if (bps <= 0) return px;
  const double factor = 1.0 + (side == Side::Buy ? bps : -bps) / 1e4;
  auto moved = Decimal::from_double(px.to_double() * factor);
  if (!moved) return px;
  return round_or_keep(*moved, tick, side == Side::Buy ? Rounding::Up : Rounding::Down);
}

}  // namespace

Exchange::Exchange(PaperParams params, const Clock& clock) : params_(std::move(params)), clock_(clock) {
  if (params_.perp_leverage < 1) throw std::invalid_argument("paper.perp_leverage must be at least 1");
  for (const auto& [coin, amount] : params_.spot_balances) spot_[coin].available = amount;
  wallet_ = params_.futures_usdt;
}

// ---------------------------------------------------------------- lookups

Exchange::Symbol* Exchange::find_symbol(std::string_view name) noexcept {
  auto it = find_symbol_entry(symbols_, name);
  return it == symbols_.end() ? nullptr : &it->second;
}

const Exchange::Symbol* Exchange::find_symbol(std::string_view name) const noexcept {
  auto it = find_symbol_entry(symbols_, name);
  return it == symbols_.end() ? nullptr : &it->second;
}

Exchange::Symbol& Exchange::symbol(std::string_view name) {
  auto it = find_symbol_entry(symbols_, name);
  if (it == symbols_.end()) it = symbols_.emplace(std::string(name), Symbol{}).first;
  return it->second;
}

Exchange::Order* Exchange::find_order(std::string_view order_id, std::string_view client_oid) noexcept {
  if (!order_id.empty()) {
    auto it = by_id_.find(order_id);
    return it == by_id_.end() ? nullptr : it->second;
  }
  auto it = by_client_.find(client_oid);
  return it == by_client_.end() ? nullptr : it->second;
}

const Exchange::Order* Exchange::find_order(std::string_view order_id, std::string_view client_oid) const noexcept {
  return const_cast<Exchange*>(this)->find_order(order_id, client_oid);
}

void Exchange::add_instrument(const Instrument& instrument) {
  symbol(instrument.symbol).books[mi(instrument.market)].instrument = instrument;
}

UnixNanos Exchange::stamp(UnixNanos t) noexcept {
  if (t > venue_ts_) venue_ts_ = t;
  return venue_ts_;
}

// ---------------------------------------------------------------- market data

void Exchange::on_market(const MarketEvent& event) {
  if (const Bbo* b = std::get_if<Bbo>(&event)) {
    const UnixNanos now = stamp(b->ts_event);
    if (next_settlement_.ns && now >= next_settlement_) settle_funding(now);
    Symbol* s = find_symbol(b->symbol);
    if (!s) s = &symbol(b->symbol);
    Book& book = s->books[mi(b->market)];
    book.has_bbo = true;
    book.bid = b->bid_price;
    book.ask = b->ask_price;
    book.bid_left = b->bid_size;
    book.ask_left = b->ask_size;
    if (!book.resting.empty() && !book.bars) match_resting(*s, book, now);
  } else if (const TradeTick* t = std::get_if<TradeTick>(&event)) {
    const UnixNanos now = stamp(t->ts_event);
    if (next_settlement_.ns && now >= next_settlement_) settle_funding(now);
    Symbol* s = find_symbol(t->symbol);
    if (!s || !params_.fill_on_trades) return;
    Book& book = s->books[mi(t->market)];
    if (!book.resting.empty()) match_trade(*s, book, *t, now);
  } else if (const FundingRateUpdate* f = std::get_if<FundingRateUpdate>(&event)) {
    const UnixNanos now = stamp(f->ts_event);
    if (next_settlement_.ns && now >= next_settlement_) settle_funding(now);
    Funding& fs = symbol(f->symbol).funding;
    fs.rate = f->rate;
    if (f->interval_hours > 0) fs.interval_hours = f->interval_hours;
    if (f->mark_price) fs.mark = f->mark_price;
    if (f->next_settlement > fs.last_settled) fs.next = f->next_settlement;  // never settle one time twice
    recompute_next_settlement();
  } else if (const InstrumentUpdate* iu = std::get_if<InstrumentUpdate>(&event)) {
    add_instrument(iu->instrument);
  }
}

void Exchange::match_resting(Symbol& s, Book& book, UnixNanos now) {
  const bool buy_cross =
      book.has_buy && book.ask.is_positive() && book.best_buy >= book.ask && book.ask_left.is_positive();
  const bool sell_cross =
      book.has_sell && book.bid.is_positive() && book.best_sell <= book.bid && book.bid_left.is_positive();
  if (!buy_cross && !sell_cross) return;
  const std::vector<Order*> snapshot = book.resting;  // fills take orders off the list
  for (Order* o : snapshot) {
    if (!is_terminal(o->status)) {
      if (o->side == Side::Buy && buy_cross && o->price >= book.ask && book.ask_left.is_positive()) {
        const Decimal qty = min(o->remaining(), book.ask_left);
        book.ask_left -= qty;
        fill(s, book, *o, qty, o->price, true, now);
      } else if (o->side == Side::Sell && sell_cross && o->price <= book.bid && book.bid_left.is_positive()) {
        const Decimal qty = min(o->remaining(), book.bid_left);
        book.bid_left -= qty;
        fill(s, book, *o, qty, o->price, true, now);
      }
    }
  }
}

void Exchange::match_trade(Symbol& s, Book& book, const TradeTick& t, UnixNanos now) {
  Decimal left = t.size;
  const std::vector<Order*> snapshot = book.resting;
  for (Order* o : snapshot) {
    if (!left.is_positive()) break;
    if (is_terminal(o->status)) continue;
    // A trade through our price, or at it by an aggressor on the other side, reaches us.
    const bool reaches = o->side == Side::Buy
                             ? (t.price < o->price || (t.price == o->price && t.aggressor == Side::Sell))
                             : (t.price > o->price || (t.price == o->price && t.aggressor == Side::Buy));
    if (!reaches) continue;
    const Decimal qty = min(o->remaining(), left);
    left -= qty;
    fill(s, book, *o, qty, o->price, true, now);
  }
}

// ---------------------------------------------------------------- orders

Result<OrderAck> Exchange::place(const PlaceOrderRequest& req) { return place_at(req, stamp(clock_.now())); }

Result<OrderAck> Exchange::place_at(const PlaceOrderRequest& req, UnixNanos now) {
  Symbol* s = find_symbol(req.symbol);
  if (!s || !s->books[mi(req.market)].instrument) return rejected();  // unknown symbol
  Book& book = s->books[mi(req.market)];
  const Instrument& inst = *book.instrument;
  const bool buy = req.side == Side::Buy;
  const bool is_market = req.type == OrderType::Market;
  if (!req.size.is_positive() || !on_grid(req.size, inst.lot)) return make_error_code(Errc::invalid_argument);
  if (!is_market && (!req.price || !req.price->is_positive() || !on_grid(*req.price, inst.tick)))
    return make_error_code(Errc::invalid_argument);
  if (is_market && req.tif == TimeInForce::PostOnly) return make_error_code(Errc::invalid_argument);
  if (req.client_oid.empty()) return make_error_code(Errc::invalid_argument);
  if (auto it = by_client_.find(req.client_oid); it != by_client_.end() && !is_terminal(it->second->status))
    return make_error_code(Errc::duplicate);  // Bitget enforces uniqueness among pending orders
  if (is_market && !book.has_bbo) return rejected();
  const Decimal price = is_market ? Decimal{} : *req.price;
  const bool crosses =
      !is_market && book.has_bbo &&
      (buy ? (book.ask.is_positive() && price >= book.ask) : (book.bid.is_positive() && price <= book.bid));
  if (req.tif == TimeInForce::PostOnly && crosses) return rejected();  // post only would take liquidity

  // Funds: freeze what a resting order could need; check what a taker order will need.
  Decimal freeze;
  if (req.market == MarketType::Spot) {
    const Balance& quote = spot_[inst.quote_coin];
    const Balance& base = spot_[inst.base_coin];
    if (buy) {
      const Decimal ref = is_market ? slipped(book.ask, params_.market_slippage_bps, req.side, inst.tick) : price;
      const Decimal qty = is_market ? min(req.size, book.ask_left) : req.size;
      const Decimal need = ref * qty * (Decimal::from_units(1) + inst.taker_fee);
      if (quote.available < need) return rejected();  // insufficient balance
      if (!is_market) freeze = need;
    } else {
      if (base.available < req.size) return rejected();
      freeze = req.size;
    }
  } else {
    const Decimal pos = s->perp.size;
    const bool opposite = !pos.is_zero() && (pos.is_positive() != buy);
    if (req.reduce_only && !opposite) return rejected();  // nothing to reduce
    Decimal opening = req.size;
    if (req.reduce_only)
      opening = Decimal{};
    else if (opposite)
      opening = req.size > pos.abs() ? req.size - pos.abs() : Decimal{};
    if (opening.is_positive()) {
      const Decimal ref = is_market ? (buy ? book.ask : book.bid) : price;
      const Decimal margin = ref * opening / Decimal::from_units(params_.perp_leverage);
      if (wallet_ - frozen_margin_ - perp_margin_in_use() < margin) return rejected();  // insufficient margin
      if (!is_market) freeze = margin;
    }
  }

  orders_.emplace_back();
  Order& o = orders_.back();
  o.client_oid = req.client_oid;
  o.order_id = "P" + params_.id_prefix + (params_.id_prefix.empty() ? "" : "-") + std::to_string(++order_seq_);
  o.symbol = req.symbol;
  o.market = req.market;
  o.side = req.side;
  o.type = req.type;
  o.tif = req.tif;
  o.price = price;
  o.size = req.size;
  o.reduce_only = req.reduce_only;
  o.status = OrderStatus::Acked;
  o.ts_update = now;
  o.placed = now;
  o.frozen = freeze;
  if (freeze.is_positive()) {
    if (req.market == MarketType::Perp) {
      frozen_margin_ += freeze;
    } else {
      Balance& b = spot_[buy ? inst.quote_coin : inst.base_coin];
      b.available -= freeze;
      b.frozen += freeze;
    }
  }
  by_client_[o.client_oid] = &o;
  by_id_[o.order_id] = &o;
  ++open_count_;
  push_order(o);
  if (freeze.is_positive()) {
    if (req.market == MarketType::Spot)
      push_spot_balance(buy ? inst.quote_coin : inst.base_coin, now);
    else
      push_futures_balance(now);
  }

  if (req.tif == TimeInForce::Fok && (!crosses || (buy ? book.ask_left : book.bid_left) < req.size)) {
    finish(*s, book, o, OrderStatus::Canceled, "fok_not_filled", now);
  } else {
    if (is_market || crosses) take_liquidity(*s, book, o, now);
    if (!is_terminal(o.status)) {
      if (is_market || req.tif == TimeInForce::Ioc || req.tif == TimeInForce::Fok)
        finish(*s, book, o, OrderStatus::Canceled, is_market ? "market_remainder" : "ioc_remainder", now);
      else
        rest(book, o);
    }
  }
  return OrderAck{o.order_id, o.client_oid};
}

void Exchange::take_liquidity(Symbol& s, Book& book, Order& o, UnixNanos now) {
  const Instrument& inst = *book.instrument;
  const bool buy = o.side == Side::Buy;
  Decimal& left = buy ? book.ask_left : book.bid_left;
  const Decimal touch = buy ? book.ask : book.bid;
  if (!left.is_positive() || !touch.is_positive()) return;
  const Decimal px =
      o.type == OrderType::Market ? slipped(touch, params_.market_slippage_bps, o.side, inst.tick) : touch;
  const Decimal qty = min(o.remaining(), left);
  left -= qty;
  fill(s, book, o, qty, px, false, now);
}

void Exchange::fill(Symbol& s, Book& book, Order& o, Decimal qty, Decimal price, bool maker, UnixNanos now) {
  const Instrument& inst = *book.instrument;
  const bool buy = o.side == Side::Buy;
  if (o.market == MarketType::Perp && o.reduce_only) {
    // Reduce-only never flips: whatever exceeds the position now is canceled.
    const Decimal pos = s.perp.size;
    const bool opposite = !pos.is_zero() && (pos.is_positive() != buy);
    qty = opposite ? min(qty, pos.abs()) : Decimal{};
    if (!qty.is_positive()) {
      finish(s, book, o, OrderStatus::Canceled, "reduce_only_no_position", now);
      return;
    }
  }
  const Decimal notional = price * qty;
  const Decimal fee = notional * (maker ? inst.maker_fee : inst.taker_fee);
  o.filled += qty;
  o.notional += notional;
  o.ts_update = now;

  if (o.market == MarketType::Spot) {
    Balance& base = spot_[inst.base_coin];
    Balance& quote = spot_[inst.quote_coin];
    if (buy) {
      if (o.frozen.is_positive()) {
        const Decimal release = min(o.frozen, o.price * qty * (Decimal::from_units(1) + inst.taker_fee));
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
  } else {
    if (o.frozen.is_positive()) {
      const Decimal release = min(o.frozen, o.price * qty / Decimal::from_units(params_.perp_leverage));
      o.frozen -= release;
      frozen_margin_ -= release;
    }
    Perp& p = s.perp;
    const Decimal signed_qty = buy ? qty : -qty;
    const Decimal old = p.size;
    Decimal realized;
    if (old.is_zero() || old.is_positive() == signed_qty.is_positive()) {
      const Decimal total = old.abs() + qty;
      p.entry = (p.entry * old.abs() + price * qty) / total;
    } else {
      const Decimal closed = min(old.abs(), qty);
      realized = (old.is_positive() ? price - p.entry : p.entry - price) * closed;
      const Decimal after = old + signed_qty;
      if (after.is_zero())
        p.entry = Decimal{};
      else if (after.is_positive() != old.is_positive())
        p.entry = price;
    }
    p.size = old + signed_qty;
    wallet_ += realized - fee;
  }

  Fill f;
  f.symbol = o.symbol;
  f.market = o.market;
  f.client_oid = o.client_oid;
  f.order_id = o.order_id;
  f.trade_id = "T" + params_.id_prefix + (params_.id_prefix.empty() ? "" : "-") + std::to_string(++trade_seq_);
  f.side = o.side;
  f.price = price;
  f.size = qty;
  f.fee = fee;
  f.fee_coin = inst.quote_coin;
  f.maker = maker;
  f.ts_event = f.ts_init = now;
  events_.emplace_back(std::move(f));

  if (o.filled >= o.size) {
    finish(s, book, o, OrderStatus::Filled, {}, now);  // pushes the order and the balances
  } else {
    o.status = OrderStatus::PartiallyFilled;
    push_order(o);
    if (o.market == MarketType::Spot) {
      push_spot_balance(inst.base_coin, now);
      push_spot_balance(inst.quote_coin, now);
    } else {
      push_futures_balance(now);
    }
  }
  if (o.market == MarketType::Perp) push_position(o.symbol, s, now);
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

void Exchange::finish(Symbol& s, Book& book, Order& o, OrderStatus status, std::string_view reason, UnixNanos now) {
  o.status = status;
  o.reason = std::string(reason);
  o.ts_update = now;
  release(book, o);
  unrest(book, o);
  --open_count_;
  push_order(o);
  if (o.market == MarketType::Spot) {
    const Instrument& inst = *book.instrument;
    push_spot_balance(inst.base_coin, now);
    push_spot_balance(inst.quote_coin, now);
  } else {
    push_futures_balance(now);
  }
}

void Exchange::rest(Book& book, Order& o) {
  book.resting.push_back(&o);
  if (o.side == Side::Buy) {
    if (!book.has_buy || o.price > book.best_buy) book.best_buy = o.price;
    book.has_buy = true;
  } else {
    if (!book.has_sell || o.price < book.best_sell) book.best_sell = o.price;
    book.has_sell = true;
  }
}

void Exchange::unrest(Book& book, Order& o) {
  auto it = std::find(book.resting.begin(), book.resting.end(), &o);
  if (it == book.resting.end()) return;
  book.resting.erase(it);
  recompute_best(book);
}

void Exchange::recompute_best(Book& book) {
  book.has_buy = book.has_sell = false;
  for (const Order* o : book.resting) {
    if (o->side == Side::Buy) {
      if (!book.has_buy || o->price > book.best_buy) book.best_buy = o->price;
      book.has_buy = true;
    } else {
      if (!book.has_sell || o->price < book.best_sell) book.best_sell = o->price;
      book.has_sell = true;
    }
  }
}

Result<OrderAck> Exchange::cancel(const CancelOrderRequest& req) {
  const UnixNanos now = stamp(clock_.now());
  Order* o = find_order(req.order_id, req.client_oid);
  if (!o || o->symbol != req.symbol || o->market != req.market) return make_error_code(Errc::not_found);
  if (is_terminal(o->status)) return rejected();  // already filled or canceled
  Symbol& s = *find_symbol(o->symbol);
  finish(s, s.books[mi(o->market)], *o, OrderStatus::Canceled, "canceled", now);
  return OrderAck{o->order_id, o->client_oid};
}

Result<OrderAck> Exchange::amend(const AmendOrderRequest& req) {
  const UnixNanos now = stamp(clock_.now());
  Order* old = find_order(req.order_id, req.client_oid);
  if (!old || old->symbol != req.symbol || old->market != req.market) return make_error_code(Errc::not_found);
  if (is_terminal(old->status) || old->type != OrderType::Limit) return rejected();
  if (req.new_client_oid.empty()) return make_error_code(Errc::invalid_argument);  // Bitget 22003
  if (auto it = by_client_.find(req.new_client_oid); it != by_client_.end()) return make_error_code(Errc::duplicate);
  PlaceOrderRequest next{old->symbol, old->market,   req.new_client_oid, old->side,       old->type,
                         old->tif,    req.new_price, req.new_size,       old->reduce_only};
  Symbol& s = *find_symbol(old->symbol);
  finish(s, s.books[mi(old->market)], *old, OrderStatus::Canceled, "replaced", now);
  auto placed = place_at(next, now);
  if (!placed) {
    // The cancel half happened; the new half is refused asynchronously, as on the venue.
    OrderUpdate u;
    u.symbol = next.symbol;
    u.market = next.market;
    u.client_oid = next.client_oid;
    u.side = next.side;
    u.type = next.type;
    u.tif = next.tif;
    u.price = next.price;
    u.size = next.size;
    u.status = OrderStatus::Rejected;
    u.reduce_only = next.reduce_only;
    u.reason = placed.error().message();
    u.ts_event = u.ts_init = now;
    events_.emplace_back(std::move(u));
    return OrderAck{old->order_id, old->client_oid};
  }
  return placed;
}

// ---------------------------------------------------------------- funding

void Exchange::recompute_next_settlement() {
  next_settlement_ = UnixNanos{};
  for (const auto& [name, s] : symbols_)
    if (s.funding.next.ns && (!next_settlement_.ns || s.funding.next < next_settlement_))
      next_settlement_ = s.funding.next;
}

Decimal Exchange::perp_mark(const Symbol& s) const {
  if (s.funding.mark) return *s.funding.mark;
  const Book& b = s.books[mi(MarketType::Perp)];
  if (b.has_bbo && b.bid.is_positive() && b.ask.is_positive())
    return Decimal::from_raw((b.bid.raw() + b.ask.raw()) / 2);
  return s.perp.entry;
}

void Exchange::settle_funding(UnixNanos now) {
  for (auto& [name, s] : symbols_) {
    Funding& f = s.funding;
    while (f.next.ns && now >= f.next) {
      if (!s.perp.size.is_zero()) {
        const Decimal mark = perp_mark(s);
        // Positive rate: longs pay shorts. Our signed size makes the sign come out right.
        const Decimal amount = -(f.rate * s.perp.size * mark);
        wallet_ += amount;
        FundingPayment p;
        p.symbol = name;
        p.amount = amount;
        p.rate = f.rate;
        p.position_size = s.perp.size;
        p.mark_price = mark;
        p.ts_event = f.next;
        p.ts_init = now;
        events_.emplace_back(std::move(p));
        push_futures_balance(now);
      }
      f.last_settled = f.next;
      f.next = f.interval_hours > 0 ? f.next + std::chrono::hours(f.interval_hours) : UnixNanos{};
    }
  }
  recompute_next_settlement();
}

// ---------------------------------------------------------------- state and events

Decimal Exchange::perp_margin_in_use() const {
  Decimal total;
  for (const auto& [name, s] : symbols_)
    if (!s.perp.size.is_zero()) total += s.perp.size.abs() * s.perp.entry;
  return total / Decimal::from_units(params_.perp_leverage);
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

OrderUpdate Exchange::to_update(const Order& o) const {
  OrderUpdate u;
  u.symbol = o.symbol;
  u.market = o.market;
  u.client_oid = o.client_oid;
  u.order_id = o.order_id;
  u.side = o.side;
  u.type = o.type;
  u.tif = o.tif;
  if (o.type == OrderType::Limit) u.price = o.price;
  u.size = o.size;
  u.filled_size = o.filled;
  if (o.filled.is_positive()) u.avg_price = o.notional / o.filled;
  u.status = o.status;
  u.reduce_only = o.reduce_only;
  u.reason = o.reason;
  u.ts_event = u.ts_init = o.ts_update;
  return u;
}

void Exchange::push_order(const Order& o) { events_.emplace_back(to_update(o)); }

void Exchange::push_spot_balance(std::string_view coin, UnixNanos now) {
  const Balance b = spot_balance(coin);
  BalanceUpdate u;
  u.account = MarketType::Spot;
  u.coin = std::string(coin);
  u.available = b.available;
  u.frozen = b.frozen;
  u.ts_event = u.ts_init = now;
  events_.emplace_back(std::move(u));
}

void Exchange::push_futures_balance(UnixNanos now) {
  const Balance b = futures_balance();
  BalanceUpdate u;
  u.account = MarketType::Perp;
  u.coin = "USDT";
  u.available = b.available;
  u.frozen = b.frozen;
  u.equity = futures_equity();
  u.ts_event = u.ts_init = now;
  events_.emplace_back(std::move(u));
}

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

void Exchange::drain_events(std::vector<ExecEvent>& out) {
  for (auto& e : events_) out.push_back(std::move(e));
  events_.clear();
}

std::vector<OrderUpdate> Exchange::open_orders(std::string_view name) const {
  std::vector<OrderUpdate> out;
  for (const auto& o : orders_)
    if (!is_terminal(o.status) && (name.empty() || o.symbol == name)) out.push_back(to_update(o));
  return out;
}

std::optional<OrderUpdate> Exchange::order_by_client_oid(std::string_view name, MarketType market,
                                                         std::string_view client_oid) const {
  auto it = by_client_.find(client_oid);
  if (it == by_client_.end() || it->second->symbol != name || it->second->market != market) return std::nullopt;
  return to_update(*it->second);
}

std::optional<OrderUpdate> Exchange::order_by_id(std::string_view name, MarketType market,
                                                 std::string_view order_id) const {
  const Order* o = order_id.empty() ? nullptr : find_order(order_id, {});
  if (o == nullptr || o->symbol != name || o->market != market) return std::nullopt;
  return to_update(*o);
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
  for (auto coin : coins) {
    const Balance b = spot_balance(coin);
    BalanceUpdate u;
    u.account = MarketType::Spot;
    u.coin = std::string(coin);
    u.available = b.available;
    u.frozen = b.frozen;
    u.ts_event = u.ts_init = venue_ts_;
    out.push_back(std::move(u));
  }
  const Balance f = futures_balance();
  BalanceUpdate u;
  u.account = MarketType::Perp;
  u.coin = "USDT";
  u.available = f.available;
  u.frozen = f.frozen;
  u.equity = futures_equity();
  u.ts_event = u.ts_init = venue_ts_;
  out.push_back(std::move(u));
  return out;
}

}  // namespace carry::paper
