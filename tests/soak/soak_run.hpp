#pragma once
// One soak run: start the world, trade the scenario through the seeded fault schedule (funding
// flips keep orders flowing), heal, wait for quiet, then check the invariants and print them.
#include "soak_checks.hpp"
#include "soak_monitor.hpp"
#include "soak_schedule.hpp"
#include "soak_world.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace carry::soak {

struct SoakOptions {
  std::uint64_t seed = 1;
  double duration_s = 90;        // length of the fault phase
  int funding_interval_s = 30;   // the simulator settles funding this often
  double flip_s = 40;            // the funding rate changes sign about this often (orders keep flowing)
  double hedge_deadline_s = 30;  // each symbol hedged within this long after healing
  bool keep = false;             // keep the run directory even when every invariant passes
  std::string prefix = "cry";    // carryd's clientOid prefix (strategy.funding.client_oid_prefix)
};

class Soak {
 public:
  Soak(SoakOptions opt, std::filesystem::path dir);
  ~Soak();
  // 0 when every invariant passes, 1 otherwise; throws on a set-up failure.
  int run();

 private:
  struct Action {
    double at_s = 0;
    enum class Type { FaultOn, FaultOff, Kill, Restart, Funding } type = Type::FaultOn;
    FaultKind kind = FaultKind::WsClose;
    json body;
  };

  void setup();
  std::vector<Action> timeline() const;
  void fault_phase();
  void perform(const Action& a);
  void restart_daemon(const char* why);
  void watch_daemon();
  Check heal_and_hedge();
  void wait_for_quiet();
  void wait_for_store();
  std::vector<Check> final_checks();
  void print_summary(const std::vector<Check>& checks);
  void say(const std::string& line) const;

  SoakOptions opt_;
  std::filesystem::path dir_;
  std::unique_ptr<World> world_;
  std::unique_ptr<HedgeMonitor> monitor_;
  std::vector<std::string> symbols_ = {"BTCUSDT", "ETHUSDT"};
  std::map<std::string, double> lots_;
  std::chrono::steady_clock::time_point t0_;
  std::int64_t start_server_ms_ = 0;
  std::int64_t heal_server_ms_ = 0;
  std::int64_t stop_server_ms_ = 0;
  bool daemon_up_ = false;  // the harness believes carryd runs (not killed by the schedule)
  bool clock_skew_supported_ = true;
  std::map<std::string, int> injected_;  // harness-side count by kind
  int restarts_ = 0, unexpected_exits_ = 0, kill_switch_resets_ = 0;
  std::size_t trips_seen_ = 0;
  std::optional<int> final_exit_;
};

}  // namespace carry::soak
