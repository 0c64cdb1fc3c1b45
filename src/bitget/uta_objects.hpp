#pragma once
// Private: the v3 per-object shapes shared by REST replies and WS pushes (uta_parsers.cpp,
// uta_ws.cpp).
#include <carry/bitget/uta_parsers.hpp>

#include <string>

namespace carry::bitget::uta::detail {

// REST tickers and WS ticker pushes. `symbol` is the item's own or the push arg's; ts is the
// item's ts when present, else `fallback_ts`. nullopt: one side of the book is empty (no BBO).
WireResult<std::optional<Ticker>> parse_ticker_object(const json& o, const std::string& ctx, std::string symbol,
                                                      MarketType market, UnixNanos fallback_ts, UnixNanos ts_init);
// Orders: REST order-info / unfilled-orders and WS order pushes (holdSide instead of posSide).
WireResult<VenueOrder> parse_order_object(const json& o, const std::string& ctx, UnixNanos ts_init);
// Fills: REST fills (createdTime) and WS fill pushes (execTime).
WireResult<Fill> parse_fill_object(const json& o, const std::string& ctx, UnixNanos ts_init);
// Positions: REST (total, liquidationPrice, totalFunding) and WS (size, liqPrice, totalFundingFee).
WireResult<PositionRecord> parse_position_object(const json& o, const std::string& ctx, UnixNanos ts_init);
// One coin of account/assets `assets[]` or the WS account push `coin[]`.
WireResult<BalanceUpdate> parse_coin_balance(const json& o, const std::string& ctx, MarketType account,
                                             UnixNanos ts_event, UnixNanos ts_init);

}  // namespace carry::bitget::uta::detail
