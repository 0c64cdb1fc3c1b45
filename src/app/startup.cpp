#include <carry/app/startup.hpp>

#include "gateway_setup.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cstdio>

namespace carry::app {

std::string_view to_string(Mode m) noexcept {
  switch (m) {
    case Mode::Live:
      return "live";
    case Mode::Testnet:
      return "testnet";
    case Mode::Paper:
      return "paper";
    case Mode::OpsCheck:
      return "ops-check";
  }
  return "?";
}

bitget::Destination trading_destination(const config::Config& config) {
  return bitget::private_destination(gateway_config(config, true));
}

namespace {

std::string source_of(const config::LoadedConfig& loaded, const char* key) {
  auto it = loaded.sources.find(key);
  return it == loaded.sources.end() ? std::string("default") : it->second;
}

bool places_orders(const CliOptions& cli) { return !cli.ops_check && !cli.dry_run && !cli.reset_kill_switch; }

}  // namespace

StartupDecision check_environment(const CliOptions& cli, const config::LoadedConfig& loaded) {
  StartupDecision d;
  const auto& ex = loaded.config.exchange;
  if (cli.env && *cli.env != ex.environment) {
    d.exit_code = 2;
    d.message = "carryd: --env " + *cli.env + " disagrees with exchange.environment=" + ex.environment + " (from " +
                source_of(loaded, "exchange.environment") + "); set EXCHANGE__ENVIRONMENT=" + *cli.env +
                " or use a config file for that environment";
    d.guard_event = "guard.environment";
    return d;
  }
  // Without complete keys no private request is ever sent: market data only.
  const bool private_requests = loaded.config.keys.complete();
  const auto dest = trading_destination(loaded.config);
  if (places_orders(cli) && private_requests && dest.kind == bitget::DestinationKind::Live && !ex.allow_live) {
    d.exit_code = 2;
    d.host = dest.host;
    d.message = "carryd: refusing to trade: orders would go to " + dest.host + " (" + dest.endpoint +
                "), which is live trading (not loopback, not Bitget demo trading), and exchange.allow_live is "
                "false (from " +
                source_of(loaded, "exchange.allow_live") +
                "); set exchange.allow_live: true in the config or EXCHANGE__ALLOW_LIVE=true to trade real money";
    d.guard_event = "guard.allow_live";
    return d;
  }
  d.proceed = true;
  return d;
}

StartupDecision check_secret_files(const config::LoadedConfig& loaded) {
  StartupDecision d;
  d.proceed = true;
  if (trading_destination(loaded.config).kind == bitget::DestinationKind::Loopback) return d;
  for (const auto& file : config::files_holding_secrets(loaded)) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) continue;  // read a moment ago; gone now is not our concern
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) == 0) continue;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
    d.proceed = false;
    d.exit_code = 2;
    d.guard_event = "guard.secret_file";
    d.message = "carryd: refusing to start: " + file + " holds API credentials and is readable by others (mode " +
                mode + "); run: chmod 600 " + file;
    return d;
  }
  return d;
}

Mode select_mode(const CliOptions& cli, const config::Config& config) {
  if (cli.ops_check) return Mode::OpsCheck;
  if (cli.dry_run) return Mode::Paper;
  return trading_destination(config).kind == bitget::DestinationKind::Live ? Mode::Live : Mode::Testnet;
}

const std::string& store_path(const config::Config& config, bool dry_run) {
  return dry_run ? config.store.paper_db_path : config.store.db_path;
}

bool disable_core_dumps() noexcept {
  const rlimit none{0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0) return false;
  return ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
}

}  // namespace carry::app
