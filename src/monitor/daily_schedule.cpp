#include <carry/monitor/daily_schedule.hpp>

#include <stdexcept>

namespace carry::monitor {
namespace {

constexpr std::int64_t kDayNs = 86'400'000'000'000;

// Start of the UTC day containing t (floor, also before 1970).
std::int64_t day_start(std::int64_t t) noexcept {
  std::int64_t d = t / kDayNs;
  if (t % kDayNs < 0) --d;
  return d * kDayNs;
}

}  // namespace

DailySchedule::DailySchedule(std::chrono::nanoseconds time_of_day) : time_of_day_(time_of_day) {
  if (time_of_day.count() < 0 || time_of_day.count() >= kDayNs)
    throw std::invalid_argument("daily schedule: time of day must be within [00:00, 24:00)");
}

UnixNanos DailySchedule::next_run(UnixNanos now) const noexcept {
  std::int64_t run = day_start(now.ns) + time_of_day_.count();
  if (run <= now.ns) run += kDayNs;
  return UnixNanos{run};
}

std::string DailySchedule::report_date(UnixNanos run) {
  return UnixNanos{day_start(run.ns) - kDayNs}.to_rfc3339().substr(0, 10);
}

}  // namespace carry::monitor
