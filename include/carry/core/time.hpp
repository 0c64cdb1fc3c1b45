#pragma once
// UnixNanos: signed int64 ns since the Unix epoch, UTC. Domain code gets time from events or an
// injected Clock, never from the wall clock directly.
#include <carry/core/result.hpp>

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace carry {

struct UnixNanos {
  std::int64_t ns = 0;

  static constexpr UnixNanos from_ms(std::int64_t ms) noexcept { return {ms * 1'000'000}; }
  static constexpr UnixNanos from_seconds(std::int64_t s) noexcept { return {s * 1'000'000'000}; }
  // Exchange timestamps arrive as ms strings ("1695806875837"); empty or non-numeric is an error.
  static Result<UnixNanos> parse_ms(std::string_view text) noexcept;
  // "2025-01-01", "2025-01-01T08:00:00Z" or with fractional seconds; always UTC.
  static Result<UnixNanos> parse_rfc3339(std::string_view text) noexcept;

  constexpr std::int64_t ms() const noexcept { return ns >= 0 ? ns / 1'000'000 : -((-ns + 999'999) / 1'000'000); }
  constexpr std::int64_t seconds() const noexcept {
    return ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000);
  }

  // RFC 3339 UTC with milliseconds: 2025-01-01T00:00:00.000Z
  std::string to_rfc3339_ms() const;
  // RFC 3339 UTC to the second: 2025-01-01T00:00:00Z
  std::string to_rfc3339() const;

  friend constexpr auto operator<=>(UnixNanos, UnixNanos) noexcept = default;
  friend constexpr bool operator==(UnixNanos, UnixNanos) noexcept = default;
  constexpr UnixNanos operator+(std::chrono::nanoseconds d) const noexcept { return {ns + d.count()}; }
  constexpr UnixNanos operator-(std::chrono::nanoseconds d) const noexcept { return {ns - d.count()}; }
  constexpr std::chrono::nanoseconds operator-(UnixNanos o) const noexcept {
    return std::chrono::nanoseconds(ns - o.ns);
  }
};

// MonoNanos: a monotonic reading in ns from an arbitrary origin. Only differences mean anything.
// Every timeout, staleness check and expiry runs on it, so a step of the host's wall clock (NTP)
// neither trips nor freezes a guard; a distinct type so it is never mixed with UnixNanos.
struct MonoNanos {
  std::int64_t ns = 0;

  static constexpr MonoNanos from_ms(std::int64_t ms) noexcept { return {ms * 1'000'000}; }
  static constexpr MonoNanos from_seconds(std::int64_t s) noexcept { return {s * 1'000'000'000}; }

  friend constexpr auto operator<=>(MonoNanos, MonoNanos) noexcept = default;
  friend constexpr bool operator==(MonoNanos, MonoNanos) noexcept = default;
  constexpr MonoNanos operator+(std::chrono::nanoseconds d) const noexcept { return {ns + d.count()}; }
  constexpr MonoNanos operator-(std::chrono::nanoseconds d) const noexcept { return {ns - d.count()}; }
  constexpr std::chrono::nanoseconds operator-(MonoNanos o) const noexcept {
    return std::chrono::nanoseconds(ns - o.ns);
  }
};

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall (or exchange) time: for event timestamps, logs, the store and exchange-facing times.
  virtual UnixNanos now() const noexcept = 0;
  // Monotonic time: for deadlines, timeouts and staleness.
  virtual MonoNanos mono() const noexcept = 0;
};

class SystemClock final : public Clock {
 public:
  UnixNanos now() const noexcept override;
  MonoNanos mono() const noexcept override;  // steady_clock
};

// For tests and backtests: time moves only when told to. Both readings start equal and move
// together (a replay stays deterministic); step_wall() models a wall-clock step alone.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixNanos start = {}) : now_(start), mono_{start.ns} {}
  UnixNanos now() const noexcept override { return now_; }
  MonoNanos mono() const noexcept override { return mono_; }
  // Simulated time elapses by t - now(); meant to move forward.
  void set(UnixNanos t) noexcept {
    mono_ = mono_ + (t - now_);
    now_ = t;
  }
  void advance(std::chrono::nanoseconds d) noexcept {
    now_ = now_ + d;
    mono_ = mono_ + d;
  }
  // The host's wall clock is stepped (NTP, operator): no time elapses.
  void step_wall(std::chrono::nanoseconds d) noexcept { now_ = now_ + d; }

 private:
  UnixNanos now_;
  MonoNanos mono_;
};

}  // namespace carry
