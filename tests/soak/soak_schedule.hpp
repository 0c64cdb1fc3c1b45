#pragma once
// The soak's seeded fault schedule: every fault bitget-sim can inject, each at least once, plus
// more drawn at random, as windows (knob on, knob off) or one-shot actions. The same seed and
// duration give the same schedule.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace carry::soak {

enum class FaultKind {
  WsClose,  // ws_close_now (one-shot)
  WsStall,  // ws_stall_now (one-shot): silent socket
  Http429,  // 429 storm
  Http5xx,  // 503 storm
  LostAck,  // response_drop_rate: executed, answer lost
  PushDrop,
  PushDuplicate,
  PushReorder,
  Malformed,        // truncated frames
  CorruptChecksum,  // books updates with a wrong checksum
  Latency,          // slow REST answers, some beyond the client's timeout
  WsChurn,          // ws_close_after_messages
  StaleBooks,       // market data frozen
  ClockStep,        // clock_skew_ms (skipped when the simulator does not know it)
  Kill9,            // carryd killed with SIGKILL, restarted after the window
};
inline constexpr int kFaultKinds = static_cast<int>(FaultKind::Kill9) + 1;

std::string_view name(FaultKind k) noexcept;

struct FaultEvent {
  double at_s = 0;   // seconds after the fault phase began
  double for_s = 0;  // window length (Kill9: the downtime); 0 for one-shot actions
  FaultKind kind = FaultKind::WsClose;
  nlohmann::json on;   // POST /sim/faults body that starts it (empty for Kill9)
  nlohmann::json off;  // body that ends it (null for one-shot actions and Kill9)
};

// Faults over [0, length_s): every kind once at spread-out instants, then on average one more
// every `mean_gap_s`; windows of one kind never overlap and all end before length_s.
std::vector<FaultEvent> make_schedule(std::uint64_t seed, double length_s, double mean_gap_s = 6.0);

}  // namespace carry::soak
