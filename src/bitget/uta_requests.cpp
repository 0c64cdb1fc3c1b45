#include <carry/bitget/uta_requests.hpp>

#include <carry/core/venue.hpp>

#include "json_body.hpp"

namespace carry::bitget::uta {

using detail::Body;

std::string_view to_wire(Category c) noexcept { return c == Category::Spot ? "SPOT" : "USDT-FUTURES"; }

std::optional<MarketType> market_from_category(std::string_view c) noexcept {
  if (c == "SPOT" || c == "spot") return MarketType::Spot;
  constexpr std::string_view upper = "-FUTURES", lower = "-futures";
  if (c.size() > upper.size()) {
    const auto tail = c.substr(c.size() - upper.size());
    if (tail == upper || tail == lower) return MarketType::Perp;
  }
  return std::nullopt;
}

namespace {

// The doc's clientOid rule is ^[.A-Z:/a-z0-9_-]{1,32}$; anything else is refused before sending
// so a rejected id can never leave an order in an unknown state.
constexpr std::size_t kMaxClientOid = 32;
constexpr std::size_t kMaxBatch = 20;

std::optional<Error> check_client_oid(std::string_view oid, const char* field) {
  if (oid.size() > kMaxClientOid) return invalid_argument(std::string(field) + ": longer than 32 characters");
  for (char c : oid) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == ':' || c == '/' || c == '_' || c == '-';
    if (!ok) return invalid_argument(std::string(field) + ": character outside [.A-Z:/a-z0-9_-]");
  }
  return std::nullopt;
}

std::optional<Error> check_ref(const OrderRef& ref) {
  if (ref.order_id.empty() && ref.client_oid.empty()) return invalid_argument("orderId/clientOid: one is required");
  return check_client_oid(ref.client_oid, "clientOid");
}

std::optional<Error> check_limit(int limit, int max, const char* field = "limit") {
  if (limit < 1 || limit > max)
    return invalid_argument(std::string(field) + ": must be 1.." + std::to_string(max) + ", got " +
                            std::to_string(limit));
  return std::nullopt;
}

std::optional<Error> check_window(TimeWindow w) {
  if (w.end <= w.start) return invalid_argument("startTime/endTime: the window must end after it starts");
  if (w.end.ms() - w.start.ms() > kMaxWindowMs) return invalid_argument("startTime/endTime: longer than 30 days");
  return std::nullopt;
}

Request get(std::string path, QueryParams q, bool sign) {
  return Request{Method::Get, std::move(path), std::move(q), {}, sign};
}
Request post(std::string path, std::string body) {
  return Request{Method::Post, std::move(path), {}, std::move(body), true};
}

void add_if(QueryParams& q, const char* key, std::string_view v) {
  if (!v.empty()) q.emplace_back(key, std::string(v));
}

void ref_fields(Body& b, const OrderRef& ref) {
  if (!ref.order_id.empty()) {
    b.str("orderId", ref.order_id);
  } else {
    b.str("clientOid", ref.client_oid);
  }
}

std::optional<Error> check_order(const OrderRequest& r) {
  if (r.symbol.empty()) return invalid_argument("symbol: empty");
  if (!r.qty.is_positive()) return invalid_argument("qty: must be positive, got " + r.qty.to_string());
  if (r.type == OrderType::Limit && (!r.price || !r.price->is_positive()))
    return invalid_argument("price: a limit order needs a positive price");
  if (r.reduce_only && r.category == Category::Spot) return invalid_argument("reduceOnly: futures only");
  return check_client_oid(r.client_oid, "clientOid");
}

// in_batch: place-batch documents no reduceOnly ("reduce-only orders are not supported").
void order_fields(Body& b, const OrderRequest& r, bool in_batch) {
  b.str("category", to_wire(r.category)).str("symbol", r.symbol).dec("qty", r.qty);
  if (r.type == OrderType::Limit) b.dec("price", *r.price);
  b.str("side", bitget::to_wire(r.side)).str("orderType", bitget::to_wire(r.type));
  // timeInForce only applies to limit orders (the doc: "required when orderType is limit").
  if (r.type == OrderType::Limit) b.str("timeInForce", bitget::to_wire(r.tif));
  if (!r.client_oid.empty()) b.str("clientOid", r.client_oid);
  // Explicit on every futures order so a close can never be read as an open; never posSide.
  if (r.category == Category::UsdtFutures && !in_batch) b.str("reduceOnly", r.reduce_only ? "yes" : "no");
}

}  // namespace

Request instruments(Category c, std::string_view symbol) {
  QueryParams q{{"category", std::string(to_wire(c))}};
  add_if(q, "symbol", symbol);
  return get("/api/v3/market/instruments", std::move(q), false);
}

Request tickers(Category c, std::string_view symbol) {
  QueryParams q{{"category", std::string(to_wire(c))}};
  add_if(q, "symbol", symbol);
  return get("/api/v3/market/tickers", std::move(q), false);
}

WireResult<Request> orderbook(Category c, std::string_view symbol, int limit) {
  if (symbol.empty()) return invalid_argument("symbol: empty");
  if (auto e = check_limit(limit, 200)) return *e;
  return get("/api/v3/market/orderbook",
             {{"category", std::string(to_wire(c))}, {"symbol", std::string(symbol)}, {"limit", std::to_string(limit)}},
             false);
}

WireResult<Request> current_fund_rate(std::string_view symbol) {
  if (symbol.empty()) return invalid_argument("symbol: required by current-fund-rate");
  return get("/api/v3/market/current-fund-rate", {{"symbol", std::string(symbol)}}, false);
}

WireResult<Request> history_fund_rate(std::string_view symbol, int page, int limit) {
  if (symbol.empty()) return invalid_argument("symbol: empty");
  if (auto e = check_limit(page, 100, "cursor")) return *e;
  if (auto e = check_limit(limit, 200)) return *e;
  return get("/api/v3/market/history-fund-rate",
             {{"category", "USDT-FUTURES"},
              {"symbol", std::string(symbol)},
              {"cursor", std::to_string(page)},
              {"limit", std::to_string(limit)}},
             false);
}

WireResult<Request> candles(Category c, std::string_view symbol, std::string_view interval,
                            std::optional<UnixNanos> start, std::optional<UnixNanos> end, int limit) {
  static constexpr std::string_view kIntervals[] = {"1m", "3m", "5m", "15m", "30m", "1H", "4H", "6H", "12H", "1D"};
  if (symbol.empty()) return invalid_argument("symbol: empty");
  bool known = false;
  for (auto i : kIntervals) known |= i == interval;
  if (!known) return invalid_argument("interval: unknown value \"" + std::string(interval) + "\"");
  if (auto e = check_limit(limit, 100)) return *e;
  QueryParams q{{"category", std::string(to_wire(c))},
                {"symbol", std::string(symbol)},
                {"interval", std::string(interval)},
                {"limit", std::to_string(limit)}};
  if (start) q.emplace_back("startTime", std::to_string(start->ms()));
  if (end) q.emplace_back("endTime", std::to_string(end->ms()));
  return get("/api/v3/market/candles", std::move(q), false);
}

Request account_settings() { return get("/api/v3/account/settings", {}, true); }
Request account_assets() { return get("/api/v3/account/assets", {}, true); }

WireResult<Request> set_leverage(std::string_view symbol, int leverage) {
  if (symbol.empty()) return invalid_argument("symbol: required for futures leverage");
  if (leverage < 1) return invalid_argument("leverage: must be >= 1");
  Body b;
  b.str("category", "USDT-FUTURES").str("symbol", symbol).str("leverage", std::to_string(leverage));
  return post("/api/v3/account/set-leverage", std::move(b).done());
}

Request set_hold_mode(PositionMode mode) {
  Body b;
  b.str("holdMode", bitget::to_wire(mode));
  return post("/api/v3/account/set-hold-mode", std::move(b).done());
}

WireResult<Request> financial_records(Category c, TimeWindow window, std::string_view cursor, std::string_view type,
                                      int limit) {
  if (auto e = check_window(window)) return *e;
  if (auto e = check_limit(limit, 100)) return *e;
  QueryParams q{{"category", std::string(to_wire(c))},
                {"startTime", std::to_string(window.start.ms())},
                {"endTime", std::to_string(window.end.ms())},
                {"limit", std::to_string(limit)}};
  add_if(q, "type", type);
  add_if(q, "cursor", cursor);
  return get("/api/v3/account/financial-records", std::move(q), true);
}

WireResult<Request> fills(Category c, TimeWindow window, std::string_view cursor, std::string_view order_id,
                          int limit) {
  if (auto e = check_window(window)) return *e;
  if (auto e = check_limit(limit, 100)) return *e;
  QueryParams q{{"category", std::string(to_wire(c))},
                {"startTime", std::to_string(window.start.ms())},
                {"endTime", std::to_string(window.end.ms())},
                {"limit", std::to_string(limit)}};
  add_if(q, "orderId", order_id);
  add_if(q, "cursor", cursor);
  return get("/api/v3/trade/fills", std::move(q), true);
}

Result<OrderRequest> to_order(const PlaceOrderRequest& req) {
  OrderRequest r;
  r.category = category_of(req.market);
  r.symbol = req.symbol;
  r.side = req.side;
  r.type = req.type;
  r.tif = req.tif;
  r.qty = req.size;
  r.price = req.price;
  r.client_oid = req.client_oid;
  r.reduce_only = req.reduce_only;
  if (req.market == MarketType::Spot && req.type == OrderType::Market && req.side == Side::Buy) {
    // v3 sizes a spot market BUY in quote coin, as v2 does.
    if (!req.price) return make_error_code(Errc::invalid_argument);
    auto quote = req.size.checked_mul(*req.price);
    if (!quote) return quote.error();
    r.qty = *quote;
  }
  if (r.type == OrderType::Market) r.price.reset();
  return r;
}

WireResult<std::string> order_body(const OrderRequest& r) {
  if (auto e = check_order(r)) return *e;
  Body b;
  order_fields(b, r, false);
  return std::move(b).done();
}

WireResult<Request> place_order(const OrderRequest& r) {
  auto body = order_body(r);
  if (!body) return body.error();
  return post("/api/v3/trade/place-order", std::move(*body));
}

WireResult<Request> place_batch(const std::vector<OrderRequest>& orders) {
  if (orders.empty()) return invalid_argument("orders: empty");
  if (orders.size() > kMaxBatch) return invalid_argument("orders: more than 20");
  std::string list = "[";
  for (std::size_t i = 0; i < orders.size(); ++i) {
    if (orders[i].category != orders.front().category)
      return invalid_argument("orders[" + std::to_string(i) + "].category: differs from the first order");
    const std::string where = "orders[" + std::to_string(i) + "]";
    if (orders[i].reduce_only) return invalid_argument(where + ".reduceOnly: place-batch does not support reduce-only");
    if (auto e = check_order(orders[i])) return Error{e->errc, {}, where + ": " + e->message};
    Body b;
    order_fields(b, orders[i], true);
    if (i) list.push_back(',');
    list += std::move(b).done();
  }
  list.push_back(']');
  return post("/api/v3/trade/place-batch", std::move(list));
}

WireResult<Request> cancel_order(Category c, const OrderRef& ref) {
  if (auto e = check_ref(ref)) return *e;
  Body b;
  ref_fields(b, ref);
  b.str("category", to_wire(c));
  return post("/api/v3/trade/cancel-order", std::move(b).done());
}

WireResult<Request> modify_order(Category c, std::string_view symbol, const OrderRef& ref, std::optional<Decimal> qty,
                                 std::optional<Decimal> price, bool auto_cancel) {
  if (auto e = check_ref(ref)) return *e;
  if (!qty && !price) return invalid_argument("qty/price: one is required");
  if ((qty && !qty->is_positive()) || (price && !price->is_positive()))
    return invalid_argument("qty/price: must be positive");
  Body b;
  ref_fields(b, ref);
  if (qty) b.dec("qty", *qty);
  if (price) b.dec("price", *price);
  b.str("autoCancel", auto_cancel ? "yes" : "no");
  if (!symbol.empty()) b.str("symbol", symbol);
  b.str("category", to_wire(c));
  return post("/api/v3/trade/modify-order", std::move(b).done());
}

WireResult<Request> cancel_batch(Category c, std::string_view symbol, const std::vector<OrderRef>& refs) {
  if (symbol.empty()) return invalid_argument("symbol: empty");
  if (refs.empty()) return invalid_argument("orders: empty");
  if (refs.size() > kMaxBatch) return invalid_argument("orders: more than 20");
  std::string list = "[";
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (auto e = check_ref(refs[i])) return Error{e->errc, {}, "orders[" + std::to_string(i) + "]: " + e->message};
    Body b;
    ref_fields(b, refs[i]);
    b.str("category", to_wire(c)).str("symbol", symbol);
    if (i) list.push_back(',');
    list += std::move(b).done();
  }
  list.push_back(']');
  return post("/api/v3/trade/cancel-batch", std::move(list));
}

Request cancel_symbol_order(Category c, std::string_view symbol) {
  Body b;
  b.str("category", to_wire(c));
  if (!symbol.empty()) b.str("symbol", symbol);
  return post("/api/v3/trade/cancel-symbol-order", std::move(b).done());
}

WireResult<Request> order_info(const OrderRef& ref) {
  if (auto e = check_ref(ref)) return *e;
  QueryParams q;
  if (!ref.order_id.empty()) {
    q.emplace_back("orderId", ref.order_id);
  } else {
    q.emplace_back("clientOid", ref.client_oid);
  }
  return get("/api/v3/trade/order-info", std::move(q), true);
}

WireResult<Request> unfilled_orders(Category c, std::string_view symbol, std::string_view cursor, int limit) {
  if (auto e = check_limit(limit, 100)) return *e;
  QueryParams q{{"category", std::string(to_wire(c))}, {"limit", std::to_string(limit)}};
  add_if(q, "symbol", symbol);
  add_if(q, "cursor", cursor);
  return get("/api/v3/trade/unfilled-orders", std::move(q), true);
}

WireResult<Request> history_orders(Category c, TimeWindow window, std::string_view cursor, std::string_view symbol,
                                   int limit) {
  if (auto e = check_window(window)) return *e;
  if (auto e = check_limit(limit, 100)) return *e;
  QueryParams q{{"category", std::string(to_wire(c))},
                {"startTime", std::to_string(window.start.ms())},
                {"endTime", std::to_string(window.end.ms())},
                {"limit", std::to_string(limit)}};
  add_if(q, "symbol", symbol);
  add_if(q, "cursor", cursor);
  return get("/api/v3/trade/history-orders", std::move(q), true);
}

Request current_position(std::string_view symbol) {
  QueryParams q{{"category", "USDT-FUTURES"}};
  add_if(q, "symbol", symbol);
  return get("/api/v3/position/current-position", std::move(q), true);
}

}  // namespace carry::bitget::uta
