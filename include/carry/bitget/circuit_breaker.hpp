#pragma once
// REST circuit breaker: `fail_threshold` consecutive failures open it for `open_for`; then one
// half-open probe is let through; its success closes the breaker, its failure re-opens it.
// Emits rest.circuit_open / rest.circuit_half_open / rest.circuit_close. Time is passed in.
#include <carry/core/event_sink.hpp>
#include <carry/core/result.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace carry::bitget {

struct CircuitBreakerConfig {
  int fail_threshold = 5;                      // rest_cb_fail_threshold
  std::chrono::milliseconds open_for{30'000};  // rest_cb_open_seconds
};

class CircuitBreaker {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  enum class State : std::uint8_t { Closed, Open, HalfOpen };

  CircuitBreaker(CircuitBreakerConfig config, EventSink& events, std::string name = "rest");

  // May a request go now? In Open past the deadline this moves to HalfOpen and admits exactly
  // one probe; further requests are refused until the probe reports back.
  bool allow(time_point now);
  void on_success(time_point now);
  void on_failure(time_point now, std::string_view reason);

  // Which failures count: transport and server trouble, not business rejections.
  static bool counts_as_failure(const boost::system::error_code& ec) noexcept;

  State state() const noexcept { return state_; }
  int consecutive_failures() const noexcept { return failures_; }
  time_point open_until() const noexcept { return open_until_; }

 private:
  void open(time_point now, std::string_view reason);

  CircuitBreakerConfig config_;
  EventSink& events_;
  std::string name_;
  State state_ = State::Closed;
  int failures_ = 0;
  bool probe_in_flight_ = false;
  time_point open_until_{};
};

std::string_view to_string(CircuitBreaker::State s) noexcept;

}  // namespace carry::bitget
