#include <carry/core/time.hpp>

#include <gtest/gtest.h>

using namespace carry;

TEST(UnixNanos, FromExchangeUnits) {
  EXPECT_EQ(UnixNanos::from_ms(1'695'806'875'837).ns, 1'695'806'875'837'000'000);
  EXPECT_EQ(UnixNanos::from_seconds(1'700'000'000).ms(), 1'700'000'000'000);
  EXPECT_EQ(UnixNanos::parse_ms("1750435200000")->ms(), 1'750'435'200'000);
  EXPECT_FALSE(UnixNanos::parse_ms(""));
  EXPECT_FALSE(UnixNanos::parse_ms("12a"));
}

TEST(UnixNanos, Rfc3339) {
  EXPECT_EQ(UnixNanos::from_ms(1'750'435'200'000).to_rfc3339_ms(), "2025-06-20T16:00:00.000Z");
  EXPECT_EQ(UnixNanos::from_ms(1'745'510'400'000).to_rfc3339(), "2025-04-24T16:00:00Z");
  EXPECT_EQ(UnixNanos::from_ms(0).to_rfc3339_ms(), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(UnixNanos::from_ms(-1).to_rfc3339_ms(), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(UnixNanos::from_ms(951'782'400'123).to_rfc3339_ms(), "2000-02-29T00:00:00.123Z");
  EXPECT_EQ(UnixNanos::parse_rfc3339("2025-06-20T16:00:00Z")->ms(), 1'750'435'200'000);
  EXPECT_EQ(UnixNanos::parse_rfc3339("2025-06-20")->ms(), 1'750'377'600'000);
  EXPECT_EQ(UnixNanos::parse_rfc3339("2025-06-20T16:00:00.250Z")->ms(), 1'750'435'200'250);
  EXPECT_FALSE(UnixNanos::parse_rfc3339("2025-02-30"));
  EXPECT_FALSE(UnixNanos::parse_rfc3339("2025-06-20T16:00:00+02:00"));
  EXPECT_FALSE(UnixNanos::parse_rfc3339("yesterday"));
}

TEST(UnixNanos, RoundTripOverManyDays) {
  for (std::int64_t day = -800; day < 30'000; day += 7) {
    const UnixNanos t = UnixNanos::from_ms(day * 86'400'000 + 12'345'678);
    ASSERT_EQ(UnixNanos::parse_rfc3339(t.to_rfc3339_ms())->ns, t.ns) << t.to_rfc3339_ms();
  }
}

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock(UnixNanos::from_seconds(10));
  EXPECT_EQ(clock.now().seconds(), 10);
  clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(clock.now().seconds(), 15);
}

TEST(ManualClock, MonotonicTimeFollowsSimulatedTimeButNotAWallStep) {
  ManualClock clock(UnixNanos::from_seconds(10));
  const MonoNanos t0 = clock.mono();
  clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(clock.mono() - t0, std::chrono::seconds(5));
  clock.set(UnixNanos::from_seconds(20));  // a backtest moving to its next event
  EXPECT_EQ(clock.mono() - t0, std::chrono::seconds(10));
  clock.step_wall(-std::chrono::hours(1));  // NTP steps the host clock back
  EXPECT_EQ(clock.now().seconds(), 20 - 3600);
  EXPECT_EQ(clock.mono() - t0, std::chrono::seconds(10));
  clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(clock.mono() - t0, std::chrono::seconds(11));
}

TEST(SystemClock, MonotonicReadingNeverGoesBack) {
  SystemClock clock;
  MonoNanos last = clock.mono();
  for (int i = 0; i < 1000; ++i) {
    const MonoNanos m = clock.mono();
    ASSERT_GE(m, last);
    last = m;
  }
}
