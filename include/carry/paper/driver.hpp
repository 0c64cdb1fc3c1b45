#pragma once
// Runs the engine against a paper::Exchange synchronously, without an io_context: market events go
// to the exchange first (fills), then to the OMS and any other listeners (risk, strategy); the
// OMS's commands are executed on the exchange and their results fed back until none are left.
// This is how the backtest and the scenario tests drive the very same engine. It can also inject
// the faults a real venue produces (a lost response, delayed pushes).
#include <carry/oms/order_manager.hpp>
#include <carry/paper/exchange.hpp>

#include <functional>
#include <vector>

namespace carry::paper {

class Driver {
 public:
  using MarketListener = std::function<void(const MarketEvent&)>;
  using ApiResultListener = std::function<void(const boost::system::error_code&)>;

  Driver(Exchange& exchange, oms::OrderManager& oms) : exchange_(exchange), oms_(oms) {}

  void add_market_listener(MarketListener listener) { market_listeners_.push_back(std::move(listener)); }
  // Sees the outcome of every request (risk::RiskEngine::on_api_result).
  void set_api_result_listener(ApiResultListener listener) { api_listener_ = std::move(listener); }

  void on_market(const MarketEvent& event);
  // Executes the OMS's commands (and the ones their results cause) until there are none.
  void pump();
  // Delivers the exchange's pending ExecEvents to the OMS (or holds them, see hold_pushes).
  void deliver();

  // ---- fault injection ----
  // The next place request reaches the exchange, but the OMS hears Errc::timeout and the pushes it
  // caused are held back (the private stream lags too). release_held() delivers them later.
  void lose_next_place_response() { lose_next_place_ = true; }
  void hold_pushes(bool hold) { hold_ = hold; }
  std::vector<ExecEvent>& held() noexcept { return held_; }
  void release_held();

  std::size_t commands_executed() const noexcept { return executed_; }

 private:
  void execute(oms::Command& command);
  void report(const boost::system::error_code& ec);

  Exchange& exchange_;
  oms::OrderManager& oms_;
  std::vector<MarketListener> market_listeners_;
  ApiResultListener api_listener_;
  std::vector<oms::Command> commands_;
  std::vector<ExecEvent> events_;
  std::vector<ExecEvent> held_;
  bool lose_next_place_ = false;
  bool hold_ = false;
  std::size_t executed_ = 0;
};

}  // namespace carry::paper
