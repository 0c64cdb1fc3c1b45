#include <carry/app/startup.hpp>

namespace carry::app {

std::string_view to_string(Mode m) noexcept {
  switch (m) {
    case Mode::Live: return "live";
    case Mode::Testnet: return "testnet";
    case Mode::Paper: return "paper";
    case Mode::OpsCheck: return "ops-check";
  }
  return "?";
}

StartupDecision check_environment(const CliOptions& cli, const config::LoadedConfig& loaded) {
  StartupDecision d;
  const auto& ex = loaded.config.exchange;
  const auto source = [&](const char* key) {
    auto it = loaded.sources.find(key);
    return it == loaded.sources.end() ? std::string("default") : it->second;
  };
  if (cli.env && *cli.env != ex.environment) {
    d.exit_code = 2;
    d.message = "carryd: --env " + *cli.env + " disagrees with exchange.environment=" + ex.environment + " (from " +
                source("exchange.environment") + "); set EXCHANGE__ENVIRONMENT=" + *cli.env +
                " or use a config file for that environment";
    d.guard_event = "guard.environment";
    return d;
  }
  const bool places_orders = !cli.ops_check && !cli.dry_run && !cli.reset_kill_switch;
  if (ex.environment == "mainnet" && !ex.allow_live && places_orders) {
    d.exit_code = 2;
    d.message = "carryd: refusing to trade on mainnet: exchange.allow_live is false (from " +
                source("exchange.allow_live") +
                "); set exchange.allow_live: true in the config or EXCHANGE__ALLOW_LIVE=true to trade real money";
    d.guard_event = "guard.allow_live";
    return d;
  }
  d.proceed = true;
  return d;
}

Mode select_mode(const CliOptions& cli, const config::Config& config) {
  if (cli.ops_check) return Mode::OpsCheck;
  if (cli.dry_run) return Mode::Paper;
  return config.exchange.environment == "mainnet" ? Mode::Live : Mode::Testnet;
}

}  // namespace carry::app
