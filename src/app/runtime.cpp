// Runtime: the event plumbing. Market data and execution events in, the engine's commands out to
// the venue, and the loops that keep time (ticks, funding and instrument polls, daily reports).
// Start-up and shutdown are in runtime_run.cpp, the heartbeat in runtime_heartbeat.cpp.
#include "runtime.hpp"
#include "runtime_util.hpp"

#include "http_server.hpp"
#include "store_recorder.hpp"

#include <carry/bitget/io/gateway.hpp>
#include <carry/core/exception_message.hpp>
#include <carry/monitor/daily_report.hpp>
#include <carry/monitor/daily_schedule.hpp>
#include <carry/paper/exchange.hpp>
#include <carry/paper/paper_venue.hpp>
#include <carry/store/client_id_counter.hpp>
#include <carry/store/store.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace carry::app {
namespace asio = boost::asio;
using runtime_util::dec;
using namespace std::chrono_literals;

Runtime::Runtime(asio::io_context& ioc, const config::LoadedConfig& loaded, const CliOptions& cli, Mode mode,
                 EventSink& log, const Clock& clock)
    : ioc_(ioc),
      cfg_(loaded.config),
      cli_(cli),
      mode_(mode),
      log_(log),
      clock_(clock),
      snapshots_(std::chrono::seconds(loaded.config.monitor.position_snapshot_s)),
      main_timer_(ioc),
      tick_timer_(ioc),
      heartbeat_timer_(ioc),
      poll_timer_(ioc),
      report_timer_(ioc),
      reconcile_timer_(ioc),
      universe_timer_(ioc) {}

Runtime::~Runtime() = default;

void Runtime::request_stop(const std::string& reason) {
  if (stopping_) return;
  stopping_ = true;
  stop_reason_ = reason;
  log_.info("app.stopping", {{"reason", reason}, {"flatten_on_exit", cli_.flatten_on_exit}});
  // Every loop wakes up, sees stopping_ and ends.
  for (auto* t : {&main_timer_, &tick_timer_, &heartbeat_timer_, &poll_timer_, &report_timer_, &reconcile_timer_,
                  &universe_timer_})
    t->cancel();
}

void Runtime::on_market(const MarketEvent& ev) {
  if (const auto* iu = std::get_if<InstrumentUpdate>(&ev)) {
    const auto& inst = iu->instrument;
    if (cfg_.strategy.funding.auto_symbols) catalog_instrument(inst);
    if (!track_.contains(inst.symbol)) return;  // not one of ours
    instruments_known_.insert(std::string(to_string(inst.market)) + ":" + inst.symbol);
    if (paper_) paper_->add_instrument(inst);
    engine_->add_instrument(inst);
    return;
  }
  if (const auto* b = std::get_if<Bbo>(&ev)) {
    auto it = track_.find(b->symbol);
    if (it == track_.end()) return;
    (b->market == MarketType::Spot ? it->second.spot : it->second.perp) = *b;
  } else if (const auto* f = std::get_if<FundingRateUpdate>(&ev)) {
    auto it = track_.find(f->symbol);
    if (it == track_.end()) return;
    // The ticker's update lacks the interval and caps the REST read brought: passed on merged.
    const MarketEvent merged = it->second.funding.merge(*f);
    note_funding_cap(it->second);
    return forward_market(merged);
  }
  forward_market(ev);
}

void Runtime::forward_market(const MarketEvent& ev) {
  if (paper_venue_) paper_venue_->on_market(ev);  // the fills it causes reach on_exec first
  if (!trading_) return;
  engine_->on_market(ev);
  pump();
}

void Runtime::note_funding_cap(SymbolTrack& t) {
  if (!t.funding.newly_at_cap()) return;
  const auto& f = *t.funding.last();
  log_.warn("funding.at_cap", {{"symbol", f.symbol},
                               {"rate", dec(f.rate)},
                               {"cap", dec(f.rate.is_negative() ? *f.min_rate : *f.max_rate)},
                               {"next_settlement", f.next_settlement.to_rfc3339()},
                               {"note", "the venue clamps the rate: the premium behind it is larger"}});
}

void Runtime::on_exec(const ExecEvent& ev) {
  if (const auto* f = std::get_if<Fill>(&ev); f != nullptr && f->client_oid.empty()) {
    // Bitget's spot fill channel carries no clientOid: name the order by its venue id so that
    // the store, the OMS and the strategy all see it as ours. The push can beat the REST answer
    // that tells us the id: such a fill waits (bounded) for it.
    if (const auto* o = engine_->oms().find_venue_order(f->order_id)) {
      Fill named = *f;
      named.client_oid = o->client_oid;
      on_exec(named);
    } else {
      unnamed_fills_.hold(*f, std::chrono::steady_clock::now());
    }
    return;
  }
  if (const auto* f = std::get_if<Fill>(&ev)) {
    // Once per trade: a replayed push (or a recovered copy) is the OMS's to drop, never counted here.
    if (auto it = track_.find(f->symbol);
        it != track_.end() && ids_->owns(f->client_oid) && !engine_->oms().has_trade(f->market, f->trade_id)) {
      it->second.pnl.on_fill(*f);
      ++fills_by_market_[f->market == MarketType::Spot ? 0 : 1];
    }
    // Somebody else's perp trade on the account moves the foreign part, not ours.
    if (f->market == MarketType::Perp && !ids_->owns(f->client_oid) && track_.contains(f->symbol) &&
        !engine_->oms().has_trade(f->market, f->trade_id))
      foreign_perp_[f->symbol] += f->side == Side::Buy ? f->size : -f->size;
  } else if (const auto* p = std::get_if<FundingPayment>(&ev)) {
    if (auto it = track_.find(p->symbol); it != track_.end()) it->second.pnl.on_funding(p->amount);
    // The OMS logs funding.settled; the runtime only keeps the PnL figures.
  } else if (const auto* r = std::get_if<StreamReconnected>(&ev)) {
    engine_->on_exec(ev);
    if (r->private_stream && !paper() && !stopping_ && trading_)
      spawn(reconcile_task("private_reconnect"), "reconcile");
    pump();
    return;
  }
  if (!paper()) engine_->on_private_activity();
  engine_->on_exec(ev);
  pump();
}

void Runtime::spawn(asio::awaitable<void> task, std::string what) {
  ++live_tasks_;
  asio::co_spawn(ioc_, std::move(task), [this, what = std::move(what)](std::exception_ptr e) {
    --live_tasks_;
    if (!e) return;
    const std::string message = exception_message(e);
    // A task died: that is a bug, and trading on after it would be guesswork.
    log_.emit(LogLevel::Critical, "app.task_failed", {{"task", what}, {"what", message}});
    if (engine_) engine_->risk().trip(risk::KillState::Halted, "task_failed:" + what);
    request_stop("task_failed");
  });
}

void Runtime::pump() {
  if (!engine_ || !venue_) return;
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
    name_waiting_fills();
  } else if (auto* cancel = std::get_if<CancelOrderRequest>(&cmd)) {
    auto r = co_await venue_->cancel(*cancel);
    engine_->on_api_result(r ? boost::system::error_code{} : r.error());
    engine_->on_cancel_result(cancel->client_oid, r);
  } else if (auto* amend = std::get_if<AmendOrderRequest>(&cmd)) {
    auto r = co_await venue_->amend(*amend);
    engine_->on_api_result(r ? boost::system::error_code{} : r.error());
    engine_->on_amend_result(amend->new_client_oid, r);
  } else if (auto* q = std::get_if<oms::QueryOrderRequest>(&cmd)) {
    auto r = co_await look_up(q->symbol, q->market, q->client_oid, q->order_id);
    engine_->on_api_result(r ? boost::system::error_code{} : r.error());
    engine_->on_query_result(q->client_oid, r);
  }
  pump();
}

// By the venue's order id when known: Bitget finds a spot order by clientOid only for 2 hours, so
// an order resting longer (or one resolved after a long restart) is asked for by id.
asio::awaitable<Result<std::optional<OrderUpdate>>> Runtime::look_up(std::string symbol, MarketType market,
                                                                     std::string client_oid, std::string order_id) {
  if (order_id.empty()) co_return co_await venue_->order_by_client_oid(symbol, market, client_oid);
  co_return co_await venue_->order_by_id(symbol, market, order_id);
}

asio::awaitable<bool> Runtime::sleep(asio::steady_timer& timer, std::chrono::steady_clock::duration d) {
  if (stopping_) co_return false;
  timer.expires_after(d);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec && !stopping_;
}

asio::awaitable<bool> Runtime::load_instruments() {
  auto r = co_await gw_->load_instruments();  // publishes InstrumentUpdate -> on_market
  if (!r) {
    log_.warn("instruments.refresh_failed", {{"error", r.error().message()}});
    co_return false;
  }
  for (const auto& s : tracked_symbols()) {
    for (const char* m : {"spot", "perp"}) {
      if (instruments_known_.contains(std::string(m) + ":" + s)) continue;
      log_.error("instruments.missing", {{"symbol", s}, {"market", m}});
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<void> Runtime::refresh_funding() {
  for (const auto& s : tracked_symbols()) co_await refresh_funding_of(s);
}

asio::awaitable<void> Runtime::refresh_funding_of(std::string s) {
  auto c = co_await gw_->funding_info(s);
  if (!c) {
    log_.warn("funding.refresh_failed", {{"symbol", s}, {"error", c.error().message()}});
    co_return;
  }
  if (!track_.contains(s)) co_return;  // left the set meanwhile
  FundingRateUpdate f;
  f.symbol = s;
  f.rate = c->rate;
  f.interval_hours = c->interval_hours;
  f.next_settlement = c->next_update;
  f.min_rate = c->min_rate;
  f.max_rate = c->max_rate;
  f.ts_event = f.ts_init = clock_.now();
  on_market(f);
  if (!forecast_seeded_.contains(s)) co_await seed_forecast(s, c->interval_hours);
}

// The forecast's history from the venue's recent settlements, once per symbol (retried at the next
// refresh when the venue does not answer). Intervals are taken as today's.
asio::awaitable<void> Runtime::seed_forecast(std::string symbol, int interval_hours) {
  constexpr int kSettlements = 30;  // ten days at 8 h: several half-lives of the EWMA
  auto h = co_await gw_->settled_funding(symbol, kSettlements);
  if (!h) {
    log_.warn("funding.history_failed", {{"symbol", symbol}, {"error", h.error().message()}});
    co_return;
  }
  std::vector<const bitget::FundingHistoryEntry*> rows;
  for (const auto& e : *h)
    if (e.symbol.empty() || e.symbol == symbol) rows.push_back(&e);
  std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->funding_time < b->funding_time; });
  std::vector<double> rates;
  for (const auto* e : rows)
    if (e->funding_time <= clock_.now()) rates.push_back(e->rate.to_double());
  engine_->strategy().seed_settled_funding(symbol, rates, interval_hours);
  forecast_seeded_.insert(symbol);
}

asio::awaitable<void> Runtime::tick_loop() {
  for (std::uint64_t round = 1;; ++round) {
    const bool awake = co_await sleep(tick_timer_, 250ms);
    if (!awake) co_return;
    // Finished orders stay queryable for a while, then go (the store keeps them): memory stays
    // flat however long the daemon runs.
    if (round % 240 == 0) engine_->oms().prune_terminal(clock_.mono() - std::chrono::minutes(30));
    if (gw_ && !paper()) {
      if (auto* ws = gw_->ws_private()) {
        const auto frames = ws->stats().frames_in;
        if (frames != private_frames_seen_ && ws->state() == bitget::WsState::Streaming) engine_->on_private_activity();
        private_frames_seen_ = frames;
        check_private_delivery(ws->stats().data_frames_in);
      }
    }
    name_waiting_fills();
    if (round % 8 == 0) refresh_stale_quotes();
    if (round % 4 == 0) watch_store();
    if (trading_) engine_->on_timer();
    counter_->top_up();  // the next block of client ids, reserved off the order path
    pump();
  }
}

// Pongs prove a socket, not delivery: while our orders rest and the private stream has delivered
// nothing for kPrivateSilent, what it should have said (fills, order states) is read over REST.
void Runtime::check_private_delivery(std::uint64_t data_frames) {
  const auto now = std::chrono::steady_clock::now();
  if (data_frames != private_data_seen_ || !engine_->oms().has_open_orders()) {
    private_data_seen_ = data_frames;
    private_data_at_ = now;
    return;
  }
  if (now - private_data_at_ < kPrivateSilent || now - private_silent_check_ < kPrivateSilent) return;
  private_silent_check_ = now;
  log_.warn("ws.private_silent",
            {{"silent_s", std::chrono::duration_cast<std::chrono::seconds>(now - private_data_at_).count()},
             {"open_orders", engine_->oms().open_orders("").size()},
             {"note", "orders rest but nothing was delivered: reading fills and orders over REST"}});
  if (trading_ && !stopping_) spawn(recover_fills("private_silent"), "recover_fills");
}

// A store that cannot write (disk full) must not leave Carry adding exposure it cannot record.
void Runtime::watch_store() {
  if (!store_ || !engine_) return;
  const auto v = store_watch_.observe(store_->stats().write_failed, std::chrono::steady_clock::now());
  if (v.log)
    log_.error("store.failing", {{"failed_writes", v.total},
                                 {"since_last_report", v.since_last_log},
                                 {"db", std::string(store_path(cfg_, paper()))},
                                 {"note", "writes are failing: kill switch Reducing; each failed row is logged"}});
  if (v.trip && engine_->risk().kill_switch().state() == risk::KillState::Active)
    engine_->risk().trip(risk::KillState::Reducing, "store_write_failed");
}

bool Runtime::funding_reread_due() const {
  const UnixNanos now = clock_.now();
  return std::any_of(track_.begin(), track_.end(), [&](const auto& kv) { return kv.second.funding.reread_due(now); });
}

asio::awaitable<void> Runtime::poll_loop() {
  const int period_s = 15;
  const int instruments_every = std::max(1, cfg_.exchange.instrument_info_ttl_s / period_s);
  for (int round = 1;; ++round) {
    const bool awake = co_await sleep(poll_timer_, std::chrono::seconds(period_s));
    if (!awake) co_return;
    // The WS ticker is the main source; the REST read brings the interval and caps, which Bitget
    // changes by announcement: every minute, and right after each settlement.
    if (round % 4 == 0 || funding_reread_due()) co_await refresh_funding();
    if (!paper() && keys_) co_await poll_funding_bills();
    // Instruments on their TTL; a failure keeps the last good copy.
    if (round % instruments_every == 0) co_await load_instruments();
  }
}

asio::awaitable<void> Runtime::report_loop() {
  monitor::DailySchedule schedule;
  for (;;) {
    const UnixNanos next = schedule.next_run(clock_.now());
    const bool awake = co_await sleep(report_timer_, std::chrono::nanoseconds((next - clock_.now()).count()));
    if (!awake) co_return;
    const std::string date = monitor::DailySchedule::report_date(next);
    auto r = co_await monitor::write_daily_report(*store_, cfg_.monitor.reports_dir, date);
    if (r) {
      auto fields = co_await day_summary(date);
      fields["date"] = date;
      fields["file"] = r->string();
      log_.info("report.daily", std::move(fields));
    } else {
      log_.error("report.failed", {{"date", date}, {"error", r.error().message()}});
    }
  }
}

}  // namespace carry::app
