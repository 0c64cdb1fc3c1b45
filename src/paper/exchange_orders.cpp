// paper::Exchange: placement (checks, the funds an order freezes, what it does on arrival),
// cancel, amend, and the order queries.
#include <carry/paper/exchange.hpp>

#include "exchange_internal.hpp"

namespace carry::paper {

using namespace detail;

Result<OrderAck> Exchange::place(const PlaceOrderRequest& req) { return place_at(req, stamp(clock_.now())); }

Result<OrderAck> Exchange::place_at(const PlaceOrderRequest& req, UnixNanos now) {
  Symbol* s = find_symbol(req.symbol);
  if (!s || !s->books[mi(req.market)].instrument) return rejected();  // unknown symbol
  Book& book = s->books[mi(req.market)];
  if (auto refused = check_request(req, book)) return *refused;
  const bool buy = req.side == Side::Buy;
  const bool is_market = req.type == OrderType::Market;
  const Decimal price = is_market ? Decimal{} : *req.price;
  const bool crosses =
      !is_market && book.has_bbo &&
      (buy ? (book.ask.is_positive() && price >= book.ask) : (book.bid.is_positive() && price <= book.bid));
  if (req.tif == TimeInForce::PostOnly && crosses) return rejected();  // post only would take liquidity
  const auto freeze = funds_to_freeze(*s, book, req, price);
  if (!freeze) return freeze.error();
  Order& o = record_order(req, price, *freeze, now);
  hold_funds(*book.instrument, o, now);
  match_on_arrival(*s, book, o, crosses, now);
  return OrderAck{o.order_id, o.client_oid};
}

// What the request itself gets wrong, before the book and the funds are looked at.
std::optional<boost::system::error_code> Exchange::check_request(const PlaceOrderRequest& req, const Book& book) const {
  const Instrument& inst = *book.instrument;
  const bool is_market = req.type == OrderType::Market;
  if (!req.size.is_positive() || !on_grid(req.size, inst.lot)) return make_error_code(Errc::invalid_argument);
  if (!is_market && (!req.price || !req.price->is_positive() || !on_grid(*req.price, inst.tick)))
    return make_error_code(Errc::invalid_argument);
  if (is_market && req.tif == TimeInForce::PostOnly) return make_error_code(Errc::invalid_argument);
  if (req.client_oid.empty()) return make_error_code(Errc::invalid_argument);
  if (auto it = by_client_.find(req.client_oid); it != by_client_.end() && !is_terminal(it->second->status))
    return make_error_code(Errc::duplicate);  // Bitget enforces uniqueness among pending orders
  if (is_market && !book.has_bbo) return rejected();
  return std::nullopt;
}

// Funds: freeze what a resting order could need; check what a taker order will need. The amount to
// freeze (zero for a taker), or rejected when the account is short.
Result<Decimal> Exchange::funds_to_freeze(const Symbol& s, const Book& book, const PlaceOrderRequest& req,
                                          Decimal price) {
  return req.market == MarketType::Spot ? spot_funds(book, req, price) : perp_funds(s, book, req, price);
}

Result<Decimal> Exchange::spot_funds(const Book& book, const PlaceOrderRequest& req, Decimal price) {
  const Instrument& inst = *book.instrument;
  const bool is_market = req.type == OrderType::Market;
  const Balance& quote = spot_[inst.quote_coin];
  const Balance& base = spot_[inst.base_coin];
  if (req.side == Side::Buy) {
    const Decimal ref = is_market ? slipped(book.ask, params_.market_slippage_bps, req.side, inst.tick) : price;
    const Decimal qty = is_market ? min(req.size, book.ask_left) : req.size;
    const Decimal need = ref * qty * (Decimal::from_units(1) + inst.taker_fee);
    if (quote.available < need) return rejected();  // insufficient balance
    return is_market ? Decimal{} : need;
  }
  if (base.available < req.size) return rejected();
  return req.size;
}

Result<Decimal> Exchange::perp_funds(const Symbol& s, const Book& book, const PlaceOrderRequest& req,
                                     Decimal price) const {
  const bool buy = req.side == Side::Buy;
  const bool is_market = req.type == OrderType::Market;
  const Decimal pos = s.perp.size;
  const bool opposite = !pos.is_zero() && (pos.is_positive() != buy);
  if (req.reduce_only && !opposite) return rejected();  // nothing to reduce
  Decimal opening = req.size;
  if (req.reduce_only)
    opening = Decimal{};
  else if (opposite)
    opening = req.size > pos.abs() ? req.size - pos.abs() : Decimal{};
  if (!opening.is_positive()) return Decimal{};
  const Decimal ref = is_market ? (buy ? book.ask : book.bid) : price;
  const Decimal margin = ref * opening / Decimal::from_units(params_.leverage);
  if (wallet_ - frozen_margin_ - perp_margin_in_use() < margin) return rejected();  // insufficient margin
  return is_market ? Decimal{} : margin;
}

// The accepted order: stored, indexed, counted open and pushed as Acked.
Exchange::Order& Exchange::record_order(const PlaceOrderRequest& req, Decimal price, Decimal freeze, UnixNanos now) {
  orders_.emplace_back();
  Order& o = orders_.back();
  o.client_oid = req.client_oid;
  o.order_id = "P" + params_.id_prefix + (params_.id_prefix.empty() ? "" : "-") + std::to_string(++order_seq_);
  o.spec() = req.spec();
  o.price = price;
  o.status = OrderStatus::Acked;
  o.ts_update = now;
  o.placed = now;
  o.frozen = freeze;
  by_client_[o.client_oid] = &o;
  by_id_[o.order_id] = &o;
  ++open_count_;
  push_order(o);
  return o;
}

// Moves the order's frozen funds out of the available balance (or into the frozen margin) and
// pushes the balance that changed.
void Exchange::hold_funds(const Instrument& inst, const Order& o, UnixNanos now) {
  if (!o.frozen.is_positive()) return;
  const bool buy = o.side == Side::Buy;
  if (o.market == MarketType::Perp) {
    frozen_margin_ += o.frozen;
    push_futures_balance(now);
  } else {
    Balance& b = spot_[buy ? inst.quote_coin : inst.base_coin];
    b.available -= o.frozen;
    b.frozen += o.frozen;
    push_spot_balance(buy ? inst.quote_coin : inst.base_coin, now);
  }
}

// A new order takes what it crosses, then rests (GTC, post only) or has its remainder canceled
// (market, IOC); FOK fills all at once or is canceled untouched.
void Exchange::match_on_arrival(Symbol& s, Book& book, Order& o, bool crosses, UnixNanos now) {
  const bool buy = o.side == Side::Buy;
  const bool is_market = o.type == OrderType::Market;
  if (o.tif == TimeInForce::Fok && (!crosses || (buy ? book.ask_left : book.bid_left) < o.size)) {
    finish(s, book, o, OrderStatus::Canceled, "fok_not_filled", now);
    return;
  }
  if (is_market || crosses) take_liquidity(s, book, o, now);
  if (is_terminal(o.status)) return;
  if (is_market || o.tif == TimeInForce::Ioc || o.tif == TimeInForce::Fok)
    finish(s, book, o, OrderStatus::Canceled, is_market ? "market_remainder" : "ioc_remainder", now);
  else
    rest(book, o);
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
  PlaceOrderRequest next;
  next.spec() = old->spec();
  next.client_oid = req.new_client_oid;
  next.price = req.new_price;
  next.size = req.new_size;
  Symbol& s = *find_symbol(old->symbol);
  finish(s, s.books[mi(old->market)], *old, OrderStatus::Canceled, "replaced", now);
  auto placed = place_at(next, now);
  if (!placed) {
    // The cancel half happened; the new half is refused asynchronously, as on the venue.
    OrderUpdate u;
    u.spec() = next.spec();
    u.client_oid = next.client_oid;
    u.status = OrderStatus::Rejected;
    u.reason = placed.error().message();
    u.ts_event = u.ts_init = now;
    events_.emplace_back(std::move(u));
    return OrderAck{old->order_id, old->client_oid};
  }
  return placed;
}

// ---------------------------------------------------------------- order queries

OrderUpdate Exchange::to_update(const Order& o) const {
  OrderUpdate u;
  u.spec() = o.spec();
  if (o.type != OrderType::Limit) u.price.reset();
  u.client_oid = o.client_oid;
  u.order_id = o.order_id;
  u.filled_size = o.filled;
  if (o.filled.is_positive()) u.avg_price = o.notional / o.filled;
  u.status = o.status;
  u.reason = o.reason;
  u.ts_event = u.ts_init = o.ts_update;
  return u;
}

void Exchange::push_order(const Order& o) { events_.emplace_back(to_update(o)); }

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

}  // namespace carry::paper
