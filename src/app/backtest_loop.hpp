#pragma once
// The backtest's replay loop: recorded market events through the paper exchange and the engine on
// a simulated clock. Between instants the once-a-second timer catches up while something is under
// way and symbols: auto may change the set; each instant's quotes reach the engine as one; every
// hour the equity is sampled, every UTC day closed in the recorder.
#include <carry/backtest/period.hpp>
#include <carry/backtest/replay.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>
#include <carry/engine/engine.hpp>
#include <carry/engine/paper_driver.hpp>
#include <carry/paper/exchange.hpp>
#include <carry/store/repo.hpp>

#include "backtest_equity.hpp"
#include "backtest_recorder.hpp"
#include "backtest_universe.hpp"

#include <cstdint>
#include <vector>

namespace carry::app {

class ReplayLoop {
 public:
  // What the loop drives; all of it outlives the loop.
  struct Parts {
    backtest::Replay& replay;
    engine::Engine& engine;
    paper::Exchange& paper;
    ManualClock& clock;
    BacktestRecorder& recorder;
    store::Repo& repo;  // the position snapshots at each day's end
    EquityMeter& meter;
    BacktestUniverse* universe;  // symbols: auto; null for a fixed set
    EventSink& events;
  };
  ReplayLoop(const Parts& parts, backtest::Period window);

  struct Outcome {
    UnixNanos end;  // the clock after the last event
    Decimal final_equity;
    std::size_t events = 0;  // replayed market events
  };
  // Replays every event, closes the last day and commits the recorder.
  Outcome run();

 private:
  void between_instants(UnixNanos t);
  void advance_to(UnixNanos t);
  void close_day();
  void settle(UnixNanos t);
  void on_quote(UnixNanos t);
  void end_instant(UnixNanos t);
  void timer(std::int64_t second);
  void pump();

  Parts p_;
  backtest::Period window_;
  engine::PaperDriver driver_;
  std::vector<ExecEvent> instant_exec_;  // fills of resting orders at the current instant
  backtest::ReplayEvent ev_;
  MarketEvent settle_event_;
  std::int64_t next_hour_ = 0;
  std::int64_t last_timer_s_ = 0;
  std::int64_t current_day_number_ = 0;
  std::int64_t last_instant_ = 0;
  std::size_t events_seen_ = 0;
  bool in_instant_ = false;
};

}  // namespace carry::app
