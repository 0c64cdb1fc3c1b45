#pragma once
// Funding-rate cash-and-carry per symbol: long spot + short perp when funding is positive, short
// spot from inventory + long perp when negative. Decides OPEN / CLOSE / REBALANCE / HOLD on a
// cadence and on material change, and executes with leg-risk control: one leg leads as a maker,
// the other follows each fill with a taker IOC so spot + perp stay within one lot step.
// Deterministic and sans-I/O: see docs/strategy.md for the rules and formulas.
//
// This class takes the events and ties the parts together: decide() (decide.hpp) makes each
// decision, ProgramRunner (execution_program.hpp) carries it out, the leg book (leg_book.hpp)
// holds positions, orders and the wallet, and every mode change passes the table in
// symbol_mode.hpp.
#include <carry/core/client_oid.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>
#include <carry/strategy/carry_economics.hpp>
#include <carry/strategy/execution_program.hpp>
#include <carry/strategy/funding_basis_counters.hpp>
#include <carry/strategy/funding_basis_params.hpp>
#include <carry/strategy/funding_forecast.hpp>
#include <carry/strategy/leg_book.hpp>
#include <carry/strategy/strategy.hpp>
#include <carry/strategy/symbol_mode.hpp>
#include <carry/strategy/symbol_state.hpp>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace carry::strategy {

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

class FundingBasis final : public Strategy {
 public:
  // `ids` must be the generator the OMS uses (the intents' client ids are taken from it);
  // `clock` stamps market and exec handling (the backtest's simulated clock, live: SystemClock).
  FundingBasis(FundingBasisParams params, ClientOidGenerator& ids, EventSink& events, const Clock& clock);
  // Its program runner refers to its own members: a copy would drive the original's book.
  FundingBasis(const FundingBasis&) = delete;
  FundingBasis& operator=(const FundingBasis&) = delete;

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
  SymbolState* find(std::string_view symbol) noexcept;
  const SymbolState* find(std::string_view symbol) const noexcept;
  Instant now() const noexcept { return {clock_.now(), clock_.mono()}; }

  void on_bbo(const Bbo& b, Actions& out);
  void on_instrument(const InstrumentUpdate& u);
  void on_funding(const FundingRateUpdate& f, Actions& out);
  // What a new quote on either leg triggers off the timer: the running program, or a basis stop.
  void react_to_quotes(SymbolState& st, Instant now, Actions& out);
  void defer(SymbolState& st);
  void on_fill(const Fill& f, Actions& out);
  void on_update(const OrderUpdate& u, Actions& out);

  void tick(SymbolState& st, Instant now, Actions& out);
  // decide() and what its verdict asks for: the symbol's new state, the record, the program.
  void evaluate(SymbolState& st, Instant now, Actions& out);
  // Logs the decision (and adds it to `out` for the decisions table) when it is news.
  void record(SymbolState& st, Decision&& d, Actions& out);
  // Legs apart beyond the bound for hedge_timeout_s: Reducing, and the larger leg is reduced.
  void check_deviation(SymbolState& st, Instant now, Actions& out);
  void note_position_change(SymbolState& st);
  Decimal gross_notional() const;
  void set_mode(SymbolState& st, SymbolMode to, std::string_view cause);

  FundingBasisParams params_;
  ClientOidGenerator& ids_;
  EventSink& events_;
  const Clock& clock_;
  std::deque<SymbolState> states_;  // few symbols (linear lookup is cheapest); stable addresses
  bool deferring_ = false;          // between begin_instant and end_instant
  std::vector<SymbolState*> deferred_;
  LegBook book_;  // our unfinished orders and the wallet
  FundingBasisCounters counters_;
  ProgramRunner programs_{params_, ids_, events_, clock_, book_, counters_};
};

}  // namespace carry::strategy
