#include <carry/app/daemon.hpp>

#include <carry/core/exception_message.hpp>

#include "alert_service.hpp"
#include "event_tap.hpp"
#include "ops_check.hpp"
#include "runtime.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>
#include <iostream>

namespace carry::app {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// A stop alert gets this long to reach its endpoints; shutdown is never held up longer.
constexpr auto kStopAlertBudget = 5000ms;

// After the runtime has returned: the tasks it spawned see stopping_ and end; bounded. Then the
// stop is logged (the stop alert) and the alerts get a short bounded chance to go out.
asio::awaitable<void> drain(asio::io_context& ioc, const Runtime& rt, EventSink& log, AlertService& alerts,
                            std::function<void()> stopped) {
  asio::steady_timer t(ioc);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (rt.live_tasks() > 0 && std::chrono::steady_clock::now() < deadline) {
    t.expires_after(20ms);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (rt.live_tasks() > 0)
    log.warn("app.stop_forced", {{"tasks", rt.live_tasks()}, {"note", "tasks still running 10 s after shutdown"}});
  stopped();
  co_await alerts.settle(kStopAlertBudget);
  ioc.stop();
}

}  // namespace

Daemon::Daemon(const config::LoadedConfig& loaded, const CliOptions& cli, Mode mode, log::Logger& logger,
               const Clock& clock)
    : loaded_(loaded), cli_(cli), mode_(mode), log_(logger), clock_(clock) {}

int Daemon::run() {
  asio::io_context ioc(1);
  if (cli_.ops_check) {
    int code = 1;
    asio::co_spawn(ioc, run_ops_check(ioc, loaded_.config, cli_.dry_run, log_, clock_),
                   [&](std::exception_ptr e, int c) {
                     code = e ? 1 : c;
                     ioc.stop();
                   });
    ioc.run();
    return code;
  }

  int exit_code = 0;
  const auto started = std::chrono::steady_clock::now();
  AlertService alerts(ioc, loaded_.config.alerts, log_, clock_);
  EventTap tap(log_, &alerts, clock_);  // every event the runtime logs passes the alert rules
  Runtime rt(ioc, loaded_, cli_, mode_, tap, clock_);
  rt.set_status_extra([&tap] { return nlohmann::json{{"last_error", tap.last_error()}}; });
  bool stop_logged = false;
  const auto log_stop = [&] {
    if (stop_logged) return;
    stop_logged = true;
    const auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    tap.info("app.stop", {{"exit_code", exit_code}, {"uptime_s", up.count()}});
  };
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  asio::steady_timer deadline(ioc);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (!ec) rt.request_stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
  });
  if (cli_.duration_s) {
    deadline.expires_after(std::chrono::seconds(*cli_.duration_s));
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) rt.request_stop("duration");
    });
  }
  alerts.start();
  tap.info("app.running", {{"mode", std::string(to_string(mode_))},
                           {"environment", loaded_.config.exchange.environment},
                           {"symbols", loaded_.config.strategy.funding.symbols},
                           {"flatten_on_exit", cli_.flatten_on_exit},
                           {"alert_destinations", alerts.enabled()}});
  asio::co_spawn(ioc, rt.run(), [&](std::exception_ptr e, int code) {
    exit_code = code;
    if (e) {
      const std::string what = exception_message(e);
      tap.emit(LogLevel::Critical, "app.crash", {{"what", what}});
      std::cerr << "carryd: fatal: " << what << "\n";
      exit_code = 1;
    }
    rt.request_stop("runtime_done");
    signals.cancel();
    deadline.cancel();
    asio::co_spawn(ioc, drain(ioc, rt, tap, alerts, log_stop), [&](std::exception_ptr e) {
      if (e) log_.error("app.drain_failed", {{"what", exception_message(e)}});
      ioc.stop();
    });
  });
  ioc.run();
  log_stop();  // when the loop ended another way
  return exit_code;
}

}  // namespace carry::app
