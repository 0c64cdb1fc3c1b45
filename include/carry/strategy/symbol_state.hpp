#pragma once
// Everything the funding-basis strategy knows about one symbol: its legs (the leg book), funding,
// mode, the execution program it runs and what its last logged decision was. Plain data: the
// strategy's events change it, decide() reads it, the program runner drives its program.
#include <carry/core/time.hpp>
#include <carry/strategy/decision.hpp>
#include <carry/strategy/funding_forecast.hpp>
#include <carry/strategy/leg_book.hpp>
#include <carry/strategy/symbol_mode.hpp>

#include <optional>
#include <string>

namespace carry::strategy {

// Wall time dates what the venue dates (settlements, decisions); every timer, timeout and age
// runs on the monotonic reading, so a step of the host clock neither trips nor freezes one.
struct Instant {
  UnixNanos wall;
  MonoNanos mono;
};

struct FundingState {
  bool known = false;
  Decimal rate;
  UnixNanos next;
  int interval_hours = 0;  // from the update, else the perp instrument
};

enum class ProgramKind : std::uint8_t { None, Open, Close, Rebalance, Flatten };

// The execution program a symbol runs (execution_program.hpp): one leg leads toward a target,
// the other follows each fill with taker orders; or taker orders alone (rebalance, flatten).
struct Program {
  ProgramKind kind = ProgramKind::None;
  bool has_leader = false;
  MarketType leader = MarketType::Perp;
  Decimal leader_target;                   // signed target position of the leader leg
  MarketType follower = MarketType::Spot;  // the leg hedged by taker orders
  MonoNanos started;
  std::optional<MonoNanos> leader_cancel_at;  // leader timed out / aborted: canceling
  bool taker_fallback = false;                // close: leader replaced by taker orders
  MonoNanos leader_idle_since;                // no live leader order since
  bool leader_idle = false;
  std::string reason;
  Decimal spot_at_start, perp_at_start;
};

// What the last logged decision was: a HOLD that repeats it is not news.
struct DecisionMemory {
  std::optional<DecisionKind> last_kind;
  std::string last_reason;
  MonoNanos last_logged;
  int logged_confirmations = 0;  // close_confirmations of the last logged decision
};

struct SymbolState : SymbolLegs {
  FundingState funding;
  SymbolMode mode = SymbolMode::Flat;
  Program prog;
  std::optional<double> entry_basis_bps;
  std::optional<UnixNanos> opened_for_settlement;  // !hold_across_events: the event we hold for
  std::optional<MonoNanos> apart_since;            // legs apart beyond the bound since
  std::optional<MonoNanos> last_close;             // last CLOSE decision (reopen cooldown)
  MonoNanos last_eval;
  bool evaluated = false;
  bool dirty = true;          // material change: evaluate at once
  MonoNanos last_taker;       // last follower/rebalance/flatten order
  bool hedge_urgent = false;  // a leader fill is waiting for its follower
  DecisionMemory logged;
  bool deferred = false;         // inside an instant: react at its end
  bool funding_changed = false;  // ... to a changed funding rate too
  SettledFunding settled;        // rates learned at each settlement
  CloseConfirmations confirm;    // periods the held forecast was below close_apr
};

}  // namespace carry::strategy
