// Typed private REST of Classic (v2), trading: orders, their lookups and fills, USDT-M perpetual
// then spot.
#include "gateway_impl.hpp"

namespace carry::bitget {

namespace asio = boost::asio;
using nlohmann::json;

// ---------- USDT-M perpetual ----------
asio::awaitable<Result<OrderIds>> Gateway::perp_place(PerpOrderRequest r, std::function<void()> on_write) {
  auto body = build_perp_place_body(r);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderIds>(post("/api/v2/mix/order/place-order", std::move(*body), std::move(on_write)),
                                           [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<BatchResult>> Gateway::perp_batch_place(std::vector<PerpOrderRequest> orders) {
  auto body = build_perp_batch_place_body(orders);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<BatchResult>(post("/api/v2/mix/order/batch-place-order", std::move(*body)),
                                              [](const json& d) { return parse_batch_result(d); });
}

asio::awaitable<Result<OrderIds>> Gateway::perp_cancel(std::string symbol, OrderRef ref) {
  auto body = build_perp_cancel_body(symbol, ref, impl_->config.product_type, impl_->config.margin_coin);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderIds>(post("/api/v2/mix/order/cancel-order", std::move(*body)),
                                           [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<OrderIds>> Gateway::perp_modify(std::string symbol, OrderRef ref, std::string new_client_oid,
                                                       Decimal new_size, Decimal new_price,
                                                       std::function<void()> on_write) {
  auto body = build_perp_modify_body(symbol, ref, new_client_oid, new_size, new_price, impl_->config.product_type,
                                     impl_->config.margin_coin);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderIds>(
      post("/api/v2/mix/order/modify-order", std::move(*body), std::move(on_write)),
      [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<std::vector<VenueOrder>>> Gateway::perp_open_orders(std::string symbol) {
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<VenueOrder>>(get("/api/v2/mix/order/orders-pending", std::move(q), true),
                                                          [t](const json& d) { return parse_perp_order_list(d, t); });
}

asio::awaitable<Result<VenueOrder>> Gateway::perp_order_detail(std::string symbol, OrderRef ref) {
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  if (!ref.order_id.empty()) {
    add(q, "orderId", ref.order_id);
  } else {
    add(q, "clientOid", ref.client_oid);
  }
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<VenueOrder>(get("/api/v2/mix/order/detail", std::move(q), true),
                                             [t](const json& d) { return parse_perp_order_detail(d, t); });
}

asio::awaitable<Result<FillsPage>> Gateway::perp_fills(FillsQuery fq) {
  QueryParams q = impl_->product();
  add(q, "symbol", fq.symbol);
  add(q, "orderId", fq.order_id);
  add_ms(q, "startTime", fq.start);
  add_ms(q, "endTime", fq.end);
  add(q, "idLessThan", fq.id_less_than);
  add_int(q, "limit", fq.limit);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<FillsPage>(get("/api/v2/mix/order/fills", std::move(q), true),
                                            [t](const json& d) { return parse_perp_fills(d, t); });
}

// ---------- spot ----------
asio::awaitable<Result<OrderIds>> Gateway::spot_place(SpotOrderRequest r, std::function<void()> on_write) {
  auto body = build_spot_place_body(r);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderIds>(
      post("/api/v2/spot/trade/place-order", std::move(*body), std::move(on_write)),
      [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<OrderIds>> Gateway::spot_cancel(std::string symbol, OrderRef ref) {
  auto body = build_spot_cancel_body(symbol, ref);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderIds>(post("/api/v2/spot/trade/cancel-order", std::move(*body)),
                                           [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<CancelReplaceAck>> Gateway::spot_cancel_replace(std::string symbol, OrderRef ref,
                                                                       std::string new_client_oid, Decimal new_size,
                                                                       Decimal new_price,
                                                                       std::function<void()> on_write) {
  auto body = build_spot_cancel_replace_body(symbol, ref, new_client_oid, new_size, new_price);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<CancelReplaceAck>(
      post("/api/v2/spot/trade/cancel-replace-order", std::move(*body), std::move(on_write)),
      [](const json& d) { return parse_cancel_replace_ack(d); });
}

asio::awaitable<Result<std::vector<VenueOrder>>> Gateway::spot_open_orders(std::string symbol) {
  QueryParams q;
  add(q, "symbol", symbol);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<VenueOrder>>(get("/api/v2/spot/trade/unfilled-orders", std::move(q), true),
                                                          [t](const json& d) { return parse_spot_orders(d, t); });
}

asio::awaitable<Result<std::vector<VenueOrder>>> Gateway::spot_order_info(OrderRef ref) {
  QueryParams q;
  if (!ref.order_id.empty()) {
    add(q, "orderId", ref.order_id);
  } else {
    add(q, "clientOid", ref.client_oid);
  }
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<VenueOrder>>(get("/api/v2/spot/trade/orderInfo", std::move(q), true),
                                                          [t](const json& d) { return parse_spot_orders(d, t); });
}

asio::awaitable<Result<std::vector<Fill>>> Gateway::spot_fills(FillsQuery fq) {
  QueryParams q;
  add(q, "symbol", fq.symbol);
  add(q, "orderId", fq.order_id);
  add_ms(q, "startTime", fq.start);
  add_ms(q, "endTime", fq.end);
  add(q, "idLessThan", fq.id_less_than);
  add_int(q, "limit", fq.limit);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<Fill>>(get("/api/v2/spot/trade/fills", std::move(q), true),
                                                    [t](const json& d) { return parse_spot_fills(d, t); });
}

}  // namespace carry::bitget
