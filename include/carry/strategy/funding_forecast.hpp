#pragma once
// Funding over the holding horizon, forecast from the current predicted rate and the rates that
// actually settled, and the persistence rule that keeps one low print from closing a position.
// Pure and deterministic; doubles on purpose: analytics, never order sizes or prices.
// docs/strategy.md ("Forecast", "Exit persistence") has the rules and a worked example.
#include <carry/core/time.hpp>

#include <string_view>

namespace carry::strategy {

struct ForecastParams {
  double current_weight = 0.5;           // weight of the current predicted rate in the blend
  double ewma_halflife_settlements = 9;  // a settled rate's weight halves after this many more
  int min_history = 3;                   // settled rates needed before the EWMA enters the blend
};

// The settled rates of one symbol, as an exponentially weighted mean per hour: an interval change
// (8 h -> 4 h) then neither halves nor doubles the history. The first rate seeds the mean.
class SettledFunding {
 public:
  void add(double rate, int interval_hours, double halflife_settlements) noexcept;
  int count() const noexcept { return count_; }
  double ewma_per_hour() const noexcept { return ewma_per_hour_; }

 private:
  double ewma_per_hour_ = 0;
  int count_ = 0;
};

struct FundingForecast {
  double current = 0;  // predicted rate for the next settlement (fraction per interval)
  double ewma = 0;     // mean of settled rates in the current interval's terms (0 without history)
  double weight = 1;   // weight of `current` actually used: 1 while history < min_history
  int history = 0;     // settled rates known
  double rate = 0;     // the forecast per settlement: weight x current + (1 - weight) x ewma
};

FundingForecast forecast_funding(double current_rate, int interval_hours, const SettledFunding& settled,
                                 const ForecastParams& p) noexcept;

// Consecutive low checks of a held position. A check counts once per funding period (keyed by its
// settlement time), however often the strategy evaluates within it.
struct CloseConfirmations {
  int count = 0;
  UnixNanos period;  // the next settlement of the last counted period
};

struct ExitVerdict {
  bool close = false;
  std::string_view
      reason;  // "funding_sign_flip" | "apr_below_close" when close; "" | "close_pending" | "adverse_tolerated"
};

// hold_apr: the position's funding APR from the forecast (negative: the carry side pays).
// A negative APR closes at once; one below close_apr closes at the `needed`-th consecutive
// period it is seen in (the count stays for the log; the caller resets it once the position
// closes); one at or above close_apr resets the count.
ExitVerdict check_exit(CloseConfirmations& c, double hold_apr, double close_apr, int needed, UnixNanos period) noexcept;

// What a forecast against the held position is expected to cost before it turns, against what
// closing costs: the exit now and the entry when the funding pays again (a round trip).
struct AdverseCost {
  double horizon_settlements = 0;  // settlements in strategy.funding.adverse_horizon_hours; 0: no tolerance
  double rate_per_settlement = 0;  // the position's forecast rate (direction x forecast), fraction
  double round_trip_bps = 0;       // fees + slippage of closing now and opening again
  double funding_bps() const noexcept { return -rate_per_settlement * horizon_settlements * 1e4; }
  // The position holds through the adverse stretch while riding it out is expected to be cheaper.
  bool tolerated() const noexcept { return horizon_settlements > 0 && funding_bps() <= round_trip_bps; }
};

// check_exit with the adverse stretch costed: a forecast against the position closes at once only
// when the funding expected over the adverse horizon costs more than a round trip ("funding_sign_flip");
// otherwise it holds ("adverse_tolerated"), and persistence below close_apr (which may be negative)
// still closes it after `needed` periods ("apr_below_close").
ExitVerdict check_exit(CloseConfirmations& c, double hold_apr, double close_apr, int needed, UnixNanos period,
                       const AdverseCost& adverse) noexcept;

}  // namespace carry::strategy
