// StoreWatch: the first failed write trips Reducing once; the failure is logged at most once a
// minute with the count since the last line, and nothing is logged while the store is healthy.
#include "store_watch.hpp"

#include <gtest/gtest.h>

namespace carry::app {
namespace {

using namespace std::chrono_literals;

TEST(StoreWatch, AHealthyStoreNeitherTripsNorLogs) {
  StoreWatch w;
  const StoreWatch::Clock::time_point t0{};
  for (int i = 0; i < 5; ++i) {
    const auto v = w.observe(0, t0 + i * 1s);
    EXPECT_FALSE(v.trip);
    EXPECT_FALSE(v.log);
  }
}

TEST(StoreWatch, TheFirstFailureTripsOnceAndTheLogIsRateLimited) {
  StoreWatch w;
  const StoreWatch::Clock::time_point t0{};
  auto v = w.observe(3, t0);
  EXPECT_TRUE(v.trip);
  EXPECT_TRUE(v.log);
  EXPECT_EQ(v.since_last_log, 3u);
  v = w.observe(10, t0 + 20s);
  EXPECT_FALSE(v.trip);
  EXPECT_FALSE(v.log);
  v = w.observe(12, t0 + 59s);
  EXPECT_FALSE(v.log);
  v = w.observe(12, t0 + 60s);
  EXPECT_TRUE(v.log);
  EXPECT_EQ(v.since_last_log, 9u);  // 10 - 3 + 12 - 10
  EXPECT_EQ(v.total, 12u);
  v = w.observe(12, t0 + 200s);  // no new failure: silent
  EXPECT_FALSE(v.log);
  EXPECT_FALSE(v.trip);
}

}  // namespace
}  // namespace carry::app
