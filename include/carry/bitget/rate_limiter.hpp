#pragma once
// Token buckets per REST endpoint with REFERENCE's limits (sections 3-4), plus one bucket for
// the overall 6000 requests/IP/minute. Sans-I/O: time is passed in; acquire() reserves a slot
// and says how long the caller must wait before sending (callers queue fairly because a
// reservation may drive the bucket negative).
#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

namespace carry::bitget {

struct RateLimiterConfig {
  double headroom = 0.9;  // use this fraction of each documented limit
  // After an HTTP 429 on an endpoint, nothing is sent to it for this long.
  std::chrono::milliseconds cooldown_after_429{1000};
  double global_per_second = 100.0;  // 6000 / IP / minute
};

class RateLimiter {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit RateLimiter(RateLimiterConfig config = {});

  // Documented requests/second for a path ("/api/v2/mix/order/place-order" -> 10). Unlisted
  // market-data paths get 20, unlisted private paths 10.
  static double documented_limit(std::string_view path) noexcept;

  // Reserves one request on `path`; returns how long to wait before sending (0 = now).
  std::chrono::nanoseconds acquire(std::string_view path, time_point now);
  // Whether a request could go now, without reserving.
  bool would_wait(std::string_view path, time_point now) const;
  // The exchange answered 429 (or a rate-limit code): back off this endpoint.
  void on_rate_limited(std::string_view path, time_point now);

 private:
  struct Bucket {
    double rate = 1;      // tokens per second
    double capacity = 1;  // burst
    double tokens = 1;    // may go negative (reservations)
    time_point updated{};
    bool primed = false;
  };
  Bucket& bucket(std::string_view path);
  static void refill(Bucket& b, time_point now);
  static std::chrono::nanoseconds take(Bucket& b, time_point now);

  RateLimiterConfig config_;
  std::unordered_map<std::string, Bucket> buckets_;
  Bucket global_;
};

}  // namespace carry::bitget
