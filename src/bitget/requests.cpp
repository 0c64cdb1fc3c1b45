#include <carry/bitget/requests.hpp>

#include "subscription_batches.hpp"

#include <carry/core/venue.hpp>

#include <nlohmann/json.hpp>

#include "json_body.hpp"

namespace carry::bitget {

std::string_view to_wire(Side s) noexcept { return s == Side::Buy ? "buy" : "sell"; }
std::string_view to_wire(OrderType t) noexcept { return t == OrderType::Limit ? "limit" : "market"; }
std::string_view to_wire(TimeInForce t) noexcept {
  switch (t) {
    case TimeInForce::PostOnly:
      return "post_only";
    case TimeInForce::Ioc:
      return "ioc";
    case TimeInForce::Fok:
      return "fok";
    case TimeInForce::Gtc:
      break;
  }
  return "gtc";
}

using detail::Body;

namespace {

// Bitget rejects clientOid > 50 chars (40304); we never send one that could be refused.
constexpr std::size_t kMaxClientOid = 50;
// Error 40306 "Batch processing orders can only process up to 20" (docs also say 50): use 20.
constexpr std::size_t kMaxBatch = 20;

std::optional<Error> check_common(std::string_view symbol, std::string_view client_oid) {
  if (symbol.empty()) return invalid_argument("symbol: empty");
  if (client_oid.size() > kMaxClientOid) return invalid_argument("clientOid: longer than 50 characters");
  return std::nullopt;
}

std::optional<Error> check_order(OrderType type, Decimal size, const std::optional<Decimal>& price) {
  if (!size.is_positive()) return invalid_argument("size: must be positive, got " + size.to_string());
  if (type == OrderType::Limit && (!price || !price->is_positive()))
    return invalid_argument("price: a limit order needs a positive price");
  return std::nullopt;
}

std::optional<Error> check_ref(const OrderRef& ref) {
  if (ref.order_id.empty() && ref.client_oid.empty()) return invalid_argument("orderId/clientOid: one is required");
  return std::nullopt;
}

// The per-order fields of a perp order (shared by place and batch place).
void perp_order_fields(Body& b, const PerpOrderRequest& r) {
  b.dec("size", r.size);
  if (r.type == OrderType::Limit) b.dec("price", *r.price);
  if (r.mode == PositionMode::Hedge) {
    // Hedge: side is the position's direction; closing a long sells with side=buy.
    const Side wire_side = r.reduce_only ? opposite(r.side) : r.side;
    b.str("side", to_wire(wire_side)).str("tradeSide", r.reduce_only ? "close" : "open");
  } else {
    b.str("side", to_wire(r.side));
  }
  b.str("orderType", to_wire(r.type));
  if (r.type == OrderType::Limit) b.str("force", to_wire(r.tif));
  if (!r.client_oid.empty()) b.str("clientOid", r.client_oid);
  if (r.mode == PositionMode::OneWay && r.reduce_only) b.str("reduceOnly", "YES");
}

std::string perp_order_object(const PerpOrderRequest& r) {
  Body b;
  perp_order_fields(b, r);
  return std::move(b).done();
}

void spot_order_fields(Body& b, const SpotOrderRequest& r, bool with_symbol) {
  if (with_symbol) b.str("symbol", r.symbol);
  b.str("side", to_wire(r.side)).str("orderType", to_wire(r.type)).str("force", to_wire(r.tif));
  if (r.type == OrderType::Limit) b.dec("price", *r.price);
  const bool market_buy = r.type == OrderType::Market && r.side == Side::Buy;
  b.dec("size", market_buy ? *r.quote_size : r.size);
  if (!r.client_oid.empty()) b.str("clientOid", r.client_oid);
}

std::optional<Error> check_spot(const SpotOrderRequest& r) {
  if (auto e = check_common(r.symbol, r.client_oid)) return e;
  if (r.type == OrderType::Market && r.side == Side::Buy) {
    // Market BUY `size` is the QUOTE amount (REFERENCE section 4).
    if (!r.quote_size || !r.quote_size->is_positive())
      return invalid_argument("size: a spot market buy needs quote_size (quote coin amount)");
    return std::nullopt;
  }
  return check_order(r.type, r.size, r.price);
}

}  // namespace

WireResult<std::string> build_perp_place_body(const PerpOrderRequest& r) {
  if (auto e = check_common(r.symbol, r.client_oid)) return *e;
  if (auto e = check_order(r.type, r.size, r.price)) return *e;
  Body b;
  b.str("symbol", r.symbol)
      .str("productType", r.product_type)
      .str("marginMode", r.margin_mode)
      .str("marginCoin", r.margin_coin);
  perp_order_fields(b, r);
  return std::move(b).done();
}

WireResult<std::string> build_perp_batch_place_body(const std::vector<PerpOrderRequest>& orders) {
  if (orders.empty()) return invalid_argument("orderList: empty");
  if (orders.size() > kMaxBatch) return invalid_argument("orderList: more than 20 orders");
  const auto& first = orders.front();
  std::string list = "[";
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto& r = orders[i];
    if (r.symbol != first.symbol || r.product_type != first.product_type || r.margin_coin != first.margin_coin ||
        r.margin_mode != first.margin_mode)
      return invalid_argument("orderList[" + std::to_string(i) +
                              "]: symbol/productType/margin differ from the first order");
    if (auto e = check_common(r.symbol, r.client_oid)) return *e;
    if (auto e = check_order(r.type, r.size, r.price)) return *e;
    if (i) list.push_back(',');
    list += perp_order_object(r);
  }
  list.push_back(']');
  Body b;
  b.str("symbol", first.symbol)
      .str("productType", first.product_type)
      .str("marginCoin", first.margin_coin)
      .str("marginMode", first.margin_mode)
      .raw("orderList", list);
  return std::move(b).done();
}

WireResult<std::string> build_perp_cancel_body(std::string_view symbol, const OrderRef& ref,
                                               std::string_view product_type, std::string_view margin_coin) {
  if (auto e = check_common(symbol, ref.client_oid)) return *e;
  if (auto e = check_ref(ref)) return *e;
  Body b;
  b.str("symbol", symbol).str("productType", product_type).str("marginCoin", margin_coin);
  if (!ref.order_id.empty()) {
    b.str("orderId", ref.order_id);
  } else {
    b.str("clientOid", ref.client_oid);
  }
  return std::move(b).done();
}

WireResult<std::string> build_perp_modify_body(std::string_view symbol, const OrderRef& ref,
                                               std::string_view new_client_oid, Decimal new_size, Decimal new_price,
                                               std::string_view product_type, std::string_view margin_coin) {
  if (auto e = check_common(symbol, ref.client_oid)) return *e;
  if (auto e = check_ref(ref)) return *e;
  if (new_client_oid.empty()) return invalid_argument("newClientOid: required by modify-order");
  if (new_client_oid.size() > kMaxClientOid) return invalid_argument("newClientOid: longer than 50 characters");
  if (!new_size.is_positive() || !new_price.is_positive())
    return invalid_argument("newSize/newPrice: both must be positive");
  Body b;
  if (!ref.order_id.empty()) {
    b.str("orderId", ref.order_id);
  } else {
    b.str("clientOid", ref.client_oid);
  }
  b.str("symbol", symbol)
      .str("productType", product_type)
      .str("marginCoin", margin_coin)
      .str("newClientOid", new_client_oid)
      .dec("newSize", new_size)
      .dec("newPrice", new_price);
  return std::move(b).done();
}

WireResult<std::string> build_spot_place_body(const SpotOrderRequest& r) {
  if (auto e = check_spot(r)) return *e;
  Body b;
  spot_order_fields(b, r, true);
  return std::move(b).done();
}

WireResult<std::string> build_spot_batch_place_body(const std::vector<SpotOrderRequest>& orders) {
  if (orders.empty()) return invalid_argument("orderList: empty");
  if (orders.size() > kMaxBatch) return invalid_argument("orderList: more than 20 orders");
  std::string list = "[";
  for (std::size_t i = 0; i < orders.size(); ++i) {
    if (orders[i].symbol != orders.front().symbol)
      return invalid_argument("orderList[" + std::to_string(i) + "]: symbol differs (single-symbol batch)");
    if (auto e = check_spot(orders[i])) return *e;
    if (i) list.push_back(',');
    Body o;
    spot_order_fields(o, orders[i], false);
    list += std::move(o).done();
  }
  list.push_back(']');
  Body b;
  b.str("symbol", orders.front().symbol).str("batchMode", "single").raw("orderList", list);
  return std::move(b).done();
}

WireResult<std::string> build_spot_cancel_body(std::string_view symbol, const OrderRef& ref) {
  if (auto e = check_common(symbol, ref.client_oid)) return *e;
  if (auto e = check_ref(ref)) return *e;
  Body b;
  b.str("symbol", symbol);
  if (!ref.order_id.empty()) {
    b.str("orderId", ref.order_id);
  } else {
    b.str("clientOid", ref.client_oid);
  }
  return std::move(b).done();
}

WireResult<std::string> build_spot_cancel_replace_body(std::string_view symbol, const OrderRef& ref,
                                                       std::string_view new_client_oid, Decimal new_size,
                                                       Decimal new_price) {
  if (auto e = check_common(symbol, ref.client_oid)) return *e;
  if (auto e = check_ref(ref)) return *e;
  if (new_client_oid.size() > kMaxClientOid) return invalid_argument("newClientOid: longer than 50 characters");
  if (!new_size.is_positive() || !new_price.is_positive()) return invalid_argument("size/price: both must be positive");
  Body b;
  b.str("symbol", symbol).dec("price", new_price).dec("size", new_size);
  if (!ref.order_id.empty()) {
    b.str("orderId", ref.order_id);
  } else {
    b.str("clientOid", ref.client_oid);
  }
  if (!new_client_oid.empty()) b.str("newClientOid", new_client_oid);
  return std::move(b).done();
}

std::string build_set_leverage_body(std::string_view symbol, int leverage, std::string_view product_type,
                                    std::string_view margin_coin) {
  Body b;
  b.str("symbol", symbol)
      .str("productType", product_type)
      .str("marginCoin", margin_coin)
      .str("leverage", std::to_string(leverage));
  return std::move(b).done();
}

std::string build_set_margin_mode_body(std::string_view symbol, std::string_view margin_mode,
                                       std::string_view product_type, std::string_view margin_coin) {
  Body b;
  b.str("symbol", symbol)
      .str("productType", product_type)
      .str("marginCoin", margin_coin)
      .str("marginMode", margin_mode);
  return std::move(b).done();
}

std::string build_set_position_mode_body(PositionMode mode, std::string_view product_type) {
  Body b;
  b.str("productType", product_type).str("posMode", to_wire(mode));
  return std::move(b).done();
}

WireResult<std::vector<std::string>> build_subscription_messages(std::string_view op,
                                                                 const std::vector<SubscriptionArg>& args,
                                                                 std::size_t max_args_bytes) {
  return ::carry::bitget::detail::batch_subscriptions(op, args, max_args_bytes);
}

namespace {
// The fields a spot and a perp order take from the venue-neutral request alike.
template <class Order>
Order with_common_fields(const PlaceOrderRequest& req) {
  Order r;
  r.symbol = req.symbol;
  r.side = req.side;
  r.type = req.type;
  r.tif = req.tif;
  r.size = req.size;
  r.price = req.price;
  r.client_oid = req.client_oid;
  return r;
}
}  // namespace

PerpOrderRequest to_perp_order(const PlaceOrderRequest& req, std::string_view product_type,
                               std::string_view margin_mode, std::string_view margin_coin, PositionMode mode) {
  auto r = with_common_fields<PerpOrderRequest>(req);
  r.product_type = std::string(product_type);
  r.margin_mode = std::string(margin_mode);
  r.margin_coin = std::string(margin_coin);
  r.reduce_only = req.reduce_only;
  r.mode = mode;
  return r;
}

Result<SpotOrderRequest> to_spot_order(const PlaceOrderRequest& req) {
  auto r = with_common_fields<SpotOrderRequest>(req);
  if (req.type == OrderType::Market && req.side == Side::Buy) {
    if (!req.price) return make_error_code(Errc::invalid_argument);
    auto quote = req.size.checked_mul(*req.price);
    if (!quote) return quote.error();
    r.quote_size = *quote;
    r.price.reset();
  }
  return r;
}

}  // namespace carry::bitget
