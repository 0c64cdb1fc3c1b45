#pragma once
// The backtest's equity meter: the paper account marked to market (futures equity, USDT, and each
// symbol's spot holding at its last spot mid), sampled hourly for the equity curve, the drawdown
// and the capital at work (ExposureSample).
#include <carry/core/decimal.hpp>
#include <carry/core/events.hpp>
#include <carry/core/time.hpp>
#include <carry/paper/exchange.hpp>

#include "backtest_report.hpp"

#include <string>
#include <vector>

namespace carry::app {

class EquityMeter {
 public:
  EquityMeter(const paper::Exchange& paper, Decimal initial_equity, int leverage, UnixNanos origin);

  // The symbols in load order (a handful: found by a linear scan, no map lookups per quote).
  void add_symbol(const std::string& name, const std::string& base_coin);
  // A spot quote marks the symbol's spot holding; throws BacktestError for a symbol not added.
  void on_spot_quote(const Bbo& quote);

  Decimal equity() const;
  // Equity and exposure at `t`: a point of the curve, the peak and drawdown updated. Returns the equity.
  Decimal sample(UnixNanos t);

  Decimal initial_equity() const noexcept { return initial_; }
  Decimal max_drawdown() const noexcept { return max_drawdown_; }
  const std::vector<ExposureSample>& exposure() const noexcept { return exposure_; }
  // Hours since the origin, and equity - initial equity.
  const std::vector<double>& curve_hours() const noexcept { return curve_x_; }
  const std::vector<double>& curve_pnl() const noexcept { return curve_y_; }

 private:
  struct Mark {
    std::string name, base;
    bool has_spot_mid = false;
    Decimal spot_mid;
  };
  void expose(UnixNanos t);

  const paper::Exchange& paper_;
  Decimal initial_, leverage_;
  UnixNanos origin_;
  std::vector<Mark> marks_;
  std::vector<ExposureSample> exposure_;
  std::vector<double> curve_x_, curve_y_;
  Decimal peak_, max_drawdown_;
};

}  // namespace carry::app
