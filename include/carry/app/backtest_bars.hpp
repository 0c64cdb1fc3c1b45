#pragma once
// Order lifetimes on candle data. The strategy's and the OMS's timers run on replay time, but on
// candles the next chance to fill comes a whole bar later: a lifetime shorter than that would
// cancel an order before the data could fill it. The backtest raises them (never lowers them),
// and the run says which (stderr at load, the report). Live trading is not affected.
#include <carry/engine/engine_setup.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace carry::app {

struct RaisedParam {
  std::string name;  // the parameter's name (strategy.funding.* or strategy)
  std::int64_t configured = 0, used = 0;
  std::string unit;  // "s" or "ms"
  std::string text;  // a change that is not a number: line() says this instead

  // "leader_timeout_s: 120 s configured, 7200 s used"
  std::string line() const;
};

// Raises, for bars `bar_ms` apart (0: ticks, nothing changes):
// - leader_timeout_s  >= 2 bars: a leader placed anywhere inside a bar still sees one whole later
//                                bar (only bars that begin after an order can fill it);
// - hedge_timeout_s   >= 2 bars: a follower remainder beyond one quote's size is retried on the
//                                next bar's quote, and the deviation check must not fire first;
// - chase_interval_ms >= 1 bar (strategy and OMS): an amend before the next bar only moves the
//                                price away from where that bar would fill it;
// - order_expiry_s    >= 1 bar:  a final update cannot come sooner than the next bar;
// - reopen_cooldown_s >= 1 bar:  decisions come once a bar;
// and makes the leader a taker (leader_taker): a maker leader fills somewhere inside a bar but
// its hedge can only trade at the bar's close, so every maker fill would carry up to a bar of
// leg risk, worst exactly when the price runs through the order. A live hedge follows in
// milliseconds; taking both legs at the same quote is the closer model (and costs more fees).
std::vector<RaisedParam> fit_lifetimes_to_bars(engine::EngineSetup& setup, std::int64_t bar_ms);

}  // namespace carry::app
