#include <carry/core/backoff.hpp>

#include <algorithm>
#include <cmath>

namespace carry {

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed) : policy_(policy), rng_(seed) {}

std::chrono::milliseconds Backoff::nominal(int attempt) const noexcept {
  const double base = static_cast<double>(policy_.initial.count());
  const double cap = static_cast<double>(policy_.cap.count());
  const double grown = base * std::pow(policy_.multiplier, std::min(attempt, 64));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(grown, cap)));
}

std::chrono::milliseconds Backoff::next() {
  const auto upper = nominal(attempt_);
  ++attempt_;
  const double jitter = std::clamp(policy_.jitter, 0.0, 1.0);
  const double lo = static_cast<double>(upper.count()) * (1.0 - jitter);
  std::uniform_real_distribution<double> dist(lo, static_cast<double>(upper.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(dist(rng_)));
}

}  // namespace carry
