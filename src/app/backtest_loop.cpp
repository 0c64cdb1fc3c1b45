#include "backtest_loop.hpp"

#include <carry/app/backtest_runner.hpp>

#include <string>
#include <type_traits>
#include <variant>

namespace carry::app {
namespace {

constexpr std::int64_t kNsPerHour = 3'600'000'000'000LL;
constexpr std::int64_t kNsPerDay = 86'400'000'000'000LL;

std::int64_t day_number(UnixNanos t) { return t.ns >= 0 ? t.ns / kNsPerDay : (t.ns + 1) / kNsPerDay - 1; }
std::string day_of(UnixNanos t) { return t.to_rfc3339().substr(0, 10); }

}  // namespace

ReplayLoop::ReplayLoop(const Parts& parts, backtest::Period window)
    : p_(parts),
      window_(window),
      driver_(parts.engine, parts.paper, parts.clock, &parts.recorder),
      next_hour_((window.start.ns / kNsPerHour + 1) * kNsPerHour),
      last_timer_s_(window.start.seconds()),
      current_day_number_(day_number(window.start)),
      last_instant_(window.start.ns - 1) {}

ReplayLoop::Outcome ReplayLoop::run() {
  p_.meter.sample(window_.start);
  p_.recorder.current_day = day_of(window_.start);
  p_.recorder.day().equity_start = p_.meter.initial_equity();
  while (p_.replay.next(ev_)) {
    ++events_seen_;
    const UnixNanos t = ev_.ts;
    if (t.ns != last_instant_) {
      last_instant_ = t.ns;
      between_instants(t);
    }
    advance_to(t);
    if (ev_.kind == backtest::ReplayEvent::Kind::Settlement) {
      settle(t);
    } else {
      on_quote(t);
    }
    if (p_.replay.peek_time().value_or(UnixNanos{t.ns + 1}) == t) continue;  // the instant goes on
    end_instant(t);
  }
  Outcome r;
  r.end = p_.clock.now();
  close_day();
  r.final_equity = p_.meter.sample(r.end);
  p_.recorder.finish();
  r.events = events_seen_;
  return r;
}

// Between instants (quotes a minute or an hour apart) the timer keeps ticking every second while
// something is under way, as it does live: a maker order is canceled when it times out, not when
// the next candle has already moved through it.
void ReplayLoop::between_instants(UnixNanos t) {
  for (std::int64_t s = last_timer_s_ + 1; UnixNanos::from_seconds(s) < t && p_.engine.busy(); ++s) {
    advance_to(UnixNanos::from_seconds(s));
    timer(s);
  }
  if (p_.universe && p_.universe->due(t)) {  // between instants: the set may change here only
    advance_to(t);
    p_.universe->refresh(t, p_.engine, p_.events);
    pump();
  }
}

// The simulated clock moves to `t`: hourly equity samples and day ends on the way.
void ReplayLoop::advance_to(UnixNanos t) {
  while (next_hour_ <= t.ns) {
    p_.clock.set(UnixNanos{next_hour_});
    p_.meter.sample(UnixNanos{next_hour_});
    next_hour_ += kNsPerHour;
  }
  p_.clock.set(t);
  if (const std::int64_t dn = day_number(t); dn != current_day_number_) {  // the date string only on a new day
    current_day_number_ = dn;
    close_day();
    const Decimal start_equity = p_.recorder.day().equity_end;
    p_.recorder.current_day = day_of(t);
    p_.recorder.day().equity_start = start_equity;
  }
}

void ReplayLoop::close_day() {
  if (p_.recorder.current_day.empty()) return;
  p_.recorder.day().equity_end = p_.meter.equity();
  for (const auto& pos : p_.paper.positions()) {
    auto r = p_.repo.insert_position_snapshot(store::PositionSnapshotRecord::from(pos));
    if (!r) throw BacktestError("cannot write position_snapshots: " + p_.repo.last_error());
  }
}

// Settle now, on the position held up to this instant, before anything stamped now (a timer
// action, a fill) can change it, and even when no later event follows (the last one).
// paper::Exchange settles when an event reaches its scheduled time: a rate update carrying the
// settled rate is that event (it schedules nothing new, the time is already settled).
void ReplayLoop::settle(UnixNanos t) {
  if (p_.universe) p_.universe->settled(ev_.settlement);
  FundingRateUpdate& f = settle_event_.emplace<FundingRateUpdate>();
  f.symbol = ev_.settlement.symbol;
  f.rate = ev_.settlement.rate;
  f.interval_hours = ev_.settlement.interval_hours;
  f.next_settlement = t;
  f.ts_event = f.ts_init = t;
  p_.paper.on_market(settle_event_);
  driver_.deliver();
}

// One instant's quotes (a candle gives the spot and the perp quote the same stamp) reach the
// engine as one: the exchange matches resting orders against all of them, the engine takes them
// all in, then hears of those fills, then the strategy reacts. Event by event it would act on this
// candle's spot against the previous candle's perp (an hour apart on 1h data) and treat the
// difference as basis.
void ReplayLoop::on_quote(UnixNanos t) {
  if (!in_instant_) {
    p_.engine.begin_instant();
    in_instant_ = true;
  }
  if (const auto* b = std::get_if<Bbo>(&ev_.market); b != nullptr && b->market == MarketType::Spot)
    p_.meter.on_spot_quote(*b);  // quotes are on the tick already (load_backtest_data)
  if (ev_.has_bar) {             // the venue model hears of the candle's range before its closing quote
    const Bbo& q = std::get<Bbo>(ev_.market);
    p_.paper.on_bar({q.symbol, q.market, ev_.bar_start, t, ev_.bar.high, ev_.bar.low, q.bid_size});
  }
  if (p_.universe) p_.universe->observe(ev_.market);
  p_.paper.on_market(ev_.market);
  p_.paper.drain_events(instant_exec_);  // fills of resting orders at this instant
  p_.engine.on_market(ev_.market);
}

void ReplayLoop::end_instant(UnixNanos t) {
  if (in_instant_) {
    for (const auto& e : instant_exec_) p_.engine.on_exec(e);
    instant_exec_.clear();
    in_instant_ = false;
    p_.engine.end_instant();
  }
  if (t.seconds() != last_timer_s_) {  // the once-a-second timer, after the whole instant
    timer(t.seconds());
  } else {
    pump();
  }
}

void ReplayLoop::timer(std::int64_t second) {
  last_timer_s_ = second;
  p_.engine.on_timer();
  pump();
}

// The engine's commands on the paper exchange and its events back, until nothing moves.
void ReplayLoop::pump() {
  if (!driver_.pump())
    throw BacktestError("engine did not settle after " + std::to_string(engine::PaperDriver::kMaxRounds) +
                        " rounds at " + p_.clock.now().to_rfc3339());
}

}  // namespace carry::app
