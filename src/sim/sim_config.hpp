#pragma once
// bitget-sim configuration: the `sim:` section of a YAML file (config/sim.yaml; other top-level
// sections belong to the daemon and are ignored here), then command-line flags (later wins).
#include "exchange.hpp"
#include "fault_config.hpp"
#include "funding.hpp"
#include "instrument_spec.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace carry::sim {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct AccountConfig {
  std::string api_key, secret, passphrase;
  std::string account_mode = "classic";  // classic | uta
};

struct SimConfig {
  std::string listen_host = "127.0.0.1";
  int listen_port = 0;
  std::optional<std::string> tape_path;  // none -> synthetic
  bool synthetic = false;
  std::uint64_t seed = 1;
  double speed = 1.0;
  bool loop = true;
  int tick_ms = 50;             // market pump period (wall clock)
  int book_depth = 30;          // levels per side in the synthetic ladder
  int modify_delay_ms = 100;    // modify-order: delay before the cancel-and-replace runs
  int ws_idle_timeout_s = 120;  // Bitget closes a socket that sent no "ping" for 2 min
  std::int64_t timestamp_window_ms = 30'000;
  std::vector<InstrumentSpec> instruments = default_instruments();
  FundingConfig funding;
  // Days of synthetic 1-minute candles and funding settlements served from before the start
  // (plus the start day so far), for clients that page through history; 0 = none.
  int history_days = 0;
  StartingBalances balances;
  int default_leverage = 10;
  std::string position_mode = "one_way_mode";  // every account's at start: one_way_mode | hedge_mode
  std::string margin_mode = "crossed";         // every symbol's at start: crossed | isolated
  std::vector<AccountConfig> accounts;
  // --account-mode: when set, every account's mode (wins over sim.accounts[].account_mode).
  std::optional<std::string> account_mode;
  FaultConfig faults;
  std::optional<std::pair<std::string, std::string>> tls;  // cert, key (PEM files)

  SimConfig();
};

// Reads the `sim:` section; relative paths in it are relative to the file's directory.
// Throws ConfigError naming the file and key.
void load_sim_yaml(SimConfig& cfg, const std::string& path);

// Parses the command line (loading --config first). Throws ConfigError naming the culprit.
// Returns false when --help was printed.
bool parse_cli(SimConfig& cfg, int argc, const char* const* argv);
std::string usage();

}  // namespace carry::sim
