#include <carry/bitget/circuit_breaker.hpp>

#include <gtest/gtest.h>

namespace carry::bitget {
namespace {

using namespace std::chrono_literals;
using tp = CircuitBreaker::time_point;
using State = CircuitBreaker::State;

TEST(CircuitBreaker, OpensAfterThresholdConsecutiveFailures) {
  RecordingEventSink ev;
  CircuitBreaker cb({3, 10s}, ev);
  tp t{};
  cb.on_failure(t, "timeout");
  cb.on_failure(t, "timeout");
  cb.on_success(t);  // resets the run
  cb.on_failure(t, "timeout");
  cb.on_failure(t, "timeout");
  EXPECT_EQ(cb.state(), State::Closed);
  EXPECT_TRUE(cb.allow(t));
  cb.on_failure(t, "HTTP 503");
  EXPECT_EQ(cb.state(), State::Open);
  EXPECT_FALSE(cb.allow(t + 9s));
  ASSERT_EQ(ev.count("rest.circuit_open"), 1u);
  EXPECT_EQ(ev.last("rest.circuit_open")->fields["consecutive_failures"], 3);
  EXPECT_EQ(ev.last("rest.circuit_open")->fields["reason"], "HTTP 503");
}

TEST(CircuitBreaker, HalfOpenProbeClosesOnSuccess) {
  RecordingEventSink ev;
  CircuitBreaker cb({1, 5s}, ev);
  tp t{};
  cb.on_failure(t, "x");
  EXPECT_FALSE(cb.allow(t + 4s));
  EXPECT_TRUE(cb.allow(t + 5s));  // the probe
  EXPECT_EQ(cb.state(), State::HalfOpen);
  EXPECT_EQ(ev.count("rest.circuit_half_open"), 1u);
  EXPECT_FALSE(cb.allow(t + 5s));  // only one probe in flight
  cb.on_success(t + 6s);
  EXPECT_EQ(cb.state(), State::Closed);
  EXPECT_EQ(ev.count("rest.circuit_close"), 1u);
  EXPECT_TRUE(cb.allow(t + 6s));
  EXPECT_TRUE(cb.allow(t + 6s));
}

TEST(CircuitBreaker, FailedProbeReopens) {
  RecordingEventSink ev;
  CircuitBreaker cb({2, 5s}, ev);
  tp t{};
  cb.on_failure(t, "x");
  cb.on_failure(t, "x");
  ASSERT_TRUE(cb.allow(t + 5s));
  cb.on_failure(t + 5s, "still down");
  EXPECT_EQ(cb.state(), State::Open);
  EXPECT_EQ(ev.count("rest.circuit_open"), 2u);
  EXPECT_FALSE(cb.allow(t + 9s));
  EXPECT_TRUE(cb.allow(t + 10s));
  EXPECT_EQ(ev.count("rest.circuit_close"), 0u);
}

TEST(CircuitBreaker, OnlyTransportAndServerFailuresCount) {
  EXPECT_TRUE(CircuitBreaker::counts_as_failure(make_error_code(Errc::network)));
  EXPECT_TRUE(CircuitBreaker::counts_as_failure(make_error_code(Errc::timeout)));
  EXPECT_TRUE(CircuitBreaker::counts_as_failure(make_error_code(Errc::http_server_error)));
  EXPECT_FALSE(CircuitBreaker::counts_as_failure(make_error_code(Errc::exchange_rejected)));
  EXPECT_FALSE(CircuitBreaker::counts_as_failure(make_error_code(Errc::rate_limited)));
}

}  // namespace
}  // namespace carry::bitget
