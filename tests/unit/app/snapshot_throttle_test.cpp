#include <carry/app/snapshot_throttle.hpp>

#include <gtest/gtest.h>

using namespace carry;
using carry::app::SnapshotThrottle;

TEST(SnapshotThrottle, StoresChangesAndOpenLegsOnTheirIntervalButNotIdleFlatLegs) {
  SnapshotThrottle throttle(std::chrono::seconds(300));
  const UnixNanos t0 = UnixNanos::from_seconds(1'750'000'000);
  auto at = [&](int s) { return t0 + std::chrono::seconds(s); };
  const Decimal flat;
  const Decimal open = Decimal::from_units(2);

  EXPECT_TRUE(throttle.due("BTCUSDT", MarketType::Spot, flat, at(0)));  // first sight of a leg
  EXPECT_TRUE(throttle.due("BTCUSDT", MarketType::Perp, flat, at(0)));  // legs are separate
  EXPECT_FALSE(throttle.due("BTCUSDT", MarketType::Spot, flat, at(30)));
  EXPECT_FALSE(throttle.due("BTCUSDT", MarketType::Spot, flat, at(3600)));  // flat says nothing new
  EXPECT_TRUE(throttle.due("BTCUSDT", MarketType::Spot, open, at(3630)));   // a change, at once
  EXPECT_FALSE(throttle.due("BTCUSDT", MarketType::Spot, open, at(3660)));
  EXPECT_FALSE(throttle.due("BTCUSDT", MarketType::Spot, open, at(3929)));
  EXPECT_TRUE(throttle.due("BTCUSDT", MarketType::Spot, open, at(3930)));  // open: every 300 s
  EXPECT_TRUE(throttle.due("BTCUSDT", MarketType::Spot, flat, at(3940)));  // closed: at once
  EXPECT_FALSE(throttle.due("BTCUSDT", MarketType::Spot, flat, at(9000)));
  EXPECT_TRUE(throttle.due("ETHUSDT", MarketType::Spot, flat, at(9000)));  // symbols are separate
}
