#pragma once
// Turns candles into a BBO stream without look-ahead.
//
// A candle's close is the last trade of its interval, so it is only known when the interval is
// over: each candle gives ONE quote stamped at its last millisecond, open_time + interval - 1 ms
// (Binance's kline close_time), centred on the close: bid = close * (1 - h), ask = close * (1 + h)
// with h = half_spread_bps / 10'000 (bid rounded down, ask up, at 1e-9). The open is not used:
// it is the first trade *somewhere inside* the interval, so stamping it at open_time would leak
// the future, and it is almost always the previous close anyway. Stamping at close_time rather
// than at the next open also keeps candle quotes strictly before settlements on the hour.
#include <carry/backtest/candle_reader.hpp>
#include <carry/backtest/data_error.hpp>
#include <carry/backtest/quote.hpp>
#include <carry/core/decimal.hpp>

#include <optional>
#include <vector>

namespace carry::backtest {

struct CandleBboConfig {
  // Half of the synthetic bid/ask spread, in basis points of the close (1 bp = 0.01 %).
  Decimal half_spread_bps = Decimal::from_raw(Decimal::kScale);  // 1 bp
  // Size shown on each side (base coin). Unset: volume_fraction x the candle's volume, so a
  // zero-volume candle offers nothing and fills stay bounded by what really traded.
  std::optional<Decimal> fixed_size;
  Decimal volume_fraction = Decimal::from_raw(Decimal::kScale / 10);  // 0.1

  // Error text if a value is out of range (half spread 0..<10'000 bp, fraction in (0, 1], size > 0).
  std::optional<std::string> validate() const;
};

// Quote i comes from candle i (line i + 2 of the file for error messages).
DataResult<std::vector<Quote>> candles_to_quotes(const CandleSeries& candles, const CandleBboConfig& cfg);

// Each candle's high and low, index for index with candles_to_quotes (the reader checked them).
std::vector<BarRange> candle_ranges(const CandleSeries& candles);

}  // namespace carry::backtest
