#include <carry/backtest/candle_to_bbo.hpp>

namespace carry::backtest {

std::optional<std::string> CandleBboConfig::validate() const {
  if (half_spread_bps.is_negative() || half_spread_bps >= Decimal::from_units(10'000))
    return "half_spread_bps " + half_spread_bps.to_string() + " must be in [0, 10000)";
  if (fixed_size && !fixed_size->is_positive()) return "fixed_size " + fixed_size->to_string() + " must be positive";
  if (!fixed_size && (!volume_fraction.is_positive() || volume_fraction > Decimal::from_units(1)))
    return "volume_fraction " + volume_fraction.to_string() + " must be in (0, 1]";
  return std::nullopt;
}

DataResult<std::vector<Quote>> candles_to_quotes(const CandleSeries& candles, const CandleBboConfig& cfg) {
  if (auto bad = cfg.validate()) return DataError{candles.file, 0, "candle->BBO config: " + *bad};
  const Decimal h = cfg.half_spread_bps / Decimal::from_units(10'000);
  const Decimal bid_factor = Decimal::from_units(1) - h;
  const Decimal ask_factor = Decimal::from_units(1) + h;
  const std::int64_t last_ms = candles.interval_ms - 1;

  std::vector<Quote> out;
  out.reserve(candles.rows.size());
  for (std::size_t i = 0; i < candles.rows.size(); ++i) {
    const Candle& c = candles.rows[i];
    auto bid = c.close.checked_mul(bid_factor, Rounding::Down);
    auto ask = c.close.checked_mul(ask_factor, Rounding::Up);
    Decimal size;
    if (cfg.fixed_size) {
      size = *cfg.fixed_size;
    } else {
      auto s = c.volume.checked_mul(cfg.volume_fraction, Rounding::Down);
      if (!s) return DataError{candles.file, i + 2, "volume x volume_fraction overflows"};
      size = *s;
    }
    if (!bid || !ask) return DataError{candles.file, i + 2, "close x spread factor overflows"};
    out.push_back(Quote{UnixNanos::from_ms(c.open_time_ms + last_ms).ns, *bid, size, *ask, size});
  }
  return out;
}

std::vector<BarRange> candle_ranges(const CandleSeries& candles) {
  std::vector<BarRange> out;
  out.reserve(candles.rows.size());
  for (const Candle& c : candles.rows) out.push_back(BarRange{c.high, c.low});
  return out;
}

}  // namespace carry::backtest
