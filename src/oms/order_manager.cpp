#include <carry/oms/order_manager.hpp>

#include "oms_detail.hpp"
#include "order_guards.hpp"

#include <carry/core/symbol_lookup.hpp>

#include <algorithm>

namespace carry::oms {
namespace {

using nlohmann::json;
using namespace detail;

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

OrderManager::Leg* OrderManager::find_leg(std::string_view symbol, MarketType market) noexcept {
  auto it = find_symbol_entry(symbols_, symbol);
  return it == symbols_.end() ? nullptr : &it->second.legs[mi(market)];
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
  return reduces(symbol, market, side, size, reduce_only, Decimal{});
}

bool OrderManager::reduces(std::string_view symbol, MarketType market, Side side, Decimal size, bool reduce_only,
                           Decimal replaced) const {
  const Decimal pos = positions_.size(symbol, market);
  if (pos.is_zero()) return false;
  const bool opposite = (side == Side::Sell) == pos.is_positive();
  if (!opposite) return false;
  if (reduce_only && market == MarketType::Perp) return true;  // the venue caps it at the position
  // Together with the other reducing orders already open, it must not flip the position.
  return size + open_size(symbol, market, side) - replaced <= pos.abs();
}

bool OrderManager::unresolved_unknown(std::string_view symbol, MarketType market) const {
  for (const auto& oid : open_) {
    const Order* o = find(oid);
    if (o && o->status == OrderStatus::Unknown && o->market == market && o->symbol == symbol) return true;
  }
  return false;
}

// ---------------------------------------------------------------- strategy side

SubmitResult OrderManager::submit(SubmitRequest in) {
  const MonoNanos now = clock_.mono();
  metrics_.add(&OmsCounters::submits);
  SymbolState& st = state(in.symbol);
  Proposal p{.scope = GuardScope::Submit,
             .intent = in,
             .symbol = st,
             .leg = st.legs[mi(in.market)],
             .now = now,
             .reducing = is_reducing(in.symbol, in.market, in.side, in.size, in.reduce_only),
             .adds = true,
             .price = in.price};
  if (auto no = Guards::run(*this, p)) return block(no->guard, std::move(no->reason), in, std::move(no->extra));
  return place(in, p);
}

SubmitResult OrderManager::place(SubmitRequest& in, const Proposal& p) {
  PlaceOrderRequest req;
  req.spec() = in.spec();
  req.price = p.price;  // after a post-only adjustment
  req.client_oid = in.client_oid.empty() ? ids_.next() : in.client_oid;
  Order o;
  o.spec() = req.spec();
  o.client_oid = req.client_oid;
  o.tag = std::move(in.tag);
  o.status = OrderStatus::Sent;
  o.created = o.sent_at = o.last_change = p.now;
  o.request_open = true;
  o.chain = o.client_oid;
  Chain chain;
  chain.target = in.size;
  chain.head = o.client_oid;
  if (in.chase) p.leg.chaser.start(o.client_oid, *p.price, p.now);
  chains_.emplace(o.client_oid, std::move(chain));
  open_.insert(o.client_oid);
  if (events_.enabled(LogLevel::Info)) {
    json fields =
        event_fields("client_oid", o.client_oid, "symbol", o.symbol, "market", to_string(o.market), "side",
                     to_string(o.side), "type", to_string(o.type), "tif", to_string(o.tif), "price", opt_dec(o.price),
                     "size", dec(o.size), "reduce_only", o.reduce_only, "reducing", p.reducing, "chase", in.chase);
    if (!o.tag.empty()) fields["tag"] = o.tag;
    events_.info("order.submit", std::move(fields));
  }
  commands_.emplace_back(req);
  SubmitResult r;
  r.client_oid = o.client_oid;
  r.price = p.price;
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
  if (auto ch = chains_.find(o->chain); ch != chains_.end() && ch->second.head == o->client_oid) {
    if (Leg* leg = find_leg(o->symbol, o->market)) leg->chaser.stop(o->chain);
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
                                       const ChaseState* chase) {
  const MonoNanos now = clock_.mono();
  Order* o = find_mut(client_oid);
  SubmitRequest in;
  in.client_oid = std::string(client_oid);
  in.price = new_price;
  if (!o) return block(Guard::Invalid, "unknown_order", in);
  in.symbol = o->symbol;
  in.market = o->market;
  in.side = o->side;
  in.type = o->type;
  in.tif = o->tif;
  in.reduce_only = o->reduce_only;
  in.tag = o->tag;
  in.size = new_size.value_or(o->size);
  if (o->type != OrderType::Limit) return block(Guard::Invalid, "not_a_limit_order", in);
  if (!o->is_live()) return block(Guard::Invalid, "not_live", in, {{"status", to_string(o->status)}});
  if (o->cancel_pending || o->amend_pending || o->query_pending)
    return block(Guard::Idempotency, "operation_pending", in);
  Chain& chain = chains_[o->chain];
  in.size = new_size.value_or(chain.target - chain.filled);  // by default what the chain has left
  SymbolState& st = state(o->symbol);
  // For the kill switch an amend is judged like a new order (a moved opening order still opens),
  // without counting the order it replaces twice.
  Proposal p{.scope = GuardScope::Amend,
             .intent = in,
             .symbol = st,
             .leg = st.legs[mi(o->market)],
             .now = now,
             .reducing = reduces(o->symbol, o->market, o->side, in.size, o->reduce_only, o->remaining()),
             .adds = in.size > o->remaining(),
             .price = new_price};
  if (auto no = Guards::run(*this, p)) return block(no->guard, std::move(no->reason), in, std::move(no->extra));
  return replace(*o, chain, p, new_size.has_value(), chase);
}

SubmitResult OrderManager::replace(Order& o, Chain& chain, const Proposal& p, bool resize, const ChaseState* chase) {
  const Decimal price = *p.price;
  const Decimal size = p.intent.size;
  if (resize) chain.target = chain.filled + size;
  Order n;
  n.client_oid = ids_.next();
  n.spec() = o.spec();
  n.price = price;
  n.size = size;
  n.tag = o.tag;
  n.status = OrderStatus::Sent;
  n.created = n.sent_at = n.last_change = p.now;
  n.request_open = true;
  n.chain = o.chain;
  n.replaces = o.client_oid;
  o.replaced_by = n.client_oid;
  o.amend_pending = true;
  chain.head = n.client_oid;
  metrics_.add(&OmsCounters::amends);
  log_amend(o, n, chase);
  commands_.emplace_back(AmendOrderRequest{o.symbol, o.market, o.client_oid, o.order_id, n.client_oid, price, size});
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

// One event per amend; a chase amend carries the chase's numbers too. On the order path: the
// fields are built on the logger's thread from these copies.
void OrderManager::log_amend(const Order& from, const Order& to, const ChaseState* chase) {
  if (!events_.enabled(LogLevel::Info)) return;
  std::optional<Decimal> original;
  if (chase) original = chase->original_price;
  events_.emit_deferred(LogLevel::Info, chase ? "chase.amend" : "order.amend",
                        [oid = from.client_oid, new_oid = to.client_oid, symbol = from.symbol, market = from.market,
                         from_price = from.price, to_price = *to.price, from_size = from.size, to_size = to.size,
                         original, amends = chase ? chase->amends + 1 : 0] {
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

// ---------------------------------------------------------------- reconciliation

void OrderManager::adopt(const OrderUpdate& u) {
  if (Order* o = find_mut(u.client_oid)) {
    apply_update(*o, u);
    return;
  }
  Order o;
  o.client_oid = u.client_oid.empty() ? "venue-" + u.order_id : u.client_oid;
  o.spec() = u.spec();
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

void OrderManager::adopt_position(std::string_view symbol, MarketType market, Decimal size, Decimal avg_entry) {
  positions_.set(symbol, market, size, avg_entry, clock_.now());
  events_.info("oms.position_adopted",
               {{"symbol", symbol}, {"market", to_string(market)}, {"size", dec(size)}, {"avg_entry", dec(avg_entry)}});
}

// ---------------------------------------------------------------- commands and order state

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

// ---------------------------------------------------------------- market data and the maker chaser

// The maker chasers see only this: the chain's head, an amend under the guards, the end of a chase.
class OrderManager::ChaseDriver final : public ChaseHost {
 public:
  explicit ChaseDriver(OrderManager& m) : m_(m) {}

  const Order* chase_head(std::string_view chain) override {
    auto ch = m_.chains_.find(chain);
    return ch == m_.chains_.end() ? nullptr : m_.find(ch->second.head);
  }

  bool chase_amend(const Order& head, Decimal price, const ChaseState& chase) override {
    const std::string from = head.client_oid;
    if (!m_.amend_order(from, price, std::nullopt, &chase).accepted()) return false;
    m_.metrics_.add(&OmsCounters::chases);
    return true;
  }

  void chase_done(const Order& head, const ChaseState& chase, std::string_view reason) override {
    if (m_.events_.enabled(LogLevel::Info))
      m_.events_.info("chase.done", {{"client_oid", head.client_oid},
                                     {"reason", reason},
                                     {"amends", chase.amends},
                                     {"price", opt_dec(head.price)},
                                     {"original_price", dec(chase.original_price)}});
    if (m_.listener_) m_.listener_->on_chase_done(head, reason);
  }

 private:
  OrderManager& m_;
};

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
    if (!leg.chaser.empty()) {
      ChaseDriver driver(*this);
      const Decimal tick = leg.instrument ? leg.instrument->tick : Decimal{};
      leg.chaser.on_quote(leg.top, tick, params_, leg.top.received, driver);
    }
  } else if (const InstrumentUpdate* iu = std::get_if<InstrumentUpdate>(&event)) {
    add_instrument(iu->instrument);
  }
}

// ---------------------------------------------------------------- memory

std::size_t OrderManager::prune_terminal(MonoNanos before) {
  std::size_t n = 0;
  for (auto it = orders_.begin(); it != orders_.end();) {
    const Order& o = it->second;
    if (!o.is_open() && o.last_change < before) {
      if (!o.order_id.empty()) by_order_id_.erase(o.order_id);
      if (auto ch = chains_.find(o.chain); ch != chains_.end() && ch->second.head == o.client_oid) {
        chains_.erase(ch);
        // A chase of the chain has nothing left to move; a client id used again must not inherit it.
        if (Leg* leg = find_leg(o.symbol, o.market)) leg->chaser.stop(o.chain);
      }
      it = orders_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

}  // namespace carry::oms
