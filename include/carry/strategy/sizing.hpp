#pragma once
// Size of a new hedged pair (same base size on both legs) under every limit the strategy knows:
// target notional, per-order / per-symbol / total notional, balances, lot steps of both legs,
// minimum size and minimum notional.
#include <carry/core/types.hpp>

#include <optional>
#include <string_view>

namespace carry::strategy {

struct SizingInput {
  int direction = 1;  // +1: buy spot + sell perp; -1: sell spot (inventory) + buy perp
  const Instrument* spot = nullptr;
  const Instrument* perp = nullptr;
  Decimal spot_price;  // the price the spot leg trades at (ask to buy, bid to sell)
  Decimal perp_price;
  Decimal target_notional;      // notional_per_symbol (quote coin per leg)
  Decimal max_order_notional;   // 0 = no limit
  Decimal symbol_room;          // quote left under max_symbol_notional for one leg; nullopt-free:
  bool symbol_limited = false;  //   only applies when symbol_limited
  Decimal total_room;           // quote left under max_total_notional (both legs count)
  bool total_limited = false;
  std::optional<Decimal> spot_quote_available;   // spot wallet quote coin (buys); nullopt = unknown
  std::optional<Decimal> spot_base_available;    // spot wallet base coin (sells; never borrowed)
  std::optional<Decimal> perp_margin_available;  // futures account quote coin
  int leverage = 1;
  // One wallet funds both legs (a Unified Trading Account): spot_quote_available and
  // perp_margin_available are the same money, so a spot buy and its perp margin share one cap.
  bool shared_wallet = false;
};

// The names are string literals (static storage): sizing runs on every evaluation, allocation-free.
struct SizingResult {
  Decimal size;                 // base coin, multiple of both lots; zero when rejected
  std::string_view limited_by;  // the binding limit: target, order_limit, symbol_limit,
                                // total_limit, spot_quote_balance, spot_inventory, perp_margin,
                                // shared_wallet
  std::string_view rejected;    // non-empty when no order can be made, e.g. below_min_size

  bool ok() const noexcept { return rejected.empty(); }
};

SizingResult size_pair(const SizingInput& in);

// The smallest step that is a multiple of both lots (exact, on the raw 1e-9 grid); nullopt when a
// lot is not positive or the step would overflow.
std::optional<Decimal> common_step(Decimal lot_a, Decimal lot_b) noexcept;

}  // namespace carry::strategy
