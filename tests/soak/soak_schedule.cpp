#include "soak_schedule.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

namespace carry::soak {

using nlohmann::json;

std::string_view name(FaultKind k) noexcept {
  static constexpr std::array<std::string_view, kFaultKinds> names = {
      "ws_close",  "ws_stall",       "http_429_storm", "http_5xx_storm",  "lost_ack",
      "push_drop", "push_duplicate", "push_reorder",   "malformed_frame", "corrupt_checksum",
      "latency",   "ws_churn",       "stale_books",    "clock_step",      "kill9_restart"};
  return names[static_cast<std::size_t>(k)];
}

namespace {

struct Draw {
  std::mt19937_64 rng;
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  // Two decimals: the printed schedule stays readable and the knobs exact.
  double rate(double lo, double hi) { return std::round(uniform(lo, hi) * 100.0) / 100.0; }
  std::string scope() { return std::array<const char*, 3>{"public", "private", "all"}[integer(0, 2)]; }
};

// The knob bodies and window length of one fault; `at_s` is filled in by the caller.
FaultEvent make_event(FaultKind k, Draw& d) {
  FaultEvent e;
  e.kind = k;
  auto window = [&](json on, json off, double lo, double hi) {
    e.on = std::move(on);
    e.off = std::move(off);
    e.for_s = std::round(d.uniform(lo, hi) * 10.0) / 10.0;
  };
  switch (k) {
    case FaultKind::WsClose:
      e.on = {{"ws_close_now", d.scope()}};
      break;
    case FaultKind::WsStall:
      e.on = {{"ws_stall_now", d.scope()}};
      break;
    case FaultKind::Http429:
      window({{"http_429_rate", d.rate(0.3, 0.8)}}, {{"http_429_rate", 0}}, 3, 10);
      break;
    case FaultKind::Http5xx:
      window({{"http_5xx_rate", d.rate(0.2, 0.5)}}, {{"http_5xx_rate", 0}}, 3, 10);
      break;
    case FaultKind::LostAck:
      window({{"response_drop_rate", d.rate(0.3, 0.7)}}, {{"response_drop_rate", 0}}, 8, 20);
      break;
    case FaultKind::PushDrop:
      window({{"push_drop_rate", d.rate(0.5, 1.0)}}, {{"push_drop_rate", 0}}, 10, 30);
      break;
    case FaultKind::PushDuplicate:
      window({{"push_duplicate_rate", d.rate(0.3, 1.0)}}, {{"push_duplicate_rate", 0}}, 10, 30);
      break;
    case FaultKind::PushReorder:
      window({{"push_reorder_rate", d.rate(0.3, 1.0)}}, {{"push_reorder_rate", 0}}, 10, 30);
      break;
    case FaultKind::Malformed:
      window({{"malformed_rate", d.rate(0.01, 0.1)}}, {{"malformed_rate", 0}}, 5, 15);
      break;
    case FaultKind::CorruptChecksum:
      window({{"corrupt_checksum_rate", d.rate(0.1, 0.5)}}, {{"corrupt_checksum_rate", 0}}, 5, 15);
      break;
    case FaultKind::Latency:
      // Up to 4.5 s against carryd's 3 s REST timeout: some answers arrive after it gave up.
      window({{"latency_min_ms", 50}, {"latency_max_ms", d.integer(1000, 4500)}},
             {{"latency_min_ms", 0}, {"latency_max_ms", 0}}, 5, 15);
      break;
    case FaultKind::WsChurn:
      window({{"ws_close_after_messages", d.integer(200, 2000)}}, {{"ws_close_after_messages", 0}}, 10, 30);
      break;
    case FaultKind::StaleBooks:
      window({{"stale_books", true}}, {{"stale_books", false}}, 3, 12);
      break;
    case FaultKind::ClockStep: {
      const int step = d.integer(2000, 20000) * (d.integer(0, 1) ? 1 : -1);
      window({{"clock_skew_ms", step}}, {{"clock_skew_ms", 0}}, 10, 30);
      break;
    }
    case FaultKind::Kill9:
      e.on = json::object();
      e.for_s = std::round(d.uniform(0.5, 5.0) * 10.0) / 10.0;
      break;
  }
  return e;
}

}  // namespace

std::vector<FaultEvent> make_schedule(std::uint64_t seed, double length_s, double mean_gap_s) {
  Draw d{std::mt19937_64(seed)};
  std::vector<FaultEvent> out;
  std::array<double, kFaultKinds> busy_until{};  // a kind's next window starts after its last one
  double last_kill = -1e9;
  auto add = [&](FaultKind k, double at) {
    FaultEvent e = make_event(k, d);
    e.at_s = std::max(at, busy_until[static_cast<std::size_t>(k)]);
    if (e.at_s + e.for_s >= length_s) e.for_s = std::max(0.0, length_s - e.at_s - 0.5);
    if (e.at_s >= length_s - 0.5) return;
    busy_until[static_cast<std::size_t>(k)] = e.at_s + e.for_s + 1.0;
    if (k == FaultKind::Kill9) last_kill = e.at_s;
    e.at_s = std::round(e.at_s * 10.0) / 10.0;
    out.push_back(std::move(e));
  };
  // Every kind once, in a seeded order, spread over the first 80 % of the phase.
  std::array<int, kFaultKinds> order{};
  for (int i = 0; i < kFaultKinds; ++i) order[static_cast<std::size_t>(i)] = i;
  std::shuffle(order.begin(), order.end(), d.rng);
  const double slot = length_s * 0.8 / kFaultKinds;
  for (int i = 0; i < kFaultKinds; ++i)
    add(static_cast<FaultKind>(order[static_cast<std::size_t>(i)]), slot * i + d.uniform(0.0, slot * 0.5));
  // Then more of anything (kill -9 at most once every 3 minutes), exponential gaps.
  for (double t = d.uniform(0.0, mean_gap_s); t < length_s;
       t += std::exponential_distribution<double>(1.0 / mean_gap_s)(d.rng)) {
    auto k = static_cast<FaultKind>(d.integer(0, kFaultKinds - 1));
    if (k == FaultKind::Kill9) {
      if (std::abs(t - last_kill) < 180.0 || t < 60.0) continue;
    }
    add(k, t);
  }
  std::stable_sort(out.begin(), out.end(), [](const FaultEvent& a, const FaultEvent& b) { return a.at_s < b.at_s; });
  return out;
}

}  // namespace carry::soak
