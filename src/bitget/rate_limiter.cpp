#include <carry/bitget/rate_limiter.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace carry::bitget {

namespace {

struct Limit {
  std::string_view path;
  double per_second;
};

// REFERENCE sections 3 and 4 (doc limits per endpoint).
constexpr std::array<Limit, 38> kLimits{{
    {"/api/v2/public/time", 20},
    {"/api/v2/mix/market/fills-history", 10},
    {"/api/v2/spot/market/fills-history", 10},
    {"/api/v2/mix/order/place-order", 10},
    {"/api/v2/mix/order/batch-place-order", 5},
    {"/api/v2/mix/order/modify-order", 10},
    {"/api/v2/mix/order/cancel-order", 10},
    {"/api/v2/mix/order/batch-cancel-orders", 10},
    {"/api/v2/mix/order/cancel-all-orders", 10},
    {"/api/v2/mix/order/close-positions", 1},
    {"/api/v2/mix/order/detail", 10},
    {"/api/v2/mix/order/orders-pending", 10},
    {"/api/v2/mix/order/orders-history", 10},
    {"/api/v2/mix/order/fills", 10},
    {"/api/v2/mix/order/fill-history", 10},
    {"/api/v2/mix/position/all-position", 5},
    {"/api/v2/mix/position/single-position", 10},
    {"/api/v2/mix/account/accounts", 10},
    {"/api/v2/mix/account/account", 10},
    {"/api/v2/mix/account/bill", 10},
    {"/api/v2/mix/account/set-leverage", 5},
    {"/api/v2/mix/account/set-margin-mode", 5},
    {"/api/v2/mix/account/set-position-mode", 5},
    {"/api/v2/spot/trade/place-order", 10},
    {"/api/v2/spot/trade/batch-orders", 5},
    {"/api/v2/spot/trade/cancel-order", 10},
    {"/api/v2/spot/trade/batch-cancel-order", 10},
    {"/api/v2/spot/trade/cancel-symbol-order", 5},
    {"/api/v2/spot/trade/cancel-replace-order", 5},
    {"/api/v2/spot/trade/orderInfo", 20},
    {"/api/v2/spot/trade/unfilled-orders", 20},
    {"/api/v2/spot/trade/history-orders", 20},
    {"/api/v2/spot/trade/fills", 10},
    {"/api/v2/spot/account/assets", 10},
    {"/api/v2/spot/account/bills", 10},
    {"/api/v2/mix/market/symbol-price", 20},
    {"/api/v2/mix/market/contracts", 20},
    {"/api/v2/spot/public/symbols", 20},
}};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

double RateLimiter::documented_limit(std::string_view path) noexcept {
  for (const auto& l : kLimits)
    if (l.path == path) return l.per_second;
  if (starts_with(path, "/api/v2/mix/market/") || starts_with(path, "/api/v2/spot/market/") ||
      starts_with(path, "/api/v2/spot/public/") || starts_with(path, "/api/v2/public/"))
    return 20;
  return 10;
}

RateLimiter::RateLimiter(RateLimiterConfig config) : config_(config) {
  global_.rate = config_.global_per_second * config_.headroom;
  global_.capacity = global_.rate;
  global_.tokens = global_.capacity;
}

RateLimiter::Bucket& RateLimiter::bucket(std::string_view path) {
  auto it = buckets_.find(std::string(path));
  if (it != buckets_.end()) return it->second;
  Bucket b;
  b.rate = std::max(0.1, documented_limit(path) * config_.headroom);
  b.capacity = std::max(1.0, b.rate);  // a burst of at most one second's worth
  b.tokens = b.capacity;
  return buckets_.emplace(std::string(path), b).first->second;
}

void RateLimiter::refill(Bucket& b, time_point now) {
  if (!b.primed) {
    b.updated = now;
    b.primed = true;
    return;
  }
  if (now <= b.updated) return;
  const double dt = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(b.capacity, b.tokens + dt * b.rate);
  b.updated = now;
}

std::chrono::nanoseconds RateLimiter::take(Bucket& b, time_point now) {
  refill(b, now);
  b.tokens -= 1.0;
  if (b.tokens >= 0) return std::chrono::nanoseconds{0};
  return std::chrono::nanoseconds(std::llround(-b.tokens / b.rate * 1e9));
}

std::chrono::nanoseconds RateLimiter::acquire(std::string_view path, time_point now) {
  const auto a = take(bucket(path), now);
  const auto g = take(global_, now);
  return std::max(a, g);
}

bool RateLimiter::would_wait(std::string_view path, time_point now) const {
  auto it = buckets_.find(std::string(path));
  auto check = [now](Bucket b) {
    refill(b, now);
    return b.tokens < 1.0;
  };
  if (check(global_)) return true;
  return it != buckets_.end() && check(it->second);
}

void RateLimiter::on_rate_limited(std::string_view path, time_point now) {
  Bucket& b = bucket(path);
  refill(b, now);
  // Empty the bucket and push it further negative so the next slot opens after the cooldown.
  const double cooldown_s = std::chrono::duration<double>(config_.cooldown_after_429).count();
  b.tokens = std::min(b.tokens, -cooldown_s * b.rate + 1.0);
}

}  // namespace carry::bitget
