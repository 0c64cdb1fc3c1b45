#pragma once
// The trading engine shared by every mode: OMS + risk + the funding-basis strategy, wired
// together and deterministic. The I/O shell (live runner, paper runner, backtest) feeds it market
// and execution events, executes the commands it queues on a Venue, and reports the results back.
#include <carry/core/client_oid.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/engine/engine_setup.hpp>
#include <carry/oms/order_manager.hpp>
#include <carry/risk/risk_engine.hpp>
#include <carry/strategy/funding_basis.hpp>

#include <memory>
#include <vector>

namespace carry::engine {

// Where the engine's durable facts go (the SQLite store in the daemon, the backtest's database).
class EngineRecorder {
 public:
  virtual ~EngineRecorder() = default;
  virtual void order_sent(const PlaceOrderRequest& req, UnixNanos ts) {}
  virtual void order_update(const OrderUpdate& update) {}
  virtual void fill(const Fill& fill) {}
  virtual void funding(const FundingPayment& payment) {}
  virtual void decision(const strategy::Decision& decision) {}
  virtual void kill_switch(const risk::KillSwitch& state) {}
};

// Every fact about our orders, whatever brought it (private push, REST result, order query,
// recovered fill), goes one way: the OMS deduplicates and applies it, then tells the engine
// (oms::OrderListener), which hands it to the strategy and the recorder. The strategy never sees
// a raw push, so it hears every terminal outcome (a REST rejection too) exactly once.
class Engine final : public oms::OrderListener {
 public:
  Engine(EngineSetup setup, ClientOidGenerator& ids, EventSink& events, const Clock& clock,
         EngineRecorder* recorder = nullptr);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void add_instrument(const Instrument& instrument);

  void on_market(const MarketEvent& event);
  void on_exec(const ExecEvent& event);
  void on_timer();
  // Market events of one instant (a replayed candle's spot and perp quotes) go between these:
  // the OMS and the risk engine see each at once, the strategy reacts once it has all of them.
  void begin_instant() { strategy_.begin_instant(); }
  void end_instant();
  // Orders open or a strategy program running: time alone moves something (timeouts, retries).
  bool busy() const noexcept { return oms_.has_open_orders() || strategy_.busy(); }
  void on_private_activity() { oms_.on_private_activity(); }
  void on_api_result(const boost::system::error_code& ec) { risk_.on_api_result(ec); }

  // Cancel everything and close every leg with reducing orders (kill switch, --flatten-on-exit).
  void flatten_all(std::string_view reason);
  // Positions found on the venue at start-up (after reconciliation): the strategy owns them and
  // rebalances any unhedged remainder.
  // Start-up: our share of each leg, handed to the strategy and booked in the OMS (and so seen by
  // the risk guards) at `price` (the current mark: PnL counts from the adoption).
  void adopt_positions(std::string_view symbol, Decimal spot, Decimal perp, Decimal price);

  // ---- oms::OrderListener ----
  void on_order_update(const oms::Order& order) override;
  void on_fill(const oms::Order& order, const Fill& fill) override;

  // ---- the shell's side ----
  void take_commands(std::vector<oms::Command>& out) { oms_.take_commands(out); }
  bool has_commands() const noexcept { return oms_.has_commands(); }
  void on_place_result(std::string_view client_oid, const Result<OrderAck>& r);
  void on_cancel_result(std::string_view client_oid, const Result<OrderAck>& r);
  void on_amend_result(std::string_view new_client_oid, const Result<OrderAck>& r);
  void on_query_result(std::string_view client_oid, const Result<std::optional<OrderUpdate>>& r);

  oms::OrderManager& oms() noexcept { return oms_; }
  const oms::OrderManager& oms() const noexcept { return oms_; }
  risk::RiskEngine& risk() noexcept { return risk_; }
  const risk::RiskEngine& risk() const noexcept { return risk_; }
  strategy::FundingBasis& strategy() noexcept { return strategy_; }
  const strategy::FundingBasis& strategy() const noexcept { return strategy_; }
  std::vector<std::string> symbols() const { return strategy_.symbols(); }
  // symbols: auto. The instruments of an added symbol follow through add_instrument; a symbol
  // holding anything is not removed (false): it leaves once its own close rule has emptied it.
  bool add_symbol(std::string_view symbol) { return strategy_.add_symbol(symbol); }
  bool remove_symbol(std::string_view symbol) { return strategy_.remove_symbol(symbol); }

 private:
  void apply(strategy::Actions& actions);
  void hand_over_heard();
  void cancel(const strategy::CancelIntent& c);
  void submit(const strategy::OrderIntent& o, strategy::Actions& actions);
  // Runs f; an exception is logged (engine.action_failed) and reported as false, never thrown on.
  template <typename F>
  bool guarded(std::string_view what, std::string_view subject, F&& f);
  void on_kill_switch(const risk::KillSwitch& ks);

  EventSink& events_;
  const Clock& clock_;
  const ClientOidGenerator& ids_;
  EngineRecorder* recorder_;
  oms::OrderManager oms_;
  risk::RiskEngine risk_;
  strategy::FundingBasis strategy_;
  strategy::Actions actions_;       // reused buffer
  std::vector<ExecEvent> heard_;    // the OMS's verdicts on our orders, not yet handed to the strategy
  std::vector<ExecEvent> handing_;  // the batch being handed over (heard_ fills up meanwhile)
  static constexpr int kMaxApplyRounds = 16;
  risk::KillState last_kill_ = risk::KillState::Active;
  bool in_apply_ = false;
};

}  // namespace carry::engine
