#pragma once
// "Every day at 00:05 UTC" (the daily report): pure time arithmetic, no clock inside.
#include <carry/core/time.hpp>

#include <chrono>
#include <string>

namespace carry::monitor {

class DailySchedule {
 public:
  // `time_of_day` after 00:00 UTC, in [0, 24h); throws std::invalid_argument otherwise.
  explicit DailySchedule(std::chrono::nanoseconds time_of_day = std::chrono::minutes(5));

  // The first run strictly after `now` (a run that just happened at `now` is not repeated).
  UnixNanos next_run(UnixNanos now) const noexcept;
  // The day a run reports on: the UTC day before the run's own day ("YYYY-MM-DD").
  static std::string report_date(UnixNanos run);

 private:
  std::chrono::nanoseconds time_of_day_;
};

}  // namespace carry::monitor
