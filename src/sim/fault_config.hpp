#pragma once
// Fault-injection knobs, set from config/sim.yaml (`sim.faults`) and at run time through
// POST /sim/faults (same keys, JSON; partial updates merge). Rates are probabilities drawn from
// the simulator's seeded RNG; "*_next" counters hit the next N occurrences (deterministic tests).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace carry::sim {

struct FaultConfig {
  // HTTP (REST) faults on /api/ paths. scope: all | public | private | private_v2.
  double http_429_rate = 0.0;
  double http_5xx_rate = 0.0;
  int http_429_next = 0;
  int http_5xx_next = 0;
  std::string http_scope = "all";
  int latency_min_ms = 0;  // uniform extra latency before every /api/ response
  int latency_max_ms = 0;
  // WebSocket connections. scope: all | public | private.
  int ws_close_after_messages = 0;  // close each connection after it sent N messages (0 = off)
  double ws_close_every_s = 0.0;    // close each connection T seconds after it opened (0 = off)
  std::string ws_scope = "all";
  // Private pushes; channels: empty = all, else e.g. ["fill","orders"].
  double push_drop_rate = 0.0;
  int push_drop_next = 0;
  double push_duplicate_rate = 0.0;
  double push_reorder_rate = 0.0;
  std::vector<std::string> push_channels;
  // Any push (public or private; not replies): a truncated, unparseable frame instead.
  double malformed_rate = 0.0;
  int malformed_next = 0;
  // `books` pushes with a wrong checksum.
  double corrupt_checksum_rate = 0.0;
  int corrupt_checksum_next = 0;
  // Market data frozen: no ticker/books/trade pushes, REST serves the last (aging) values.
  bool stale_books = false;
  // The server's clock (/api/v2/public/time and the 40008/30014 timestamp window) runs this many
  // ms ahead (negative: behind) of the simulator's own time; settable mid-run.
  int clock_skew_ms = 0;

  // Lost acks (issue 14), on /api/ paths within http_scope: the request IS executed (an order
  // really is placed or canceled), then the answer is lost: the connection is closed without a
  // response, or a 503 comes back, drawn per occurrence with the seeded RNG.
  double response_drop_rate = 0.0;
  int response_drop_next = 0;
};

// One-shot actions accepted by POST /sim/faults besides the knobs above.
struct FaultActions {
  std::string ws_close_now;  // "public" | "private" | "all": close the open connections now
  std::string ws_stall_now;  // same scopes: open connections go silent (socket open, nothing sent)
  // Bitget's planned reconnect: every open connection (v2 and v3) gets the 30033 error event,
  // and is closed this many ms later. -1: not asked.
  int ws_service_upgrade_ms = -1;
  bool reset = false;  // restore every knob to its default first
};

// Applies the keys of `j` (an object) to `cfg`; unknown keys or wrong types -> error message
// naming the key, and `cfg` is left unchanged.
std::string apply_fault_json(FaultConfig& cfg, FaultActions& actions, const nlohmann::json& j);
nlohmann::json fault_json(const FaultConfig& cfg);

bool scope_matches(const std::string& scope, bool is_private);
// http_scope also takes private_v2: the private /api/v2/ paths only.
bool http_scope_matches(const std::string& scope, std::string_view path, bool is_private);

}  // namespace carry::sim
