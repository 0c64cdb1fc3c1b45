#include <carry/app/daemon.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>

#include <csignal>

namespace carry::app {
namespace asio = boost::asio;

Daemon::Daemon(const config::LoadedConfig& loaded, const CliOptions& cli, Mode mode, log::Logger& logger,
               const Clock& clock)
    : loaded_(loaded), cli_(cli), mode_(mode), log_(logger), clock_(clock) {}

int Daemon::run() {
  asio::io_context ioc(1);
  int exit_code = 0;
  const auto started = std::chrono::steady_clock::now();
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  asio::steady_timer heartbeat(ioc);
  asio::steady_timer deadline(ioc);

  auto stop = [&](const std::string& reason) {
    log_.info("app.stopping", {{"reason", reason}});
    signals.cancel();
    heartbeat.cancel();
    deadline.cancel();
  };

  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
  });
  if (cli_.duration_s) {
    deadline.expires_after(std::chrono::seconds(*cli_.duration_s));
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) stop("duration");
    });
  }

  const auto period = std::chrono::seconds(loaded_.config.monitor.heartbeat_s);
  std::function<void()> arm_heartbeat = [&] {
    heartbeat.expires_after(period);
    heartbeat.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      const auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
      log_.info("metrics.heartbeat", {{"mode", std::string(to_string(mode_))}, {"uptime_s", up.count()}});
      arm_heartbeat();
    });
  };
  arm_heartbeat();

  log_.info("app.running", {{"mode", std::string(to_string(mode_))},
                            {"environment", loaded_.config.exchange.environment},
                            {"symbols", loaded_.config.strategy.funding.symbols}});
  ioc.run();
  const auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  log_.info("app.stop", {{"exit_code", exit_code}, {"uptime_s", up.count()}});
  return exit_code;
}

}  // namespace carry::app
