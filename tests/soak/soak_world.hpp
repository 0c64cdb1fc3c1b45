#pragma once
// The soak's world: the real bitget-sim running the bundled scenario (config/sim.yaml) and the
// real carryd trading it, both child processes on loopback, everything they write kept in one
// run directory; plus the reads of the simulator the harness needs.
#include <carry_test/sim_fixture.hpp>

#include <carry/bitget/signer.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace carry::soak {

using nlohmann::json;

struct WorldOptions {
  std::uint64_t seed = 1;
  int funding_interval_s = 60;
  std::filesystem::path dir;  // the run's directory (logs, database, reports)
  // The soak's limits (tighter than the scenario's, so a doubled leg breaches them).
  std::string max_symbol_notional = "1500";
  std::string max_total_notional = "6000";
};

class World {
 public:
  // Starts bitget-sim; throws std::runtime_error naming what failed.
  explicit World(WorldOptions opt);
  ~World();

  unsigned short port() const { return sim_->port(); }
  const WorldOptions& options() const { return opt_; }
  std::string db_path() const { return (opt_.dir / "carry.db").string(); }
  std::filesystem::path log_dir() const { return opt_.dir / "logs"; }

  // Loopback calls; a failed call (closed connection) yields a null json / status 0.
  json get(const std::string& target) const;
  carry::test::HttpResult post(const std::string& target, const json& body) const;
  json signed_get(const std::string& target) const;

  void start_daemon();
  // SIGKILL, reaped within 10 s.
  void kill_daemon();
  // SIGTERM; the exit code, or nullopt if it had to be killed after `deadline`.
  std::optional<int> stop_daemon(std::chrono::seconds deadline = std::chrono::seconds(60));
  bool daemon_running();
  // The exit code when carryd ended by itself since the last start, else nullopt.
  std::optional<int> daemon_exit_code();
  // carryd --reset-kill-switch against the run's database (what an operator runs after a trip).
  int reset_kill_switch();
  std::string daemon_stderr() const;

  // carryd's JSONL events named `event` (a partial last line is skipped).
  std::vector<json> log_events(const std::string& event) const;

  static constexpr const char* kApiKey = "sim-api-key";

 private:
  std::map<std::string, std::string> daemon_env() const;
  std::vector<std::string> daemon_argv(const std::vector<std::string>& extra) const;

  WorldOptions opt_;
  std::unique_ptr<carry::test::SimProcess> sim_;
  std::unique_ptr<carry_test::Process> daemon_;
  carry::bitget::Signer signer_;
  std::string last_stderr_;
};

}  // namespace carry::soak
