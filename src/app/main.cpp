// carryd: the Carry daemon's entry point. Refusals (bad CLI, bad config, the mainnet guard) happen
// here, before any network activity, with one clear line on stderr and exit code 2.
#include <carry/app/backtest_runner.hpp>
#include <carry/app/backtest_sweep.hpp>
#include <carry/app/cli.hpp>
#include <carry/app/daemon.hpp>
#include <carry/app/fetch_history.hpp>
#include <carry/app/kill_switch_reset.hpp>
#include <carry/app/startup.hpp>
#include <carry/app/status_command.hpp>
#include <carry/app/version.hpp>
#include <carry/config/loader.hpp>
#include <carry/log/logger.hpp>
#include <carry/monitor/console_line.hpp>
#include <carry/store/store_lock.hpp>

#include "alert_service.hpp"
#include "event_tap.hpp"

#include <carry/core/exception_message.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cerrno>
#include <filesystem>
#include <iostream>

using namespace carry;

// main is exempt from the size limit (scripts/code_size.py EXEMPT): the whole command dispatch.
// NOLINTNEXTLINE(readability-function-size)
int main(int argc, char** argv) {
  app::CliOptions cli;
  try {
    cli = app::parse_cli(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const app::CliError& e) {
    std::cerr << "carryd: " << e.what() << " (see carryd --help)\n";
    return 2;
  }
  if (cli.help) {
    std::cout << app::usage();
    return 0;
  }
  if (cli.version) {
    std::cout << "carryd " << app::version() << "\n";
    return 0;
  }

  config::LoadedConfig loaded;
  config::LoadOptions options;
  try {
    options.config_file = cli.config;
    loaded = config::load(options);
  } catch (const config::ConfigError& e) {
    std::cerr << "carryd: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "carryd: config error: " << e.what() << "\n";
    return 2;
  }
  if (cli.print_config) {
    std::cout << config::render(loaded);
    return 0;
  }

  if (cli.command == app::Command::Backtest) {
    try {
      if (!cli.sweeps.empty()) return app::run_sweep(cli, options, std::cout, std::cerr);
      const auto run = app::run_backtest(cli, loaded.config, std::cerr);
      std::cout << run.summary.line() << "\n";
      std::cerr << "report: " << run.report_path << "\ntables: " << run.db_path << "\nequity curve: " << run.chart_path
                << "\n";
      return 0;
    } catch (const app::BacktestError& e) {
      std::cerr << "carryd: backtest: " << e.what() << "\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "carryd: backtest failed: " << e.what() << "\n";
      return 1;
    }
  }

  if (cli.command == app::Command::Status) {
    // The store only: no keys, no exchange, no lock, so no guard applies.
    SystemClock clock;
    return app::run_status(app::store_path(loaded.config, cli.dry_run), cli.json, clock.now(), std::cout, std::cerr);
  }

  if (cli.command == app::Command::FetchHistory) {
    // Public market data only: no keys, no trading, so no environment guard.
    try {
      const auto req = app::fetch_request_from_cli(cli);
      const auto result = app::run_fetch_history(cli, loaded.config, std::cerr);
      std::cout << result.line(req) << "\n";
      return 0;
    } catch (const app::FetchError& e) {
      std::cerr << "carryd: " << e.what() << "\n";
      return e.exit_code();
    } catch (const std::exception& e) {
      std::cerr << "carryd: fetch-history failed: " << e.what() << "\n";
      return 1;
    }
  }

  SystemClock clock;
  log::LogOptions log_options;
  log_options.dir = loaded.config.log.dir;
  log_options.level = *log::parse_level(cli.log_level.value_or(loaded.config.log.level));
  log_options.max_file_bytes = static_cast<std::size_t>(loaded.config.log.max_file_mb) * 1024 * 1024;
  log_options.max_files = loaded.config.log.max_files;
  log_options.console_line = monitor::console_line;  // one short line per heartbeat on stderr
  auto decision = app::check_environment(cli, loaded);
  if (decision.proceed && !cli.reset_kill_switch) decision = app::check_secret_files(loaded);
  // One daemon per store, taken before anything opens it for writing (--ops-check never does).
  const std::string db_path = app::store_path(loaded.config, cli.dry_run);
  std::unique_ptr<store::StoreLock> store_lock;
  const bool opens_store = !cli.ops_check && (!cli.reset_kill_switch || std::filesystem::exists(db_path));
  if (decision.proceed && opens_store) {
    try {
      store_lock = std::make_unique<store::StoreLock>(db_path);
    } catch (const store::StoreLockError& e) {
      decision.proceed = false;
      decision.exit_code = 1;
      decision.guard_event = "store.locked";
      decision.message = std::string("carryd: ") + e.what();
    }
  }
  // A refusal prints exactly one line on stderr; the console log sink would repeat it.
  log_options.console = loaded.config.log.console && decision.proceed;
  std::unique_ptr<log::Logger> logger;
  try {
    logger = std::make_unique<log::Logger>(log_options, clock);
  } catch (const std::exception& e) {
    std::cerr << "carryd: cannot open logs in '" << log_options.dir << "': " << e.what() << "\n";
    return 2;
  }
  const auto& keys = loaded.config.keys;
  const auto& alert_cfg = loaded.config.alerts;  // the alert URLs and the bot token are secrets too
  for (const std::string* secret : {&keys.api_key, &keys.api_secret, &keys.passphrase, &alert_cfg.webhook_url,
                                    &alert_cfg.slack_webhook_url, &alert_cfg.telegram.bot_token})
    logger->add_secret(*secret);

  if (cli.reset_kill_switch && decision.proceed) {
    // Edits the store only: no exchange is contacted, so the live-trading guard does not apply.
    // The reset is an alert too: it gets the same short bounded chance to go out as a stop.
    boost::asio::io_context ioc;
    app::AlertService alerts(ioc, loaded.config.alerts, *logger, clock);
    app::EventTap tap(*logger, &alerts, clock);
    const int code = app::reset_kill_switch(db_path, clock, tap, std::cout);
    boost::asio::co_spawn(ioc, alerts.settle(std::chrono::milliseconds(5000)), [&](std::exception_ptr e) {
      if (e) logger->error("alert.settle_failed", {{"what", exception_message(e)}});
      ioc.stop();
    });
    ioc.run();
    logger->flush();
    return code;
  }

  if (!decision.proceed) {
    logger->error(decision.guard_event, {{"message", decision.message},
                                         {"environment", loaded.config.exchange.environment},
                                         {"allow_live", loaded.config.exchange.allow_live},
                                         {"host", decision.host},
                                         {"config_file", loaded.config_file}});
    logger->flush();
    std::cerr << decision.message << "\n";
    return decision.exit_code;
  }

  const app::Mode mode = app::select_mode(cli, loaded.config);
  if (loaded.config.keys.any() && !app::disable_core_dumps())
    logger->warn("app.core_dumps_enabled", {{"errno", errno}, {"note", "could not disable core dumps"}});
  logger->info("app.start",
               {{"version", app::version()},
                {"mode", std::string(app::to_string(mode))},
                {"environment", loaded.config.exchange.environment},
                {"destination", std::string(bitget::to_string(app::trading_destination(loaded.config).kind))},
                {"config_file", loaded.config_file},
                {"pid", static_cast<long>(::getpid())}});
  try {
    app::Daemon daemon(loaded, cli, mode, *logger, clock);
    const int code = daemon.run();
    logger->flush();
    return code;
  } catch (const std::exception& e) {
    logger->emit(LogLevel::Critical, "app.crash", {{"what", e.what()}});
    logger->flush();
    std::cerr << "carryd: fatal: " << e.what() << "\n";
    return 1;
  }
}
