#pragma once
// Shared instruments for the strategy tests: an ETH-like pair around 100 USDT so sizes and
// notionals are easy to compute by hand.
#include <carry/core/types.hpp>

namespace carry::strategy::test {

inline Instrument spot_instrument(std::string symbol = "ETHUSDT") {
  Instrument i;
  i.symbol = std::move(symbol);
  i.market = MarketType::Spot;
  i.base_coin = i.symbol.substr(0, i.symbol.size() - 4);
  i.quote_coin = "USDT";
  i.tick = "0.01"_dec;
  i.lot = "0.0001"_dec;
  i.min_size = "0.0001"_dec;
  i.min_notional = "1"_dec;
  i.maker_fee = "0.001"_dec;
  i.taker_fee = "0.001"_dec;
  i.price_decimals = 2;
  i.size_decimals = 4;
  return i;
}

inline Instrument perp_instrument(std::string symbol = "ETHUSDT", int interval_hours = 8) {
  Instrument i;
  i.symbol = std::move(symbol);
  i.market = MarketType::Perp;
  i.base_coin = i.symbol.substr(0, i.symbol.size() - 4);
  i.quote_coin = "USDT";
  i.tick = "0.01"_dec;
  i.lot = "0.001"_dec;
  i.min_size = "0.001"_dec;
  i.min_notional = "5"_dec;
  i.maker_fee = "0.0002"_dec;
  i.taker_fee = "0.0006"_dec;
  i.price_decimals = 2;
  i.size_decimals = 3;
  i.funding_interval_hours = interval_hours;
  return i;
}

}  // namespace carry::strategy::test
