#include "ops_check.hpp"

#include "gateway_setup.hpp"

#include <carry/bitget/gateway.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace carry::app {
namespace asio = boost::asio;

// --ops-check: three probes per symbol (funding, fresh BBO on both markets, authenticated REST),
// one line each, a verdict, exit 0 when everything passed. Never enters the order loop.
asio::awaitable<int> run_ops_check(asio::io_context& ioc, const config::Config& cfg, bool dry_run, EventSink& log,
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

}  // namespace carry::app
