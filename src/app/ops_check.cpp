#include "ops_check.hpp"

#include "account_kind_probe.hpp"
#include "gateway_setup.hpp"

#include <carry/bitget/io/gateway.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace carry::app {
namespace asio = boost::asio;

namespace {

// One symbol's probes: the line printed, the failures named, the event logged.
struct SymbolReport {
  std::string line;
  nlohmann::json ev;
  std::vector<std::string> failed;
};

std::string bbo_problem(const std::optional<bitget::Ticker>& t, const char* market, UnixNanos now, int max_age_ms) {
  if (!t) return std::string(market) + "(no ticker)";
  const Bbo& b = t->bbo;
  if (!b.bid_price.is_positive() || !b.ask_price.is_positive() || b.bid_price >= b.ask_price)
    return std::string(market) + "(bad quote)";
  const auto age_ms = (now - b.ts_event).count() / 1'000'000;
  if (age_ms > max_age_ms)
    return std::string(market) + "(stale: " + std::to_string(age_ms) + " ms > " + std::to_string(max_age_ms) + " ms)";
  return {};
}

asio::awaitable<void> probe_funding(bitget::Gateway& gw, const std::string& symbol, SymbolReport& r) {
  auto f = co_await gw.funding_info(symbol);
  if (!f) {
    r.line += " funding=FAIL";
    r.failed.push_back("funding(" + f.error().message() + ")");
    co_return;
  }
  const UnixNanos next = f->next_update;
  r.line += " funding=" + f->rate.to_string() + " next=" + (next.ns ? next.to_rfc3339() : std::string("unknown"));
  r.ev["funding"] = f->rate.to_string();
  r.ev["next"] = next.ns ? next.to_rfc3339() : "";
  if (next.ns == 0) r.failed.emplace_back("funding(no next settlement time)");
}

// Both markets' quotes, fresh against the exchange's clock.
asio::awaitable<void> probe_bbo(bitget::Gateway& gw, const std::string& symbol, UnixNanos now, int max_age_ms,
                                SymbolReport& r) {
  auto perp = co_await gw.ticker(symbol, MarketType::Perp);
  auto spot = co_await gw.ticker(symbol, MarketType::Spot);
  const std::optional<bitget::Ticker> perp_t = perp ? *perp : std::nullopt;
  const std::optional<bitget::Ticker> spot_t = spot ? *spot : std::nullopt;
  const std::string perp_bad = bbo_problem(perp_t, "perp", now, max_age_ms);
  const std::string spot_bad = bbo_problem(spot_t, "spot", now, max_age_ms);
  if (perp_t) {
    r.line += " bbo=(" + perp_t->bbo.bid_price.to_string() + "," + perp_t->bbo.ask_price.to_string() + ")";
    r.ev["bbo"] = {perp_t->bbo.bid_price.to_string(), perp_t->bbo.ask_price.to_string()};
  }
  if (spot_t) r.ev["spot_bbo"] = {spot_t->bbo.bid_price.to_string(), spot_t->bbo.ask_price.to_string()};
  if (!perp_bad.empty() || !spot_bad.empty()) {
    r.line += " bbo=FAIL";
    r.failed.push_back("bbo(" + perp_bad + (perp_bad.empty() || spot_bad.empty() ? "" : ",") + spot_bad + ")");
  }
}

asio::awaitable<void> probe_private(bitget::Gateway& gw, const std::string& symbol, bool keys, bool dry_run,
                                    SymbolReport& r) {
  if (!keys) {
    r.line += " auth=skipped";
    r.ev["auth"] = "skipped";
    if (!dry_run) r.failed.emplace_back("auth(skipped: no API keys)");
    co_return;
  }
  auto open = co_await gw.private_probe(symbol);
  if (open) {
    r.line += " open=" + std::to_string(*open);
    r.ev["open"] = *open;
  } else {
    r.line += " auth=FAIL";
    r.failed.push_back("auth(" + open.error().message() + ")");
  }
}

// The first line: the account's kind, asked once (ops-check does not wait for an upgrade).
asio::awaitable<bitget::AccountKind> probe_account(asio::io_context& ioc, const config::Config& cfg, bool keys,
                                                   EventSink& log, const Clock& clock, std::string& account_error) {
  const auto setting = account_mode_setting(cfg);
  if (!keys) {
    const auto assumed = bitget::assumed_account_kind(setting);
    std::cout << "ops.check account=skipped assumed=" << bitget::to_string(assumed) << " (no private call)"
              << std::endl;
    co_return assumed;
  }
  auto pcfg = gateway_config(cfg, true);
  pcfg.private_streams = false;
  bitget::Gateway probe(ioc.get_executor(), std::move(pcfg), log, clock);
  asio::steady_timer timer(ioc);
  SetupSleep wait = [&timer](std::chrono::milliseconds d) -> asio::awaitable<bool> {
    timer.expires_after(d);
    co_await timer.async_wait(asio::use_awaitable);
    co_return true;
  };
  auto out = co_await detect_account_kind(probe, setting, log, std::move(wait), std::chrono::seconds(0));
  probe.stop();
  if (!out.kind) {
    // The other probes still run (on the configured kind, Classic for auto): a bad key shows on
    // every line, not only here.
    std::cout << "ops.check account=FAIL " << out.error << std::endl;
    log.error("ops.check", {{"probe", "account"}, {"ok", false}, {"error", out.error}});
    account_error = out.error;
    co_return bitget::assumed_account_kind(setting);
  }
  std::cout << "ops.check account=" << bitget::to_string(*out.kind)
            << (out.account_mode.empty() ? "" : " account_mode=" + out.account_mode) << std::endl;
  log.info("ops.check", {{"probe", "account"}, {"ok", true}, {"kind", std::string(bitget::to_string(*out.kind))}});
  co_return *out.kind;
}

int verdict(const std::vector<std::string>& failed, EventSink& log) {
  const bool pass = failed.empty();
  std::string line = pass ? "ops.check verdict=PASS" : "ops.check verdict=FAIL failed=";
  for (std::size_t i = 0; i < failed.size(); ++i) line += (i ? "; " : "") + failed[i];
  std::cout << line << std::endl;
  log.emit(pass ? LogLevel::Info : LogLevel::Error, "ops.verdict", {{"pass", pass}, {"failed", failed}});
  return pass ? 0 : 1;
}

}  // namespace

// --ops-check: the account's kind, then three probes per symbol (funding, fresh BBO on both
// markets, authenticated REST), one line each, a verdict, exit 0 when everything passed. Never
// enters the order loop.
asio::awaitable<int> run_ops_check(asio::io_context& ioc, const config::Config& cfg, bool dry_run, EventSink& log,
                                   const Clock& clock) {
  const bool keys = cfg.keys.complete() && !dry_run;
  std::string account_error;
  const auto kind = co_await probe_account(ioc, cfg, keys, log, clock, account_error);
  auto gcfg = gateway_config(cfg, keys);
  gcfg.private_streams = false;  // REST probes only
  gcfg.account_kind = kind;
  bitget::Gateway gw(ioc.get_executor(), gcfg, log, clock);
  std::vector<std::string> failed;
  auto server = co_await gw.server_time();
  const UnixNanos now = server ? *server : clock.now();
  if (!server) log.warn("ops.check", {{"probe", "server_time"}, {"ok", false}, {"error", server.error().message()}});
  std::vector<std::string> symbols = cfg.strategy.funding.symbols;
  if (cfg.strategy.funding.auto_symbols) {
    // symbols: auto: the two reads every universe refresh makes, then the per-symbol probes on
    // BTCUSDT, which every Bitget account lists (the set itself is chosen only once running).
    auto perps = co_await gw.all_tickers(MarketType::Perp);
    auto spots = co_await gw.all_tickers(MarketType::Spot);
    const bool ok = perps && spots && !perps->empty() && !spots->empty();
    std::cout << "ops.check universe perp_tickers=" << (perps ? perps->size() : 0)
              << " spot_tickers=" << (spots ? spots->size() : 0) << (ok ? "" : " FAILED: tickers") << std::endl;
    (ok ? log.info("ops.check", {{"probe", "universe_tickers"}, {"ok", true}})
        : log.error("ops.check", {{"probe", "universe_tickers"}, {"ok", false}}));
    if (!ok) failed.emplace_back("universe:tickers");
    symbols = {"BTCUSDT"};
  }
  for (const auto& symbol : symbols) {
    SymbolReport r{"ops.check symbol=" + symbol, {{"symbol", symbol}}, {}};
    co_await probe_funding(gw, symbol, r);
    co_await probe_bbo(gw, symbol, now, cfg.exchange.bbo_max_age_ms, r);
    co_await probe_private(gw, symbol, keys, dry_run, r);
    r.ev["ok"] = r.failed.empty();
    if (!r.failed.empty()) {
      std::string why;
      for (const auto& f : r.failed) why += (why.empty() ? "" : " ") + f;
      r.line += " FAILED: " + why;
      r.ev["failed"] = r.failed;
      for (const auto& f : r.failed) failed.push_back(symbol + ":" + f);
    }
    std::cout << r.line << std::endl;
    (r.failed.empty() ? log.info("ops.check", r.ev) : log.error("ops.check", r.ev));
  }
  gw.stop();
  if (!account_error.empty()) failed.push_back("account(" + account_error + ")");
  co_return verdict(failed, log);
}

}  // namespace carry::app
