#pragma once
// Compact top-of-book record kept in memory for replay (40 bytes); becomes a carry::Bbo on output.
#include <carry/core/decimal.hpp>

#include <cstdint>

namespace carry::backtest {

struct Quote {
  std::int64_t ts_ns = 0;  // when this quote is known (never earlier: no look-ahead)
  Decimal bid_price, bid_size, ask_price, ask_size;
};

// A candle's price range, kept beside its quote (same index), not in it: the venue model fills
// resting orders the candle traded through, the strategy only ever sees the quote, and tick data
// (no range) pays nothing for it.
struct BarRange {
  Decimal high, low;
};

}  // namespace carry::backtest
