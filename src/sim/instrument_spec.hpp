#pragma once
// Static trading rules of one simulated instrument, with the Bitget-specific fields the
// contracts / symbols endpoints publish (pricePlace, priceEndStep, volumePlace, ...).
#include <carry/core/decimal.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace carry::sim {

enum class Market { Spot, Perp };

std::string_view to_string(Market m) noexcept;
// "SPOT" / "USDT-FUTURES" as used in WebSocket instType.
std::string_view inst_type(Market m) noexcept;

struct InstrumentSpec {
  std::string symbol;  // "BTCUSDT"
  Market market = Market::Spot;
  std::string base_coin;    // "BTC"
  std::string quote_coin;   // "USDT"
  int price_place = 2;      // price decimals
  int price_end_step = 1;   // tick = price_end_step * 10^-price_place
  int volume_place = 4;     // size decimals
  Decimal size_multiplier;  // size step
  Decimal min_size;         // minTradeNum (perp) / smallest size (spot)
  Decimal min_notional;     // minTradeUSDT
  Decimal maker_fee;
  Decimal taker_fee;
  int max_lever = 125;

  Decimal tick() const;
  std::string fmt_price(Decimal p) const;  // exactly price_place decimals
  std::string fmt_size(Decimal s) const;   // exactly volume_place decimals
};

// BTCUSDT and ETHUSDT on spot and USDT-M perp, with Bitget's published rules (2025).
std::vector<InstrumentSpec> default_instruments();

// Spot and perp instruments for these <BASE>USDT symbols: BTC and ETH with the rules above, any
// other base with generic rules (price tick 0.001, size step 0.01). Empty when a symbol is not
// <BASE>USDT with BASE of 1-12 characters [A-Z0-9]; `bad` then names it.
std::vector<InstrumentSpec> instruments_for(const std::vector<std::string>& symbols, std::string* bad = nullptr);

}  // namespace carry::sim
