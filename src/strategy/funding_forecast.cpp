#include <carry/strategy/funding_forecast.hpp>

#include <algorithm>
#include <cmath>

namespace carry::strategy {

void SettledFunding::add(double rate, int interval_hours, double halflife_settlements) noexcept {
  if (interval_hours <= 0 || !std::isfinite(rate)) return;
  const double per_hour = rate / interval_hours;
  if (count_ == 0) {
    ewma_per_hour_ = per_hour;
  } else {
    // alpha from the half-life: after n more settlements an old rate keeps (1 - alpha)^n = 2^(-n / h).
    const double alpha = halflife_settlements > 0 ? 1.0 - std::exp2(-1.0 / halflife_settlements) : 1.0;
    ewma_per_hour_ += alpha * (per_hour - ewma_per_hour_);
  }
  ++count_;
}

FundingForecast forecast_funding(double current_rate, int interval_hours, const SettledFunding& settled,
                                 const ForecastParams& p) noexcept {
  FundingForecast f;
  f.current = current_rate;
  f.history = settled.count();
  f.rate = current_rate;
  if (f.history == 0 || interval_hours <= 0) return f;
  f.ewma = settled.ewma_per_hour() * interval_hours;
  if (f.history < std::max(p.min_history, 1)) return f;  // too little history: the current rate alone
  f.weight = std::clamp(p.current_weight, 0.0, 1.0);
  f.rate = f.weight * f.current + (1.0 - f.weight) * f.ewma;
  return f;
}

ExitVerdict check_exit(CloseConfirmations& c, double hold_apr, double close_apr, int needed,
                       UnixNanos period) noexcept {
  return check_exit(c, hold_apr, close_apr, needed, period, AdverseCost{});
}

ExitVerdict check_exit(CloseConfirmations& c, double hold_apr, double close_apr, int needed, UnixNanos period,
                       const AdverseCost& adverse) noexcept {
  const bool against = hold_apr < 0;
  if (against && !adverse.tolerated()) {
    c = {};
    return {true, "funding_sign_flip"};  // paying more than a round trip costs: no waiting
  }
  if (hold_apr >= close_apr) {
    c = {};
    return against ? ExitVerdict{false, "adverse_tolerated"} : ExitVerdict{};
  }
  if (c.count == 0 || period != c.period) {
    ++c.count;
    c.period = period;
  }
  if (c.count >= std::max(needed, 1)) return {true, "apr_below_close"};  // count kept for the log
  return {false, "close_pending"};
}

}  // namespace carry::strategy
