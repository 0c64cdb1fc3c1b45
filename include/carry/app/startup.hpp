#pragma once
// Everything carryd decides before it touches the network: CLI, configuration, the environment
// check, the live-trading guard and the secret files' permissions. Pure enough to test in-process.
#include <carry/app/cli.hpp>
#include <carry/bitget/io/gateway_config.hpp>
#include <carry/config/loader.hpp>

#include <string>

namespace carry::app {

enum class Mode { Live, Testnet, Paper, OpsCheck };
std::string_view to_string(Mode m) noexcept;

struct StartupDecision {
  int exit_code = 0;  // meaningful when !proceed
  bool proceed = false;
  std::string message;  // one line for stderr when refusing (or stdout text for --help etc.)
  bool message_to_stdout = false;
  std::string guard_event;  // JSONL event to log when refusing for a safety reason
  std::string host;         // the destination host behind a guard.allow_live refusal
};

// Where this configuration's private requests would go (the gateway's effective endpoints, Bitget's
// defaults filled in): loopback, Bitget demo trading, or live.
bitget::Destination trading_destination(const config::Config& config);

// Whether the run may start. --env must agree with exchange.environment. A run that would place
// orders through private requests to a live destination (anything but loopback and Bitget's demo
// trading, whatever `environment` says) needs exchange.allow_live. The modes that never place an
// order (--ops-check, --dry-run, --reset-kill-switch) never need it, so an operator probes and
// rehearses on mainnet with live trading still locked.
StartupDecision check_environment(const CliOptions& cli, const config::LoadedConfig& loaded);

// A file (.env or the YAML) that holds a real credential must be readable by its owner only, as
// ssh insists for private keys. Credentials are real unless every private request goes to loopback
// (the simulator's own account secrets are not credentials). Refuses with exit 2 naming the file.
StartupDecision check_secret_files(const config::LoadedConfig& loaded);

Mode select_mode(const CliOptions& cli, const config::Config& config);

// The database a run writes: --dry-run has its own (store.paper_db_path), never the live record.
const std::string& store_path(const config::Config& config, bool dry_run);

// Live and testnet runs hold keys in memory: no core dump may write them to disk, and no other
// process of the same user may read this one's memory. Returns false (errno set) on failure.
bool disable_core_dumps() noexcept;

}  // namespace carry::app
