#include <carry/monitor/alerts.hpp>

#include <algorithm>
#include <array>

namespace carry::monitor {
namespace {

using json = nlohmann::json;

std::string str(const json& fields, const char* key) {
  if (!fields.is_object()) return "";
  const auto it = fields.find(key);
  if (it == fields.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// Events that start or end a stream outage (per WebSocket session).
bool stream_down_event(std::string_view e) {
  return e == "ws.closed" || e == "ws.dead_link" || e == "ws.connect_failed" || e == "ws.backoff";
}

constexpr std::array<std::string_view, 16> kWatched{"kill_switch.trip",
                                                    "kill_switch.halt",
                                                    "kill_switch.reset",
                                                    "kill_switch.restored",
                                                    "hedge.deviation_halt",
                                                    "reconcile.drift",
                                                    "order.reject",
                                                    "app.running",
                                                    "app.stop",
                                                    "report.daily",
                                                    "app.crash",
                                                    "app.task_failed",
                                                    "store.failing",
                                                    "ws.streaming",
                                                    "ws.closed",
                                                    "ws.dead_link"};

Alert make(std::string_view event, LogLevel level, std::string text, const json& fields) {
  Alert a;
  a.kind = std::string(event);
  a.event = std::string(event);
  a.level = level;
  a.text = std::move(text);
  a.fields = fields.is_object() ? fields : json::object();
  return a;
}

std::string report_text(const json& f) {
  std::string t = "Daily report " + str(f, "date");
  for (const char* k : {"funding", "fees", "net"})
    if (const auto v = str(f, k); !v.empty()) t += std::string(", ") + k + " " + v;
  return t + " (" + str(f, "file") + ")";
}

}  // namespace

bool AlertRules::watched(std::string_view event) noexcept {
  return std::find(kWatched.begin(), kWatched.end(), event) != kWatched.end() || stream_down_event(event);
}

std::optional<Alert> AlertRules::observe(AlertTime now, LogLevel level, std::string_view event, const json& fields) {
  auto alert = map(now, level, event, fields);
  if (!alert) return std::nullopt;
  return admit(now, std::move(*alert));
}

std::optional<Alert> AlertRules::admit(AlertTime now, Alert alert) {
  if (config_.min_interval.count() > 0) {
    const auto it = last_sent_.find(alert.kind);
    if (it != last_sent_.end() && now - it->second < config_.min_interval) {
      ++suppressed_;
      return std::nullopt;
    }
  }
  last_sent_[alert.kind] = now;
  return alert;
}

std::optional<Alert> AlertRules::map(AlertTime now, LogLevel level, std::string_view event, const json& f) {
  if (event == "kill_switch.trip" || event == "kill_switch.halt")
    return make(event, level, "Kill switch " + str(f, "from") + " -> " + str(f, "to") + ": " + str(f, "reason"), f);
  if (event == "kill_switch.reset")
    return make(event, level, "Kill switch reset to active (was " + str(f, f.contains("was") ? "was" : "from") + ")",
                f);
  if (event == "kill_switch.restored")
    return make(event, level, "Started with the kill switch " + str(f, "state") + ": " + str(f, "reason"), f);
  if (event == "hedge.deviation_halt")
    return make(event, level, "Hedge deviation halt on " + str(f, "symbol") + ": the legs differ beyond the limit", f);
  if (event == "reconcile.drift")
    return make(event, level,
                "Position drift on " + str(f, "symbol") + ": venue " + str(f, "venue") + ", ours " + str(f, "ours"), f);
  if (event == "app.running")
    return make(event, LogLevel::Info, "carryd started (" + str(f, "mode") + ", " + str(f, "environment") + ")", f);
  if (event == "app.stop") return make(event, LogLevel::Info, "carryd stopped (exit " + str(f, "exit_code") + ")", f);
  if (event == "report.daily") return make(event, LogLevel::Info, report_text(f), f);
  if (event == "app.crash" || event == "app.task_failed")
    return make(event, LogLevel::Critical, "carryd failure: " + str(f, "what"), f);
  if (event == "store.failing")
    return make(event, level, "Store writes failing (" + str(f, "failed_writes") + "): kill switch Reducing", f);
  if (event == "order.reject") {
    rejects_.push_back(now);
    while (!rejects_.empty() && now - rejects_.front() > config_.reject_window) rejects_.pop_front();
    if (static_cast<int>(rejects_.size()) < config_.reject_burst) return std::nullopt;
    const auto n = rejects_.size();
    rejects_.clear();
    json fields{{"rejections", n}, {"window_s", config_.reject_window.count()}, {"last", f}};
    return make("order.rejections", LogLevel::Error,
                std::to_string(n) + " order rejections within " + std::to_string(config_.reject_window.count()) +
                    " s (last: " + str(f, "reason") + ")",
                fields);
  }
  const std::string session = str(f, "session");
  if (session.empty()) return std::nullopt;
  auto& s = streams_[session];
  if (stream_down_event(event)) {
    if (!s.down_since) s.down_since = now;
    if (s.why.empty()) s.why = str(f, event == "ws.dead_link" ? "why" : "reason");
    return std::nullopt;
  }
  if (event == "ws.streaming") {
    const bool was_alerted = s.alerted;
    const auto down_for = s.down_since ? now - *s.down_since : AlertTime::duration{};
    s = Stream{};
    if (!was_alerted) return std::nullopt;
    Alert a = make("stream.up", LogLevel::Info,
                   "Stream " + session + " is back after " +
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(down_for).count()) + " s",
                   json{{"session", session}});
    a.kind = "stream.up:" + session;
    return a;
  }
  return std::nullopt;
}

std::vector<Alert> AlertRules::tick(AlertTime now) {
  std::vector<Alert> out;
  for (auto& [session, s] : streams_) {
    if (!s.down_since || s.alerted || now - *s.down_since < config_.stream_down) continue;
    s.alerted = true;
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now - *s.down_since).count();
    Alert a =
        make("stream.down", LogLevel::Error,
             "Stream " + session + " down for " + std::to_string(secs) + " s" + (s.why.empty() ? "" : ": " + s.why),
             json{{"session", session}, {"down_s", secs}, {"why", s.why}});
    a.kind = "stream.down:" + session;
    if (auto admitted = admit(now, std::move(a))) out.push_back(std::move(*admitted));
  }
  return out;
}

AlertDelivery::Outcome AlertDelivery::classify_http(int status) noexcept {
  if (status >= 200 && status < 300) return Outcome::Delivered;
  if (status == 429 || status >= 500 || status == 408) return Outcome::Retryable;
  return Outcome::Refused;
}

AlertDelivery::Next AlertDelivery::on_result(Outcome outcome) {
  ++attempts_;
  if (outcome == Outcome::Delivered) return {true, true, {}};
  if (outcome == Outcome::Refused || attempts_ >= max_attempts_) return {true, false, {}};
  return {false, false, backoff_.next()};
}

std::string webhook_body(const Alert& a) {
  const json body{
      {"event", a.event}, {"level", std::string(to_string(a.level))}, {"text", a.text}, {"fields", a.fields}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string alert_line(const Alert& a) {
  std::string level(to_string(a.level));
  std::transform(level.begin(), level.end(), level.begin(), [](unsigned char c) { return std::toupper(c); });
  return "[carry] " + level + " " + a.text;
}

std::string slack_body(const Alert& a) {
  return json{{"text", alert_line(a)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string telegram_body(const Alert& a, const std::string& chat_id) {
  const json body{{"chat_id", chat_id}, {"text", alert_line(a)}, {"disable_web_page_preview", true}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace carry::monitor
