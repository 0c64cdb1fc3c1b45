#pragma once
// Private: parsers for the per-object shapes shared by REST responses and WS pushes.
#include <carry/bitget/rest_parsers.hpp>

#include <string>

namespace carry::bitget::detail {

// REST tickers (symbol) and WS ticker pushes (instId).
WireResult<Ticker> parse_ticker_object(const nlohmann::json& o, const std::string& ctx, MarketType market,
                                       UnixNanos ts_init);
// Public trades: REST market fills (symbol in each item) and WS trade pushes (symbol in the arg).
WireResult<TradeTick> parse_trade_object(const nlohmann::json& o, const std::string& ctx, std::string symbol,
                                         MarketType market, UnixNanos ts_init);
// Orders: REST detail ("state"), lists and WS pushes ("status"); symbol or instId; cumulative
// fill from accBaseVolume (WS) or baseVolume (REST); fee from `fee`, a feeDetail array, or the
// spot feeDetail JSON-encoded string.
WireResult<VenueOrder> parse_order_object(const nlohmann::json& o, const std::string& ctx, MarketType market,
                                          UnixNanos ts_init, bool side_is_position_direction);
// Fills: price/priceAvg, baseVolume/size, feeDetail as array or object, tradeScope.
WireResult<Fill> parse_fill_object(const nlohmann::json& o, const std::string& ctx, MarketType market,
                                   UnixNanos ts_init, bool side_is_position_direction);
WireResult<PositionRecord> parse_position_object(const nlohmann::json& o, const std::string& ctx, UnixNanos ts_init);
WireResult<FuturesAccount> parse_futures_account_object(const nlohmann::json& o, const std::string& ctx,
                                                        UnixNanos ts_init);
WireResult<BalanceUpdate> parse_spot_balance_object(const nlohmann::json& o, const std::string& ctx, UnixNanos ts_init);

}  // namespace carry::bitget::detail
