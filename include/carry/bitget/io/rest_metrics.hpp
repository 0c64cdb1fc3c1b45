#pragma once
// REST request counts and latency per endpoint, kept by RestClient for /metrics. Pure bookkeeping
// (no clock inside: the caller measures), so it is tested without a socket. The endpoint is the
// request path without the query; the code is the HTTP status, or a word when no status came back.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace carry::bitget {

class RestMetrics {
 public:
  // Upper bounds in seconds; the last bucket of counts is the overflow above 10 s.
  static constexpr std::array<double, 11> kBounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  struct Latency {
    std::array<std::uint64_t, kBounds.size() + 1> counts{};  // per bucket, not cumulative
    double sum_s = 0;
    std::uint64_t count = 0;
  };
  struct Key {
    std::string endpoint, code;
    auto operator<=>(const Key&) const = default;
  };

  // A request that reached the transport: its answer's code and its round trip.
  void record(std::string_view endpoint, std::string_view code, std::chrono::nanoseconds elapsed);
  // A request refused before anything was sent (circuit open): counted, no latency.
  void count(std::string_view endpoint, std::string_view code);

  const std::map<Key, std::uint64_t>& requests() const noexcept { return requests_; }
  const std::map<std::string, Latency, std::less<>>& latency() const noexcept { return latency_; }

  // The code label for a status: "200", "429", ...
  static std::string status_code(int http_status);

 private:
  std::map<Key, std::uint64_t> requests_;
  std::map<std::string, Latency, std::less<>> latency_;
};

}  // namespace carry::bitget
