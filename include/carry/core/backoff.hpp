#pragma once
// Exponential backoff with full jitter and a cap; reset after a stable period.
#include <chrono>
#include <cstdint>
#include <random>

namespace carry {

struct BackoffPolicy {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds cap{30'000};
  double multiplier = 2.0;
  // Fraction of the nominal delay that is randomised: delay in [nominal*(1-jitter), nominal].
  double jitter = 0.5;
};

class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy = {}, std::uint64_t seed = std::random_device{}());

  // The delay before the next attempt; grows geometrically up to the cap.
  std::chrono::milliseconds next();
  void reset() noexcept { attempt_ = 0; }
  int attempts() const noexcept { return attempt_; }
  // Upper bound of the delay for attempt n (0-based), without jitter.
  std::chrono::milliseconds nominal(int attempt) const noexcept;
  const BackoffPolicy& policy() const noexcept { return policy_; }

 private:
  BackoffPolicy policy_;
  int attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace carry
