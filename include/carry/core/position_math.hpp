#pragma once
// A net position's size, average entry and realised PnL after a trade: the one calculation the
// OMS's position book, the strategy's legs, the daemon's PnL tracker and the paper venue share.
// Each keeps its own (size, average entry) pair and moves it through apply_trade.
#include <carry/core/decimal.hpp>

namespace carry {

// Adds `signed_qty` (+ buys, - sells, base coin) traded at `price` to the position (`size`, signed;
// `avg_entry`, zero while flat) and returns the PnL realised by the part that closed (quote coin,
// before fees). Adding keeps a size-weighted average; reducing keeps the entry; closing resets it
// to zero; flipping through zero starts again at `price`.
Decimal apply_trade(Decimal& size, Decimal& avg_entry, Decimal signed_qty, Decimal price);

}  // namespace carry
