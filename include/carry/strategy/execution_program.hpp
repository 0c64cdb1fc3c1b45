#pragma once
// The leader/follower execution program of one symbol. OPEN and CLOSE: one leg leads (a maker
// order at its own touch, chased by the OMS; or a taker IOC on candles) toward its target, and
// every leader fill is followed at once by a taker IOC on the other leg, so spot + perp stay
// within one lot step. REBALANCE and FLATTEN: taker orders alone. Sans-I/O: intents go to
// Actions, events to the sink; the state lives in SymbolState::prog and the leg book.
#include <carry/core/client_oid.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>
#include <carry/strategy/funding_basis_counters.hpp>
#include <carry/strategy/funding_basis_params.hpp>
#include <carry/strategy/leg_book.hpp>
#include <carry/strategy/strategy.hpp>
#include <carry/strategy/symbol_state.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace carry::strategy {

class ProgramRunner {
 public:
  ProgramRunner(const FundingBasisParams& params, ClientOidGenerator& ids, EventSink& events, const Clock& clock,
                LegBook& book, FundingBasisCounters& counters)
      : params_(params), ids_(ids), events_(events), clock_(clock), book_(book), counters_(counters) {}

  // Starting a program replaces whatever the symbol ran; each sends its first orders at once.
  void start_open(SymbolState& st, int direction, Decimal size, Instant t, Actions& out);
  void start_close(SymbolState& st, std::string_view reason, Instant t, Actions& out);
  void start_rebalance(SymbolState& st, MarketType leg, std::string_view reason, Instant t, Actions& out);
  void start_flatten(SymbolState& st, std::string_view reason, Instant t, Actions& out);
  // Moves the running program on: hedges, leader requotes and timeouts, and its end.
  void step(SymbolState& st, Instant t, Actions& out);

  // Cancels our unfinished orders on the symbol (one market / one role when given).
  void cancel(SymbolState& st, std::optional<MarketType> market, std::optional<LegRole> role, std::string_view reason,
              Actions& out);
  // Forgets orders whose final update never came (a stream gap), so no program waits forever.
  void expire_orders(SymbolState& st, Instant t);

 private:
  void step_flatten(SymbolState& st, Instant t, Actions& out);
  void step_rebalance(SymbolState& st, Instant t, Actions& out);
  void step_leader(SymbolState& st, Instant t, Actions& out);
  void end(SymbolState& st);
  void place_leader(SymbolState& st, Instant t, Actions& out);
  // Sends a taker order on `leg` for the signed quantity still needed to hedge (spot + perp -> 0)
  // after what is already in flight there. Returns true when an order was emitted.
  bool hedge_leg(SymbolState& st, MarketType leg, LegRole role, std::string_view reason, Instant t, Actions& out);
  bool flatten_leg(SymbolState& st, MarketType leg, std::string_view reason, Instant t, Actions& out);
  void emit_order(SymbolState& st, OrderIntent intent, Actions& out);
  std::optional<OrderIntent> taker_intent(SymbolState& st, MarketType leg, Side side, Decimal size, LegRole role,
                                          std::string reason);
  bool quote_too_old(SymbolState& st, MarketType leg);
  void set_mode(SymbolState& st, SymbolMode to, std::string_view cause);

  const FundingBasisParams& params_;
  ClientOidGenerator& ids_;
  EventSink& events_;
  const Clock& clock_;
  LegBook& book_;
  FundingBasisCounters& counters_;
};

}  // namespace carry::strategy
