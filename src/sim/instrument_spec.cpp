#include "instrument_spec.hpp"

#include <algorithm>

namespace carry::sim {

std::string_view to_string(Market m) noexcept { return m == Market::Spot ? "spot" : "perp"; }
std::string_view inst_type(Market m) noexcept { return m == Market::Spot ? "SPOT" : "USDT-FUTURES"; }

Decimal InstrumentSpec::tick() const {
  Decimal t = Decimal::from_units(price_end_step);
  for (int i = 0; i < price_place; ++i) t = t / Decimal::from_units(10);
  return t;
}

std::string InstrumentSpec::fmt_price(Decimal p) const { return p.to_string(price_place); }
std::string InstrumentSpec::fmt_size(Decimal s) const { return s.to_string(volume_place); }

namespace {
InstrumentSpec make(std::string symbol, Market market, std::string base, int pp, int vp, const char* step,
                    const char* min_size, const char* maker, const char* taker) {
  InstrumentSpec s;
  s.symbol = std::move(symbol);
  s.market = market;
  s.base_coin = std::move(base);
  s.quote_coin = "USDT";
  s.price_place = pp;
  s.price_end_step = 1;
  s.volume_place = vp;
  s.size_multiplier = Decimal::parse(step).value();
  s.min_size = Decimal::parse(min_size).value();
  s.min_notional = Decimal::from_units(market == Market::Spot ? 1 : 5);
  s.maker_fee = Decimal::parse(maker).value();
  s.taker_fee = Decimal::parse(taker).value();
  s.max_lever = market == Market::Perp ? 125 : 1;
  return s;
}
}  // namespace

std::vector<InstrumentSpec> default_instruments() {
  return {
      make("BTCUSDT", Market::Spot, "BTC", 2, 6, "0.000001", "0.000001", "0.001", "0.001"),
      make("ETHUSDT", Market::Spot, "ETH", 2, 4, "0.0001", "0.0001", "0.001", "0.001"),
      make("BTCUSDT", Market::Perp, "BTC", 1, 3, "0.001", "0.001", "0.0002", "0.0006"),
      make("ETHUSDT", Market::Perp, "ETH", 2, 2, "0.01", "0.01", "0.0002", "0.0006"),
  };
}

std::vector<InstrumentSpec> instruments_for(const std::vector<std::string>& symbols, std::string* bad) {
  const auto known = default_instruments();
  std::vector<InstrumentSpec> spot, perp;
  for (const auto& symbol : symbols) {
    const bool shape = symbol.size() > 4 && symbol.size() <= 16 && symbol.ends_with("USDT") &&
                       std::all_of(symbol.begin(), symbol.end(),
                                   [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
    const bool repeated = std::any_of(spot.begin(), spot.end(), [&](const auto& s) { return s.symbol == symbol; });
    if (!shape || repeated) {
      if (bad) *bad = symbol;
      return {};
    }
    bool found = false;
    for (const auto& k : known) {
      if (k.symbol != symbol) continue;
      (k.market == Market::Spot ? spot : perp).push_back(k);
      found = true;
    }
    if (found) continue;
    const std::string base = symbol.substr(0, symbol.size() - 4);
    spot.push_back(make(symbol, Market::Spot, base, 3, 2, "0.01", "0.01", "0.001", "0.001"));
    perp.push_back(make(symbol, Market::Perp, base, 3, 2, "0.01", "0.01", "0.0002", "0.0006"));
  }
  spot.insert(spot.end(), perp.begin(), perp.end());
  return spot;
}

}  // namespace carry::sim
