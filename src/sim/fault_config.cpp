#include "fault_config.hpp"

#include <functional>
#include <map>

namespace carry::sim {

namespace {

using nlohmann::json;

bool as_double(const json& v, double& out) {
  if (v.is_number()) {
    out = v.get<double>();
    return true;
  }
  if (v.is_string()) {
    try {
      std::size_t pos = 0;
      out = std::stod(v.get<std::string>(), &pos);
      return pos == v.get<std::string>().size();
    } catch (...) {
      return false;
    }
  }
  return false;
}

bool as_int(const json& v, int& out) {
  double d = 0;
  if (!as_double(v, d) || d != static_cast<double>(static_cast<int>(d))) return false;
  out = static_cast<int>(d);
  return true;
}

bool as_bool(const json& v, bool& out) {
  if (v.is_boolean()) {
    out = v.get<bool>();
    return true;
  }
  if (v.is_string() && (v == "true" || v == "false")) {
    out = v == "true";
    return true;
  }
  return false;
}

bool valid_scope(const std::string& s) { return s == "all" || s == "public" || s == "private"; }

}  // namespace

bool scope_matches(const std::string& scope, bool is_private) {
  return scope == "all" || (is_private ? scope == "private" : scope == "public");
}

bool http_scope_matches(const std::string& scope, std::string_view path, bool is_private) {
  if (scope == "private_v2") return is_private && path.starts_with("/api/v2/");
  return scope_matches(scope, is_private);
}

namespace {

using Setter = std::function<std::string(const json&)>;

Setter rate(double& field, const char* name) {
  return [&field, name](const json& v) -> std::string {
    double d = 0;
    if (!as_double(v, d) || d < 0.0 || d > 1.0)
      return std::string("faults.") + name + ": expected a probability in [0, 1]";
    field = d;
    return {};
  };
}

Setter count(int& field, const char* name) {
  return [&field, name](const json& v) -> std::string {
    int i = 0;
    if (!as_int(v, i) || i < 0) return std::string("faults.") + name + ": expected a non-negative integer";
    field = i;
    return {};
  };
}

Setter scope(std::string& field, const char* name) {
  return [&field, name](const json& v) -> std::string {
    if (!v.is_string() || !valid_scope(v.get<std::string>()))
      return std::string("faults.") + name + ": expected all, public or private";
    field = v.get<std::string>();
    return {};
  };
}

// REST faults may also be narrowed to the private v2 paths (a test that must let the daemon's
// v3 account-kind probe through and hit what follows).
Setter http_scope(std::string& field) {
  return [&field](const json& v) -> std::string {
    if (!v.is_string() || (!valid_scope(v.get<std::string>()) && v.get<std::string>() != "private_v2"))
      return "faults.http_scope: expected all, public, private or private_v2";
    field = v.get<std::string>();
    return {};
  };
}

Setter seconds(double& field, const char* name) {
  return [&field, name](const json& v) -> std::string {
    double d = 0;
    if (!as_double(v, d) || d < 0) return std::string("faults.") + name + ": expected a non-negative number";
    field = d;
    return {};
  };
}

Setter flag(bool& field, const char* name) {
  return [&field, name](const json& v) -> std::string {
    if (!as_bool(v, field)) return std::string("faults.") + name + ": expected true or false";
    return {};
  };
}

Setter push_channels(std::vector<std::string>& field) {
  return [&field](const json& v) -> std::string {
    if (!v.is_array()) return "faults.push_channels: expected a list of channel names";
    std::vector<std::string> ch;
    for (const auto& c : v) {
      if (!c.is_string() || (c != "orders" && c != "fill" && c != "positions" && c != "account"))
        return "faults.push_channels: expected orders, fill, positions or account";
      ch.push_back(c.get<std::string>());
    }
    field = std::move(ch);
    return {};
  };
}

// One row per key of POST /sim/faults (and the `faults:` block of sim.yaml).
std::map<std::string, Setter> fault_setters(FaultConfig& cfg, FaultActions& actions) {
  return {
      {"http_429_rate", rate(cfg.http_429_rate, "http_429_rate")},
      {"http_5xx_rate", rate(cfg.http_5xx_rate, "http_5xx_rate")},
      {"http_429_next", count(cfg.http_429_next, "http_429_next")},
      {"http_5xx_next", count(cfg.http_5xx_next, "http_5xx_next")},
      {"http_scope", http_scope(cfg.http_scope)},
      {"latency_min_ms", count(cfg.latency_min_ms, "latency_min_ms")},
      {"latency_max_ms", count(cfg.latency_max_ms, "latency_max_ms")},
      {"ws_close_after_messages", count(cfg.ws_close_after_messages, "ws_close_after_messages")},
      {"ws_close_every_s", seconds(cfg.ws_close_every_s, "ws_close_every_s")},
      {"ws_scope", scope(cfg.ws_scope, "ws_scope")},
      {"push_drop_rate", rate(cfg.push_drop_rate, "push_drop_rate")},
      {"push_drop_next", count(cfg.push_drop_next, "push_drop_next")},
      {"push_duplicate_rate", rate(cfg.push_duplicate_rate, "push_duplicate_rate")},
      {"push_reorder_rate", rate(cfg.push_reorder_rate, "push_reorder_rate")},
      {"push_channels", push_channels(cfg.push_channels)},
      {"malformed_rate", rate(cfg.malformed_rate, "malformed_rate")},
      {"malformed_next", count(cfg.malformed_next, "malformed_next")},
      {"corrupt_checksum_rate", rate(cfg.corrupt_checksum_rate, "corrupt_checksum_rate")},
      {"corrupt_checksum_next", count(cfg.corrupt_checksum_next, "corrupt_checksum_next")},
      {"stale_books", flag(cfg.stale_books, "stale_books")},
      {"clock_skew_ms",
       [&cfg](const json& v) -> std::string {
         if (!as_int(v, cfg.clock_skew_ms)) return "faults.clock_skew_ms: expected an integer (ms, may be negative)";
         return {};
       }},
      // Lost acks.
      {"response_drop_rate", rate(cfg.response_drop_rate, "response_drop_rate")},
      {"response_drop_next", count(cfg.response_drop_next, "response_drop_next")},
      {"ws_close_now", scope(actions.ws_close_now, "ws_close_now")},
      {"ws_stall_now", scope(actions.ws_stall_now, "ws_stall_now")},
      {"ws_service_upgrade", count(actions.ws_service_upgrade_ms, "ws_service_upgrade")},
  };
}

}  // namespace

std::string apply_fault_json(FaultConfig& cfg_out, FaultActions& actions, const json& j) {
  if (!j.is_object()) return "faults: expected a JSON object";
  FaultConfig cfg = cfg_out;
  if (j.contains("reset")) {
    bool r = false;
    if (!as_bool(j.at("reset"), r)) return "faults.reset: expected true or false";
    if (r) cfg = FaultConfig{};
    actions.reset = r;
  }
  const auto setters = fault_setters(cfg, actions);
  for (const auto& [key, value] : j.items()) {
    if (key == "reset") continue;
    auto it = setters.find(key);
    if (it == setters.end()) return "faults: unknown key '" + key + "'";
    if (auto e = it->second(value); !e.empty()) return e;
  }
  if (cfg.latency_max_ms < cfg.latency_min_ms) return "faults.latency_max_ms: must be >= latency_min_ms";
  cfg_out = cfg;
  return {};
}

json fault_json(const FaultConfig& c) {
  return {
      {"http_429_rate", c.http_429_rate},
      {"http_5xx_rate", c.http_5xx_rate},
      {"http_429_next", c.http_429_next},
      {"http_5xx_next", c.http_5xx_next},
      {"http_scope", c.http_scope},
      {"latency_min_ms", c.latency_min_ms},
      {"latency_max_ms", c.latency_max_ms},
      {"ws_close_after_messages", c.ws_close_after_messages},
      {"ws_close_every_s", c.ws_close_every_s},
      {"ws_scope", c.ws_scope},
      {"push_drop_rate", c.push_drop_rate},
      {"push_drop_next", c.push_drop_next},
      {"push_duplicate_rate", c.push_duplicate_rate},
      {"push_reorder_rate", c.push_reorder_rate},
      {"push_channels", c.push_channels},
      {"malformed_rate", c.malformed_rate},
      {"malformed_next", c.malformed_next},
      {"corrupt_checksum_rate", c.corrupt_checksum_rate},
      {"corrupt_checksum_next", c.corrupt_checksum_next},
      {"stale_books", c.stale_books},
      {"clock_skew_ms", c.clock_skew_ms},
      // Lost acks.
      {"response_drop_rate", c.response_drop_rate},
      {"response_drop_next", c.response_drop_next},
  };
}

}  // namespace carry::sim
