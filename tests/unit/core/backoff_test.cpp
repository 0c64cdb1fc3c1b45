#include <carry/core/backoff.hpp>

#include <gtest/gtest.h>

using namespace carry;
using namespace std::chrono_literals;

TEST(Backoff, StaysWithinJitteredBoundsAndCap) {
  BackoffPolicy policy{.initial = 100ms, .cap = 5'000ms, .multiplier = 2.0, .jitter = 0.5};
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Backoff b(policy, seed);
    for (int attempt = 0; attempt < 20; ++attempt) {
      const auto upper = b.nominal(attempt);
      const auto d = b.next();
      ASSERT_LE(d, upper);
      ASSERT_GE(d.count(), upper.count() / 2 - 1);
      ASSERT_LE(d, 5'000ms);
    }
  }
}

TEST(Backoff, GrowsThenResets) {
  Backoff b({.initial = 100ms, .cap = 1'000ms, .multiplier = 2.0, .jitter = 0.0}, 1);
  EXPECT_EQ(b.next(), 100ms);
  EXPECT_EQ(b.next(), 200ms);
  EXPECT_EQ(b.next(), 400ms);
  EXPECT_EQ(b.next(), 800ms);
  EXPECT_EQ(b.next(), 1'000ms);
  EXPECT_EQ(b.next(), 1'000ms);
  EXPECT_EQ(b.attempts(), 6);
  b.reset();
  EXPECT_EQ(b.next(), 100ms);
}

TEST(Backoff, HugeAttemptCountDoesNotOverflow) {
  Backoff b({.initial = 1'000ms, .cap = 60'000ms, .multiplier = 10.0, .jitter = 0.0}, 1);
  EXPECT_EQ(b.nominal(1'000'000), 60'000ms);
}
