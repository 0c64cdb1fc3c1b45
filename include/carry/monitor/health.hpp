#pragma once
// GET /health: is this carryd fit to trade right now? A pure decision from plain inputs, so the
// rules are tested as a table. 200 only when started (instruments, funding and the start-up
// reconciliation done), the kill switch is active and every stream is live; otherwise 503 with
// the first failing rule as the status and a sentence as the reason.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace carry::monitor {

struct StreamLiveness {
  std::string session;          // "public" | "private"
  std::optional<double> age_s;  // since its last message; nullopt = nothing received yet
};

struct HealthInput {
  bool started = false;
  bool stopping = false;
  std::string kill_switch = "active";  // risk::to_string: active | reducing | halted
  std::string kill_reason;
  std::vector<StreamLiveness> streams;
  double stale_after_s = 30;  // risk.market_data_stale_s
};

struct Health {
  int http_status = 503;
  std::string status;   // ok | stopping | halted | reducing | starting | stale
  std::string reason;   // "" when ok
  nlohmann::json body;  // {"status", "reason"?, "kill_switch", "streams": {session: age_s}}
};

Health evaluate_health(const HealthInput& input);

}  // namespace carry::monitor
