#include <carry/app/daemon.hpp>

#include <carry/bitget/gateway.hpp>

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

bitget::GatewayConfig gateway_config(const config::Config& c, bool with_keys) {
  bitget::GatewayConfig g;
  const auto& ex = c.exchange;
  g.rest_base_url = ex.rest_url;
  g.ws_public_url = ex.ws_public_url;
  g.ws_private_url = ex.ws_private_url;
  g.demo = ex.environment == "testnet" && ex.demo_trading;
  g.ca_file = ex.ca_file;
  if (with_keys) g.credentials = {c.keys.api_key, c.keys.api_secret, c.keys.passphrase};
  g.private_streams = with_keys;
  g.rest_timeout = std::chrono::milliseconds(ex.rest_timeout_ms);
  g.rest_max_concurrency = static_cast<std::size_t>(ex.rest_max_concurrency);
  g.rest_cb_fail_threshold = ex.rest_cb_fail_threshold;
  g.rest_cb_open_seconds = std::chrono::seconds(ex.rest_cb_open_seconds);
  g.ws_ping_interval = std::chrono::seconds(ex.ws_ping_interval_s);
  g.ws_idle_timeout = std::chrono::seconds(ex.ws_dead_after_s);
  g.product_type = ex.product_type;
  g.margin_coin = ex.margin_coin;
  g.margin_mode = ex.margin_mode;
  g.position_mode = ex.position_mode == "hedge" ? bitget::PositionMode::Hedge : bitget::PositionMode::OneWay;
  return g;
}

}  // namespace

// --ops-check: three probes per symbol (funding, fresh BBO on both markets, authenticated REST),
// one line each, a verdict, exit 0 when everything passed. Never enters the order loop.
asio::awaitable<int> run_ops_check(asio::io_context& ioc, const config::Config& cfg, bool dry_run, log::Logger& log,
                                   const Clock& clock) {
  const bool keys = cfg.keys.complete() && !dry_run;
  auto gcfg = gateway_config(cfg, keys);
  gcfg.private_streams = false;  // REST probes only
  bitget::Gateway gw(ioc.get_executor(), gcfg, log, clock);
  std::vector<std::string> failed;
  auto server = co_await gw.server_time();
  const UnixNanos now = server ? *server : clock.now();
  if (!server) log.warn("ops.check", {{"probe", "server_time"}, {"ok", false}, {"error", server.error().message()}});
  auto perp_tickers = co_await gw.perp_tickers();
  for (const auto& symbol : cfg.strategy.funding.symbols) {
    std::string line = "ops.check symbol=" + symbol;
    nlohmann::json ev = {{"symbol", symbol}};
    std::vector<std::string> sym_failed;
    // 1. funding
    auto fr = co_await gw.current_funding_rate(symbol);
    if (fr && !fr->empty()) {
      const auto& f = fr->front();
      UnixNanos next = f.next_update;
      if (next.ns == 0) {
        auto ft = co_await gw.funding_time(symbol);
        if (ft && !ft->empty()) next = ft->front().next_funding_time;
      }
      line += " funding=" + f.rate.to_string() + " next=" + (next.ns ? next.to_rfc3339() : std::string("unknown"));
      ev["funding"] = f.rate.to_string();
      ev["next"] = next.ns ? next.to_rfc3339() : "";
      if (next.ns == 0) sym_failed.push_back("funding(no next settlement time)");
    } else {
      line += " funding=FAIL";
      sym_failed.push_back("funding(" + (fr ? std::string("no data") : fr.error().message()) + ")");
    }
    // 2. BBO on both markets, fresh against the exchange's clock
    auto spot = co_await gw.spot_tickers(symbol);
    std::optional<Bbo> perp_bbo, spot_bbo;
    if (perp_tickers)
      for (const auto& t : *perp_tickers)
        if (t.bbo.symbol == symbol) perp_bbo = t.bbo;
    if (spot)
      for (const auto& t : *spot)
        if (t.bbo.symbol == symbol) spot_bbo = t.bbo;
    auto check_bbo = [&](const std::optional<Bbo>& b, const char* market) {
      if (!b) return std::string(market) + "(no ticker)";
      if (!b->bid_price.is_positive() || !b->ask_price.is_positive() || b->bid_price >= b->ask_price)
        return std::string(market) + "(bad quote)";
      const auto age_ms = (now - b->ts_event).count() / 1'000'000;
      if (age_ms > cfg.exchange.bbo_max_age_ms)
        return std::string(market) + "(stale: " + std::to_string(age_ms) + " ms > " +
               std::to_string(cfg.exchange.bbo_max_age_ms) + " ms)";
      return std::string();
    };
    const std::string perp_bad = check_bbo(perp_bbo, "perp"), spot_bad = check_bbo(spot_bbo, "spot");
    if (perp_bbo) {
      line += " bbo=(" + perp_bbo->bid_price.to_string() + "," + perp_bbo->ask_price.to_string() + ")";
      ev["bbo"] = {perp_bbo->bid_price.to_string(), perp_bbo->ask_price.to_string()};
    }
    if (spot_bbo) ev["spot_bbo"] = {spot_bbo->bid_price.to_string(), spot_bbo->ask_price.to_string()};
    if (!perp_bad.empty() || !spot_bad.empty()) {
      line += " bbo=FAIL";
      sym_failed.push_back("bbo(" + perp_bad + (perp_bad.empty() || spot_bad.empty() ? "" : ",") + spot_bad + ")");
    }
    // 3. authenticated REST: account read and our open-order count
    if (!keys) {
      line += " auth=skipped";
      ev["auth"] = "skipped";
      if (!dry_run) sym_failed.push_back("auth(skipped: no API keys)");
    } else {
      auto acc = co_await gw.futures_accounts();
      auto po = co_await gw.perp_open_orders(symbol);
      auto so = co_await gw.spot_open_orders(symbol);
      if (acc && po && so) {
        const auto open = po->size() + so->size();
        line += " open=" + std::to_string(open);
        ev["open"] = open;
      } else {
        const auto& err = !acc ? acc.error() : !po ? po.error() : so.error();
        line += " auth=FAIL";
        sym_failed.push_back("auth(" + err.message() + ")");
      }
    }
    ev["ok"] = sym_failed.empty();
    if (!sym_failed.empty()) {
      std::string why;
      for (const auto& f : sym_failed) why += (why.empty() ? "" : " ") + f;
      line += " FAILED: " + why;
      ev["failed"] = sym_failed;
      for (const auto& f : sym_failed) failed.push_back(symbol + ":" + f);
    }
    std::cout << line << std::endl;
    (sym_failed.empty() ? log.info("ops.check", ev) : log.error("ops.check", ev));
  }
  gw.stop();
  const bool pass = failed.empty();
  std::string verdict = pass ? "ops.check verdict=PASS" : "ops.check verdict=FAIL failed=";
  for (std::size_t i = 0; i < failed.size(); ++i) verdict += (i ? "; " : "") + failed[i];
  std::cout << verdict << std::endl;
  log.emit(pass ? LogLevel::Info : LogLevel::Error, "ops.verdict", {{"pass", pass}, {"failed", failed}});
  co_return pass ? 0 : 1;
}

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
  // The trading runtime (gateway/paper venue + engine + store + reconciliation) is not wired in
  // yet: see the session note; until then the daemon runs its heartbeat and stops cleanly.
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
