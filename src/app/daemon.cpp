#include <carry/app/daemon.hpp>

#include <carry/app/engine.hpp>
#include <carry/bitget/gateway.hpp>
#include <carry/monitor/daily_report.hpp>
#include <carry/monitor/daily_schedule.hpp>
#include <carry/monitor/heartbeat.hpp>
#include <carry/paper/exchange.hpp>
#include <carry/paper/paper_venue.hpp>
#include <carry/store/client_id_counter.hpp>
#include <carry/store/store.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

namespace carry::app {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// The engine's durable facts go to the SQLite store (queued; the writer thread commits them).
class StoreRecorder final : public EngineRecorder {
 public:
  explicit StoreRecorder(store::Store& s) : store_(s) {}
  void order_sent(const PlaceOrderRequest& req, UnixNanos ts) override {
    store_.record(store::OrderRecord::from_request(req, OrderStatus::Sent, ts));
  }
  void order_update(const OrderUpdate& u) override { store_.append(u); }
  void fill(const Fill& f) override { store_.append(f); }
  void funding(const FundingPayment& p) override { store_.append(store::FundingRecord::from(p)); }
  void decision(const strategy::Decision& d) override {
    store::DecisionRecord r;
    r.ts = d.ts;
    r.symbol = d.symbol;
    r.kind = std::string(strategy::to_string(d.kind));
    r.reason = d.reason;
    r.numbers = strategy::decision_numbers(d);
    store_.append(r);
  }
  void kill_switch(const risk::KillSwitch& ks) override {
    store_.put_kill_switch({std::string(risk::to_string(ks.state())), ks.reason(), ks.since()});
  }

 private:
  store::Store& store_;
};

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

std::string dec(Decimal d) { return d.to_string(); }

}  // namespace

// Everything that lives while the daemon runs, on one io_context.
class Runtime {
 public:
  Runtime(asio::io_context& ioc, const config::LoadedConfig& loaded, const CliOptions& cli, Mode mode,
          log::Logger& log, const Clock& clock)
      : ioc_(ioc), cfg_(loaded.config), cli_(cli), mode_(mode), log_(log), clock_(clock) {}

  asio::awaitable<int> run();
  void request_stop(const std::string& reason);

 private:
  bool paper() const { return mode_ == Mode::Paper; }

  // ---- set-up ----
  void open_store();
  void build_engine();
  void on_market(const MarketEvent& ev);
  void on_exec(const ExecEvent& ev);

  // ---- commands ----
  void pump();
  asio::awaitable<void> execute(oms::Command cmd);
  void spawn(asio::awaitable<void> task, std::string what);

  // ---- loops ----
  asio::awaitable<void> timer_loop();
  asio::awaitable<void> heartbeat_loop();
  asio::awaitable<void> funding_poll_loop();
  asio::awaitable<void> report_loop();
  asio::awaitable<bool> load_instruments();
  asio::awaitable<void> refresh_funding();
  asio::awaitable<void> poll_funding_bills();
  asio::awaitable<bool> reconcile(std::string_view why);
  // A member coroutine, not a lambda: a lambda's captures would die before the coroutine runs.
  asio::awaitable<void> reconcile_task(std::string why) { co_await reconcile(why); }
  asio::awaitable<void> shutdown();
  asio::awaitable<bool> sleep(std::chrono::steady_clock::duration d);

  void heartbeat();

  asio::io_context& ioc_;
  const config::Config& cfg_;
  const CliOptions& cli_;
  Mode mode_;
  log::Logger& log_;
  const Clock& clock_;

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::ClientIdCounter> counter_;
  std::unique_ptr<ClientOidGenerator> ids_;
  std::unique_ptr<StoreRecorder> recorder_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<bitget::Gateway> gw_;
  std::unique_ptr<paper::Exchange> paper_;
  std::unique_ptr<paper::PaperVenue> paper_venue_;
  Venue* venue_ = nullptr;

  bool stopping_ = false;
  bool trading_ = false;      // the strategy sees market data and timers
  bool reconciling_ = false;
  std::string stop_reason_;
  int in_flight_ = 0;
  std::vector<oms::Command> commands_;
  std::set<std::string> instruments_known_;  // "<market>:<symbol>"
  std::uint64_t private_frames_seen_ = 0;

  struct SymbolTrack {
    std::optional<Bbo> spot, perp;
    std::optional<FundingRateUpdate> funding;
    Decimal funding_pnl, fees;
  };
  std::map<std::string, SymbolTrack, std::less<>> track_;
  std::set<std::pair<std::string, std::int64_t>> bills_seen_;
  std::set<asio::steady_timer*> sleepers_;

  UnixNanos bills_since_;
};

void Runtime::request_stop(const std::string& reason) {
  if (stopping_) return;
  stopping_ = true;
  stop_reason_ = reason;
  log_.info("app.stopping", {{"reason", reason}, {"flatten_on_exit", cli_.flatten_on_exit}});
  for (auto* t : sleepers_) t->cancel();  // every loop wakes up and sees stopping_
}

void Runtime::open_store() {
  const std::filesystem::path db = cfg_.store.db_path;
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  store_ = std::make_unique<store::Store>(db, ioc_.get_executor(), log_);
  counter_ = std::make_unique<store::ClientIdCounter>(db);
  ids_ = std::make_unique<ClientOidGenerator>(cfg_.strategy.funding.client_oid_prefix, counter_->last_reserved(),
                                              counter_->persist_callback());
  recorder_ = std::make_unique<StoreRecorder>(*store_);
}

void Runtime::build_engine() {
  EngineSetup setup = make_engine_setup(cfg_);
  if (paper()) setup.oms.ws_stale_block_ms = 0;  // no private stream: fills are in-process
  engine_ = std::make_unique<Engine>(setup, *ids_, log_, clock_, recorder_.get());
  for (const auto& s : cfg_.strategy.funding.symbols) track_[s];
}

void Runtime::on_market(const MarketEvent& ev) {
  if (const auto* iu = std::get_if<InstrumentUpdate>(&ev)) {
    const auto& inst = iu->instrument;
    if (!track_.contains(inst.symbol)) return;  // not one of ours
    instruments_known_.insert(std::string(to_string(inst.market)) + ":" + inst.symbol);
    if (paper_) paper_->add_instrument(inst);
    engine_->add_instrument(inst);
    pump();
    return;
  }
  if (const auto* b = std::get_if<Bbo>(&ev)) {
    auto it = track_.find(b->symbol);
    if (it == track_.end()) return;
    (b->market == MarketType::Spot ? it->second.spot : it->second.perp) = *b;
  } else if (const auto* f = std::get_if<FundingRateUpdate>(&ev)) {
    auto it = track_.find(f->symbol);
    if (it == track_.end()) return;
    it->second.funding = *f;
  }
  if (paper_venue_) paper_venue_->on_market(ev);  // fills it causes reach on_exec first
  if (!trading_) return;
  engine_->on_market(ev);
  pump();
}

void Runtime::on_exec(const ExecEvent& ev) {
  if (const auto* f = std::get_if<Fill>(&ev)) {
    if (auto it = track_.find(f->symbol); it != track_.end()) it->second.fees += f->fee;
  } else if (const auto* p = std::get_if<FundingPayment>(&ev)) {
    if (auto it = track_.find(p->symbol); it != track_.end()) it->second.funding_pnl += p->amount;
    log_.info("funding.settled", {{"symbol", p->symbol}, {"amount", dec(p->amount)},
                                  {"rate", p->rate ? dec(*p->rate) : ""},
                                  {"position", p->position_size ? dec(*p->position_size) : ""},
                                  {"ts", p->ts_event.to_rfc3339_ms()}});
  } else if (const auto* r = std::get_if<StreamReconnected>(&ev)) {
    engine_->on_exec(ev);
    if (r->private_stream && !paper() && !stopping_)
      spawn(reconcile_task("private_reconnect"), "reconcile");
    pump();
    return;
  }
  if (!paper()) engine_->on_private_activity();
  engine_->on_exec(ev);
  pump();
}

void Runtime::spawn(asio::awaitable<void> task, std::string what) {
  asio::co_spawn(ioc_, std::move(task), [this, what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      // A task died: that is a bug, and trading on after it would be guesswork.
      log_.emit(LogLevel::Critical, "app.task_failed", {{"task", what}, {"what", ex.what()}});
      engine_->risk().trip(risk::KillState::Halted, "task_failed:" + what);
      request_stop("task_failed");
    }
  });
}

void Runtime::pump() {
  if (!engine_) return;
  commands_.clear();
  engine_->take_commands(commands_);
  for (auto& c : commands_) {
    ++in_flight_;
    spawn(execute(std::move(c)), "venue_command");
  }
}

asio::awaitable<void> Runtime::execute(oms::Command cmd) {
  struct Done {
    int& n;
    ~Done() { --n; }
  } done{in_flight_};
  if (auto* place = std::get_if<PlaceOrderRequest>(&cmd)) {
    recorder_->order_sent(*place, clock_.now());  // before the request: a crash leaves a row to resolve
    auto r = co_await venue_->place(*place);
    engine_->on_api_result(r ? boost::system::error_code{} : r.error());
    engine_->on_place_result(place->client_oid, r);
  } else if (auto* cancel = std::get_if<CancelOrderRequest>(&cmd)) {
    auto r = co_await venue_->cancel(*cancel);
    engine_->on_api_result(r ? boost::system::error_code{} : r.error());
    engine_->on_cancel_result(cancel->client_oid, r);
  } else if (auto* amend = std::get_if<AmendOrderRequest>(&cmd)) {
    auto r = co_await venue_->amend(*amend);
    engine_->on_api_result(r ? boost::system::error_code{} : r.error());
    engine_->on_amend_result(amend->new_client_oid, r);
  } else if (auto* q = std::get_if<oms::QueryOrderRequest>(&cmd)) {
    auto r = co_await venue_->order_by_client_oid(q->symbol, q->market, q->client_oid);
    engine_->on_api_result(r ? boost::system::error_code{} : r.error());
    engine_->on_query_result(q->client_oid, r);
  }
  pump();
}

asio::awaitable<bool> Runtime::sleep(std::chrono::steady_clock::duration d) {
  if (stopping_) co_return false;
  asio::steady_timer t(ioc_);
  t.expires_after(d);
  sleepers_.insert(&t);
  auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  sleepers_.erase(&t);
  co_return !ec && !stopping_;
}

asio::awaitable<bool> Runtime::load_instruments() {
  auto r = co_await gw_->refresh_instruments();  // publishes InstrumentUpdate -> on_market
  if (!r) {
    log_.warn("instruments.refresh_failed", {{"error", r.error().message()}});
    co_return false;
  }
  for (const auto& s : cfg_.strategy.funding.symbols)
    for (const char* m : {"spot", "perp"})
      if (!instruments_known_.contains(std::string(m) + ":" + s)) {
        log_.error("instruments.missing", {{"symbol", s}, {"market", m}});
        co_return false;
      }
  co_return true;
}

asio::awaitable<void> Runtime::refresh_funding() {
  for (const auto& s : cfg_.strategy.funding.symbols) {
    auto cur = co_await gw_->current_funding_rate(s);
    if (!cur || cur->empty()) {
      log_.warn("funding.refresh_failed", {{"symbol", s}, {"error", cur ? "empty" : cur.error().message()}});
      continue;
    }
    const auto& c = cur->front();
    FundingRateUpdate f;
    f.symbol = s;
    f.rate = c.rate;
    f.interval_hours = c.interval_hours;
    f.next_settlement = c.next_update;
    if (f.next_settlement.ns == 0) {
      auto t = co_await gw_->funding_time(s);
      if (t && !t->empty()) f.next_settlement = t->front().next_funding_time;
    }
    if (auto it = track_.find(s); it != track_.end() && it->second.funding) {
      f.mark_price = it->second.funding->mark_price;
      if (f.interval_hours == 0) f.interval_hours = it->second.funding->interval_hours;
    }
    f.ts_event = f.ts_init = clock_.now();
    on_market(f);
  }
}

// Funding settlements are read from the account bills (businessType contract_settle_fee).
asio::awaitable<void> Runtime::poll_funding_bills() {
  bitget::BillsQuery q;
  q.business_type = "contract_settle_fee";
  q.start = bills_since_;
  q.limit = 100;
  auto page = co_await gw_->account_bills(q);
  if (!page) {
    log_.warn("funding.bills_failed", {{"error", page.error().message()}});
    co_return;
  }
  for (auto& p : bitget::funding_payments(*page, clock_.now())) {
    auto it = track_.find(p.symbol);
    if (it == track_.end()) continue;
    if (!bills_seen_.insert({p.symbol, p.ts_event.ns}).second) continue;
    // Enrich with what we knew at the settlement: the rate, our perp position and the mark.
    if (it->second.funding) {
      if (!p.rate) p.rate = it->second.funding->rate;
      if (!p.mark_price) p.mark_price = it->second.funding->mark_price;
    }
    if (!p.mark_price && it->second.perp) p.mark_price = it->second.perp->mid();
    if (!p.position_size) p.position_size = engine_->oms().positions().size(p.symbol, MarketType::Perp);
    on_exec(p);
  }
}

asio::awaitable<bool> Runtime::reconcile(std::string_view why) {
  if (reconciling_) co_return true;
  reconciling_ = true;
  struct Reset {
    bool& b;
    ~Reset() { b = false; }
  } reset{reconciling_};
  log_.info("reconcile.start", {{"why", std::string(why)}});
  auto open = co_await venue_->open_orders("");
  if (!open) {
    log_.error("reconcile.failed", {{"step", "open_orders"}, {"error", open.error().message()}});
    co_return false;
  }
  std::set<std::string> on_exchange;
  int adopted = 0, foreign = 0, resolved = 0;
  for (const auto& u : *open) {
    if (!track_.contains(u.symbol) || !ids_->owns(u.client_oid)) {
      ++foreign;
      log_.warn("reconcile.foreign_order", {{"symbol", u.symbol}, {"market", std::string(to_string(u.market))},
                                            {"client_oid", u.client_oid}, {"order_id", u.order_id},
                                            {"note", "not ours: left alone"}});
      continue;
    }
    on_exchange.insert(u.client_oid);
    if (!engine_->oms().find(u.client_oid)) {
      engine_->oms().adopt(u);
      ++adopted;
    }
    store_->append(u);
  }
  // Orders the store thinks are open (sent before a crash, say) but the exchange does not list.
  auto known = co_await store_->open_orders();
  if (known) {
    for (const auto& rec : *known) {
      if (on_exchange.contains(rec.client_oid) || !ids_->owns(rec.client_oid)) continue;
      if (const auto* o = engine_->oms().find(rec.client_oid); o && o->is_open()) continue;  // live in this process
      auto r = co_await venue_->order_by_client_oid(rec.symbol, rec.market, rec.client_oid);
      if (!r) {
        log_.error("reconcile.failed", {{"step", "order_by_client_oid"}, {"client_oid", rec.client_oid},
                                        {"error", r.error().message()}});
        co_return false;
      }
      ++resolved;
      if (*r) {
        store_->append(**r);
        log_.info("idempotent.recover", {{"client_oid", rec.client_oid}, {"status", std::string(to_string((*r)->status))},
                                         {"filled", dec((*r)->filled_size)}, {"why", std::string(why)}});
      } else {
        OrderUpdate gone;
        gone.symbol = rec.symbol;
        gone.market = rec.market;
        gone.client_oid = rec.client_oid;
        gone.side = rec.side;
        gone.type = rec.type;
        gone.tif = rec.tif;
        gone.price = rec.price;
        gone.size = rec.size;
        gone.status = OrderStatus::Rejected;
        gone.reason = "not_on_exchange";
        gone.ts_event = gone.ts_init = clock_.now();
        store_->append(gone);
        log_.info("idempotent.recover", {{"client_oid", rec.client_oid}, {"status", "never_reached_exchange"},
                                         {"why", std::string(why)}});
      }
    }
  }
  auto positions = co_await venue_->positions();
  auto balances = co_await venue_->balances();
  if (!positions || !balances) {
    log_.error("reconcile.failed", {{"step", "positions_balances"}});
    co_return false;
  }
  for (const auto& b : *balances) on_exec(b);
  std::map<std::string, Decimal, std::less<>> perp;
  for (const auto& p : *positions) {
    on_exec(p);
    perp[p.symbol] += p.size;
  }
  // Our spot holdings: what our own fills bought (net), never more than the wallet holds.
  std::map<std::string, Decimal, std::less<>> spot_fills;
  if (auto fills = co_await store_->fills_since(UnixNanos{0}); fills) {
    for (const auto& fr : *fills) {
      const auto& f = fr.fill;
      if (f.market != MarketType::Spot || !ids_->owns(f.client_oid)) continue;
      spot_fills[f.symbol] += f.side == Side::Buy ? f.size : -f.size;
    }
  }
  for (auto& [symbol, t] : track_) {
    const std::string base = symbol.substr(0, symbol.size() - 4);
    Decimal wallet;
    for (const auto& b : *balances)
      if (b.account == MarketType::Spot && b.coin == base) wallet = b.available + b.frozen;
    Decimal spot = spot_fills[symbol];
    if (spot > wallet) spot = wallet;
    const Decimal p = perp[symbol];
    if (!spot.is_zero() || !p.is_zero()) {
      engine_->adopt_positions(symbol, spot, p);
      log_.info("reconcile.position", {{"symbol", symbol}, {"spot", dec(spot)}, {"perp", dec(p)},
                                       {"unhedged", dec(spot + p)}, {"spot_wallet", dec(wallet)}});
    }
  }
  log_.info("reconcile.done", {{"why", std::string(why)}, {"open_on_exchange", open->size()}, {"adopted", adopted},
                               {"foreign", foreign}, {"resolved", resolved}});
  pump();
  co_return true;
}

asio::awaitable<void> Runtime::timer_loop() {
  while (co_await sleep(250ms)) {
    if (gw_ && !paper()) {
      if (auto* ws = gw_->ws_private()) {
        const auto frames = ws->stats().frames_in;
        if (frames != private_frames_seen_ && ws->state() == bitget::WsState::Streaming) engine_->on_private_activity();
        private_frames_seen_ = frames;
      }
    }
    if (trading_) engine_->on_timer();
    pump();
  }
}

void Runtime::heartbeat() {
  monitor::HeartbeatInput in;
  in.now = clock_.now();
  const auto& positions = engine_->oms().positions();
  for (const auto& [symbol, t] : track_) {
    monitor::SymbolState s;
    s.symbol = symbol;
    if (auto v = engine_->strategy().view(symbol)) {
      s.spot_position = v->spot_position;
      s.perp_position = v->perp_position;
    } else {
      s.perp_position = positions.size(symbol, MarketType::Perp);
    }
    if (t.spot) s.spot_bid = t.spot->bid_price, s.spot_ask = t.spot->ask_price;
    if (t.perp) s.perp_bid = t.perp->bid_price, s.perp_ask = t.perp->ask_price;
    if (t.funding) {
      s.funding_rate = t.funding->rate;
      s.next_funding = t.funding->next_settlement;
      s.funding_interval_hours = t.funding->interval_hours;
    }
    s.funding_pnl = t.funding_pnl;
    s.fees_paid = t.fees;
    in.symbols.push_back(s);
  }
  in.kill_switch = std::string(risk::to_string(engine_->risk().kill_switch().state()));
  auto hb = monitor::to_json(monitor::build_heartbeat(in));
  auto& m = engine_->oms().metrics();
  hb["oms"] = {{"period", m.period.to_json()}, {"total", m.total.to_json()}};
  m.period = {};
  hb["mode"] = std::string(to_string(mode_));
  hb["orders_in_flight"] = in_flight_;
  if (store_) {
    const auto st = store_->stats();
    hb["store"] = {{"written", st.written}, {"write_failed", st.write_failed}, {"queue_depth", st.queue_depth}};
  }
  if (gw_) {
    const auto g = gw_->stats();
    hb["gateway"] = {{"public_frames", g.public_frames}, {"private_frames", g.private_frames},
                     {"rejected_frames", g.rejected_frames}, {"book_resyncs", g.book_resyncs}};
  }
  log_.info("metrics.heartbeat", std::move(hb));
}

asio::awaitable<void> Runtime::heartbeat_loop() {
  while (co_await sleep(std::chrono::seconds(cfg_.monitor.heartbeat_s))) heartbeat();
}

asio::awaitable<void> Runtime::funding_poll_loop() {
  int round = 0;
  while (co_await sleep(15s)) {
    if (++round % 4 == 0) co_await refresh_funding();  // the WS ticker is the main source
    if (!paper()) co_await poll_funding_bills();
    // Instruments: refreshed on their TTL; a failure keeps the last good copy.
    if (round * 15 % std::max(cfg_.exchange.instrument_info_ttl_s, 15) < 15) co_await load_instruments();
  }
}

asio::awaitable<void> Runtime::report_loop() {
  monitor::DailySchedule schedule;
  while (!stopping_) {
    const UnixNanos next = schedule.next_run(clock_.now());
    if (!co_await sleep(std::chrono::nanoseconds((next - clock_.now()).count()))) co_return;
    const std::string date = monitor::DailySchedule::report_date(next);
    auto r = co_await monitor::write_daily_report(*store_, cfg_.monitor.reports_dir, date);
    if (r) log_.info("report.daily", {{"date", date}, {"file", r->string()}});
    else log_.error("report.failed", {{"date", date}, {"error", r.error().message()}});
  }
}

asio::awaitable<void> Runtime::shutdown() {
  // Stop opening; either close everything (--flatten-on-exit) or just take our resting orders off
  // the book so nothing fills while the daemon is down.
  const auto deadline = std::chrono::steady_clock::now() + (cli_.flatten_on_exit ? 90s : 20s);
  if (cli_.flatten_on_exit) {
    engine_->flatten_all("shutdown");
  } else {
    trading_ = false;
    engine_->oms().cancel_all({}, "shutdown");
  }
  pump();
  asio::steady_timer t(ioc_);
  while (std::chrono::steady_clock::now() < deadline) {
    const bool no_orders = engine_->oms().open_orders().empty() && in_flight_ == 0;
    if (no_orders && (!cli_.flatten_on_exit || engine_->risk().flat())) break;
    if (cli_.flatten_on_exit) engine_->on_timer();
    pump();
    t.expires_after(200ms);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  const bool flat = engine_->risk().flat();
  const auto open = engine_->oms().open_orders().size();
  if (cli_.flatten_on_exit)
    (flat && open == 0 ? log_.info("app.flattened", {{"flat", flat}, {"open_orders", open}})
                       : log_.error("app.flatten_incomplete", {{"flat", flat}, {"open_orders", open}}));
  else if (open != 0)
    log_.error("app.orders_left_open", {{"open_orders", open}});
}

asio::awaitable<int> Runtime::run() {
  open_store();
  build_engine();
  if (auto ks = co_await store_->kill_switch(); ks && *ks) {
    const auto state = risk::parse_kill_state((*ks)->state);
    if (state && *state != risk::KillState::Active) {
      risk::KillSwitch saved;
      saved.escalate(*state, (*ks)->reason, (*ks)->since);
      engine_->risk().restore(saved);
      log_.warn("kill_switch.restored", {{"state", (*ks)->state}, {"reason", (*ks)->reason}});
    }
  }

  const bool keys = cfg_.keys.complete() && !paper();
  if (!paper() && !cfg_.keys.complete())
    log_.warn("keys.missing", {{"note", "no API keys: private endpoints and order entry are unavailable"}});
  gw_ = std::make_unique<bitget::Gateway>(ioc_.get_executor(), gateway_config(cfg_, keys), log_, clock_);
  gw_->set_market_handler([this](const MarketEvent& ev) { on_market(ev); });
  if (paper()) {
    paper::PaperParams pp = make_paper_params(cfg_);
    pp.spot_balances["USDT"] = cfg_.backtest.spot_usdt;
    pp.futures_usdt = cfg_.backtest.futures_usdt;
    pp.market_slippage_bps = cfg_.backtest.slippage_bps;
    paper_ = std::make_unique<paper::Exchange>(pp, clock_);
    paper_venue_ = std::make_unique<paper::PaperVenue>(*paper_);
    paper_venue_->set_exec_handler([this](const ExecEvent& ev) { on_exec(ev); });
    venue_ = paper_venue_.get();
  } else {
    gw_->set_exec_handler([this](const ExecEvent& ev) { on_exec(ev); });
    venue_ = gw_.get();
  }
  log_.info("gateway.config", {{"endpoints", gw_->config().describe()}, {"private", keys}});

  if (auto r = co_await gw_->start(); !r) log_.warn("gateway.start_degraded", {{"error", r.error().message()}});
  for (const auto& s : cfg_.strategy.funding.symbols) {
    gw_->subscribe_ticker(s, MarketType::Perp);
    gw_->subscribe_books1(s, MarketType::Spot);
    gw_->subscribe_books1(s, MarketType::Perp);
  }
  spawn(heartbeat_loop(), "heartbeat");
  spawn(report_loop(), "daily_report");
  spawn(timer_loop(), "timer");

  // The strategy is enabled only once instruments, funding and (live) reconciliation are done.
  for (int attempt = 0; !stopping_; ++attempt) {
    if (co_await load_instruments()) break;
    if (!co_await sleep(std::chrono::seconds(std::min(2 << std::min(attempt, 4), 30)))) break;
  }
  if (!stopping_) co_await refresh_funding();
  if (paper()) {
    for (const auto& b : paper_->balances()) on_exec(b);
  } else {
    for (int attempt = 0; !stopping_; ++attempt) {
      if (!keys) break;
      if (co_await reconcile("startup")) break;
      if (!co_await sleep(std::chrono::seconds(std::min(2 << std::min(attempt, 4), 30)))) break;
    }
    bills_since_ = clock_.now() - std::chrono::hours(1);
  }
  if (!stopping_) {
    trading_ = keys || paper();
    log_.info("strategy.enabled", {{"trading", trading_}, {"symbols", cfg_.strategy.funding.symbols},
                                   {"kill_switch", std::string(risk::to_string(engine_->risk().kill_switch().state()))}});
    spawn(funding_poll_loop(), "funding_poll");
    pump();
  }
  while (!stopping_) co_await sleep(1h);

  co_await shutdown();
  heartbeat();
  gw_->stop();
  co_await store_->flush();
  co_return 0;
}

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
  int exit_code = 0;
  const auto started = std::chrono::steady_clock::now();
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
  Runtime rt(ioc, loaded_, cli_, mode_, log_, clock_);
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
  log_.info("app.running", {{"mode", std::string(to_string(mode_))},
                            {"environment", loaded_.config.exchange.environment},
                            {"symbols", loaded_.config.strategy.funding.symbols}});
  asio::co_spawn(ioc, rt.run(), [&](std::exception_ptr e, int code) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log_.emit(LogLevel::Critical, "app.crash", {{"what", ex.what()}});
        std::cerr << "carryd: fatal: " << ex.what() << "\n";
      }
      exit_code = 1;
    } else {
      exit_code = code;
    }
    signals.cancel();
    deadline.cancel();
    ioc.stop();
  });
  ioc.run();
  // Every loop has seen stopping_ and the gateway is stopped: let the stragglers finish, bounded.
  ioc.restart();
  ioc.run_for(10s);
  if (!ioc.stopped()) log_.warn("app.stop_forced", {{"note", "tasks still running 10 s after shutdown"}});
  const auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  log_.info("app.stop", {{"exit_code", exit_code}, {"uptime_s", up.count()}});
  return exit_code;
}

}  // namespace carry::app
