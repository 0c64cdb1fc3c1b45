#pragma once
// Counters and gauges by name for the heartbeat. A counter has a total (since start) and a period
// value (since the last roll_period(), i.e. the last heartbeat). Single-threaded: the event loop.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry::monitor {

struct CounterValue {
  std::string name;
  std::int64_t period = 0;
  std::int64_t total = 0;
  friend bool operator==(const CounterValue&, const CounterValue&) = default;
};

class MetricsRegistry {
 public:
  void increment(std::string_view name, std::int64_t by = 1);
  // For sources that keep their own cumulative count (OMS, store): the period value is derived as
  // the growth since the last roll. A total lower than before (the source restarted) counts from 0.
  void set_total(std::string_view name, std::int64_t total);
  void set_gauge(std::string_view name, double value);

  std::int64_t total(std::string_view name) const;  // 0 for an unknown name
  std::int64_t period(std::string_view name) const;
  std::optional<double> gauge(std::string_view name) const;

  // Starts a new period: period values go back to zero; totals and gauges stay.
  void roll_period();

  // Counters sorted by name.
  std::vector<CounterValue> counters() const;
  // {"counters": {"<name>": {"period": p, "total": t}, ...}, "gauges": {"<name>": v, ...}}
  nlohmann::json snapshot() const;

 private:
  struct Counter {
    std::int64_t total = 0;
    std::int64_t period_start = 0;  // total when the period began
  };
  std::map<std::string, Counter, std::less<>> counters_;
  std::map<std::string, double, std::less<>> gauges_;
};

}  // namespace carry::monitor
