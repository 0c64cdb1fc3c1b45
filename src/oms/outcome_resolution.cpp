// What became of each request the shell sent: the results of place, cancel, amend and query, the
// ack timeouts, and the resolution of orders whose outcome is Unknown (a request that may or may
// not have reached the venue) by asking the venue about them.
#include <carry/oms/order_manager.hpp>

#include "oms_detail.hpp"

#include <algorithm>

namespace carry::oms {
namespace {

using namespace detail;

// Errors after which the request may or may not have reached the venue.
bool outcome_unknown(const boost::system::error_code& ec) {
  return ec == Errc::timeout || ec == Errc::network || ec == Errc::http_server_error;
}

// A duplicate-clientOid answer (45034, 43118) means an order with this id exists on the venue (an
// earlier send got through): what it is must be asked, it is never a rejection.
bool order_may_exist(const boost::system::error_code& ec) { return outcome_unknown(ec) || ec == Errc::duplicate; }

}  // namespace

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

void OrderManager::on_request_written(std::string_view client_oid) {
  Order* o = find_mut(client_oid);
  if (!o || !o->request_open) return;
  o->written = true;
  o->sent_at = clock_.mono();
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

void OrderManager::query_open_orders() {
  std::vector<std::string> ids(open_.begin(), open_.end());
  std::sort(ids.begin(), ids.end());
  for (const auto& oid : ids)
    if (Order* o = find_mut(oid); o && !o->query_pending) push_query(*o);
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

}  // namespace carry::oms
