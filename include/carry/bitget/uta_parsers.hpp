#pragma once
// Parsers for Bitget Unified Trading Account (/api/v3) replies, into the domain types the v2
// parsers produce (rest_parsers.hpp), so the gateway above them is the same for both account
// kinds. Each takes the envelope's `data`; every error names the field ("data.list[0].execPrice:
// not a decimal"). Lists come as data.list (+ data.cursor) and data.list may be null: empty.
//
// Differences from v2 handled here: the status is spelled `cancelled` and `new` exists; `side` is
// always the trade direction (no hedge-mode flip); fees in feeDetail are positive when paid, unlike
// v2 (every doc example, and a live order ccxt recorded whose fee 0.06444618 is its position's
// openFeeTotal -0.06444618: rest_history_orders_real.json); positions read `total` on REST and
// `size` on WS.
#include <carry/bitget/rest_parsers.hpp>
#include <carry/bitget/wire.hpp>
#include <carry/core/events.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry::bitget::uta {

using nlohmann::json;

// The v3 envelope is v2's {code,msg,requestTime,data}. An empty (or all-whitespace) body, seen on
// current-position, is Errc::empty_response (retryable: ask again) rather than bad_payload.
// Business codes are classified with classify_error below.
WireResult<Envelope> parse_envelope(std::string_view body, int http_status = 200);

// v3's own codes first (25000/25001/25003 system busy -> http_server_error, 25004 too frequent ->
// rate_limited, 25204 order does not exist -> not_found, 25212 duplicate clientOid -> duplicate,
// 40084 Classic account -> unsupported), then the v2 table (bitget::classify_error).
Errc classify_error(std::string_view code, int http_status = 200) noexcept;

// ---------- account kind and settings ----------
enum class AccountMode : std::uint8_t { Unified, Hybrid, Upgrading, Switching };
std::string_view to_string(AccountMode m) noexcept;  // the wire spelling

struct SymbolConfig {
  std::string category, symbol, margin_mode;
  std::optional<Decimal> leverage;
};
struct AccountSettings {
  std::string uid;
  AccountMode account_mode = AccountMode::Unified;
  std::string asset_mode, stp_mode;
  PositionMode hold_mode = PositionMode::OneWay;  // account-wide in UTA
  std::vector<SymbolConfig> symbols;

  // unified and hybrid trade through v3; upgrading/switching: wait and ask again.
  bool ready() const noexcept { return account_mode == AccountMode::Unified || account_mode == AccountMode::Hybrid; }
  // Carry trades one-way only: a hedge-mode account must be switched (set_hold_mode) or refused.
  bool hedge() const noexcept { return hold_mode == PositionMode::Hedge; }
};
// GET /api/v3/account/settings. accountMode and holdMode are required and must be known values.
WireResult<AccountSettings> parse_account_settings(const json& data);

// Which kind of account a key is (UTA or Classic) is account_kind.hpp's job
// (classify_account_settings / classify_account_settings_error); uta::parse_envelope keeps the
// venue's code (40084) in Error::exchange_code for it, and an empty body stays retryable.

// set-leverage / set-hold-mode answer data "success"; anything else is an error naming it.
WireResult<void> parse_success(const json& data);

// ---------- public market data ----------
// GET /api/v3/market/instruments. Perp: tick = priceMultiplier, lot = quantityMultiplier; spot:
// tick = 10^-pricePrecision, lot = 10^-quantityPrecision. min_size = minOrderQty (lot when empty),
// min_notional = minOrderAmount, tradable = status "online", funding interval = fundInterval.
WireResult<std::vector<Instrument>> parse_instruments(const json& data, MarketType market);

// GET /api/v3/market/tickers. ts_event = the item's ts, else `fallback_ts` (the envelope's
// requestTime: the doc examples carry no ts). A symbol with an empty bid1Price or ask1Price has no
// BBO and is left out of the result (the doc's spot example has ask1Price "").
WireResult<std::vector<Ticker>> parse_tickers(const json& data, MarketType market, UnixNanos fallback_ts,
                                              UnixNanos ts_init);
// GET /api/v3/market/orderbook: {a, b, ts}, levels as strings or numbers.
WireResult<DepthSnapshot> parse_orderbook(const json& data);
// GET /api/v3/market/current-fund-rate (interval, caps, nextUpdate)
WireResult<std::vector<CurrentFunding>> parse_current_funding(const json& data);
// GET /api/v3/market/history-fund-rate: data.resultList[{symbol, fundingRate, fundingRateTimestamp}]
WireResult<std::vector<FundingHistoryEntry>> parse_funding_history(const json& data);
// GET /api/v3/market/candles: rows [ts, o, h, l, c, volume(base), turnover(quote)]
WireResult<std::vector<Candle>> parse_candles(const json& data);

// ---------- orders ----------
// place-order, cancel-order, modify-order: {orderId, clientOid}. A reduce-only replacement may
// return orderId null (doc), so one of the two suffices.
WireResult<OrderIds> parse_order_ack(const json& data);
// place-batch and cancel-batch (data is an array; an entry with a non-empty code other than
// 00000 failed) and cancel-symbol-order (data.list, same entries).
WireResult<BatchResult> parse_batch_result(const json& data);

// GET /api/v3/trade/order-info. A spot market BUY reports qty 0 and its quote `amount`: size is
// then what filled (cumExecQty) and quote_size the amount.
WireResult<VenueOrder> parse_order_info(const json& data, UnixNanos ts_init);
struct OrdersPage {
  std::vector<VenueOrder> orders;
  std::string cursor;  // pass to the next unfilled_orders call; empty at the end
};
// unfilled-orders and history-orders (same shape).
WireResult<OrdersPage> parse_unfilled_orders(const json& data, UnixNanos ts_init);

struct FillsPage {
  std::vector<Fill> fills;
  std::string cursor;
};
// GET /api/v3/trade/fills: execId, execPrice, execQty, feeDetail, tradeScope, createdTime.
WireResult<FillsPage> parse_fills(const json& data, UnixNanos ts_init);

// ---------- positions, assets, bills ----------
// GET /api/v3/position/current-position. size signed by posSide; side Long/Short in hedge mode,
// Net in one-way; pos_mode carries holdMode so the caller can refuse a hedge-mode position.
WireResult<std::vector<PositionRecord>> parse_positions(const json& data, UnixNanos ts_init);

struct Assets {
  std::optional<Decimal> account_equity, usdt_equity, eff_equity, unrealised_pnl, imr, mmr;
  std::vector<BalanceUpdate> balances;  // one per coin: available, frozen = locked, equity
};
// GET /api/v3/account/assets. UTA has one account for spot and futures: every balance is
// reported with `account` (the caller's choice of ledger).
WireResult<Assets> parse_assets(const json& data, MarketType account, UnixNanos ts_init);

struct FinancialRecord {
  std::string id, category, symbol, coin, type;
  Decimal amount, fee;
  std::optional<Decimal> balance;
  UnixNanos ts;
};
struct RecordsPage {
  std::vector<FinancialRecord> records;
  std::string cursor;
};
// GET /api/v3/account/financial-records
WireResult<RecordsPage> parse_financial_records(const json& data);
// Settled funding: CONTRACT_MAIN_SETTLE_FEE_USER_IN/OUT (cross) and FIXED_SETTLE_FEE_USER_IN/OUT
// (isolated).
bool is_funding_settlement(std::string_view type) noexcept;
// The funding settlements among the records, amount signed + received / - paid (an _OUT record
// whose amount is positive is negated: the type, not the sign, says the direction).
std::vector<FundingPayment> funding_payments(const RecordsPage& page, UnixNanos ts_init);

}  // namespace carry::bitget::uta
