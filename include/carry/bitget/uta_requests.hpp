#pragma once
// Request builders for Bitget's Unified Trading Account API (/api/v3, issue 15). Each returns the
// whole call (method, path, query, body, signed or not), so the gateway copies the fields into a
// RestRequest and sends it with the same RestClient as v2. Field names come from Bitget's uta/*
// doc pages (see tests/fixtures/bitget/v3/SOURCES.md).
//
// One-way hold mode only: no builder ever sends `posSide`. In v3 hedge mode a close is
// side=sell + posSide=long (the opposite of v2), and a wrong posSide opens a position instead of
// closing one, so the account must be switched to one-way before trading (set_hold_mode), and a
// hedge-mode account is refused by the caller (see uta_parsers.hpp: AccountSettings::hedge()).
#include <carry/bitget/requests.hpp>
#include <carry/bitget/signer.hpp>
#include <carry/bitget/wire.hpp>
#include <carry/core/types.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry {
struct PlaceOrderRequest;
}

namespace carry::bitget::uta {

enum class Method : std::uint8_t { Get, Post };

struct Request {
  Method method = Method::Get;
  std::string path;   // "/api/v3/market/tickers"
  QueryParams query;  // GET parameters, unsorted (RestClient sorts them for URL and signature)
  std::string body;   // POST: the exact JSON bytes to sign and send
  bool sign = false;  // private endpoint
};

// The two product lines Carry trades. Upper case on REST; the WS instType is lower case.
enum class Category : std::uint8_t { Spot, UsdtFutures };
std::string_view to_wire(Category c) noexcept;  // "SPOT" | "USDT-FUTURES"
constexpr Category category_of(MarketType m) noexcept {
  return m == MarketType::Spot ? Category::Spot : Category::UsdtFutures;
}
// "SPOT"/"spot" -> Spot; "*-FUTURES"/"*-futures" -> Perp (v3 spells it either way); else nullopt.
std::optional<MarketType> market_from_category(std::string_view category) noexcept;

// ---------- public market data ----------
Request instruments(Category c, std::string_view symbol = {});
Request tickers(Category c, std::string_view symbol = {});
// limit 1..200 (Bitget's default is 5)
WireResult<Request> orderbook(Category c, std::string_view symbol, int limit = 5);
// The page requires `symbol`: there is no all-symbols form in v3 (scan tickers + instruments).
WireResult<Request> current_fund_rate(std::string_view symbol);
// `cursor` is a PAGE NUMBER here (1..100), not an id; limit <= 200.
WireResult<Request> history_fund_rate(std::string_view symbol, int page = 1, int limit = 200);
// interval: 1m 3m 5m 15m 30m 1H 4H 6H 12H 1D; limit <= 100.
WireResult<Request> candles(Category c, std::string_view symbol, std::string_view interval,
                            std::optional<UnixNanos> start = {}, std::optional<UnixNanos> end = {}, int limit = 100);

// ---------- account ----------
Request account_settings();  // also the UTA/Classic probe: Classic keys get 40084
Request account_assets();
// Futures leverage of one symbol (crossed margin: no posSide).
WireResult<Request> set_leverage(std::string_view symbol, int leverage);
// Account-wide in UTA. Carry only ever asks for one-way; hedge is accepted so tests can pin it.
Request set_hold_mode(PositionMode mode);

// An explicit query window: Bitget caps one query at 30 days, within the last 90 days.
struct TimeWindow {
  UnixNanos start, end;
};
inline constexpr std::int64_t kMaxWindowMs = 30LL * 24 * 3600 * 1000;

// Bills. `type` filters one record type (e.g. CONTRACT_MAIN_SETTLE_FEE_USER_IN); empty = all.
// `cursor` empty on the first page, then the previous page's cursor. limit <= 100.
WireResult<Request> financial_records(Category c, TimeWindow window, std::string_view cursor,
                                      std::string_view type = {}, int limit = 100);
// Own fills, by window and cursor; `order_id` narrows to one order. limit <= 100.
WireResult<Request> fills(Category c, TimeWindow window, std::string_view cursor, std::string_view order_id = {},
                          int limit = 100);

// ---------- orders ----------
// No marginMode is sent: the account's default (crossed) applies. The TS SDK lists a futures
// marginMode, the Dec-2025 place-order page does not; Carry trades crossed only.
struct OrderRequest {
  Category category = Category::UsdtFutures;
  std::string symbol;
  Side side = Side::Buy;  // the trade direction, also for closes (one-way mode)
  OrderType type = OrderType::Limit;
  TimeInForce tif = TimeInForce::Gtc;
  Decimal qty;                   // base coin; a SPOT MARKET BUY is sized in QUOTE coin (see to_order)
  std::optional<Decimal> price;  // limit only
  std::string client_oid;        // ^[.A-Z:/a-z0-9_-]{1,32}$
  bool reduce_only = false;      // futures only: "yes" closes/reduces without opening
};
// The venue-neutral request in v3 terms. A spot market BUY is converted to a quote amount
// (size x reference price), which then needs req.price: invalid_argument without it.
Result<OrderRequest> to_order(const PlaceOrderRequest& req);
// The order object as place-order and place-batch send it (exposed for tests and the bench).
WireResult<std::string> order_body(const OrderRequest& r);
WireResult<Request> place_order(const OrderRequest& r);
// At most 20 orders, all of one category. The body is a JSON ARRAY of order objects.
WireResult<Request> place_batch(const std::vector<OrderRequest>& orders);

// orderId wins when both are set (as the doc says the venue does).
WireResult<Request> cancel_order(Category c, const OrderRef& ref);
// Amend price and/or qty. auto_cancel: cancel the order if the amend fails. Unlike v2's perp
// modify-order (a replace under newClientOid), the v3 page has no new-client-id field: the order
// keeps its clientOid, and whether its orderId survives is not documented (read it from the ack).
// AmendOrderRequest::new_client_oid therefore has no v3 counterpart.
WireResult<Request> modify_order(Category c, std::string_view symbol, const OrderRef& ref, std::optional<Decimal> qty,
                                 std::optional<Decimal> price, bool auto_cancel = false);
// At most 20, one symbol; each entry carries orderId OR clientOid (never both: the doc says
// clientOid is then ignored). The body is a JSON array.
WireResult<Request> cancel_batch(Category c, std::string_view symbol, const std::vector<OrderRef>& refs);
// Every open order of the category, or of one symbol.
Request cancel_symbol_order(Category c, std::string_view symbol = {});

WireResult<Request> order_info(const OrderRef& ref);
// Open orders; cursor empty on the first page. limit <= 100.
WireResult<Request> unfilled_orders(Category c, std::string_view symbol = {}, std::string_view cursor = {},
                                    int limit = 100);
// Closed orders (filled/cancelled) in a window of at most 30 days, within the last 90; the same
// list shape as unfilled-orders (parse_unfilled_orders reads it). The way back to an order whose
// clientOid lookup no longer answers.
WireResult<Request> history_orders(Category c, TimeWindow window, std::string_view cursor, std::string_view symbol = {},
                                   int limit = 100);
// USDT-FUTURES positions; one symbol or all.
Request current_position(std::string_view symbol = {});

}  // namespace carry::bitget::uta
