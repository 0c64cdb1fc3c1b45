#include "funding_watch.hpp"

namespace carry::app {

FundingRateUpdate FundingWatch::merge(const FundingRateUpdate& update) {
  FundingRateUpdate f = update;
  if (last_) {
    if (f.interval_hours == 0) f.interval_hours = last_->interval_hours;
    if (!f.min_rate) f.min_rate = last_->min_rate;
    if (!f.max_rate) f.max_rate = last_->max_rate;
    if (!f.mark_price) f.mark_price = last_->mark_price;
    if (!f.index_price) f.index_price = last_->index_price;
  }
  last_ = f;
  return f;
}

bool FundingWatch::reread_due(UnixNanos now) const noexcept {
  return last_ && last_->next_settlement.ns > 0 && now >= last_->next_settlement;
}

bool FundingWatch::newly_at_cap() {
  if (!last_ || cap_noted_for_ == last_->next_settlement) return false;
  const Decimal r = last_->rate;
  const bool at_cap = (last_->max_rate && last_->max_rate->is_positive() && r >= *last_->max_rate) ||
                      (last_->min_rate && last_->min_rate->is_negative() && r <= *last_->min_rate);
  if (at_cap) cap_noted_for_ = last_->next_settlement;
  return at_cap;
}

}  // namespace carry::app
