#pragma once
// Request builders for Bitget v2: JSON bodies for the trading endpoints (REFERENCE section 4),
// the WS subscribe/unsubscribe messages (batched, args <= 4096 bytes each) and endpoint paths.
// Numbers are sent as strings in their shortest exact form; the caller rounds them to the
// instrument's tick/lot first (market::round_price / round_size).
#include <carry/bitget/wire.hpp>
#include <carry/bitget/ws_parsers.hpp>
#include <carry/core/types.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry {
struct PlaceOrderRequest;
}

namespace carry::bitget {

inline constexpr std::string_view kProductUsdtFutures = "USDT-FUTURES";

// ---------- USDT-M perpetual ----------
struct PerpOrderRequest {
  std::string symbol;
  std::string product_type{kProductUsdtFutures};
  std::string margin_mode = "crossed";  // "crossed" | "isolated"
  std::string margin_coin = "USDT";
  Side side = Side::Buy;  // the TRADE direction (what we buy or sell)
  OrderType type = OrderType::Limit;
  TimeInForce tif = TimeInForce::Gtc;
  Decimal size;                  // base coin
  std::optional<Decimal> price;  // required for limit
  std::string client_oid;
  bool reduce_only = false;
  PositionMode mode = PositionMode::OneWay;
};
// One-way: side = direction, reduceOnly "YES" when reducing. Hedge: tradeSide open|close and
// side = the POSITION direction (closing a long is side=buy, tradeSide=close).
WireResult<std::string> build_perp_place_body(const PerpOrderRequest& r);
// POST /api/v2/mix/order/batch-place-order: all orders must share symbol/productType/margin.
WireResult<std::string> build_perp_batch_place_body(const std::vector<PerpOrderRequest>& orders);

struct OrderRef {
  std::string order_id;  // wins when both are set
  std::string client_oid;
};
WireResult<std::string> build_perp_cancel_body(std::string_view symbol, const OrderRef& ref,
                                               std::string_view product_type = kProductUsdtFutures,
                                               std::string_view margin_coin = "USDT");
// modify-order = async cancel+replace: needs newClientOid and BOTH newSize and newPrice.
WireResult<std::string> build_perp_modify_body(std::string_view symbol, const OrderRef& ref,
                                               std::string_view new_client_oid, Decimal new_size, Decimal new_price,
                                               std::string_view product_type = kProductUsdtFutures,
                                               std::string_view margin_coin = "USDT");

// ---------- spot ----------
struct SpotOrderRequest {
  std::string symbol;
  Side side = Side::Buy;
  OrderType type = OrderType::Limit;
  TimeInForce tif = TimeInForce::Gtc;
  Decimal size;                       // base coin (limit, market sell)
  std::optional<Decimal> quote_size;  // market BUY: the quote amount to spend (sent as `size`)
  std::optional<Decimal> price;
  std::string client_oid;
};
WireResult<std::string> build_spot_place_body(const SpotOrderRequest& r);

// The venue-neutral place request in Bitget's terms (what Gateway::place sends). A perp order
// carries the account's product type, margin and position mode.
PerpOrderRequest to_perp_order(const PlaceOrderRequest& req, std::string_view product_type,
                               std::string_view margin_mode, std::string_view margin_coin, PositionMode mode);
// Bitget sizes a spot market BUY in quote coin: size x the request's reference price, which is
// then required (invalid_argument without it; the overflow error when the product overflows).
Result<SpotOrderRequest> to_spot_order(const PlaceOrderRequest& req);
// POST /api/v2/spot/trade/batch-orders (single-symbol mode)
WireResult<std::string> build_spot_batch_place_body(const std::vector<SpotOrderRequest>& orders);
WireResult<std::string> build_spot_cancel_body(std::string_view symbol, const OrderRef& ref);
// POST /api/v2/spot/trade/cancel-replace-order: symbol, price, size (base), orderId|clientOid, newClientOid
WireResult<std::string> build_spot_cancel_replace_body(std::string_view symbol, const OrderRef& ref,
                                                       std::string_view new_client_oid, Decimal new_size,
                                                       Decimal new_price);

// ---------- account settings ----------
std::string build_set_leverage_body(std::string_view symbol, int leverage,
                                    std::string_view product_type = kProductUsdtFutures,
                                    std::string_view margin_coin = "USDT");
std::string build_set_margin_mode_body(std::string_view symbol, std::string_view margin_mode,
                                       std::string_view product_type = kProductUsdtFutures,
                                       std::string_view margin_coin = "USDT");
std::string build_set_position_mode_body(PositionMode mode, std::string_view product_type = kProductUsdtFutures);

// ---------- WebSocket ----------
inline constexpr std::size_t kMaxSubscribeArgsBytes = 4096;
// {"op":"subscribe"|"unsubscribe","args":[...]} split so that each message's serialized args
// array stays within max_args_bytes. An arg that alone exceeds the limit is an error.
WireResult<std::vector<std::string>> build_subscription_messages(std::string_view op,
                                                                 const std::vector<SubscriptionArg>& args,
                                                                 std::size_t max_args_bytes = kMaxSubscribeArgsBytes);

// ---------- wire spellings ----------
std::string_view to_wire(Side s) noexcept;         // "buy" | "sell"
std::string_view to_wire(OrderType t) noexcept;    // "limit" | "market"
std::string_view to_wire(TimeInForce t) noexcept;  // "gtc" | "post_only" | "ioc" | "fok"

}  // namespace carry::bitget
