// Private v3 (UTA) trading REST over the same matching engine as v2: place-order, place-batch,
// modify-order, cancel-order, cancel-batch, cancel-symbol-order, order-info, unfilled-orders, history-orders,
// fills (SG uta/trade pages). A v3 request is translated to the engine's
// v2 terms; refusals by the engine keep their v2 codes. Hedge mode: v3 says which position with
// posSide and which way with side (closing a long is sell + long); the engine keeps v2's
// "side = position direction + tradeSide", so both directions are converted here.
#include "rest_router.hpp"
#include "wire_v3.hpp"

#include <algorithm>

namespace carry::sim::rest {

namespace {

ApiError v3_missing(const std::string& k) { return {"40017", "Parameter verification failed " + k, 400}; }
ApiError no_order() { return {"25204", "Order does not exist", 400}; }

// SPOT or USDT-FUTURES; the other categories have nothing to trade here (25100).
std::optional<Market> trade_market(const Call& c, std::optional<ApiError>& error) {
  const auto cat = upper(c.get("category"));
  if (cat == "SPOT") return Market::Spot;
  if (cat == "USDT-FUTURES") return Market::Perp;
  if (cat.empty())
    error = v3_missing("category");
  else if (cat == "MARGIN" || cat == "COIN-FUTURES" || cat == "USDC-FUTURES")
    error = ApiError{"25100", "Trading pair " + c.get("symbol") + " does not exist", 400};
  else
    error = ApiError{"40034", "Parameter category does not exist", 400};
  return std::nullopt;
}

// The v2 parameters the engine's parser reads, answered from the v3 request.
Getter v2_view(const Call& c, Market m) {
  const bool hedge = m == Market::Perp && c.acc().pos_mode == "hedge_mode";
  return [&c, m, hedge](const std::string& k) -> std::string {
    const auto side = lower(c.get("side"));
    const auto pos = lower(c.get("posSide"));
    if (k == "size") return c.get("qty");
    if (k == "force") return c.get("timeInForce");
    if (k == "marginMode") return c.acc().margin_mode_for(c.get("symbol"));
    if (k == "marginCoin") return "USDT";
    if (k == "reduceOnly") return hedge ? std::string() : upper(c.get("reduceOnly"));
    if (hedge && k == "side") {
      if (pos == "long") return "buy";
      if (pos == "short") return "sell";
      return side;  // no posSide: the engine refuses the missing tradeSide
    }
    if (hedge && k == "tradeSide") {
      if (pos.empty()) return "";
      return (side == "buy") == (pos == "long") ? "open" : "close";
    }
    if (k == "tradeSide") return "";
    return c.get(k);
  };
}

ApiResult<Order> place_one(const Call& c) {
  std::optional<ApiError> error;
  const auto m = trade_market(c, error);
  if (!m) return *error;
  for (const char* k : {"symbol", "qty", "side", "orderType"})
    if (c.get(k).empty()) return v3_missing(k);
  auto req = parse_place(v2_view(c, *m), *m);
  if (auto* e = std::get_if<ApiError>(&req)) return *e;
  return c.sim.exchange().place(c.account, std::get<PlaceRequest>(req), c.now);
}

HttpResponse place_order(const Call& c) {
  auto r = place_one(c);
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  return c.ok(order_ids(std::get<Order>(r)));
}

// The order named by orderId (wins) or clientOid, in the request's category or in either market.
const Order* find(const Call& c, std::optional<ApiError>& error) {
  if (c.get("orderId").empty() && c.get("clientOid").empty()) {
    error = v3_missing("orderId");
    return nullptr;
  }
  std::vector<Market> markets = {Market::Spot, Market::Perp};
  if (!c.get("category").empty()) {
    const auto m = trade_market(c, error);
    if (!m) return nullptr;
    markets = {*m};
  }
  for (Market m : markets)
    if (const Order* o = c.sim.exchange().find_order(c.account, m, c.get("orderId"), c.get("clientOid"))) return o;
  error = no_order();
  return nullptr;
}

json order_v3(const Call& c, const Order& o) {
  return wire::v3::order(o, c.sim.market().find(o.market, o.symbol)->spec, false);
}

HttpResponse order_info(const Call& c) {
  std::optional<ApiError> error;
  const Order* o = find(c, error);
  if (!o) return c.fail(*error);
  return c.ok(order_v3(c, *o));
}

// Order ids are decimal strings of growing length: compare by length, then text.
bool id_less(const std::string& a, const std::string& b) {
  return a.size() < b.size() || (a.size() == b.size() && a < b);
}

// Newest first; `cursor` continues below the last order id of the previous page. Pending orders
// (unfilled-orders, category optional) or finished ones (history-orders, category required).
HttpResponse order_list(const Call& c, bool pending) {
  std::vector<Market> markets = {Market::Spot, Market::Perp};
  if (!c.get("category").empty() || !pending) {
    std::optional<ApiError> error;
    const auto m = trade_market(c, error);
    if (!m) return c.fail(*error);
    markets = {*m};
  }
  std::vector<const Order*> all;
  for (Market m : markets)
    for (const Order* o : c.sim.exchange().orders(c.account, m, pending)) all.push_back(o);
  std::sort(all.begin(), all.end(), [](const Order* a, const Order* b) { return id_less(b->order_id, a->order_id); });
  const auto limit = limit_param(c.get("limit"), 100, 100);
  const auto sym = c.get("symbol");
  const auto cursor = c.get("cursor");
  const auto start = to_int(c.get("startTime")).value_or(INT64_MIN);
  const auto end = to_int(c.get("endTime")).value_or(INT64_MAX);
  json list = json::array();
  for (const Order* o : all) {
    if (!sym.empty() && o->symbol != sym) continue;
    if (!cursor.empty() && !id_less(o->order_id, cursor)) continue;
    if (o->c_time < start || o->c_time > end) continue;
    if (static_cast<std::int64_t>(list.size()) >= limit) break;
    list.push_back(order_v3(c, *o));
  }
  const std::string next = list.empty() ? std::string() : list.back()["orderId"].get<std::string>();
  return c.ok({{"list", list}, {"cursor", next}});
}

HttpResponse unfilled_orders(const Call& c) { return order_list(c, true); }
HttpResponse history_orders(const Call& c) { return order_list(c, false); }

// The body is a JSON array of orders (at most 20); each entry is placed or cancelled on its own
// and answers with its ids, plus `code`/`msg` when it failed (partial success).
template <class One>
HttpResponse batch(const Call& c, One one) {
  const json& list = c.p.body;
  if (!list.is_array() || list.empty()) return c.fail(v3_missing("orders"));
  if (list.size() > 20) return c.fail({"40017", "Parameter verification failed: at most 20 orders per batch", 400});
  json out = json::array();
  for (const auto& entry : list) {
    Params ep;
    ep.body = entry.is_object() ? entry : json::object();
    const Call ec{c.sim, ep, c.account, c.path, c.now};
    ApiResult<Order> r = one(ec);
    if (auto* e = std::get_if<ApiError>(&r))
      out.push_back(
          {{"orderId", ec.get("orderId")}, {"clientOid", ec.get("clientOid")}, {"code", e->code}, {"msg", e->msg}});
    else
      out.push_back(order_ids(std::get<Order>(r)));
  }
  return c.ok(out);
}

ApiResult<Order> cancel_one(const Call& c) {
  std::optional<ApiError> error;
  const Order* o = find(c, error);
  if (!o) return *error;
  const Order found = *o;  // cancel() may move the stored order
  return c.sim.exchange().cancel(c.account, found.market, found.symbol, found.order_id, "", c.now);
}

HttpResponse cancel_order(const Call& c) {
  auto r = cancel_one(c);
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  return c.ok(order_ids(std::get<Order>(r)));
}

// The order keeps its orderId and clientOid (exchange_amend.cpp). autoCancel=yes: a refused amend
// cancels the order instead of leaving it as it was.
HttpResponse modify_order(const Call& c) {
  std::optional<ApiError> error;
  const Order* o = find(c, error);
  if (!o) return c.fail(*error);
  if (!c.get("symbol").empty() && c.get("symbol") != o->symbol) return c.fail(no_order());
  if (c.get("qty").empty() && c.get("price").empty()) return c.fail(v3_missing("qty"));
  std::optional<Decimal> qty, price;
  for (auto [key, out] : {std::pair{"qty", &qty}, std::pair{"price", &price}}) {
    if (c.get(key).empty()) continue;
    auto d = Decimal::parse(c.get(key));
    if (!d) return c.fail(v3_missing(key));
    *out = *d;
  }
  const Order found = *o;  // amend() may fill and move on
  auto r = c.sim.exchange().amend(c.account, found.market, found.order_id, qty, price, c.now);
  if (auto* e = std::get_if<ApiError>(&r)) {
    if (lower(c.get("autoCancel")) == "yes" && found.pending())
      (void)c.sim.exchange().cancel(c.account, found.market, found.symbol, found.order_id, "", c.now);
    return c.fail(*e);
  }
  return c.ok(order_ids(std::get<Order>(r)));
}

HttpResponse place_batch(const Call& c) { return batch(c, place_one); }
HttpResponse cancel_batch(const Call& c) { return batch(c, cancel_one); }

// Every pending order of the category, or of one symbol of it.
HttpResponse cancel_symbol_order(const Call& c) {
  std::optional<ApiError> error;
  const auto m = trade_market(c, error);
  if (!m) return c.fail(*error);
  json list = json::array();
  for (const auto& o : c.sim.exchange().cancel_all(c.account, *m, c.get("symbol"), c.now)) list.push_back(order_ids(o));
  return c.ok({{"list", list}});
}

json fill_v3(const Call& c, const Fill& f) {
  const auto& spec = c.sim.market().find(f.market, f.symbol)->spec;
  return wire::v3::fill(f, spec, wire::v3::fill_trade_side(c.sim.exchange(), f), false);
}

// Newest first; `cursor` continues below the last execId of the previous page.
HttpResponse fills(const Call& c) {
  std::optional<Market> only;
  if (!c.get("category").empty()) {
    std::optional<ApiError> error;
    only = trade_market(c, error);
    if (!only) return c.fail(*error);
  }
  const auto limit = limit_param(c.get("limit"), 100, 100);
  const auto start = to_int(c.get("startTime")).value_or(INT64_MIN);
  const auto end = to_int(c.get("endTime")).value_or(INT64_MAX);
  const auto cursor = c.get("cursor");
  const auto oid = c.get("orderId");
  const auto& all = c.acc().fills;
  json list = json::array();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (only && it->market != *only) continue;
    if (!oid.empty() && it->order_id != oid) continue;
    if (it->ts < start || it->ts > end) continue;
    if (!cursor.empty() && !id_less(it->trade_id, cursor)) continue;
    if (static_cast<std::int64_t>(list.size()) >= limit) break;
    list.push_back(fill_v3(c, *it));
  }
  const std::string next = list.empty() ? std::string() : list.back()["execId"].get<std::string>();
  return c.ok({{"list", list}, {"cursor", next}});
}

}  // namespace

void add_trade_v3(Router& r) {
  r.add({"GET", "/api/v3/trade/fills", Api::PrivateV3, fills});
  r.add({"POST", "/api/v3/trade/place-order", Api::PrivateV3, place_order});
  r.add({"POST", "/api/v3/trade/cancel-order", Api::PrivateV3, cancel_order});
  r.add({"POST", "/api/v3/trade/modify-order", Api::PrivateV3, modify_order});
  r.add({"GET", "/api/v3/trade/order-info", Api::PrivateV3, order_info});
  r.add({"GET", "/api/v3/trade/unfilled-orders", Api::PrivateV3, unfilled_orders});
  r.add({"GET", "/api/v3/trade/history-orders", Api::PrivateV3, history_orders});
  r.add({"POST", "/api/v3/trade/place-batch", Api::PrivateV3, place_batch});
  r.add({"POST", "/api/v3/trade/cancel-batch", Api::PrivateV3, cancel_batch});
  r.add({"POST", "/api/v3/trade/cancel-symbol-order", Api::PrivateV3, cancel_symbol_order});
}

}  // namespace carry::sim::rest
