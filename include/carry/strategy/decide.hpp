#pragma once
// The funding-basis decision for one symbol, as a pure function: OPEN / CLOSE / REBALANCE / HOLD
// and its reason from a snapshot of the symbol, the parameters and the time. No I/O, no clock, no
// log: the caller records the decision and carries out its step (docs/strategy.md has the rules).
#include <carry/strategy/decision.hpp>
#include <carry/strategy/funding_basis_params.hpp>
#include <carry/strategy/symbol_state.hpp>

#include <functional>
#include <optional>
#include <string_view>

namespace carry::strategy {

struct DecisionInput {
  const SymbolState& state;  // legs, funding and its history, mode, the last logged decision
  const LegBook& book;       // our orders in flight and the wallet: sizing, rebalance feasibility
  // Notional of every leg of every symbol, plus what openings still add; asked only when sizing.
  std::function<Decimal()> gross_notional;
};

// What the caller does besides recording the decision.
enum class Step : std::uint8_t { None, Open, Close, Rebalance };

struct Verdict {
  // The decision to record; nullopt for a HOLD known not to be news (it repeats the last logged
  // one), whose numbers are then not computed: most evaluations end so.
  std::optional<Decision> decision;
  Step step = Step::None;
  int direction = 0;                            // Open: +1 long spot / short perp, -1 the mirror
  Decimal open_size;                            // Open: base coin on each leg
  MarketType rebalance_leg = MarketType::Spot;  // Rebalance: the leg a taker order trades

  // The symbol's state after this evaluation; the caller applies it before recording.
  SymbolMode mode = SymbolMode::Flat;
  CloseConfirmations confirm;
  std::optional<double> entry_basis_bps;
  bool entry_basis_assumed = false;  // held without an entry basis: anchored at the current basis
  std::optional<UnixNanos> opened_for_settlement;
};

Verdict decide(const DecisionInput& in, const FundingBasisParams& p, Instant now);

// The decision record with the symbol's current numbers (kind HOLD, no reason yet).
Decision base_decision(const SymbolState& st, const FundingBasisParams& p, Instant now);
// The funding forecast entry and exit use, from the current rate and the settled history.
FundingForecast forecast_of(const SymbolState& st, const ForecastParams& p);
// Whether a decision is worth logging: an unchanged HOLD is not (the heartbeat reports the state),
// unless a repeat period is configured or one more low period was confirmed.
bool is_news(const DecisionMemory& logged, int confirmations, DecisionKind kind, std::string_view reason, MonoNanos t,
             const FundingBasisParams& p);

}  // namespace carry::strategy
