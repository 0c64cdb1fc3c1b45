#include "store_watch.hpp"

namespace carry::app {

StoreWatch::Verdict StoreWatch::observe(std::uint64_t write_failed_total, Clock::time_point now) {
  Verdict v;
  v.total = write_failed_total;
  if (write_failed_total > seen_) {
    unlogged_ += write_failed_total - seen_;
    seen_ = write_failed_total;
    if (!tripped_) {
      tripped_ = true;
      v.trip = true;
    }
  }
  if (unlogged_ > 0 && (!last_log_ || now - *last_log_ >= kLogEvery)) {
    v.log = true;
    v.since_last_log = unlogged_;
    unlogged_ = 0;
    last_log_ = now;
  }
  return v;
}

}  // namespace carry::app
