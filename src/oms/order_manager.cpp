#include <carry/oms/order_manager.hpp>

#include <carry/core/symbol_lookup.hpp>

#include <algorithm>
#include <cmath>

namespace carry::oms {
namespace {

using nlohmann::json;

constexpr std::size_t mi(MarketType m) { return static_cast<std::size_t>(m); }

std::string dec(Decimal d) { return d.to_string(); }
json opt_dec(const std::optional<Decimal>& d) { return d ? json(d->to_string()) : json(nullptr); }

double bps_from(Decimal price, Decimal ref) {
  if (ref.is_zero()) return 0.0;
  return (price - ref).to_double() / ref.to_double() * 1e4;
}

std::chrono::milliseconds ms(std::int64_t v) { return std::chrono::milliseconds(v); }
std::chrono::seconds secs(std::int64_t v) { return std::chrono::seconds(v); }

// A monotonic deadline as wall time, for the log only.
std::string wall_of(const Clock& c, MonoNanos t) { return (c.now() + (t - c.mono())).to_rfc3339_ms(); }

// Errors after which the request may or may not have reached the venue.
bool outcome_unknown(const boost::system::error_code& ec) {
  return ec == Errc::timeout || ec == Errc::network || ec == Errc::http_server_error;
}

// A duplicate-clientOid answer (45034, 43118) means an order with this id exists on the venue (an
// earlier send got through): what it is must be asked, it is never a rejection.
bool order_may_exist(const boost::system::error_code& ec) { return outcome_unknown(ec) || ec == Errc::duplicate; }

std::string_view status_event(OrderStatus s) {
  switch (s) {
    case OrderStatus::Acked:
      return "order.ack";
    case OrderStatus::PartiallyFilled:
      return "order.partial";
    case OrderStatus::Filled:
      return "order.fill";
    case OrderStatus::Canceled:
      return "order.cancel";
    case OrderStatus::Rejected:
      return "order.reject";
    case OrderStatus::Expired:
      return "order.expire";
    case OrderStatus::Unknown:
      return "order.unknown";
    case OrderStatus::New:
    case OrderStatus::Sent:
      return "order.sent";
  }
  return "order.status";
}

}  // namespace

OrderManager::OrderManager(OmsParams params, ClientOidGenerator& ids, EventSink& events, const Clock& clock)
    : params_(params), ids_(ids), events_(events), clock_(clock) {}

// ---------------------------------------------------------------- lookups

OrderManager::SymbolState& OrderManager::state(std::string_view symbol) {
  auto it = find_symbol_entry(symbols_, symbol);
  if (it == symbols_.end()) it = symbols_.emplace(std::string(symbol), SymbolState{}).first;
  return it->second;
}

const OrderManager::SymbolState* OrderManager::find_state(std::string_view symbol) const noexcept {
  auto it = find_symbol_entry(symbols_, symbol);
  return it == symbols_.end() ? nullptr : &it->second;
}

Order* OrderManager::find_mut(std::string_view client_oid) noexcept {
  if (client_oid.empty()) return nullptr;
  auto it = orders_.find(client_oid);
  return it == orders_.end() ? nullptr : &it->second;
}

const Order* OrderManager::find(std::string_view client_oid) const noexcept {
  if (client_oid.empty()) return nullptr;
  auto it = orders_.find(client_oid);
  return it == orders_.end() ? nullptr : &it->second;
}

Order* OrderManager::find_by_order_id(std::string_view order_id) noexcept {
  if (order_id.empty()) return nullptr;
  auto it = by_order_id_.find(order_id);
  return it == by_order_id_.end() ? nullptr : find_mut(it->second);
}

const Order* OrderManager::find_venue_order(std::string_view order_id) const noexcept {
  if (order_id.empty()) return nullptr;
  auto it = by_order_id_.find(order_id);
  return it == by_order_id_.end() ? nullptr : find(it->second);
}

void OrderManager::add_instrument(const Instrument& instrument) {
  state(instrument.symbol).legs[mi(instrument.market)].instrument = instrument;
}

const Instrument* OrderManager::instrument(std::string_view symbol, MarketType market) const noexcept {
  const SymbolState* st = find_state(symbol);
  if (!st || !st->legs[mi(market)].instrument) return nullptr;
  return &*st->legs[mi(market)].instrument;
}

const TopOfBook* OrderManager::top(std::string_view symbol, MarketType market) const noexcept {
  const SymbolState* st = find_state(symbol);
  if (!st || !st->legs[mi(market)].has_top) return nullptr;
  return &st->legs[mi(market)].top;
}

std::vector<const Order*> OrderManager::open_orders(std::string_view symbol) const {
  std::vector<const Order*> out;
  for (const auto& oid : open_) {
    const Order* o = find(oid);
    if (o && (symbol.empty() || o->symbol == symbol)) out.push_back(o);
  }
  std::sort(out.begin(), out.end(), [](const Order* a, const Order* b) { return a->client_oid < b->client_oid; });
  return out;
}

bool OrderManager::in_cooldown(std::string_view symbol) const noexcept {
  const SymbolState* st = find_state(symbol);
  return st && st->cooldown_until && clock_.mono() < *st->cooldown_until;
}

bool OrderManager::ws_stale(MonoNanos now) const noexcept {
  if (params_.ws_stale_block_ms <= 0) return false;
  if (!last_private_) return true;  // never heard from the private stream: not safe to open
  return now - *last_private_ > ms(params_.ws_stale_block_ms);
}

bool OrderManager::private_stream_stale() const noexcept { return ws_stale(clock_.mono()); }

Decimal OrderManager::open_size(std::string_view symbol, MarketType market, Side side) const {
  Decimal total;
  for (const auto& oid : open_) {
    const Order* o = find(oid);
    if (o && o->market == market && o->side == side && o->symbol == symbol && !o->replaced_by.size())
      total += o->remaining();
  }
  return total;
}

bool OrderManager::is_reducing(std::string_view symbol, MarketType market, Side side, Decimal size,
                               bool reduce_only) const {
  const Decimal pos = positions_.size(symbol, market);
  if (pos.is_zero()) return false;
  const bool opposite = (side == Side::Sell) == pos.is_positive();
  if (!opposite) return false;
  if (reduce_only && market == MarketType::Perp) return true;  // the venue caps it at the position
  // Together with the other reducing orders already open, it must not flip the position.
  return size + open_size(symbol, market, side) <= pos.abs();
}

bool OrderManager::unresolved_unknown(std::string_view symbol, MarketType market) const {
  for (const auto& oid : open_) {
    const Order* o = find(oid);
    if (o && o->status == OrderStatus::Unknown && o->market == market && o->symbol == symbol) return true;
  }
  return false;
}

// ---------------------------------------------------------------- guards

SubmitResult OrderManager::block(Guard guard, std::string reason, const OrderIntent& in, json extra) {
  metrics_.add(&OmsCounters::blocks);
  std::string_view event = "order.blocked";
  switch (guard) {
    case Guard::Invalid:
      metrics_.add(&OmsCounters::blocks_invalid);
      event = "order.invalid";
      break;
    case Guard::Idempotency:
      metrics_.add(&OmsCounters::blocks_idempotent);
      event = "idempotent.block";
      break;
    case Guard::WsStale:
      metrics_.add(&OmsCounters::blocks_ws_stale);
      event = "guard.ws_stale";
      break;
    case Guard::Cooldown:
      metrics_.add(&OmsCounters::blocks_cooldown);
      event = "guard.cooldown";
      break;
    case Guard::PriceDeviation:
      metrics_.add(&OmsCounters::blocks_price_deviation);
      event = "guard.price_deviation";
      break;
    case Guard::Risk:
      metrics_.add(&OmsCounters::blocks_risk);
      event = "order.blocked";
      break;
    case Guard::None:
      break;
  }
  if (events_.enabled(LogLevel::Warn)) {
    json fields = {{"symbol", in.symbol},  {"market", to_string(in.market)}, {"side", to_string(in.side)},
                   {"size", dec(in.size)}, {"price", opt_dec(in.price)},     {"guard", to_string(guard)},
                   {"reason", reason}};
    if (!in.client_oid.empty()) fields["client_oid"] = in.client_oid;
    if (!in.tag.empty()) fields["tag"] = in.tag;
    if (extra.is_object()) fields.update(extra);
    events_.warn(event, std::move(fields));
  }
  SubmitResult r;
  r.blocked_by = guard;
  r.reason = std::move(reason);
  return r;
}

std::optional<std::string> OrderManager::validate(const Instrument* inst, OrderType type, TimeInForce tif,
                                                  const std::optional<Decimal>& price, Decimal size,
                                                  bool reducing) const {
  if (!inst) return "unknown_instrument";
  if (!inst->tradable) return "not_tradable";
  if (!size.is_positive()) return "size_not_positive";
  if (type == OrderType::Limit && (!price || !price->is_positive())) return "limit_without_price";
  if (type == OrderType::Market && tif == TimeInForce::PostOnly) return "post_only_market";
  if (inst->lot.is_positive()) {
    auto r = size.round_to_step(inst->lot, Rounding::Down);
    if (!r || *r != size) return "size_off_lot";
  }
  if (type == OrderType::Limit && inst->tick.is_positive()) {
    auto r = price->round_to_step(inst->tick, Rounding::Down);
    if (!r || *r != *price) return "price_off_tick";
  }
  // The venue waives the minimum for closing orders only in some cases; never for openings.
  if (!reducing && inst->min_size.is_positive() && size < inst->min_size) return "below_min_size";
  return std::nullopt;
}

bool OrderManager::cooldown_active(std::string_view symbol, SymbolState& st, MonoNanos now) {
  if (!st.cooldown_until) return false;
  if (now < *st.cooldown_until) return true;
  st.cooldown_until.reset();
  events_.info("cooldown.exit", {{"symbol", symbol}});
  return false;
}

void OrderManager::count_reject(std::string_view symbol, MonoNanos now) {
  SymbolState& st = state(symbol);
  st.rejects.push_back(now);
  while (!st.rejects.empty() && now - st.rejects.front() > secs(params_.reject_burst_window_s)) st.rejects.pop_front();
  if (params_.reject_burst_threshold <= 0 || st.cooldown_until) return;
  if (static_cast<int>(st.rejects.size()) >= params_.reject_burst_threshold) {
    st.cooldown_until = now + secs(params_.symbol_cooldown_s);
    metrics_.add(&OmsCounters::cooldowns);
    events_.warn("cooldown.enter", {{"symbol", symbol},
                                    {"rejects", st.rejects.size()},
                                    {"window_s", params_.reject_burst_window_s},
                                    {"cooldown_s", params_.symbol_cooldown_s},
                                    {"until", wall_of(clock_, *st.cooldown_until)}});
    st.rejects.clear();
  }
}

// ---------------------------------------------------------------- strategy side

SubmitResult OrderManager::submit(OrderIntent in) {
  const MonoNanos now = clock_.mono();
  metrics_.add(&OmsCounters::submits);
  SymbolState& st = state(in.symbol);
  Leg& leg = st.legs[mi(in.market)];
  const Instrument* inst = leg.instrument ? &*leg.instrument : nullptr;
  const bool reducing = is_reducing(in.symbol, in.market, in.side, in.size, in.reduce_only);

  if (auto bad = validate(inst, in.type, in.tif, in.price, in.size, reducing)) return block(Guard::Invalid, *bad, in);
  if (in.chase && !(in.type == OrderType::Limit && in.tif == TimeInForce::PostOnly))
    return block(Guard::Invalid, "chase_needs_post_only_limit", in);

  if (!in.client_oid.empty()) {
    if (const Order* existing = find(in.client_oid))
      return block(Guard::Idempotency, existing->is_open() ? "client_oid_live" : "client_oid_used", in,
                   {{"status", to_string(existing->status)}});
  }
  if (unresolved_unknown(in.symbol, in.market)) return block(Guard::Idempotency, "unknown_order_unresolved", in);

  if (!reducing && ws_stale(now)) {
    json extra = json::object();
    if (last_private_) extra["silent_ms"] = (now - *last_private_).count() / 1'000'000;
    return block(Guard::WsStale, "private_stream_stale", in, std::move(extra));
  }
  if (!reducing && cooldown_active(in.symbol, st, now))
    return block(Guard::Cooldown, "symbol_cooldown", in, {{"until", wall_of(clock_, *st.cooldown_until)}});

  std::optional<Decimal> price = in.price;
  if (in.type == OrderType::Limit && in.tif == TimeInForce::PostOnly && leg.has_top && inst->tick.is_positive()) {
    std::optional<Decimal> moved;
    if (in.side == Side::Buy && leg.top.ask.is_positive() && *price >= leg.top.ask) moved = leg.top.ask - inst->tick;
    if (in.side == Side::Sell && leg.top.bid.is_positive() && *price <= leg.top.bid) moved = leg.top.bid + inst->tick;
    if (moved) {
      if (!moved->is_positive()) return block(Guard::Invalid, "post_only_no_room", in);
      metrics_.add(&OmsCounters::postonly_adjusts);
      if (events_.enabled(LogLevel::Info))
        events_.info("postonly.adjust", {{"symbol", in.symbol},
                                         {"market", to_string(in.market)},
                                         {"side", to_string(in.side)},
                                         {"from", dec(*price)},
                                         {"to", dec(*moved)},
                                         {"bid", dec(leg.top.bid)},
                                         {"ask", dec(leg.top.ask)}});
      price = moved;
    }
  }

  if (in.type == OrderType::Limit && params_.price_dev_bps_limit > 0) {
    if (leg.has_top) {
      const double dev = bps_from(*price, leg.top.mid());
      if (std::abs(dev) > params_.price_dev_bps_limit)
        return block(Guard::PriceDeviation, "too_far_from_mid", in,
                     {{"mid", dec(leg.top.mid())}, {"dev_bps", dev}, {"limit_bps", params_.price_dev_bps_limit}});
    } else if (!reducing) {
      return block(Guard::PriceDeviation, "no_mid", in);
    }
  }

  PlaceOrderRequest req{in.symbol, in.market, {}, in.side, in.type, in.tif, price, in.size, in.reduce_only};
  if (check_) {
    PreTradeContext ctx;
    ctx.instrument = inst;
    if (leg.has_top) {
      ctx.bid = leg.top.bid;
      ctx.ask = leg.top.ask;
    }
    ctx.position = positions_.size(in.symbol, in.market);
    ctx.reducing = reducing;
    if (auto refused = check_->check(req, ctx)) return block(Guard::Risk, *refused, in);
  }

  req.client_oid = in.client_oid.empty() ? ids_.next() : in.client_oid;
  Order o;
  o.client_oid = req.client_oid;
  o.symbol = in.symbol;
  o.market = in.market;
  o.side = in.side;
  o.type = in.type;
  o.tif = in.tif;
  o.price = price;
  o.size = in.size;
  o.reduce_only = in.reduce_only;
  o.tag = std::move(in.tag);
  o.status = OrderStatus::Sent;
  o.created = o.sent_at = o.last_change = now;
  o.request_open = true;
  o.chain = o.client_oid;
  Chain chain;
  chain.target = in.size;
  chain.head = o.client_oid;
  if (in.chase) {
    chain.chasing = true;
    chain.original_price = *price;
    chain.last_chase = now;
    leg.chasing.push_back(o.client_oid);
  }
  chains_.emplace(o.client_oid, std::move(chain));
  open_.insert(o.client_oid);
  if (events_.enabled(LogLevel::Info)) {
    json fields =
        event_fields("client_oid", o.client_oid, "symbol", o.symbol, "market", to_string(o.market), "side",
                     to_string(o.side), "type", to_string(o.type), "tif", to_string(o.tif), "price", opt_dec(o.price),
                     "size", dec(o.size), "reduce_only", o.reduce_only, "reducing", reducing, "chase", in.chase);
    if (!o.tag.empty()) fields["tag"] = o.tag;
    events_.info("order.submit", std::move(fields));
  }
  commands_.emplace_back(req);
  SubmitResult r;
  r.client_oid = o.client_oid;
  r.price = price;
  orders_.emplace(o.client_oid, std::move(o));
  return r;
}

Result<void> OrderManager::cancel(std::string_view client_oid, std::string_view reason) {
  Order* o = find_mut(client_oid);
  if (!o) return make_error_code(Errc::not_found);
  if (!o->is_open()) return make_error_code(Errc::invalid_argument);
  if (o->cancel_pending) return make_error_code(Errc::duplicate);
  const MonoNanos now = clock_.mono();
  o->cancel_pending = true;
  o->cancel_sent_at = now;
  // A canceled order leaves the chaser: the strategy took it back.
  if (auto ch = chains_.find(o->chain); ch != chains_.end() && ch->second.chasing && ch->second.head == o->client_oid) {
    Leg& leg = state(o->symbol).legs[mi(o->market)];
    auto it = std::find(leg.chasing.begin(), leg.chasing.end(), o->chain);
    if (it != leg.chasing.end()) leg.chasing.erase(it);
    ch->second.chasing = false;
  }
  metrics_.add(&OmsCounters::cancels);
  if (events_.enabled(LogLevel::Info))
    events_.info("order.cancel_request", {{"client_oid", o->client_oid},
                                          {"order_id", o->order_id},
                                          {"symbol", o->symbol},
                                          {"status", to_string(o->status)},
                                          {"reason", reason}});
  commands_.emplace_back(CancelOrderRequest{o->symbol, o->market, o->client_oid, o->order_id});
  return {};
}

std::size_t OrderManager::cancel_all(std::string_view symbol, std::string_view reason) {
  std::vector<std::string> ids;
  for (const auto& oid : open_) {
    const Order* o = find(oid);
    if (o && (symbol.empty() || o->symbol == symbol) && !o->cancel_pending) ids.push_back(oid);
  }
  std::sort(ids.begin(), ids.end());  // deterministic command order
  std::size_t n = 0;
  for (const auto& oid : ids) n += cancel(oid, reason).has_value();
  return n;
}

SubmitResult OrderManager::amend(std::string_view client_oid, Decimal new_price, std::optional<Decimal> new_size) {
  return amend_order(client_oid, new_price, new_size, nullptr);
}

SubmitResult OrderManager::amend_order(std::string_view client_oid, Decimal new_price, std::optional<Decimal> new_size,
                                       const Chain* chase) {
  const MonoNanos now = clock_.mono();
  Order* o = find_mut(client_oid);
  OrderIntent in;
  in.client_oid = std::string(client_oid);
  in.price = new_price;
  if (!o) return block(Guard::Invalid, "unknown_order", in);
  in.symbol = o->symbol;
  in.market = o->market;
  in.side = o->side;
  in.type = o->type;
  in.tif = o->tif;
  in.tag = o->tag;
  in.size = new_size.value_or(o->size);
  if (o->type != OrderType::Limit) return block(Guard::Invalid, "not_a_limit_order", in);
  if (!o->is_live()) return block(Guard::Invalid, "not_live", in, {{"status", to_string(o->status)}});
  if (o->cancel_pending || o->amend_pending || o->query_pending)
    return block(Guard::Idempotency, "operation_pending", in);
  Chain& chain = chains_[o->chain];
  const Decimal left = chain.target - chain.filled;
  const Decimal size = new_size.value_or(left);
  in.size = size;
  SymbolState& st = state(o->symbol);
  Leg& leg = st.legs[mi(o->market)];
  const Instrument* inst = leg.instrument ? &*leg.instrument : nullptr;
  const bool grows = size > o->remaining();
  // For the kill switch an amend is judged like a new order (a moved opening order still opens),
  // without counting the order it replaces twice.
  bool reducing = false;
  if (const Decimal pos = positions_.size(o->symbol, o->market);
      !pos.is_zero() && (o->side == Side::Sell) == pos.is_positive()) {
    reducing = (o->reduce_only && o->market == MarketType::Perp) ||
               size + open_size(o->symbol, o->market, o->side) - o->remaining() <= pos.abs();
  }
  if (auto bad = validate(inst, o->type, o->tif, new_price, size, true)) return block(Guard::Invalid, *bad, in);
  if (grows && ws_stale(now)) return block(Guard::WsStale, "private_stream_stale", in);
  if (grows && cooldown_active(o->symbol, st, now)) return block(Guard::Cooldown, "symbol_cooldown", in);

  Decimal price = new_price;
  if (o->tif == TimeInForce::PostOnly && leg.has_top && inst->tick.is_positive()) {
    std::optional<Decimal> moved;
    if (o->side == Side::Buy && leg.top.ask.is_positive() && price >= leg.top.ask) moved = leg.top.ask - inst->tick;
    if (o->side == Side::Sell && leg.top.bid.is_positive() && price <= leg.top.bid) moved = leg.top.bid + inst->tick;
    if (moved && moved->is_positive()) {
      metrics_.add(&OmsCounters::postonly_adjusts);
      if (events_.enabled(LogLevel::Info))
        events_.info("postonly.adjust", {{"symbol", o->symbol},
                                         {"market", to_string(o->market)},
                                         {"side", to_string(o->side)},
                                         {"from", dec(price)},
                                         {"to", dec(*moved)},
                                         {"bid", dec(leg.top.bid)},
                                         {"ask", dec(leg.top.ask)}});
      price = *moved;
    }
  }
  if (params_.price_dev_bps_limit > 0 && leg.has_top) {
    const double dev = bps_from(price, leg.top.mid());
    if (std::abs(dev) > params_.price_dev_bps_limit)
      return block(Guard::PriceDeviation, "too_far_from_mid", in,
                   {{"mid", dec(leg.top.mid())}, {"dev_bps", dev}, {"limit_bps", params_.price_dev_bps_limit}});
  }
  PlaceOrderRequest req{o->symbol, o->market, {}, o->side, o->type, o->tif, price, size, o->reduce_only};
  if (check_) {
    PreTradeContext ctx;
    ctx.instrument = inst;
    if (leg.has_top) {
      ctx.bid = leg.top.bid;
      ctx.ask = leg.top.ask;
    }
    ctx.position = positions_.size(o->symbol, o->market);
    ctx.reducing = reducing;
    ctx.amend = true;
    ctx.adds = grows;
    if (auto refused = check_->check(req, ctx)) return block(Guard::Risk, *refused, in);
  }

  if (new_size) chain.target = chain.filled + size;
  Order n;
  n.client_oid = ids_.next();
  n.symbol = o->symbol;
  n.market = o->market;
  n.side = o->side;
  n.type = o->type;
  n.tif = o->tif;
  n.price = price;
  n.size = size;
  n.reduce_only = o->reduce_only;
  n.tag = o->tag;
  n.status = OrderStatus::Sent;
  n.created = n.sent_at = n.last_change = now;
  n.request_open = true;
  n.chain = o->chain;
  n.replaces = o->client_oid;
  o->replaced_by = n.client_oid;
  o->amend_pending = true;
  chain.head = n.client_oid;
  metrics_.add(&OmsCounters::amends);
  // One event per amend; a chase amend carries the chase's numbers too. On the order path: the
  // fields are built on the logger's thread from these copies.
  if (events_.enabled(LogLevel::Info)) {
    std::optional<Decimal> original;
    if (chase) original = chase->original_price;
    events_.emit_deferred(LogLevel::Info, chase ? "chase.amend" : "order.amend",
                          [oid = o->client_oid, new_oid = n.client_oid, symbol = o->symbol, market = o->market,
                           from_price = o->price, to_price = price, from_size = o->size, to_size = size, original,
                           amends = chase ? chase->chase_amends + 1 : 0] {
                            json fields =
                                event_fields("client_oid", oid, "new_client_oid", new_oid, "symbol", symbol, "market",
                                             to_string(market), "from_price", opt_dec(from_price), "to_price",
                                             dec(to_price), "from_size", dec(from_size), "to_size", dec(to_size));
                            if (original) {
                              auto& object = fields.get_ref<json::object_t&>();
                              object.emplace("original_price", dec(*original));
                              object.emplace("amends", amends);
                            }
                            return fields;
                          });
  }
  commands_.emplace_back(
      AmendOrderRequest{o->symbol, o->market, o->client_oid, o->order_id, n.client_oid, price, size});
  SubmitResult r;
  r.client_oid = n.client_oid;
  r.price = price;
  open_.insert(n.client_oid);
  auto [it, added] = orders_.emplace(n.client_oid, std::move(n));
  // The chain's new head exists from now on: a listener that follows the chain (the strategy's
  // leader) must hear of it before it hears the old order end, or it would think nothing works.
  notify(it->second);
  return r;
}

// ---------------------------------------------------------------- reconciliation

void OrderManager::adopt(const OrderUpdate& u) {
  if (Order* o = find_mut(u.client_oid)) {
    apply_update(*o, u);
    return;
  }
  Order o;
  o.client_oid = u.client_oid.empty() ? "venue-" + u.order_id : u.client_oid;
  o.symbol = u.symbol;
  o.market = u.market;
  o.side = u.side;
  o.type = u.type;
  o.tif = u.tif;
  o.price = u.price;
  o.size = u.size;
  o.reduce_only = u.reduce_only;
  o.status = u.status;
  o.venue_filled = u.filled_size;
  o.created = o.last_change = clock_.mono();
  o.last_venue_ts = u.ts_event;
  o.chain = o.client_oid;
  o.adopted = true;
  Chain chain;
  chain.target = u.size;
  chain.filled = u.filled_size;
  chain.head = o.client_oid;
  chains_.emplace(o.client_oid, std::move(chain));
  metrics_.add(&OmsCounters::adopted);
  events_.info("idempotent.adopt", {{"client_oid", o.client_oid},
                                    {"order_id", u.order_id},
                                    {"symbol", u.symbol},
                                    {"market", to_string(u.market)},
                                    {"status", to_string(u.status)},
                                    {"ours", ids_.owns(o.client_oid)}});
  if (o.is_open()) open_.insert(o.client_oid);
  auto [it, inserted] = orders_.emplace(o.client_oid, std::move(o));
  if (!u.order_id.empty()) set_order_id(it->second, u.order_id);
  notify(it->second);
}

void OrderManager::set_position(std::string_view symbol, MarketType market, Decimal size, Decimal avg_entry) {
  positions_.set(symbol, market, size, avg_entry, clock_.now());
  events_.info("position.set",
               {{"symbol", symbol}, {"market", to_string(market)}, {"size", dec(size)}, {"avg_entry", dec(avg_entry)}});
}

// ---------------------------------------------------------------- commands and results

void OrderManager::take_commands(std::vector<Command>& out) {
  for (auto& c : commands_) out.push_back(std::move(c));
  commands_.clear();
}

std::vector<Command> OrderManager::take_commands() {
  std::vector<Command> out;
  out.swap(commands_);
  return out;
}

void OrderManager::set_order_id(Order& o, std::string_view order_id) {
  if (order_id.empty() || o.order_id == order_id) return;
  if (!o.order_id.empty()) by_order_id_.erase(o.order_id);
  o.order_id = std::string(order_id);
  by_order_id_[o.order_id] = o.client_oid;
  link_orphans(o);
}

bool OrderManager::set_status(Order& o, OrderStatus to, std::string_view reason) {
  if (o.status == to) return true;  // includes a further partial fill: the fill event says it all
  if (!transition_allowed(o.status, to)) {
    metrics_.add(&OmsCounters::stale_events);
    events_.warn(
        "guard.stale_event",
        {{"client_oid", o.client_oid}, {"reason", "transition"}, {"from", to_string(o.status)}, {"to", to_string(to)}});
    return false;
  }
  const OrderStatus from = o.status;
  o.status = to;
  o.last_change = clock_.mono();
  if (!reason.empty()) o.reason = std::string(reason);
  if (to == OrderStatus::Acked) metrics_.add(&OmsCounters::acks);
  if (to == OrderStatus::Rejected) metrics_.add(&OmsCounters::rejects);
  if (is_terminal(to)) {
    open_.erase(o.client_oid);
    o.cancel_pending = o.cancel_confirm_pending = o.query_pending = false;
  } else if (is_terminal(from)) {
    open_.insert(o.client_oid);  // a late ack of an order we had called rejected: it lives
    metrics_.add(&OmsCounters::recovered);
    events_.warn(
        "idempotent.late_adopt",
        {{"client_oid", o.client_oid}, {"order_id", o.order_id}, {"was", to_string(from)}, {"now", to_string(to)}});
  }
  const LogLevel level = to == OrderStatus::Rejected || to == OrderStatus::Unknown ? LogLevel::Warn : LogLevel::Info;
  if (events_.enabled(level)) {
    json fields = event_fields("client_oid", o.client_oid, "order_id", o.order_id, "symbol", o.symbol, "market",
                               to_string(o.market), "from", to_string(from), "to", to_string(to), "filled",
                               dec(o.known_filled()), "size", dec(o.size));
    if (!reason.empty()) fields["reason"] = reason;
    events_.emit(level, status_event(to), std::move(fields));
  }
  notify(o);
  return true;
}

void OrderManager::notify(const Order& o) {
  if (listener_) listener_->on_order_update(o);
}

void OrderManager::push_query(Order& o) {
  o.query_pending = true;
  o.last_query = clock_.mono();
  commands_.emplace_back(QueryOrderRequest{o.symbol, o.market, o.client_oid, o.order_id});
}

void OrderManager::to_unknown(Order& o, std::string_view reason) {
  if (!set_status(o, OrderStatus::Unknown, reason)) return;
  metrics_.add(&OmsCounters::unknowns);
  o.not_found_count = 0;
  push_query(o);
}

void OrderManager::on_place_result(std::string_view client_oid, const Result<OrderAck>& result) {
  Order* o = find_mut(client_oid);
  if (!o) {
    events_.warn("order.result_orphan", {{"client_oid", client_oid}, {"kind", "place"}});
    return;
  }
  o->request_open = false;
  if (result) {
    set_order_id(*o, result->order_id);
    if (o->status == OrderStatus::Unknown) {
      metrics_.add(&OmsCounters::recovered);
      events_.info("idempotent.recover", {{"client_oid", o->client_oid}, {"found", true}, {"via", "late_ack"}});
    }
    // After fills that overtook the ack, the ack changes nothing; an order we had called rejected
    // exists after all and is adopted.
    if (o->status == OrderStatus::Sent || o->status == OrderStatus::Unknown || o->status == OrderStatus::Rejected)
      set_status(*o, OrderStatus::Acked);
    enforce_chain(o->chain);
    return;
  }
  const auto& ec = result.error();
  // Sent, or Unknown after an ack timeout: a definite refusal settles both. Anything else was
  // already resolved by a push or a query.
  if (o->status != OrderStatus::Sent && o->status != OrderStatus::Unknown) return;
  if (order_may_exist(ec)) {
    if (o->status == OrderStatus::Sent) to_unknown(*o, ec.message());
    return;
  }
  set_status(*o, OrderStatus::Rejected, ec.message());
  if (ec == Errc::exchange_rejected) count_reject(o->symbol, clock_.mono());
}

void OrderManager::on_request_written(std::string_view client_oid) {
  Order* o = find_mut(client_oid);
  if (!o || !o->request_open) return;
  o->written = true;
  o->sent_at = clock_.mono();
}

void OrderManager::on_cancel_result(std::string_view client_oid, const Result<OrderAck>& result) {
  Order* o = find_mut(client_oid);
  if (!o) {
    events_.warn("order.result_orphan", {{"client_oid", client_oid}, {"kind", "cancel"}});
    return;
  }
  o->cancel_pending = false;
  if (!o->is_open()) return;
  if (result) {
    set_order_id(*o, result->order_id);
    o->cancel_confirm_pending = true;  // the terminal update follows on the private stream
    o->cancel_sent_at = clock_.mono();
    return;
  }
  // Timed out, or refused (usually: already filled or canceled). Ask the venue what is true.
  events_.warn("order.cancel_failed", {{"client_oid", o->client_oid}, {"error", result.error().message()}});
  if (!o->query_pending) push_query(*o);
}

void OrderManager::amend_failed(Order& n) {
  if (Order* old = find_mut(n.replaces)) {
    old->amend_pending = false;
    old->replaced_by.clear();
    auto ch = chains_.find(n.chain);
    if (ch != chains_.end() && ch->second.head == n.client_oid) ch->second.head = old->client_oid;
  }
}

void OrderManager::on_amend_result(std::string_view new_client_oid, const Result<OrderAck>& result) {
  Order* n = find_mut(new_client_oid);
  if (!n) {
    events_.warn("order.result_orphan", {{"client_oid", new_client_oid}, {"kind", "amend"}});
    return;
  }
  n->request_open = false;
  Order* old = find_mut(n->replaces);
  if (result) {
    // Bitget's modify answers before the replacement exists; its id arrives on the private stream.
    if (old) old->amend_pending = false;
    return;
  }
  const auto& ec = result.error();
  if (n->status != OrderStatus::Sent) return;
  if (order_may_exist(ec)) {
    if (old) old->amend_pending = false;
    to_unknown(*n, ec.message());
    return;
  }
  set_status(*n, OrderStatus::Rejected, ec.message());
  amend_failed(*n);
}

void OrderManager::on_query_result(std::string_view client_oid, const Result<std::optional<OrderUpdate>>& result) {
  Order* o = find_mut(client_oid);
  if (!o) {
    events_.warn("order.result_orphan", {{"client_oid", client_oid}, {"kind", "query"}});
    return;
  }
  o->query_pending = false;
  o->last_query = clock_.mono();
  if (!result) {
    events_.warn("idempotent.query_failed", {{"client_oid", o->client_oid}, {"error", result.error().message()}});
    return;  // on_timer asks again
  }
  const bool was_unknown = o->status == OrderStatus::Unknown;
  if (*result) {
    OrderUpdate u = **result;
    apply_update(*o, u);
    if (was_unknown) {
      metrics_.add(&OmsCounters::recovered);
      events_.info("idempotent.recover", {{"client_oid", o->client_oid},
                                          {"found", true},
                                          {"order_id", o->order_id},
                                          {"status", to_string(o->status)}});
    }
    return;
  }
  if (!was_unknown) {
    // A known order the venue no longer knows: nothing to cancel any more.
    if (o->is_open() && o->status != OrderStatus::Sent) {
      events_.warn("order.vanished", {{"client_oid", o->client_oid}, {"status", to_string(o->status)}});
      set_status(*o, OrderStatus::Canceled, "not_found");
    }
    return;
  }
  // Only after repeated "not found" answers do we conclude the request never arrived, and only
  // once it has answered: until then it may still be on its way (queued, or on the wire).
  if (o->request_open) {
    o->not_found_count = 0;
    return;
  }
  if (++o->not_found_count < std::max(1, params_.unknown_not_found_checks)) return;
  metrics_.add(&OmsCounters::recovered);
  events_.info("idempotent.recover", {{"client_oid", o->client_oid}, {"found", false}, {"checks", o->not_found_count}});
  set_status(*o, OrderStatus::Rejected, "not_found_after_timeout");
  if (!o->replaces.empty()) amend_failed(*o);
}

// ---------------------------------------------------------------- exec events

void OrderManager::on_exec(const ExecEvent& event) {
  last_private_ = clock_.mono();
  std::visit(
      [this](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, OrderUpdate>) {
          handle_update(e);
        } else if constexpr (std::is_same_v<T, Fill>) {
          handle_fill(e);
        } else if constexpr (std::is_same_v<T, PositionUpdate>) {
          positions_.get(e.symbol, MarketType::Perp).venue_size = e.size;
        } else if constexpr (std::is_same_v<T, FundingPayment>) {
          positions_.apply_funding(e);
          if (events_.enabled(LogLevel::Info))
            events_.info("funding.settled", {{"symbol", e.symbol},
                                             {"amount", dec(e.amount)},
                                             {"rate", opt_dec(e.rate)},
                                             {"position_size", opt_dec(e.position_size)},
                                             {"mark_price", opt_dec(e.mark_price)}});
        } else if constexpr (std::is_same_v<T, StreamReconnected>) {
          // Pushes may have been lost while the stream was down: ask about every open order.
          events_.warn("oms.reconcile", {{"open_orders", open_.size()}});
          query_open_orders();
        }
      },
      event);
}

void OrderManager::on_private_activity() { last_private_ = clock_.mono(); }

void OrderManager::adopt_position(std::string_view symbol, MarketType market, Decimal size, Decimal avg_entry) {
  positions_.set(symbol, market, size, avg_entry, clock_.now());
  events_.info("oms.position_adopted",
               {{"symbol", symbol}, {"market", to_string(market)}, {"size", dec(size)}, {"avg_entry", dec(avg_entry)}});
}

void OrderManager::query_open_orders() {
  std::vector<std::string> ids(open_.begin(), open_.end());
  std::sort(ids.begin(), ids.end());
  for (const auto& oid : ids)
    if (Order* o = find_mut(oid); o && !o->query_pending) push_query(*o);
}

bool OrderManager::has_trade(MarketType market, std::string_view trade_id) const {
  return seen_trades_.contains(market, trade_id);
}

bool OrderManager::apply_update(Order& o, const OrderUpdate& u) {
  if (u.ts_event < o.last_venue_ts) {
    metrics_.add(&OmsCounters::stale_events);
    events_.warn("guard.stale_event", {{"client_oid", o.client_oid},
                                       {"reason", "older_update"},
                                       {"ts_event", u.ts_event.to_rfc3339_ms()},
                                       {"known", o.last_venue_ts.to_rfc3339_ms()},
                                       {"status", to_string(u.status)}});
    return false;
  }
  o.last_venue_ts = u.ts_event;
  set_order_id(o, u.order_id);
  if (u.filled_size > o.venue_filled) o.venue_filled = u.filled_size;
  OrderStatus to = u.status;
  // A live order the venue already reports partly filled.
  if (to == OrderStatus::Acked && o.venue_filled.is_positive()) to = OrderStatus::PartiallyFilled;
  if (o.status == OrderStatus::Filled && to == OrderStatus::Canceled) return true;  // venue echo of a full fill
  const OrderStatus before = o.status;
  const bool ok = set_status(o, to, u.reason);
  if (ok && to == OrderStatus::Rejected && before != OrderStatus::Rejected) count_reject(o.symbol, clock_.mono());
  if (ok && to == OrderStatus::Rejected && !o.replaces.empty()) amend_failed(o);
  if (ok) enforce_chain(o.chain);
  return ok;
}

void OrderManager::handle_update(const OrderUpdate& u) {
  Order* o = find_mut(u.client_oid);
  if (!o) o = find_by_order_id(u.order_id);
  if (o) {
    apply_update(*o, u);
    return;
  }
  if (!u.client_oid.empty() && ids_.owns(u.client_oid)) {
    adopt(u);  // ours, e.g. from before a restart or an amend we never heard back from
    return;
  }
  metrics_.add(&OmsCounters::foreign);
  events_.warn(
      "order.foreign",
      {{"client_oid", u.client_oid}, {"order_id", u.order_id}, {"symbol", u.symbol}, {"status", to_string(u.status)}});
}

void OrderManager::handle_fill(const Fill& f) {
  if (seen_trades_.contains(f.market, f.trade_id)) {
    metrics_.add(&OmsCounters::duplicate_fills);
    events_.warn("guard.duplicate_fill", {{"trade_id", f.trade_id}, {"client_oid", f.client_oid}});
    return;
  }
  Order* o = find_mut(f.client_oid);
  if (!o) o = find_by_order_id(f.order_id);
  if (o) {
    apply_fill(*o, f);
    return;
  }
  if (!f.client_oid.empty() && !ids_.owns(f.client_oid)) {
    // Somebody else's trade on this account: the position book is Carry's share only (a foreign
    // position is never hedged, reduced or flattened by us), so it is counted and logged, not booked.
    seen_trades_.insert(f.market, f.trade_id);
    metrics_.add(&OmsCounters::foreign);
    events_.warn("fill.foreign", {{"trade_id", f.trade_id},
                                  {"client_oid", f.client_oid},
                                  {"symbol", f.symbol},
                                  {"side", to_string(f.side)},
                                  {"size", dec(f.size)},
                                  {"price", dec(f.price)}});
    return;
  }
  // Probably ours before its ack (the fill channel may carry only the order id): keep it.
  for (const auto& held : orphan_fills_)
    if (held.market == f.market && held.trade_id == f.trade_id && !f.trade_id.empty()) return;
  orphan_fills_.push_back(f);
  events_.warn("fill.orphan", {{"trade_id", f.trade_id}, {"client_oid", f.client_oid}, {"order_id", f.order_id}});
}

void OrderManager::link_orphans(Order& o) {
  if (orphan_fills_.empty()) return;
  std::vector<Fill> mine;
  auto it = std::remove_if(orphan_fills_.begin(), orphan_fills_.end(), [&](const Fill& f) {
    const bool match =
        (!f.client_oid.empty() && f.client_oid == o.client_oid) || (!f.order_id.empty() && f.order_id == o.order_id);
    if (match) mine.push_back(f);
    return match;
  });
  orphan_fills_.erase(it, orphan_fills_.end());
  for (const auto& f : mine) apply_fill(o, f);
}

void OrderManager::apply_fill(Order& o, const Fill& f) {
  if (!seen_trades_.insert(f.market, f.trade_id)) {
    metrics_.add(&OmsCounters::duplicate_fills);
    events_.warn("guard.duplicate_fill", {{"trade_id", f.trade_id}, {"client_oid", o.client_oid}});
    return;
  }
  set_order_id(o, f.order_id);
  const Instrument* inst = instrument(o.symbol, o.market);
  const bool fee_in_base = inst && !f.fee_coin.empty() && f.fee_coin == inst->base_coin;
  o.filled += f.size;
  o.notional += f.price * f.size;
  o.fees += fee_in_base ? f.fee * f.price : f.fee;
  positions_.apply_fill(f, inst ? std::string_view(inst->base_coin) : std::string_view{});
  if (auto ch = chains_.find(o.chain); ch != chains_.end()) ch->second.filled += f.size;
  metrics_.add(&OmsCounters::fills);
  if (events_.enabled(LogLevel::Info))
    events_.info("fill", {{"client_oid", o.client_oid},
                          {"order_id", o.order_id},
                          {"trade_id", f.trade_id},
                          {"symbol", o.symbol},
                          {"market", to_string(o.market)},
                          {"side", to_string(f.side)},
                          {"price", dec(f.price)},
                          {"size", dec(f.size)},
                          {"fee", dec(f.fee)},
                          {"fee_coin", f.fee_coin},
                          {"maker", f.maker},
                          {"filled", dec(o.filled)},
                          {"order_size", dec(o.size)}});
  if (o.filled > o.size)
    events_.error("order.overfill", {{"client_oid", o.client_oid}, {"filled", dec(o.filled)}, {"size", dec(o.size)}});
  if (o.status == OrderStatus::Canceled || o.status == OrderStatus::Expired)
    events_.warn("order.late_fill",
                 {{"client_oid", o.client_oid}, {"status", to_string(o.status)}, {"trade_id", f.trade_id}});
  // The fill before the status it causes: a listener that hears "filled" already holds the fill.
  if (listener_) listener_->on_fill(o, f);
  if (o.filled >= o.size) {
    set_status(o, OrderStatus::Filled);
  } else if (o.status == OrderStatus::Sent || o.status == OrderStatus::Acked || o.status == OrderStatus::Unknown) {
    set_status(o, OrderStatus::PartiallyFilled);
  }
  enforce_chain(o.chain);
}

// A fill on a replaced order after the amend was sent: the replacement must shrink so that the
// chain never fills more than the strategy asked for.
void OrderManager::enforce_chain(const std::string& chain_id) {
  auto ch = chains_.find(chain_id);
  if (ch == chains_.end()) return;
  Chain& chain = ch->second;
  Order* head = find_mut(chain.head);
  if (!head || head->replaces.empty() || !head->is_live()) return;
  if (head->cancel_pending || head->amend_pending || head->query_pending) return;
  const Decimal allowed = chain.target > chain.filled ? chain.target - chain.filled : Decimal{};
  const Decimal head_left = head->size > head->filled ? head->size - head->filled : Decimal{};
  if (head_left <= allowed) return;
  events_.warn("order.chain_overfill", {{"client_oid", head->client_oid},
                                        {"chain", chain_id},
                                        {"target", dec(chain.target)},
                                        {"chain_filled", dec(chain.filled)},
                                        {"head_left", dec(head_left)}});
  const std::string head_id = head->client_oid;
  if (allowed.is_zero()) {
    (void)cancel(head_id, "chain_filled");
    return;
  }
  auto r = amend(head_id, *head->price, allowed);
  if (!r.accepted()) (void)cancel(head_id, "chain_shrink_blocked");
}

// ---------------------------------------------------------------- market data and timers

void OrderManager::on_market(const MarketEvent& event) {
  if (const Bbo* b = std::get_if<Bbo>(&event)) {
    auto it = find_symbol_entry(symbols_, b->symbol);
    if (it == symbols_.end()) it = symbols_.emplace(b->symbol, SymbolState{}).first;
    Leg& leg = it->second.legs[mi(b->market)];
    leg.has_top = true;
    leg.top.bid = b->bid_price;
    leg.top.bid_size = b->bid_size;
    leg.top.ask = b->ask_price;
    leg.top.ask_size = b->ask_size;
    leg.top.ts = b->ts_event;
    leg.top.received = clock_.mono();
    if (!leg.chasing.empty()) run_chaser(leg, leg.top.received);
  } else if (const InstrumentUpdate* iu = std::get_if<InstrumentUpdate>(&event)) {
    add_instrument(iu->instrument);
  }
}

void OrderManager::stop_chase(Leg& leg, std::size_t index, Chain& chain, const Order* head, std::string_view reason) {
  leg.chasing.erase(leg.chasing.begin() + static_cast<std::ptrdiff_t>(index));
  chain.chasing = false;
  if (!head || !head->is_open()) return;
  if (events_.enabled(LogLevel::Info))
    events_.info("chase.done", {{"client_oid", head->client_oid},
                                {"reason", reason},
                                {"amends", chain.chase_amends},
                                {"price", opt_dec(head->price)},
                                {"original_price", dec(chain.original_price)}});
  if (listener_) listener_->on_chase_done(*head, reason);
}

void OrderManager::run_chaser(Leg& leg, MonoNanos now) {
  const Decimal tick = leg.instrument ? leg.instrument->tick : Decimal{};
  for (std::size_t i = 0; i < leg.chasing.size();) {
    auto ch = chains_.find(leg.chasing[i]);
    if (ch == chains_.end()) {
      leg.chasing.erase(leg.chasing.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    Chain& chain = ch->second;
    Order* head = find_mut(chain.head);
    if (!head || !head->is_open()) {
      stop_chase(leg, i, chain, head, "order_closed");
      continue;
    }
    ++i;
    if (!head->is_live() || head->cancel_pending || head->amend_pending || head->query_pending) continue;
    if (now - chain.last_chase < ms(params_.chase_interval_ms)) continue;
    const bool buy = head->side == Side::Buy;
    const Decimal best = buy ? leg.top.bid : leg.top.ask;
    if (!best.is_positive()) continue;
    // Only follow a market moving away; a market coming to us will fill the order anyway.
    if (buy ? best <= *head->price : best >= *head->price) continue;
    if (chain.chase_amends >= params_.chase_max_amends) {
      stop_chase(leg, --i, chain, head, "max_amends");
      continue;
    }
    Decimal target = best;
    const double factor = 1.0 + (buy ? 1 : -1) * params_.chase_max_distance_bps / 1e4;
    auto bound = Decimal::from_double(chain.original_price.to_double() * factor);
    if (bound && tick.is_positive()) bound = bound->round_to_step(tick, buy ? Rounding::Down : Rounding::Up);
    if (bound) target = buy ? min(target, *bound) : max(target, *bound);
    if (buy ? target <= *head->price : target >= *head->price) {
      stop_chase(leg, --i, chain, head, "max_distance");
      continue;
    }
    const std::string from = head->client_oid;
    auto r = amend_order(from, target, std::nullopt, &chain);
    if (!r.accepted()) {
      stop_chase(leg, --i, chain, find_mut(from), "blocked");
      continue;
    }
    ++chain.chase_amends;
    chain.last_chase = now;
    metrics_.add(&OmsCounters::chases);
  }
}

void OrderManager::on_timer() {
  const MonoNanos now = clock_.mono();
  for (auto& [symbol, st] : symbols_) cooldown_active(symbol, st, now);
  if (open_.empty()) return;
  std::vector<std::string> ids(open_.begin(), open_.end());
  std::sort(ids.begin(), ids.end());
  for (const auto& oid : ids) {
    Order* o = find_mut(oid);
    if (!o || !o->is_open()) continue;
    // Counted from the write: time spent queued behind the rate limiter is not the venue's.
    if (o->status == OrderStatus::Sent && o->written && now - o->sent_at > ms(params_.ack_timeout_ms)) {
      events_.warn("order.timeout",
                   {{"client_oid", o->client_oid}, {"waited_ms", (now - o->sent_at).count() / 1'000'000}});
      to_unknown(*o, "ack_timeout");
      continue;
    }
    if (o->query_pending && now - o->last_query > ms(params_.ack_timeout_ms)) o->query_pending = false;  // lost
    if (o->status == OrderStatus::Unknown && !o->query_pending && now - o->last_query >= ms(params_.query_retry_ms)) {
      push_query(*o);
      continue;
    }
    if (o->cancel_pending && now - o->cancel_sent_at > ms(params_.ack_timeout_ms)) {
      o->cancel_pending = false;  // the shell never answered; find out what happened
      if (!o->query_pending) push_query(*o);
      continue;
    }
    if (o->cancel_confirm_pending && !o->query_pending && now - o->cancel_sent_at > ms(params_.ack_timeout_ms)) {
      o->cancel_confirm_pending = false;
      push_query(*o);
      continue;
    }
    if (params_.order_ttl_ms > 0 && o->is_live() && !o->cancel_pending && !o->amend_pending &&
        now - o->created > ms(params_.order_ttl_ms))
      (void)cancel(oid, "ttl");
  }
}

std::size_t OrderManager::prune_terminal(MonoNanos before) {
  std::size_t n = 0;
  for (auto it = orders_.begin(); it != orders_.end();) {
    const Order& o = it->second;
    if (!o.is_open() && o.last_change < before) {
      if (!o.order_id.empty()) by_order_id_.erase(o.order_id);
      if (auto ch = chains_.find(o.chain); ch != chains_.end() && ch->second.head == o.client_oid) chains_.erase(ch);
      it = orders_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

}  // namespace carry::oms
