#pragma once
// Small helpers shared by the runtime's translation units (private to src/app).
#include <carry/core/decimal.hpp>
#include <carry/core/events.hpp>

#include <string>
#include <string_view>

namespace carry::app::runtime_util {

inline std::string dec(Decimal d) { return d.to_string(); }

// Settlement bills carry the symbol and the settlement time; one bill per symbol and time.
inline std::string bill_key(const FundingPayment& p) { return p.symbol + "@" + std::to_string(p.ts_event.ns); }

// The coin a USDT pair is quoted against is stripped to get the base coin (BTCUSDT -> BTC).
// Not Instrument::base_coin: the reconciliation needs it where no instrument may be loaded (the
// store's fills of any symbol, a symbol held at start that the venue no longer lists).
inline std::string base_coin(std::string_view symbol) {
  return std::string(symbol.ends_with("USDT") ? symbol.substr(0, symbol.size() - 4) : symbol);
}

}  // namespace carry::app::runtime_util
