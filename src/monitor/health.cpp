#include <carry/monitor/health.hpp>

#include <cstdio>

namespace carry::monitor {
namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

// The first failing rule, most severe first: what an operator must act on comes before what heals.
std::pair<std::string, std::string> verdict(const HealthInput& in) {
  if (in.stopping) return {"stopping", "carryd is shutting down"};
  if (in.kill_switch == "halted") return {"halted", "kill switch halted: " + in.kill_reason};
  if (in.kill_switch != "active") return {"reducing", "kill switch " + in.kill_switch + ": " + in.kill_reason};
  if (!in.started) return {"starting", "start-up (instruments, funding, reconciliation) not finished"};
  for (const auto& s : in.streams) {
    if (!s.age_s) return {"stale", s.session + " stream: nothing received yet"};
    if (*s.age_s > in.stale_after_s)
      return {"stale", s.session + " stream: no message for " + seconds(*s.age_s) + " s (limit " +
                           seconds(in.stale_after_s) + " s)"};
  }
  return {"ok", ""};
}

}  // namespace

Health evaluate_health(const HealthInput& in) {
  Health h;
  auto [status, reason] = verdict(in);
  h.status = std::move(status);
  h.reason = std::move(reason);
  h.http_status = h.status == "ok" ? 200 : 503;
  nlohmann::json streams = nlohmann::json::object();
  for (const auto& s : in.streams) streams[s.session] = s.age_s ? nlohmann::json(*s.age_s) : nlohmann::json();
  h.body = {{"status", h.status}, {"kill_switch", in.kill_switch}, {"started", in.started}, {"streams", streams}};
  if (!h.reason.empty()) h.body["reason"] = h.reason;
  return h;
}

}  // namespace carry::monitor
