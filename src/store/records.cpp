#include <carry/store/records.hpp>

namespace carry::store {
namespace {

nlohmann::json opt(const std::optional<Decimal>& d) {
  return d ? nlohmann::json(d->to_string()) : nlohmann::json(nullptr);
}

// OrderRecord and OrderUpdate carry the same order fields; only their two timestamps differ.
template <class O>
nlohmann::json order_json(const O& o, const char* first_key, UnixNanos first, const char* second_key,
                          UnixNanos second) {
  return {{"client_oid", o.client_oid},
          {"order_id", o.order_id},
          {"symbol", o.symbol},
          {"market", to_string(o.market)},
          {"side", to_string(o.side)},
          {"type", to_string(o.type)},
          {"tif", to_string(o.tif)},
          {"price", opt(o.price)},
          {"size", o.size.to_string()},
          {"filled_size", o.filled_size.to_string()},
          {"avg_price", opt(o.avg_price)},
          {"status", to_string(o.status)},
          {"reduce_only", o.reduce_only},
          {"reason", o.reason},
          {first_key, first.ns},
          {second_key, second.ns}};
}

}  // namespace

OrderRecord OrderRecord::from(const OrderUpdate& u) {
  OrderRecord o;
  o.spec() = u.spec();
  o.client_oid = u.client_oid;
  o.order_id = u.order_id;
  o.filled_size = u.filled_size;
  o.avg_price = u.avg_price;
  o.status = u.status;
  o.reason = u.reason;
  // The venue's update time when it gave one; our receive time otherwise (local statuses).
  o.updated = u.ts_event.ns != 0 ? u.ts_event : u.ts_init;
  o.created = o.updated;
  return o;
}

OrderUpdate OrderRecord::as_update() const {
  OrderUpdate u;
  u.spec() = spec();
  u.client_oid = client_oid;
  u.order_id = order_id;
  u.filled_size = filled_size;
  u.avg_price = avg_price;
  u.status = status;
  u.reason = reason;
  u.ts_event = u.ts_init = updated;
  return u;
}

OrderRecord OrderRecord::from_request(const PlaceOrderRequest& r, OrderStatus status, UnixNanos ts) {
  OrderRecord o;
  o.spec() = r.spec();
  o.client_oid = r.client_oid;
  o.status = status;
  o.created = ts;
  o.updated = ts;
  return o;
}

FundingRecord FundingRecord::from(const FundingPayment& p) {
  FundingRecord r;
  r.symbol = p.symbol;
  r.ts = p.ts_event;
  r.rate = p.rate;
  r.position_size = p.position_size;
  r.mark_price = p.mark_price;
  r.amount = p.amount;
  r.ts_init = p.ts_init;
  return r;
}

PositionSnapshotRecord PositionSnapshotRecord::from(const PositionUpdate& p) {
  PositionSnapshotRecord r;
  r.ts = p.ts_event.ns != 0 ? p.ts_event : p.ts_init;
  r.symbol = p.symbol;
  r.market = MarketType::Perp;
  r.size = p.size;
  r.entry_price = p.entry_price;
  r.mark_price = p.mark_price;
  r.unrealized_pnl = p.unrealized_pnl;
  return r;
}

nlohmann::json to_json(const OrderRecord& r) { return order_json(r, "created_ns", r.created, "updated_ns", r.updated); }

nlohmann::json to_json(const OrderUpdate& u) {
  return order_json(u, "ts_event_ns", u.ts_event, "ts_init_ns", u.ts_init);
}

nlohmann::json to_json(const Fill& f) {
  return {{"symbol", f.symbol},
          {"market", to_string(f.market)},
          {"client_oid", f.client_oid},
          {"order_id", f.order_id},
          {"trade_id", f.trade_id},
          {"side", to_string(f.side)},
          {"price", f.price.to_string()},
          {"size", f.size.to_string()},
          {"fee", f.fee.to_string()},
          {"fee_coin", f.fee_coin},
          {"maker", f.maker},
          {"ts_event_ns", f.ts_event.ns},
          {"ts_init_ns", f.ts_init.ns}};
}

nlohmann::json to_json(const FundingRecord& r) {
  return {{"symbol", r.symbol},
          {"ts_ns", r.ts.ns},
          {"rate", opt(r.rate)},
          {"position_size", opt(r.position_size)},
          {"mark_price", opt(r.mark_price)},
          {"amount", r.amount.to_string()},
          {"ts_init_ns", r.ts_init.ns}};
}

nlohmann::json to_json(const PositionSnapshotRecord& r) {
  return {{"ts_ns", r.ts.ns},
          {"symbol", r.symbol},
          {"market", to_string(r.market)},
          {"size", r.size.to_string()},
          {"entry_price", opt(r.entry_price)},
          {"mark_price", opt(r.mark_price)},
          {"unrealized_pnl", r.unrealized_pnl.to_string()}};
}

nlohmann::json to_json(const DailyPnlRecord& r) {
  return {{"date", r.date},
          {"symbol", r.symbol},
          {"funding", r.funding.to_string()},
          {"fees", r.fees.to_string()},
          {"basis_pnl", r.basis_pnl.to_string()},
          {"realized_pnl", r.realized_pnl.to_string()},
          {"net_pnl", r.net_pnl.to_string()},
          {"updated_ns", r.updated.ns}};
}

nlohmann::json to_json(const DecisionRecord& r) {
  return {{"ts_ns", r.ts.ns}, {"symbol", r.symbol}, {"kind", r.kind}, {"reason", r.reason}, {"numbers", r.numbers}};
}

nlohmann::json to_json(const KillSwitchRecord& r) {
  return {{"state", r.state}, {"reason", r.reason}, {"since_ns", r.since.ns}};
}

}  // namespace carry::store
