#pragma once
// Runs an Engine against a paper::Exchange synchronously, without an io_context: the one driver
// of the backtest's replay loop, the engine scenario tests and the engine benchmark. The
// daemon's paper mode runs the same Engine and Exchange through the asynchronous Venue seam
// (paper::PaperVenue) instead, like the live gateway.
//
// Order of things, the same everywhere: a market event reaches the exchange first (resting
// orders fill against it), the engine hears of those fills, then of the event; the engine's
// commands are executed on the exchange, their results and the pushes they caused fed back,
// round after round until nothing moves. It can inject the faults a real venue produces (a lost
// response, delayed pushes).
#include <carry/core/time.hpp>
#include <carry/engine/engine.hpp>
#include <carry/paper/exchange.hpp>

#include <cstddef>
#include <functional>
#include <vector>

namespace carry::engine {

class PaperDriver {
 public:
  // `recorder` (may be null) hears of each order as it is sent, stamped with `clock`.
  PaperDriver(Engine& engine, paper::Exchange& exchange, const Clock& clock, EngineRecorder* recorder = nullptr)
      : engine_(engine), exchange_(exchange), clock_(clock), recorder_(recorder) {}

  // One market event: the exchange, the fills it caused, the engine, then pump().
  void on_market(const MarketEvent& event);
  // Executes the engine's commands and delivers the exchange's pushes until neither moves;
  // false when that takes more than kMaxRounds rounds (a feedback loop, not a result).
  [[nodiscard]] bool pump();
  // Hands the exchange's pending pushes to the engine (or holds them, see hold_pushes).
  void deliver();

  // ---- taps for tests and benches ----
  struct Taps {
    std::function<void(const PlaceOrderRequest&)> on_place;      // each place request as it leaves
    std::function<bool(const PlaceOrderRequest&)> refuse_place;  // true: refused (exchange_rejected)
                                                                 // before the exchange sees it
    std::function<void(const ExecEvent&)> on_push;               // each push as it is delivered
  };
  void set_taps(Taps taps) { taps_ = std::move(taps); }

  // ---- fault injection ----
  // The next place request reaches the exchange, but the engine hears Errc::timeout and the
  // pushes it caused are held back (the private stream lags too). release_held() delivers them.
  void lose_next_place_response() { lose_next_place_ = true; }
  void hold_pushes(bool hold) { hold_ = hold; }
  std::vector<ExecEvent>& held() noexcept { return held_; }
  void release_held();

  std::size_t commands_executed() const noexcept { return executed_; }
  static constexpr int kMaxRounds = 1000;

 private:
  void execute(const oms::Command& command);
  void push(const ExecEvent& event);

  Engine& engine_;
  paper::Exchange& exchange_;
  const Clock& clock_;
  EngineRecorder* recorder_;
  Taps taps_;
  std::vector<oms::Command> commands_;
  std::vector<ExecEvent> events_;
  std::vector<ExecEvent> held_;
  bool lose_next_place_ = false;
  bool hold_ = false;
  std::size_t executed_ = 0;
};

}  // namespace carry::engine
