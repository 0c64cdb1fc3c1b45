#pragma once
// Funding-rate cash-and-carry per symbol: long spot + short perp when funding is positive, short
// spot from inventory + long perp when negative. Decides OPEN / CLOSE / REBALANCE / HOLD on a
// cadence and on material change, and executes with leg-risk control: one leg leads as a maker,
// the other follows each fill with a taker IOC so spot + perp stay within one lot step.
// Deterministic and sans-I/O: see docs/strategy.md for the rules and formulas.
#include <carry/core/client_oid.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>
#include <carry/strategy/carry_economics.hpp>
#include <carry/strategy/funding_basis_params.hpp>
#include <carry/strategy/funding_forecast.hpp>
#include <carry/strategy/strategy.hpp>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace carry::strategy {

enum class SymbolMode : std::uint8_t {
  Flat,         // no position; may OPEN
  Opening,      // leader working toward the target, follower hedging each fill
  Open,         // hedged position held
  Closing,      // leader working toward zero, follower hedging
  Rebalancing,  // a taker order brings spot + perp back together
  Reducing,     // hedge deviation timed out: only reducing orders, never OPEN (sticky)
  Flattening,   // flatten_all: taker orders close both legs (sticky)
};
std::string_view to_string(SymbolMode mode) noexcept;

// Read-only state of one symbol for the heartbeat and tests.
struct SymbolView {
  std::string symbol;
  SymbolMode mode = SymbolMode::Flat;
  Decimal spot_position, perp_position;  // ours, signed base coin
  double net_delta_bps = 0;
  std::optional<double> funding_rate;
  int interval_hours = 0;
  UnixNanos next_settlement;
  std::optional<double> basis_bps;
  std::optional<double> entry_basis_bps;
  std::size_t orders_in_flight = 0;
  std::optional<DecisionKind> last_decision;
  std::string last_reason;
};

struct FundingBasisCounters {
  std::uint64_t evaluations = 0;
  std::uint64_t decisions_logged = 0;
  std::uint64_t follower_orders = 0;
  std::uint64_t leader_orders = 0;
  std::uint64_t rejected_events = 0;  // malformed market data (crossed/zero BBO ...) ignored
  std::uint64_t foreign_events = 0;   // fills/updates of orders that are not ours
  std::uint64_t hedge_halts = 0;
  std::uint64_t stale_quote_waits = 0;  // taker orders held back: their leg's quote was too old
};

class FundingBasis final : public Strategy {
 public:
  // `ids` must be the generator the OMS uses (the intents' client ids are taken from it);
  // `clock` stamps market and exec handling (the backtest's simulated clock, live: SystemClock).
  FundingBasis(FundingBasisParams params, ClientOidGenerator& ids, EventSink& events, const Clock& clock);

  std::string_view name() const noexcept override { return "funding_basis"; }
  using Strategy::flatten_all;
  using Strategy::on_exec;
  using Strategy::on_market;
  using Strategy::on_timer;
  void on_market(const MarketEvent& event, Actions& out) override;
  // Fills and order updates of our orders as the OMS applied them: each trade once (the OMS holds
  // the one trade-id dedup), every terminal outcome whatever its source.
  void on_exec(const ExecEvent& event, Actions& out) override;
  void on_timer(Actions& out) override;
  void begin_instant() override { deferring_ = true; }
  void end_instant(Actions& out) override;
  // Something is under way that time alone moves on (a program, an order not finished yet): a
  // replay with quotes minutes apart keeps the timer running between them while this holds.
  bool busy() const noexcept;
  void on_submit_rejected(std::string_view client_oid, std::string_view reason, Actions& out) override;
  void flatten_all(std::string_view reason, Actions& out) override;

  // Start-up / after reconciliation: the legs the strategy owns (signed base coin). Any imbalance
  // between them (an unhedged remainder) is handled by REBALANCE at the next evaluation. Entry
  // prices, when known, anchor the basis stop; otherwise the basis at the next evaluation does.
  void adopt_positions(std::string_view symbol, Decimal spot, Decimal perp, std::optional<Decimal> spot_entry = {},
                       std::optional<Decimal> perp_entry = {});
  // Start-up: the venue's recent settled rates (oldest first, per settlement at `interval_hours`)
  // seed the forecast's history, so it does not start from the current rate alone. Only a symbol
  // that has learned nothing yet is seeded; the number of rates taken is returned.
  int seed_settled_funding(std::string_view symbol, const std::vector<double>& oldest_first, int interval_hours);
  // symbols: auto (docs/strategy.md, "Universe"). A new symbol starts Flat with no history; only an
  // idle symbol (flat, no order, no program) can be removed: one holding anything leaves by its own
  // close rule first. Both return whether they changed the set; never between begin/end_instant.
  bool add_symbol(std::string_view symbol);
  bool remove_symbol(std::string_view symbol);
  bool idle(std::string_view symbol) const;
  std::vector<std::string> symbols() const;
  // The rate per settlement the entry would forecast from `current_rate` on this symbol: blended
  // with the settlements it has learned, or the current rate alone for a symbol it does not track.
  double forecast_rate(std::string_view symbol, double current_rate, int interval_hours) const;
  // Kill switch Reducing: no OPEN on any symbol from now on (an opening stops and is hedged);
  // CLOSE and rebalancing continue. Sticky until reset_symbol.
  void enter_reducing(std::string_view reason, Actions& out);
  Actions enter_reducing(std::string_view reason) {
    Actions a;
    enter_reducing(reason, a);
    return a;
  }
  // Leaves Reducing / Flattening (operator action after the cause is understood).
  bool reset_symbol(std::string_view symbol);

  std::optional<SymbolView> view(std::string_view symbol) const;
  const FundingBasisCounters& counters() const noexcept { return counters_; }
  const FundingBasisParams& params() const noexcept { return params_; }

 private:
  struct Quote {
    Decimal bid, bid_size, ask, ask_size;
    UnixNanos ts;        // the venue's time of the quote
    MonoNanos received;  // when it reached us: its age is measured from here
    Decimal mid() const { return Decimal::from_raw((bid.raw() + ask.raw()) / 2); }
  };
  struct Leg {
    std::optional<Instrument> inst;
    bool has_quote = false;
    Quote quote;
    Decimal position;          // ours, signed
    Decimal entry_cost;        // signed size x average entry price of the position
    bool entry_known = true;   // false for adopted positions without an entry price
    bool stale_noted = false;  // a taker order waits for a fresh quote (logged once per episode)
  };
  struct Funding {
    bool known = false;
    Decimal rate;
    UnixNanos next;
    int interval_hours = 0;  // from the update, else the perp instrument
  };
  enum class ProgramKind : std::uint8_t { None, Open, Close, Rebalance, Flatten };
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
  struct Working {  // one of our orders the venue has not finished yet
    std::string symbol;
    MarketType market = MarketType::Spot;
    Side side = Side::Buy;
    Decimal size, filled;
    LegRole role = LegRole::Leader;
    bool cancel_requested = false;
    MonoNanos since;    // sent, or cancel requested
    bool done = false;  // the venue finished it; fills it reported are still to arrive
    Decimal remaining() const { return size > filled ? size - filled : Decimal{}; }
  };
  struct State {
    std::string symbol;
    Leg spot, perp;
    Funding funding;
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
    std::optional<DecisionKind> last_kind;
    std::string last_reason;
    MonoNanos last_logged;
    bool deferred = false;         // inside an instant: react at its end
    bool funding_changed = false;  // ... to a changed funding rate too
    SettledFunding settled;        // rates learned at each settlement
    CloseConfirmations confirm;    // periods the held forecast was below close_apr
    int logged_confirmations = 0;  // confirm.count of the last logged decision
    Leg& leg(MarketType m) { return m == MarketType::Spot ? spot : perp; }
    const Leg& leg(MarketType m) const { return m == MarketType::Spot ? spot : perp; }
  };
  struct Balances {  // available amounts by coin, from BalanceUpdate
    std::map<std::string, Decimal, std::less<>> spot, perp;
    bool shared = false;  // one wallet funds both legs (UTA): the spot and perp amounts are one sum
  };

  State* find(std::string_view symbol) noexcept;
  const State* find(std::string_view symbol) const noexcept;
  // Wall time dates what the venue dates (settlements, decisions); every timer, timeout and age
  // runs on the monotonic reading, so a step of the host clock neither trips nor freezes one.
  struct Instant {
    UnixNanos wall;
    MonoNanos mono;
  };
  Instant now() const noexcept { return {clock_.now(), clock_.mono()}; }

  void on_bbo(const Bbo& b, Actions& out);
  void on_funding(const FundingRateUpdate& f, Actions& out);
  // What a new quote on either leg triggers off the timer: the running program, or a basis stop.
  void react_to_quotes(State& st, Instant now, Actions& out);
  void defer(State& st);
  void on_fill(const Fill& f, Actions& out);
  void on_update(const OrderUpdate& u, Actions& out);

  void tick(State& st, Instant now, Actions& out);
  void evaluate(State& st, Instant now, Actions& out);
  // A position is held: close (forecast against it, low for close_confirmations periods, basis
  // stop, event captured), rebalance, or hold. `d` carries the position's direction.
  void evaluate_held(State& st, Decision& d, double basis, Instant now, Actions& out);
  // Whether a decision is worth logging (and a row in the decisions table); record() logs it if so.
  bool is_news(const State& st, DecisionKind kind, std::string_view reason, MonoNanos t) const;
  void record(State& st, Decision&& d, Actions& out);
  Decision base_decision(const State& st, Instant now) const;
  FundingForecast forecast_of(const State& st) const;

  void start_open(State& st, int direction, Decimal size, Instant now, Actions& out);
  void start_close(State& st, std::string_view reason, Instant now, Actions& out);
  void start_rebalance(State& st, MarketType leg, std::string_view reason, Instant now, Actions& out);
  void manage_program(State& st, Instant now, Actions& out);
  void end_program(State& st, Instant now);
  void place_leader(State& st, Instant now, Actions& out);
  struct HedgeNeed {
    Side side;
    Decimal size;
  };
  // The taker order on `leg` that would bring spot + perp back to zero after what is in flight,
  // on the lot, within what may be sold and above the minimums; nullopt when there is none.
  std::optional<HedgeNeed> hedge_need(const State& st, MarketType leg) const;
  // Sends a taker order on `leg` for the signed quantity still needed to hedge (spot + perp -> 0)
  // after what is already in flight there. Returns true when an order was emitted.
  bool hedge_leg(State& st, MarketType leg, LegRole role, std::string_view reason, Instant now, Actions& out);
  bool flatten_leg(State& st, MarketType leg, std::string_view reason, Instant now, Actions& out);
  // Cancels our unfinished orders on the symbol (one market / one role when given).
  void cancel_symbol(State& st, std::optional<MarketType> market, std::optional<LegRole> role, std::string_view reason,
                     Actions& out);
  void emit_order(State& st, OrderIntent intent, Actions& out);
  void choose_rebalance(State& st, Decision& d, Instant now, Actions& out);
  void check_deviation(State& st, Instant now, Actions& out);
  void expire_orders(State& st, Instant now);

  std::optional<OrderIntent> taker_intent(State& st, MarketType leg, Side side, Decimal size, LegRole role,
                                          std::string reason);
  bool quote_too_old(State& st, MarketType leg);
  Decimal in_flight(const State& st, MarketType leg, std::optional<LegRole> role = {}) const;  // signed
  bool leader_live(const State& st) const;
  std::size_t working_count(const State& st) const;
  Decimal spot_sellable(const State& st) const;  // what a spot sell may use, never borrowed
  bool leg_flat(const State& st, MarketType leg) const;
  bool flat(const State& st) const { return leg_flat(st, MarketType::Spot) && leg_flat(st, MarketType::Perp); }
  Decimal hedge_bound(const State& st) const;
  double net_delta_bps(const State& st) const;
  Decimal gross_notional() const;
  Decimal symbol_leg_notional(const State& st) const;
  std::optional<double> current_basis(const State& st) const;
  void note_position_change(State& st);

  FundingBasisParams params_;
  ClientOidGenerator& ids_;
  EventSink& events_;
  const Clock& clock_;
  std::deque<State> states_;  // few symbols (linear lookup is cheapest); stable addresses
  bool deferring_ = false;    // between begin_instant and end_instant
  std::vector<State*> deferred_;
  std::map<std::string, Working, std::less<>> working_;  // client id -> our unfinished order
                                                         // (ordered: deterministic output)
  Balances balances_;
  FundingBasisCounters counters_;
};

}  // namespace carry::strategy
