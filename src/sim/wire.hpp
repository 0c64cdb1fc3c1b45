#pragma once
// JSON renderings of the simulator's state with Bitget v2 field names (REFERENCE sections 3-5 and
// the samples): numbers as strings, futures "canceled" vs spot "cancelled", REST detail "state"
// vs list "status", WS reduceOnly lowercase.
#include "exchange.hpp"
#include "market.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace carry::sim::wire {

using nlohmann::json;

// Exact shortest decimal ("0.5", "-0.0041244"): money, fees, PnL.
std::string num(Decimal d);

json perp_order_rest(const Order& o, const InstrumentSpec& spec, bool detail);
json spot_order_rest(const Order& o, const InstrumentSpec& spec, bool unfilled_list);
json order_push(const Order& o, const InstrumentSpec& spec, const std::optional<Fill>& fill);
json perp_fill_rest(const Fill& f, const InstrumentSpec& spec);
json spot_fill_rest(const Fill& f, const InstrumentSpec& spec);
json fill_push(const Fill& f, const InstrumentSpec& spec);

struct PositionFigures {
  Decimal mark, unrealized_pl, margin;
  int leverage = 1;
};
json position_rest(const Account& acc, const Position& p, const PositionFigures& fig);
json position_push(const Account& acc, const Position& p, const PositionFigures& fig);

json futures_account_rest(const Account& acc, const Exchange::FuturesFigures& fig, bool single,
                          const std::string& symbol);
json futures_account_push(const Exchange::FuturesFigures& fig);
json spot_asset(const Account& acc, const std::string& coin);
json bill(const Bill& b);

json contract(const InstrumentSpec& spec, int fund_interval_hours);
json spot_symbol(const InstrumentSpec& spec);

struct FundingView {
  Decimal rate;
  std::int64_t next_ms = 0;
  Decimal mark, index;
};
json mix_ticker_rest(const InstrumentMarket& inst, const MarketState::Stats& st, const FundingView& fv);
json spot_ticker_rest(const InstrumentMarket& inst, const MarketState::Stats& st);
json ticker_push(const InstrumentMarket& inst, const MarketState::Stats& st, const std::optional<FundingView>& fv);
json levels(const std::vector<Level>& lv, const InstrumentSpec& spec, std::size_t limit);
json trade_push(const PublicTrade& t, const InstrumentSpec& spec);

}  // namespace carry::sim::wire
