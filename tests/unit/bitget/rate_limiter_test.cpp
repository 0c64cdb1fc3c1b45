#include <carry/bitget/rate_limiter.hpp>

#include <gtest/gtest.h>

namespace carry::bitget {
namespace {

using namespace std::chrono_literals;
using tp = RateLimiter::time_point;

TEST(RateLimiter, DocumentedLimits) {
  EXPECT_EQ(RateLimiter::documented_limit("/api/v2/mix/order/place-order"), 10);
  EXPECT_EQ(RateLimiter::documented_limit("/api/v2/mix/order/batch-place-order"), 5);
  EXPECT_EQ(RateLimiter::documented_limit("/api/v2/mix/order/close-positions"), 1);
  EXPECT_EQ(RateLimiter::documented_limit("/api/v2/mix/position/all-position"), 5);
  EXPECT_EQ(RateLimiter::documented_limit("/api/v2/spot/trade/orderInfo"), 20);
  EXPECT_EQ(RateLimiter::documented_limit("/api/v2/mix/market/tickers"), 20);       // unlisted market path
  EXPECT_EQ(RateLimiter::documented_limit("/api/v2/mix/order/something-new"), 10);  // unlisted private path
}

TEST(RateLimiter, BurstThenSpacedAtTheRate) {
  RateLimiter rl({1.0, 1000ms, 100.0});
  const tp t0{};
  const std::string p = "/api/v2/mix/order/place-order";  // 10/s
  for (int i = 0; i < 10; ++i) EXPECT_EQ(rl.acquire(p, t0), 0ns) << i;
  EXPECT_TRUE(rl.would_wait(p, t0));
  EXPECT_EQ(rl.acquire(p, t0), 100ms);  // 11th: one token's worth later
  EXPECT_EQ(rl.acquire(p, t0), 200ms);  // reservations queue
  // After a quiet second the bucket is full again (capacity 1 s worth, never more).
  const tp t1 = t0 + 2s;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(rl.acquire(p, t1), 0ns) << i;
  EXPECT_GT(rl.acquire(p, t1), 0ns);
}

TEST(RateLimiter, EndpointsAreIndependentButShareTheGlobalBudget) {
  RateLimiter rl({1.0, 1000ms, 12.0});
  const tp t0{};
  for (int i = 0; i < 10; ++i) rl.acquire("/api/v2/mix/order/place-order", t0);
  EXPECT_EQ(rl.acquire("/api/v2/mix/order/cancel-order", t0), 0ns);
  EXPECT_EQ(rl.acquire("/api/v2/mix/order/cancel-order", t0), 0ns);
  // 13th request overall in the same instant: the global bucket (12/s) makes it wait.
  EXPECT_GT(rl.acquire("/api/v2/mix/order/cancel-order", t0), 0ns);
}

TEST(RateLimiter, HeadroomLowersTheRate) {
  RateLimiter rl({0.5, 1000ms, 100.0});
  const tp t0{};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(rl.acquire("/api/v2/mix/order/place-order", t0), 0ns);
  EXPECT_EQ(rl.acquire("/api/v2/mix/order/place-order", t0), 200ms);
}

TEST(RateLimiter, CooldownAfter429) {
  RateLimiter rl({1.0, 2000ms, 100.0});
  const tp t0{};
  const std::string p = "/api/v2/spot/trade/place-order";
  rl.acquire(p, t0);
  rl.on_rate_limited(p, t0);
  const auto wait = rl.acquire(p, t0);
  EXPECT_GE(wait, 2000ms);
  EXPECT_LE(wait, 2100ms);
  EXPECT_EQ(rl.acquire("/api/v2/spot/trade/cancel-order", t0), 0ns);  // other endpoints unaffected
}

}  // namespace
}  // namespace carry::bitget
