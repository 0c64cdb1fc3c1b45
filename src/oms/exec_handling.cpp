// The venue's execution stream: order updates, fills (each trade id applied once; fills of an
// order not known yet are held until it is), positions and funding; and the amend chain kept
// within what the strategy asked for when fills race an amend.
#include <carry/oms/order_manager.hpp>

#include "oms_detail.hpp"

#include <algorithm>
#include <type_traits>

namespace carry::oms {

using namespace detail;

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

bool OrderManager::has_trade(MarketType market, std::string_view trade_id) const {
  return seen_trades_.contains(market, trade_id);
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

}  // namespace carry::oms
