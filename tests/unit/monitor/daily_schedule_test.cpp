#include <carry/monitor/daily_schedule.hpp>

#include <gtest/gtest.h>

using namespace carry;
using carry::monitor::DailySchedule;

namespace {
UnixNanos at(const char* rfc3339) { return UnixNanos::parse_rfc3339(rfc3339).value(); }
}  // namespace

TEST(DailySchedule, NextRunIsTheNext0005Utc) {
  const DailySchedule s;  // 00:05 UTC
  EXPECT_EQ(s.next_run(at("2025-01-01T00:00:00Z")), at("2025-01-01T00:05:00Z"));
  EXPECT_EQ(s.next_run(at("2025-01-01T00:04:59.999Z")), at("2025-01-01T00:05:00Z"));
  EXPECT_EQ(s.next_run(at("2025-01-01T00:05:00Z")), at("2025-01-02T00:05:00Z"));  // not twice
  EXPECT_EQ(s.next_run(at("2025-01-01T13:30:00Z")), at("2025-01-02T00:05:00Z"));
  EXPECT_EQ(s.next_run(at("2024-12-31T23:59:59Z")), at("2025-01-01T00:05:00Z"));  // year end
  EXPECT_EQ(s.next_run(at("2024-02-28T12:00:00Z")), at("2024-02-29T00:05:00Z"));  // leap day
  EXPECT_EQ(s.next_run(at("1969-12-31T12:00:00Z")), at("1970-01-01T00:05:00Z"));  // before the epoch
}

TEST(DailySchedule, ReportCoversThePreviousUtcDay) {
  EXPECT_EQ(DailySchedule::report_date(at("2025-01-02T00:05:00Z")), "2025-01-01");
  EXPECT_EQ(DailySchedule::report_date(at("2025-03-01T00:05:00Z")), "2025-02-28");
  EXPECT_EQ(DailySchedule::report_date(at("2025-01-01T23:59:00Z")), "2024-12-31");
}

TEST(DailySchedule, OtherTimesOfDayAndInvalidOnes) {
  const DailySchedule s(std::chrono::hours(23) + std::chrono::minutes(30));
  EXPECT_EQ(s.next_run(at("2025-01-01T00:05:00Z")), at("2025-01-01T23:30:00Z"));
  EXPECT_THROW(DailySchedule(std::chrono::hours(24)), std::invalid_argument);
  EXPECT_THROW(DailySchedule(std::chrono::minutes(-1)), std::invalid_argument);
}
