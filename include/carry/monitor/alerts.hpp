#pragma once
// Alerts: what in the event log needs a person, and how it is said. Sans-I/O: every logged event
// passes through AlertRules::observe (with the time passed in), which maps it to at most one
// Alert, rate-limited per kind; AlertQueue holds them (bounded, the oldest dropped and counted);
// AlertDelivery decides retries; the *_body functions are the bytes each destination receives.
// The coroutine shell that sends them is src/app/alert_service.cpp.
#include <carry/core/backoff.hpp>
#include <carry/core/event_sink.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry::monitor {

using AlertTime = std::chrono::steady_clock::time_point;

struct Alert {
  std::string kind;   // the rate-limit key: the event name, or e.g. "stream.down:public"
  std::string event;  // the event that raised it (or stream.down / stream.up / order.rejections)
  LogLevel level = LogLevel::Warn;
  std::string text;  // one line a person reads on a phone
  nlohmann::json fields = nlohmann::json::object();
};

struct AlertRulesConfig {
  std::chrono::seconds min_interval{300};   // per kind; 0 = no limit
  int reject_burst = 3;                     // order rejections ...
  std::chrono::seconds reject_window{300};  // ... within this window raise one alert
  std::chrono::seconds stream_down{60};     // a WebSocket session down this long raises one alert
};

class AlertRules {
 public:
  explicit AlertRules(AlertRulesConfig config = {}) : config_(config) {}

  // Whether `event` can ever raise an alert: callers skip building fields for everything else.
  static bool watched(std::string_view event) noexcept;

  // The alert this event raises now, if any (after the per-kind rate limit).
  std::optional<Alert> observe(AlertTime now, LogLevel level, std::string_view event, const nlohmann::json& fields);
  // Streams down longer than config.stream_down: one alert per outage. Call every few seconds.
  std::vector<Alert> tick(AlertTime now);

  std::uint64_t suppressed() const noexcept { return suppressed_; }  // rate-limited away

 private:
  std::optional<Alert> admit(AlertTime now, Alert alert);
  std::optional<Alert> map(AlertTime now, LogLevel level, std::string_view event, const nlohmann::json& fields);

  struct Stream {
    std::optional<AlertTime> down_since;
    std::string why;
    bool alerted = false;
  };
  AlertRulesConfig config_;
  std::map<std::string, AlertTime, std::less<>> last_sent_;
  std::deque<AlertTime> rejects_;
  std::map<std::string, Stream, std::less<>> streams_;
  std::uint64_t suppressed_ = 0;
};

// Bounded FIFO: a full queue drops its oldest entry (a stale alert is worth less than a new one).
template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  // False when an older entry had to go to make room.
  bool push(T value) {
    bool kept_all = true;
    if (items_.size() >= capacity_) {
      items_.pop_front();
      ++dropped_;
      kept_all = false;
    }
    items_.push_back(std::move(value));
    return kept_all;
  }
  std::optional<T> pop() {
    if (items_.empty()) return std::nullopt;
    T v = std::move(items_.front());
    items_.pop_front();
    return v;
  }
  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  std::size_t capacity_;
  std::deque<T> items_;
  std::uint64_t dropped_ = 0;
};

// One alert to one destination: retried with exponential backoff while the failure may heal
// (network, timeout, 429, 5xx), given up at once when it cannot (4xx) or after max_attempts.
class AlertDelivery {
 public:
  enum class Outcome { Delivered, Retryable, Refused };
  struct Next {
    bool done = false;  // delivered or given up
    bool delivered = false;
    std::chrono::milliseconds retry_after{0};
  };
  explicit AlertDelivery(int max_attempts = 5,
                         BackoffPolicy policy = {std::chrono::milliseconds(1000), std::chrono::milliseconds(30'000),
                                                 2.0, 0.5},
                         std::uint64_t seed = 1)
      : max_attempts_(max_attempts), backoff_(policy, seed) {}
  Next on_result(Outcome outcome);
  int attempts() const noexcept { return attempts_; }
  static Outcome classify_http(int status) noexcept;

 private:
  int max_attempts_;
  int attempts_ = 0;
  Backoff backoff_;
};

std::string webhook_body(const Alert& alert);                               // {"event","level","text","fields"}
std::string slack_body(const Alert& alert);                                 // {"text": ...}
std::string telegram_body(const Alert& alert, const std::string& chat_id);  // sendMessage
std::string alert_line(const Alert& alert);                                 // "[carry] ERROR text"

}  // namespace carry::monitor
