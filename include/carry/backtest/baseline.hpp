#pragma once
// The simplest alternative a trader could have run instead of Carry, computed from the same data
// and costs: the always-on carry pair. Long spot and short perp of the same base size, opened at
// the first common close and closed at the last one with taker fees plus slippage, collecting every
// funding settlement in between (whatever its sign: a negative-funding window is a loss). "Flat"
// (never trading) is the other baseline and is 0 by definition.
#include <carry/backtest/funding_reader.hpp>
#include <carry/backtest/replay.hpp>
#include <carry/backtest/symbol_data.hpp>
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace carry::backtest {

struct PricePoint {
  std::int64_t ts_ns = 0;  // when the price is known (a candle's close: its last millisecond)
  Decimal price;
};

struct BaselineInput {
  std::string symbol;
  std::vector<PricePoint> spot, perp;  // closes, ascending
  std::vector<FundingRow> funding;     // settlements, ascending
};

struct BaselineCosts {
  Decimal notional;                        // quote coin per leg at the first spot close
  Decimal spot_taker_fee, perp_taker_fee;  // fractions of fill notional
  Decimal slippage;                        // fraction past the close every fill pays (2 bp = 0.0002)
};

struct BaselineResult {
  std::string symbol;
  bool traded = false;  // false: spot and perp share no instant (everything below 0)
  UnixNanos open_ts, close_ts;
  Decimal size;  // base coin, both legs
  Decimal spot_open, perp_open, spot_close, perp_close;
  Decimal funding;    // + received by the short perp
  Decimal fees;       // + paid, 4 taker fills
  Decimal slippage;   // + paid: what the fills gave away against the closes
  Decimal price_pnl;  // both legs at the closes (basis change for a hedged pair)
  Decimal net;        // funding - fees - slippage + price_pnl
  std::size_t settlements = 0;
  std::map<std::string, Decimal> funding_by_month;  // "YYYY-MM" of the settlement time (UTC)
};

// Size = notional / spot close at the first instant both legs have a price. A settlement at T
// counts when open < T <= close and is paid at the last perp close before T (the bar that ends at
// T): rate x perp close x size.
BaselineResult always_on_carry(const BaselineInput& in, const BaselineCosts& costs);

// The input for one loaded symbol within `range` (--from/--to): quote mids as the closes (a candle
// quote is centred on its close: take them before the quotes are put on the instrument tick) and
// the settlements. All the prices both files share, not only the replay window, which ends at the
// last settlement: the pair is closed at the last bar's close, as a trader holding it would.
BaselineInput baseline_input(const SymbolData& data, const TimeRange& range);

}  // namespace carry::backtest
