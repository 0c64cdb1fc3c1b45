#include <carry/bitget/circuit_breaker.hpp>

#include <algorithm>

namespace carry::bitget {

std::string_view to_string(CircuitBreaker::State s) noexcept {
  switch (s) {
    case CircuitBreaker::State::Closed:
      return "closed";
    case CircuitBreaker::State::Open:
      return "open";
    case CircuitBreaker::State::HalfOpen:
      return "half_open";
  }
  return "?";
}

CircuitBreaker::CircuitBreaker(CircuitBreakerConfig config, EventSink& events, std::string name)
    : config_(config), events_(events), name_(std::move(name)) {
  config_.fail_threshold = std::max(1, config_.fail_threshold);
}

bool CircuitBreaker::counts_as_failure(const boost::system::error_code& ec) noexcept {
  return ec == make_error_code(Errc::network) || ec == make_error_code(Errc::timeout) ||
         ec == make_error_code(Errc::http_server_error);
}

bool CircuitBreaker::allow(time_point now) {
  switch (state_) {
    case State::Closed:
      return true;
    case State::Open:
      if (now < open_until_) return false;
      state_ = State::HalfOpen;
      probe_in_flight_ = true;
      events_.info("rest.circuit_half_open", {{"breaker", name_}});
      return true;
    case State::HalfOpen:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::on_success(time_point) {
  failures_ = 0;
  probe_in_flight_ = false;
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  events_.info("rest.circuit_close", {{"breaker", name_}});
}

void CircuitBreaker::open(time_point now, std::string_view reason) {
  state_ = State::Open;
  probe_in_flight_ = false;
  open_until_ = now + config_.open_for;
  events_.error("rest.circuit_open", {{"breaker", name_},
                                      {"consecutive_failures", failures_},
                                      {"open_ms", config_.open_for.count()},
                                      {"reason", std::string(reason)}});
}

void CircuitBreaker::on_failure(time_point now, std::string_view reason) {
  ++failures_;
  // A failed probe (half-open) reopens at once; closed, it takes the threshold.
  if (state_ == State::HalfOpen || (state_ == State::Closed && failures_ >= config_.fail_threshold)) open(now, reason);
}

}  // namespace carry::bitget
