#pragma once
// GET /metrics: the Prometheus text exposition format 0.0.4, rendered by a pure function from a
// snapshot of in-process state (never an exchange call), so it is tested on a hand-made snapshot
// and benchmarked without a socket. Every name starts with carry_ (docs/monitoring.md lists them).
#include <carry/monitor/heartbeat.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry::monitor {

inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

// Per-bucket (not cumulative) counts: counts.size() == bounds.size() + 1, the last one is the
// overflow above the largest bound (+Inf). The formatter makes them cumulative.
struct HistogramValue {
  std::vector<double> bounds;
  std::vector<std::uint64_t> counts;
  double sum = 0;
  std::uint64_t count = 0;
};

struct RestRequestCount {
  std::string endpoint;  // request path without the query
  std::string code;      // HTTP status ("200", "429"), or "timeout" / "neterr" / "circuit_open" / ...
  std::uint64_t count = 0;
};

struct RestLatency {
  std::string endpoint;
  HistogramValue seconds;
};

struct WsSessionValue {
  std::string session;  // "public" | "private"
  std::uint64_t reconnects = 0;
  std::optional<double> last_message_age_s;  // nullopt: nothing received yet
};

struct MetricsSnapshot {
  std::string version;
  int kill_switch_state = 0;                    // 0 active, 1 reducing, 2 halted
  Heartbeat heartbeat;                          // positions, funding, PnL (build_heartbeat)
  std::map<std::string, std::uint64_t> orders;  // event -> count since start
  std::map<std::string, std::uint64_t> fills;   // market -> count since start
  std::uint64_t chase_amends = 0, cooldowns = 0, reconcile_drift = 0, store_write_failures = 0;
  std::uint64_t http_rejected = 0;
  std::vector<RestRequestCount> rest_requests;
  std::vector<RestLatency> rest_latency;
  std::vector<WsSessionValue> ws;
};

// Label value escaping of the text format: backslash, double quote and line feed.
std::string escape_label_value(std::string_view value);
// A sample value: shortest round-trip decimal, NaN, +Inf, -Inf.
std::string format_value(double value);

std::string format_metrics(const MetricsSnapshot& snapshot);

}  // namespace carry::monitor
