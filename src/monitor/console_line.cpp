#include <carry/monitor/console_line.hpp>

#include <carry/core/time.hpp>

#include <cmath>
#include <cstdio>

namespace carry::monitor {
namespace {

using json = nlohmann::json;

std::optional<double> number(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (!it->is_string()) return std::nullopt;
  try {
    return std::stod(it->get<std::string>());
  } catch (...) {
    return std::nullopt;
  }
}

std::string text(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string fmt(const char* pattern, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, pattern, v);
  return buf;
}

// Time left until the next settlement as HH:MM:SS (from the heartbeat's own timestamp).
std::string countdown(const std::string& now, const std::string& next) {
  const auto a = UnixNanos::parse_rfc3339(now);
  const auto b = UnixNanos::parse_rfc3339(next);
  if (!a || !b) return "";
  const long long s = std::max<long long>(0, (b->ns - a->ns) / 1'000'000'000);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

std::string symbol_part(const json& s, const std::string& ts) {
  std::string out = text(s, "symbol") + " spot " + signed_size(text(s, "spot_position")) + " perp " +
                    signed_size(text(s, "perp_position"));
  const auto delta = number(s, "net_delta_bps");
  out += delta ? " Δ" + fmt("%.0f", *delta) + "bp" : " Δ?";
  if (const auto rate = number(s, "funding_rate")) {
    out += " f=" + fmt("%+.3f", *rate * 100) + "%";
    if (const auto h = number(s, "funding_interval_hours"); h && *h > 0) out += "/" + fmt("%.0f", *h) + "h";
  } else {
    out += " f=?";
  }
  if (const auto next = text(s, "next_funding"); !next.empty())
    if (const auto left = countdown(ts, next); !left.empty()) out += " next " + left;
  const json pnl = s.is_object() && s.contains("pnl") ? s["pnl"] : json();
  if (const auto earned = number(pnl, "funding")) out += " earned " + fmt("%.2f", *earned);
  return out;
}

}  // namespace

std::string signed_size(std::string_view d) {
  if (d.empty()) return "?";
  std::string s(d);
  std::string sign = "+";
  if (s.front() == '-' || s.front() == '+') {
    if (s.front() == '-') sign = "-";
    s.erase(0, 1);
  }
  const auto dot = s.find('.');
  const std::size_t decimals = dot == std::string::npos ? 0 : s.size() - dot - 1;
  if (dot == std::string::npos) s += ".";
  if (decimals < 4) s.append(4 - decimals, '0');
  return sign + s;
}

std::optional<std::string> console_line(std::string_view event, const json& fields) {
  if (event != "metrics.heartbeat" || !fields.is_object()) return std::nullopt;
  std::string out = "heartbeat";
  if (const auto ks = text(fields, "kill_switch"); !ks.empty()) out += " " + ks;
  const std::string ts = text(fields, "ts");
  if (const auto it = fields.find("symbols"); it != fields.end() && it->is_array())
    for (const auto& s : *it) out += " | " + symbol_part(s, ts);
  const json pnl = fields.contains("pnl") ? fields["pnl"] : json();
  if (const auto net = number(pnl, "net")) out += " | net " + fmt("%+.2f", *net);
  return out;
}

}  // namespace carry::monitor
