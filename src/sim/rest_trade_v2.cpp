// Private v2 trading REST (REFERENCE section 4): place / batch / cancel / modify and the order and
// fill queries of spot and USDT-M futures. The handlers that differ only by market are templates
// over it; the ones whose wire shape differs stay separate.
#include "rest_router.hpp"
#include "wire.hpp"

namespace carry::sim::rest {

namespace {

const InstrumentSpec& spec_of(const Call& c, Market m, const std::string& sym) {
  return c.sim.market().find(m, sym)->spec;
}

template <Market M>
HttpResponse place_order(const Call& c) {
  auto req = parse_place([&c](const std::string& k) { return c.get(k); }, M);
  if (auto* e = std::get_if<ApiError>(&req)) return c.fail(*e);
  auto r = c.sim.exchange().place(c.account, std::get<PlaceRequest>(req), c.now);
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  return c.ok(order_ids(std::get<Order>(r)));
}

json batch_failure(const std::string& oid, const std::string& coid, const ApiError& e) {
  return {{"orderId", oid}, {"clientOid", coid}, {"errorMsg", e.msg}, {"errorCode", e.code}};
}

// Each entry of orderList is placed on its own: one bad entry fails alone (partial success).
template <Market M>
HttpResponse batch_place(const Call& c) {
  if (M == Market::Perp) {
    if (auto e = need_symbol(c, M)) return c.fail(*e);
  }
  const json& list = c.p.body.contains("orderList") ? c.p.body["orderList"] : json();
  if (!list.is_array() || list.empty()) return c.fail(missing("orderList"));
  if (list.size() > 50) return c.fail({"40306", "Batch processing orders can only process up to 50", 400});
  json success = json::array(), failure = json::array();
  for (const auto& entry : list) {
    Getter g = [&](const std::string& k) {
      if (entry.is_object() && entry.contains(k)) return Params::value_string(entry.at(k));
      return c.get(k);
    };
    auto req = parse_place(g, M);
    ApiResult<Order> r = std::holds_alternative<ApiError>(req)
                             ? ApiResult<Order>(std::get<ApiError>(req))
                             : c.sim.exchange().place(c.account, std::get<PlaceRequest>(req), c.now);
    if (auto* e = std::get_if<ApiError>(&r))
      failure.push_back(batch_failure("", g("clientOid"), *e));
    else
      success.push_back(order_ids(std::get<Order>(r)));
  }
  return c.ok({{"successList", success}, {"failureList", failure}});
}

template <Market M>
HttpResponse cancel_order(const Call& c) {
  if (auto e = need_symbol(c, M)) return c.fail(*e);
  if (c.get("orderId").empty() && c.get("clientOid").empty()) return c.fail(missing("orderId"));
  auto r = c.sim.exchange().cancel(c.account, M, c.get("symbol"), c.get("orderId"), c.get("clientOid"), c.now);
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  return c.ok(order_ids(std::get<Order>(r)));
}

void cancel_each(const Call& c, Market m, const json& list, json& success, json& failure) {
  for (const auto& entry : list) {
    const auto oid = entry.contains("orderId") ? Params::value_string(entry["orderId"]) : "";
    const auto coid = entry.contains("clientOid") ? Params::value_string(entry["clientOid"]) : "";
    auto r = c.sim.exchange().cancel(c.account, m, c.get("symbol"), oid, coid, c.now);
    if (auto* e = std::get_if<ApiError>(&r))
      failure.push_back(batch_failure(oid, coid, *e));
    else
      success.push_back(order_ids(std::get<Order>(r)));
  }
}

HttpResponse spot_batch_cancel(const Call& c) {
  if (auto e = need_symbol(c, Market::Spot)) return c.fail(*e);
  const json& list = c.p.body.contains("orderList") ? c.p.body["orderList"] : json();
  if (!list.is_array() || list.empty()) return c.fail(missing("orderList"));
  json success = json::array(), failure = json::array();
  cancel_each(c, Market::Spot, list, success, failure);
  return c.ok({{"successList", success}, {"failureList", failure}});
}

// batch-cancel-orders with orderIdList cancels those; without (and cancel-all-orders) every
// pending order of the symbol, or of the account when no symbol is given.
HttpResponse mix_batch_cancel(const Call& c) {
  json success = json::array(), failure = json::array();
  const json& list = c.p.body.contains("orderIdList") ? c.p.body["orderIdList"] : json();
  if (list.is_array() && !list.empty()) {
    if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
    cancel_each(c, Market::Perp, list, success, failure);
  } else {
    for (const auto& o : c.sim.exchange().cancel_all(c.account, Market::Perp, c.get("symbol"), c.now))
      success.push_back(order_ids(o));
  }
  return c.ok({{"successList", success}, {"failureList", failure}});
}

HttpResponse spot_cancel_symbol(const Call& c) {
  if (auto e = need_symbol(c, Market::Spot)) return c.fail(*e);
  c.sim.exchange().cancel_all(c.account, Market::Spot, c.get("symbol"), c.now);
  return c.ok({{"symbol", c.get("symbol")}});
}

std::optional<ApiError> optional_decimal(const Call& c, const std::string& key, std::optional<Decimal>& out) {
  if (c.get(key).empty()) return std::nullopt;
  auto d = Decimal::parse(c.get(key));
  if (!d) return bad(key);
  out = *d;
  return std::nullopt;
}

HttpResponse mix_modify(const Call& c) {
  if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  if (c.get("orderId").empty() && c.get("clientOid").empty()) return c.fail(missing("orderId"));
  std::optional<Decimal> ns, np;
  if (auto e = optional_decimal(c, "newSize", ns)) return c.fail(*e);
  if (auto e = optional_decimal(c, "newPrice", np)) return c.fail(*e);
  auto r = c.sim.exchange().modify(c.account, c.get("symbol"), c.get("orderId"), c.get("clientOid"),
                                   c.get("newClientOid"), ns, np, c.now);
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  return c.ok(order_ids(std::get<Order>(r)));
}

HttpResponse spot_cancel_replace(const Call& c) {
  if (auto e = need_symbol(c, Market::Spot)) return c.fail(*e);
  if (c.get("orderId").empty() && c.get("clientOid").empty()) return c.fail(missing("orderId"));
  if (c.get("price").empty()) return c.fail(missing("price"));
  if (c.get("size").empty()) return c.fail(missing("size"));
  auto price = Decimal::parse(c.get("price"));
  auto size = Decimal::parse(c.get("size"));
  if (!price) return c.fail(bad("price"));
  if (!size) return c.fail(bad("size"));
  auto r = c.sim.exchange().cancel_replace(c.account, c.get("symbol"), c.get("orderId"), c.get("clientOid"),
                                           c.get("newClientOid"), *price, *size, c.now);
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  const auto& o = std::get<Order>(r);
  return c.ok({{"orderId", o.order_id}, {"clientOid", o.client_oid}, {"success", "success"}, {"msg", ""}});
}

HttpResponse mix_detail(const Call& c) {
  if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  if (c.get("orderId").empty() && c.get("clientOid").empty()) return c.fail(missing("orderId"));
  const Order* o = c.sim.exchange().find_order(c.account, Market::Perp, c.get("orderId"), c.get("clientOid"));
  if (!o || o->symbol != c.get("symbol"))
    return c.fail({"40109", "The data of the order cannot be found, please confirm the order number", 400});
  return c.ok(wire::perp_order_rest(*o, spec_of(c, Market::Perp, o->symbol), true));
}

HttpResponse spot_order_info(const Call& c) {
  if (c.get("orderId").empty() && c.get("clientOid").empty()) return c.fail(missing("orderId"));
  const Order* o = c.sim.exchange().find_order(c.account, Market::Spot, c.get("orderId"), c.get("clientOid"));
  if (!o) return c.fail({"43001", "The order does not exist", 400});
  return c.ok(json::array({wire::spot_order_rest(*o, spec_of(c, Market::Spot, o->symbol), false)}));
}

// Order ids are decimal strings of growing length: compare by length, then text.
bool id_less(const std::string& a, const std::string& b) {
  return a.size() < b.size() || (a.size() == b.size() && a < b);
}

HttpResponse mix_orders(const Call& c) {
  const bool pending = c.path.ends_with("pending");
  const auto limit = limit_param(c.get("limit"), 100, 100);
  const auto id_lt = c.get("idLessThan");
  const auto status = c.get("status");
  const auto sym = c.get("symbol");
  json list = json::array();
  for (const Order* o : c.sim.exchange().orders(c.account, Market::Perp, pending)) {
    if (!sym.empty() && o->symbol != sym) continue;
    if (!c.get("orderId").empty() && o->order_id != c.get("orderId")) continue;
    if (!c.get("clientOid").empty() && o->client_oid != c.get("clientOid")) continue;
    if (!status.empty() && std::string(to_string(o->status, Market::Perp)) != status) continue;
    if (!id_lt.empty() && !id_less(o->order_id, id_lt)) continue;
    if (static_cast<std::int64_t>(list.size()) >= limit) break;
    list.push_back(wire::perp_order_rest(*o, spec_of(c, Market::Perp, o->symbol), false));
  }
  json end_id = list.empty() ? json(nullptr) : json(list.back()["orderId"]);
  return c.ok({{"entrustedList", list}, {"endId", end_id}});
}

HttpResponse spot_orders(const Call& c) {
  const bool pending = c.path.ends_with("unfilled-orders");
  const auto limit = limit_param(c.get("limit"), 100, 100);
  const auto sym = c.get("symbol");
  json list = json::array();
  for (const Order* o : c.sim.exchange().orders(c.account, Market::Spot, pending)) {
    if (!sym.empty() && o->symbol != sym) continue;
    if (!c.get("orderId").empty() && o->order_id != c.get("orderId")) continue;
    if (static_cast<std::int64_t>(list.size()) >= limit) break;
    list.push_back(wire::spot_order_rest(*o, spec_of(c, Market::Spot, o->symbol), pending));
  }
  return c.ok(list);
}

// The account's fills of market `m`, newest first, filtered as both fills endpoints filter.
template <class Render>
json fills(const Call& c, Market m, bool by_id, Render render) {
  const auto limit = limit_param(c.get("limit"), 100, 100);
  const auto start = to_int(c.get("startTime")).value_or(INT64_MIN);
  const auto end = to_int(c.get("endTime")).value_or(INT64_MAX);
  const auto id_lt = by_id ? c.get("idLessThan") : std::string();
  const auto sym = c.get("symbol");
  const auto& all = c.acc().fills;
  json list = json::array();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->market != m) continue;
    if (!sym.empty() && it->symbol != sym) continue;
    if (!c.get("orderId").empty() && it->order_id != c.get("orderId")) continue;
    if (it->ts < start || it->ts > end) continue;
    if (!id_lt.empty() && !(it->trade_id < id_lt)) continue;
    if (static_cast<std::int64_t>(list.size()) >= limit) break;
    list.push_back(render(*it, spec_of(c, m, it->symbol)));
  }
  return list;
}

HttpResponse mix_fills(const Call& c) {
  json list = fills(c, Market::Perp, true, wire::perp_fill_rest);
  json end_id = list.empty() ? json(nullptr) : json(list.back()["tradeId"]);
  return c.ok({{"fillList", list}, {"endId", end_id}});
}

HttpResponse spot_fills(const Call& c) { return c.ok(fills(c, Market::Spot, false, wire::spot_fill_rest)); }

}  // namespace

void add_trade_v2(Router& r) {
  auto mix = [&r](const char* method, const char* path, Handler h) { r.add({method, path, Api::PrivateV2, h, true}); };
  auto spot = [&r](const char* method, const char* path, Handler h) {
    r.add({method, path, Api::PrivateV2, h, false});
  };
  mix("POST", "/api/v2/mix/order/place-order", place_order<Market::Perp>);
  mix("POST", "/api/v2/mix/order/batch-place-order", batch_place<Market::Perp>);
  mix("POST", "/api/v2/mix/order/cancel-order", cancel_order<Market::Perp>);
  mix("POST", "/api/v2/mix/order/batch-cancel-orders", mix_batch_cancel);
  mix("POST", "/api/v2/mix/order/cancel-all-orders", mix_batch_cancel);
  mix("POST", "/api/v2/mix/order/modify-order", mix_modify);
  mix("GET", "/api/v2/mix/order/detail", mix_detail);
  mix("GET", "/api/v2/mix/order/orders-pending", mix_orders);
  mix("GET", "/api/v2/mix/order/orders-history", mix_orders);
  mix("GET", "/api/v2/mix/order/fills", mix_fills);
  mix("GET", "/api/v2/mix/order/fill-history", mix_fills);
  spot("POST", "/api/v2/spot/trade/place-order", place_order<Market::Spot>);
  spot("POST", "/api/v2/spot/trade/batch-orders", batch_place<Market::Spot>);
  spot("POST", "/api/v2/spot/trade/cancel-order", cancel_order<Market::Spot>);
  spot("POST", "/api/v2/spot/trade/batch-cancel-order", spot_batch_cancel);
  spot("POST", "/api/v2/spot/trade/cancel-symbol-order", spot_cancel_symbol);
  spot("POST", "/api/v2/spot/trade/cancel-replace-order", spot_cancel_replace);
  spot("GET", "/api/v2/spot/trade/orderInfo", spot_order_info);
  spot("GET", "/api/v2/spot/trade/unfilled-orders", spot_orders);
  spot("GET", "/api/v2/spot/trade/history-orders", spot_orders);
  spot("GET", "/api/v2/spot/trade/fills", spot_fills);
}

}  // namespace carry::sim::rest
