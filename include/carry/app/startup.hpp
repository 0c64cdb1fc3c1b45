#pragma once
// Everything carryd decides before it touches the network: CLI, configuration, the environment
// check and the mainnet guard. Pure enough to test in-process.
#include <carry/app/cli.hpp>
#include <carry/config/loader.hpp>

#include <string>

namespace carry::app {

enum class Mode { Live, Testnet, Paper, OpsCheck };
std::string_view to_string(Mode m) noexcept;

struct StartupDecision {
  int exit_code = 0;          // meaningful when !proceed
  bool proceed = false;
  std::string message;        // one line for stderr when refusing (or stdout text for --help etc.)
  bool message_to_stdout = false;
  std::string guard_event;    // JSONL event to log when refusing for a safety reason
};

// The environment the daemon will trade in, once the config is loaded: --env must agree with
// exchange.environment, and trading on mainnet requires exchange.allow_live. The modes that never
// place an order (--ops-check, --dry-run, --reset-kill-switch) may use mainnet without it, so an
// operator probes and rehearses on mainnet with live trading still locked.
StartupDecision check_environment(const CliOptions& cli, const config::LoadedConfig& loaded);

Mode select_mode(const CliOptions& cli, const config::Config& config);

}  // namespace carry::app
