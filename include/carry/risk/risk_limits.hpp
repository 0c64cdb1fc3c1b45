#pragma once
// Risk knobs. The config module maps the YAML keys of the same names onto these fields.
// A zero Decimal limit means "no limit".
#include <carry/core/decimal.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace carry::risk {

struct RiskLimits {
  // ---- pre-trade ----
  Decimal max_order_size;                                                // base coin, any symbol
  std::map<std::string, Decimal, std::less<>> max_order_size_by_symbol;  // overrides max_order_size
  Decimal max_order_notional;                                            // quote coin
  Decimal max_symbol_notional;     // |position| x price of one leg after the order
  Decimal max_total_notional;      // sum of every leg's |position| x price after the order
  double max_slippage_bps = 30.0;  // taker orders: expected price vs mid; 0 = off
  // Above this |spot + perp| / (|spot| + |perp|) on a symbol, only orders that shrink the net delta
  // pass: a failed hedge leg is never "retried" by adding to the filled one.
  double max_net_delta_bps = 100.0;  // 0 = off

  // ---- kill switch triggers ----
  Decimal daily_loss_limit;               // quote coin, UTC day; trips Reducing
  int api_error_burst = 10;               // this many API errors ...
  std::int64_t api_error_window_s = 60;   // ... within this window trip Reducing; 0 threshold = off
  std::int64_t market_data_stale_s = 30;  // no market data this long on a leg with a position; 0 = off
  Decimal funding_flip_kill_rate;         // funding against the perp position beyond this trips; 0 = any
  bool halt_when_flat = true;             // Reducing -> Halted once every leg is flat
};

}  // namespace carry::risk
