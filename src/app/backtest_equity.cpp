#include "backtest_equity.hpp"

#include <carry/app/backtest_runner.hpp>
#include <carry/core/symbol_lookup.hpp>

#include <algorithm>

namespace carry::app {

EquityMeter::EquityMeter(const paper::Exchange& paper, Decimal initial_equity, int leverage, UnixNanos origin)
    : paper_(paper),
      initial_(initial_equity),
      leverage_(Decimal::from_units(std::max(leverage, 1))),
      origin_(origin),
      peak_(initial_equity) {}

void EquityMeter::add_symbol(const std::string& name, const std::string& base_coin) {
  Mark& m = marks_.emplace_back();
  m.name = name;
  m.base = base_coin;  // the spot instrument's, never guessed from the name
}

void EquityMeter::on_spot_quote(const Bbo& quote) {
  for (auto& m : marks_) {
    if (!same_symbol(m.name, quote.symbol)) continue;
    m.spot_mid = quote.mid();
    m.has_spot_mid = true;
    return;
  }
  throw BacktestError("event for a symbol that was not loaded: " + quote.symbol);
}

Decimal EquityMeter::equity() const {
  Decimal e = paper_.futures_equity() + paper_.spot_balance("USDT").total();
  for (const auto& m : marks_) {
    if (!m.has_spot_mid) continue;
    const Decimal held = paper_.spot_balance(m.base).total();
    if (!held.is_zero()) e += held * m.spot_mid;
  }
  return e;
}

// Capital at work for the report's APR on capital used and time in market.
void EquityMeter::expose(UnixNanos t) {
  ExposureSample x{t, {}, false};
  const auto add = [&x](Decimal worth) {
    x.capital += worth;
    x.open = x.open || worth >= Decimal::from_units(1);
  };
  for (const auto& m : marks_)
    if (m.has_spot_mid) add(paper_.spot_balance(m.base).total().abs() * m.spot_mid);
  for (const auto& p : paper_.positions())
    add((p.size * p.mark_price.value_or(p.entry_price.value_or(Decimal{}))).abs() / leverage_);
  exposure_.push_back(x);
}

Decimal EquityMeter::sample(UnixNanos t) {
  expose(t);
  const Decimal e = equity();
  if (e > peak_) peak_ = e;
  if (peak_ - e > max_drawdown_) max_drawdown_ = peak_ - e;
  curve_x_.push_back(static_cast<double>((t - origin_).count()) / 3.6e12);
  curve_y_.push_back((e - initial_).to_double());
  return e;
}

}  // namespace carry::app
