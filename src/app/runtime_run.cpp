// Runtime: start-up and shutdown, in run()'s order. The store and the engine first, then the
// gateway (after the account kind is settled), the instruments, funding and the start-up
// reconciliation; only then does the strategy trade. At the end: cancel or flatten, a last
// heartbeat, the store flushed.
#include "runtime.hpp"

#include "gateway_setup.hpp"
#include "paper_setup.hpp"
#include "store_recorder.hpp"

#include <carry/bitget/io/gateway.hpp>
#include <carry/core/backoff.hpp>
#include <carry/paper/exchange.hpp>
#include <carry/paper/paper_venue.hpp>
#include <carry/store/client_id_counter.hpp>
#include <carry/store/store.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>

namespace carry::app {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// 2 s, 4 s, 8 s, 16 s, then every 30 s: the project's backoff without jitter.
std::chrono::milliseconds retry_delay(int attempt) {
  static const Backoff kBackoff(BackoffPolicy{std::chrono::seconds(2), std::chrono::seconds(30), 2.0, 0.0}, 0);
  return kBackoff.nominal(attempt);
}

}  // namespace

asio::awaitable<int> Runtime::run() {
  if (!start_http()) co_return 1;  // a monitoring port that cannot be bound stops start-up
  open_store();
  build_engine();
  co_await restore_kill_switch();
  const bool connected = co_await open_gateway();
  if (!connected) {
    auto flushed = co_await store_->flush();
    (void)flushed;
    co_return exit_code_;
  }
  co_await start_gateway();
  co_await start_up();
  if (!stopping_) enable_trading();
  while (!stopping_) {
    const bool awake = co_await sleep(main_timer_, 1h);
    (void)awake;
  }

  co_await shutdown();
  heartbeat();
  stop_http();
  gw_->stop();
  auto flushed = co_await store_->flush();
  if (!flushed) log_.error("store.flush_failed", {{"error", flushed.error().message()}});
  co_return exit_code_;
}

void Runtime::open_store() {
  const std::filesystem::path db = store_path(cfg_, paper());
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  store_ = std::make_unique<store::Store>(db, ioc_.get_executor(), log_);
  counter_ = std::make_unique<store::ClientIdCounter>(db);
  // <prefix><instance id>-<counter>: another store's orders on the same account are never ours.
  const std::string tag = cfg_.strategy.funding.client_oid_prefix + counter_->instance_id();
  ids_ = std::make_unique<ClientOidGenerator>(tag, counter_->last_reserved(), counter_->persist_callback());
  recorder_ = std::make_unique<StoreRecorder>(*store_);
  log_.info(
      "store.opened",
      {{"db", db.string()}, {"instance_id", counter_->instance_id()}, {"client_oid_tag", tag}, {"paper", paper()}});
}

void Runtime::build_engine() {
  engine::EngineSetup setup = engine::make_engine_setup(cfg_);
  if (paper()) setup.oms.ws_stale_block_ms = 0;  // no private stream: fills are in-process
  engine_ = std::make_unique<engine::Engine>(setup, *ids_, log_, clock_, recorder_.get());
  for (const auto& s : cfg_.strategy.funding.symbols) track_[s];
}

// A kill switch tripped in an earlier run stays tripped until reset by hand (--reset-kill-switch).
asio::awaitable<void> Runtime::restore_kill_switch() {
  auto ks = co_await store_->kill_switch();
  if (!ks || !*ks) co_return;
  const auto state = risk::parse_kill_state((*ks)->state);
  if (state && *state != risk::KillState::Active) {
    risk::KillSwitch saved;
    saved.escalate(*state, (*ks)->reason, (*ks)->since);
    engine_->risk().restore(saved);
    log_.warn("kill_switch.restored", {{"state", (*ks)->state}, {"reason", (*ks)->reason}});
  }
}

// The gateway, on the account kind the venue reports when there are keys.
asio::awaitable<bool> Runtime::open_gateway() {
  keys_ = cfg_.keys.complete() && !paper();
  if (!paper() && !cfg_.keys.complete())
    log_.warn("keys.missing", {{"note", "no API keys: private endpoints and order entry are unavailable"}});
  auto gcfg = gateway_config(cfg_, keys_);
  if (keys_) {
    const auto kind = co_await settle_account_kind();
    if (!kind) {
      if (!stopping_) exit_code_ = 1;  // a stop while asking is an orderly exit
      co_return false;
    }
    gcfg.account_kind = *kind;
  }
  gw_ = std::make_unique<bitget::Gateway>(ioc_.get_executor(), std::move(gcfg), log_, clock_);
  gw_->set_market_handler([this](const MarketEvent& ev) { on_market(ev); });
  attach_venue();
  log_.info("gateway.config", {{"endpoints", gw_->config().describe()}, {"private", keys_}});
  co_return true;
}

// Orders go to the in-process paper exchange in paper mode, else to the gateway.
void Runtime::attach_venue() {
  if (paper()) {
    paper::PaperParams pp = make_paper_params(cfg_);
    // Paper order and trade ids unique across runs of this store (its fills table keys on them).
    pp.id_prefix = counter_->instance_id() + std::to_string(clock_.now().ns / 1'000'000);
    pp.spot_balances["USDT"] = cfg_.paper.spot_usdt;
    pp.futures_usdt = cfg_.paper.futures_usdt;
    pp.market_slippage_bps = cfg_.paper.slippage_bps;
    paper_ = std::make_unique<paper::Exchange>(pp, clock_);
    paper_venue_ = std::make_unique<paper::PaperVenue>(*paper_);
    paper_venue_->set_exec_handler([this](const ExecEvent& ev) { on_exec(ev); });
    venue_ = paper_venue_.get();
  } else {
    gw_->set_exec_handler([this](const ExecEvent& ev) { on_exec(ev); });
    venue_ = gw_.get();
  }
  venue_->set_written_handler([this](std::string_view client_oid) {
    if (engine_) engine_->oms().on_request_written(client_oid);
  });
}

asio::awaitable<void> Runtime::start_gateway() {
  auto started = co_await gw_->start();
  if (!started) log_.warn("gateway.start_degraded", {{"error", started.error().message()}});
  for (const auto& s : tracked_symbols()) {
    gw_->subscribe_ticker(s, MarketType::Perp);
    gw_->subscribe_books1(s, MarketType::Spot);
    gw_->subscribe_books1(s, MarketType::Perp);
  }
  spawn(heartbeat_loop(), "heartbeat");
  spawn(report_loop(), "daily_report");
  spawn(tick_loop(), "tick");
}

// The strategy is enabled only once instruments, funding and (live) reconciliation are done.
asio::awaitable<void> Runtime::start_up() {
  for (int attempt = 0; !stopping_; ++attempt) {
    const bool loaded = co_await load_instruments();
    if (loaded) break;
    const bool awake = co_await sleep(main_timer_, retry_delay(attempt));
    if (!awake) break;
  }
  // symbols: auto: what the store says Carry holds joins first (reconciled like a listed symbol).
  // Paper starts flat every run: nothing is held there.
  if (cfg_.strategy.funding.auto_symbols && keys_ && !stopping_) co_await join_held_symbols();
  if (!stopping_) co_await refresh_funding();
  if (keys_ && !stopping_) co_await set_up_account();
  if (paper()) {
    for (const auto& b : paper_->balances()) on_exec(b);
  } else if (keys_) {
    co_await reconcile_at_start();
  }
}

asio::awaitable<void> Runtime::reconcile_at_start() {
  for (int attempt = 0; !stopping_; ++attempt) {
    const bool ok = co_await reconcile("startup", true);
    if (ok) break;
    const bool awake = co_await sleep(main_timer_, retry_delay(attempt));
    if (!awake) break;
  }
  bills_since_ = clock_.now() - std::chrono::hours(1);
  // Earlier fills: the start-up reconciliation above booked them (the store's, and what the
  // venue's order states say beyond them), so the first recovery pass reads from here exactly.
  fills_since_ = clock_.now();
  fills_overlap_ = false;
}

void Runtime::enable_trading() {
  trading_ = keys_ || paper();
  started_ = true;
  log_.info("strategy.enabled",
            {{"trading", trading_},
             {"symbols", tracked_symbols()},
             {"auto_symbols", cfg_.strategy.funding.auto_symbols},
             {"kill_switch", std::string(risk::to_string(engine_->risk().kill_switch().state()))},
             {"note", trading_ ? "evaluating and trading" : "no API keys: market data and heartbeat only"}});
  spawn(poll_loop(), "poll");
  if (keys_) spawn(reconcile_loop(), "reconcile");
  if (cfg_.strategy.funding.auto_symbols && trading_) spawn(universe_loop(), "universe");
  pump();
}

asio::awaitable<void> Runtime::shutdown() {
  // Stop opening; either close everything (--flatten-on-exit) or take our resting orders off the
  // book so nothing fills while the daemon is down.
  const bool flatten = cli_.flatten_on_exit && trading_;
  const auto deadline = std::chrono::steady_clock::now() + (flatten ? 90s : 20s);
  if (flatten) {
    engine_->flatten_all("shutdown");
  } else {
    trading_ = false;
    engine_->oms().cancel_all({}, "shutdown");
  }
  pump();
  asio::steady_timer t(ioc_);
  for (;;) {
    const bool no_orders = engine_->oms().open_orders().empty() && in_flight_ == 0;
    if (no_orders && (!flatten || engine_->risk().flat())) break;
    if (std::chrono::steady_clock::now() >= deadline) break;
    if (flatten) engine_->on_timer();
    pump();
    t.expires_after(200ms);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  const bool flat = engine_->risk().flat();
  const auto open = engine_->oms().open_orders().size();
  if (flatten) {
    if (flat && open == 0) {
      log_.info("app.flattened", {{"flat", flat}, {"open_orders", open}});
    } else {
      log_.error("app.flatten_incomplete", {{"flat", flat}, {"open_orders", open}});
    }
  } else if (open != 0) {
    log_.error("app.orders_left_open", {{"open_orders", open}});
  }
}

}  // namespace carry::app
