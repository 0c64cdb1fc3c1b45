#pragma once
// Typed parsers for the `data` member of Bitget v2 REST responses (REFERENCE sections 3, 4, 6).
// Each takes the envelope's data (see parse_envelope) and returns core types where they exist.
// Every error names the offending field, e.g. "data[2].pricePlace: not an integer: \"x\"".
#include <carry/bitget/wire.hpp>
#include <carry/core/events.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace carry::bitget {

using nlohmann::json;

// ---------- public market data ----------
// GET /api/v2/public/time -> data.serverTime
WireResult<UnixNanos> parse_server_time(const json& data);

// GET /api/v2/mix/market/contracts. tick = priceEndStep x 10^-pricePlace, lot = sizeMultiplier,
// min_size = minTradeNum, min_notional = minTradeUSDT, tradable = symbolStatus == "normal".
WireResult<std::vector<Instrument>> parse_contracts(const json& data);
// GET /api/v2/spot/public/symbols. tick = 10^-pricePrecision, lot = 10^-quantityPrecision,
// min_notional = minTradeUSDT, min_size = lot (minTradeAmount is obsolete), tradable = "online".
WireResult<std::vector<Instrument>> parse_spot_symbols(const json& data);

struct Ticker {
  Bbo bbo;
  std::optional<Decimal> last, mark_price, index_price, funding_rate;  // perp-only fields empty on spot
  std::optional<Decimal>
      quote_volume_24h;  // quote coin (USDT) traded in 24 h: v2 usdtVolume/quoteVolume, v3 turnover24h
};
// GET /api/v2/mix/market/ticker(s) and /api/v2/spot/market/tickers; ts_event = data[].ts.
WireResult<std::vector<Ticker>> parse_tickers(const json& data, MarketType market, UnixNanos ts_init);

struct CurrentFunding {
  std::string symbol;
  Decimal rate;
  int interval_hours = 0;
  UnixNanos next_update;
  std::optional<Decimal> min_rate, max_rate;
};
// GET /api/v2/mix/market/current-fund-rate
WireResult<std::vector<CurrentFunding>> parse_current_funding(const json& data);

struct FundingTime {
  std::string symbol;
  UnixNanos next_funding_time;
  int interval_hours = 0;  // ratePeriod
};
// GET /api/v2/mix/market/funding-time
WireResult<std::vector<FundingTime>> parse_funding_time(const json& data);

struct FundingHistoryEntry {
  std::string symbol;
  Decimal rate;
  UnixNanos funding_time;
};
// GET /api/v2/mix/market/history-fund-rate (newest first, as sent)
WireResult<std::vector<FundingHistoryEntry>> parse_funding_history(const json& data);

struct Candle {
  UnixNanos open_time;
  Decimal open, high, low, close;
  Decimal base_volume;
  Decimal quote_volume;
  std::optional<Decimal> usdt_volume;  // spot only
};
// Perp rows [ts,o,h,l,c,baseVol,quoteVol] (7); spot rows [ts,o,h,l,c,baseVol,usdtVol,quoteVol] (8).
WireResult<std::vector<Candle>> parse_candles(const json& data, MarketType market);

struct PriceLevel {
  Decimal price, size;
};
struct DepthSnapshot {
  std::vector<PriceLevel> bids, asks;  // as sent: bids descending, asks ascending
  UnixNanos ts;
};
// GET /api/v2/mix/market/merge-depth and /api/v2/spot/market/orderbook (levels as strings or numbers)
WireResult<DepthSnapshot> parse_depth(const json& data);

// GET /api/v2/spot/market/fills(-history), /api/v2/mix/market/fills(-history)
WireResult<std::vector<TradeTick>> parse_market_trades(const json& data, MarketType market, UnixNanos ts_init);

// ---------- orders ----------
struct OrderIds {
  std::string order_id;  // may be empty (one-way reduce-only replacement; spot cancel-replace)
  std::string client_oid;
};
// place-order, cancel-order, modify-order (perp and spot)
WireResult<OrderIds> parse_order_ack(const json& data);

struct CancelReplaceAck {
  std::string order_id, client_oid;
  bool success = false;
  std::string msg;
};
// POST /api/v2/spot/trade/cancel-replace-order
WireResult<CancelReplaceAck> parse_cancel_replace_ack(const json& data);

struct BatchFailure {
  std::string order_id, client_oid, error_code, error_msg;
  Errc errc = Errc::exchange_rejected;  // classify_error(error_code), or duplicate by message
};
struct BatchResult {
  std::vector<OrderIds> success;
  std::vector<BatchFailure> failure;
};
// batch-place-order (perp) / batch-orders (spot): partial success is normal, check each entry.
WireResult<BatchResult> parse_batch_result(const json& data);

// An order as Bitget reports it (REST detail/lists, WS orders channel) mapped to core.
struct VenueOrder {
  OrderUpdate order;       // side = the TRADE direction (hedge close-long -> Sell)
  std::string pos_side;    // "long" | "short" | "net" | "" (spot)
  std::string trade_side;  // raw tradeSide ("open", "close", "buy_single", ...)
  std::optional<PositionMode> pos_mode;
  std::optional<Decimal> fee_paid;  // positive = paid (Bitget sends paid fees negative)
  std::string fee_coin;
  std::optional<Decimal> quote_size;  // spot market BUY: the quote amount that was ordered
  UnixNanos created;
};
// Futures status `live|partially_filled|filled|canceled`, spot `...|cancelled`, doc `new`.
std::optional<OrderStatus> order_status_from_wire(std::string_view s) noexcept;

// GET /api/v2/mix/order/detail (status field "state")
WireResult<VenueOrder> parse_perp_order_detail(const json& data, UnixNanos ts_init);
// GET /api/v2/mix/order/orders-pending | orders-history: data.entrustedList (null -> empty)
WireResult<std::vector<VenueOrder>> parse_perp_order_list(const json& data, UnixNanos ts_init);
// GET /api/v2/spot/trade/orderInfo (data is an array), unfilled-orders, history-orders.
WireResult<std::vector<VenueOrder>> parse_spot_orders(const json& data, UnixNanos ts_init);

// ---------- fills ----------
struct FillsPage {
  std::vector<Fill> fills;
  std::string end_id;
};
// GET /api/v2/mix/order/fills | fill-history: data.fillList, data.endId
WireResult<FillsPage> parse_perp_fills(const json& data, UnixNanos ts_init);
// GET /api/v2/spot/trade/fills: data is an array; feeDetail is an object
WireResult<std::vector<Fill>> parse_spot_fills(const json& data, UnixNanos ts_init);

// ---------- positions and accounts ----------
struct PositionRecord {
  PositionUpdate position;  // size signed: holdSide long -> +total, short -> -total
  std::optional<PositionMode> pos_mode;
  std::string margin_mode;
  std::string margin_coin;
  Decimal available;
  std::optional<Decimal> leverage, liquidation_price, accumulated_funding;
};
// GET /api/v2/mix/position/all-position | single-position. One-way positions are PositionSide::Net.
WireResult<std::vector<PositionRecord>> parse_positions(const json& data, UnixNanos ts_init);

struct FuturesAccount {
  BalanceUpdate balance;  // available, frozen = locked, equity = accountEquity
  std::optional<Decimal> usdt_equity, unrealized_pl, crossed_risk_rate;
  std::string margin_mode, asset_mode;   // single-account endpoint only for margin_mode
  std::optional<PositionMode> pos_mode;  // single-account endpoint only
  // Single-account endpoint only: the symbol's leverage per margin mode (crossedMarginLeverage,
  // isolatedLongLever, isolatedShortLever; a JSON number in one answer, a string in another).
  std::optional<Decimal> crossed_leverage, isolated_long_leverage, isolated_short_leverage;
};
// GET /api/v2/mix/account/accounts (array) and /api/v2/mix/account/account (object)
WireResult<std::vector<FuturesAccount>> parse_futures_accounts(const json& data, UnixNanos ts_init);
// GET /api/v2/mix/account/account?symbol=&productType=&marginCoin=: one symbol's account, where its
// settings are read. marginMode (crossed|isolated) and posMode (one_way_mode|hedge_mode) are
// required; the leverage fields stay empty when absent.
WireResult<FuturesAccount> parse_futures_account(const json& data, UnixNanos ts_init);

// GET /api/v2/spot/account/assets: frozen = frozen + locked.
WireResult<std::vector<BalanceUpdate>> parse_spot_assets(const json& data, UnixNanos ts_init);

struct Bill {
  std::string bill_id, symbol, business_type, coin;
  Decimal amount, fee;
  std::optional<Decimal> balance;
  UnixNanos ts;
};
struct BillsPage {
  std::vector<Bill> bills;
  std::string end_id;
};
// GET /api/v2/mix/account/bill
WireResult<BillsPage> parse_account_bills(const json& data);
// The funding settlements (businessType contract_settle_fee) among the bills; amount signed.
std::vector<FundingPayment> funding_payments(const BillsPage& page, UnixNanos ts_init);

// Trade direction of an order/fill. In hedge mode `side` is the POSITION direction for closes
// (REFERENCE section 4): close-long reads side=buy but sells.
Side trade_direction(Side wire_side, std::string_view trade_side, std::string_view pos_side,
                     std::optional<PositionMode> mode, bool side_is_position_direction) noexcept;

}  // namespace carry::bitget
