#include <carry/strategy/decide.hpp>

#include <carry/strategy/carry_economics.hpp>
#include <carry/strategy/sizing.hpp>

#include "strategy_helpers.hpp"

#include <array>

namespace carry::strategy {
namespace {

// What an entry was priced with before it is sized (the follower's slippage grows with the size).
struct Entry {
  int dir = 0;  // the side the forecast pays
  bool cooling = false;
  bool outside_window = false;
  OpenCostInput ci;
  double leader_slip = 0;
  const Quote* follower_quote = nullptr;
  bool follower_buys = false;
};

// One evaluation: the decision record is built only when something will see it (most
// evaluations end in the same HOLD as the last one, which is not news and needs none of its
// numbers). Every branch ends in the verdict.
class Evaluation {
 public:
  Evaluation(const DecisionInput& in, const FundingBasisParams& p, Instant t) : in_(in), st_(in.state), p_(p), t_(t) {
    v_.mode = st_.mode;
    v_.confirm = st_.confirm;
    v_.entry_basis_bps = st_.entry_basis_bps;
    v_.opened_for_settlement = st_.opened_for_settlement;
  }

  Verdict run() {
    evaluate();
    return std::move(v_);
  }

 private:
  Decision& decision() {
    if (!built_) {
      d_ = base_decision(st_, p_, t_);
      d_.close_confirmations = v_.confirm.count;
      built_ = true;
    }
    d_.direction = direction_;
    return d_;
  }
  bool news(std::string_view reason) const {
    return is_news(st_.logged, v_.confirm.count, DecisionKind::Hold, reason, t_.mono, p_);
  }
  void hold(std::string_view reason) {
    // Checked before any string is built: most evaluations repeat the last HOLD.
    if (!news(reason)) return;
    Decision& h = decision();
    h.kind = DecisionKind::Hold;
    h.reason = std::string(reason);
    h.limited_by = std::string(limited_by_);
    v_.decision = std::move(h);
  }

  void evaluate();
  void held(Decision& d, double basis);
  void rebalance(Decision& d);
  void entry(double basis);
  void open_or_hold(const Entry& e);
  SizingInput sizing_input(int dir) const;

  const DecisionInput& in_;
  const SymbolState& st_;
  const FundingBasisParams& p_;
  const Instant t_;
  Verdict v_;
  Decision d_;
  bool built_ = false;
  int direction_ = 0;            // d.direction
  std::string_view limited_by_;  // the sizing's binding limit (a literal), copied only when recorded
};

void Evaluation::evaluate() {
  if (st_.mode == SymbolMode::Flattening) return hold("flattening");
  if (!st_.spot.inst || !st_.perp.inst) return hold("instrument_unknown");
  if (!st_.spot.has_quote || !st_.perp.has_quote) return hold("no_quote");
  const bool funding_ok = st_.funding.known && st_.funding.interval_hours > 0;  // never assume 8 h
  if (!funding_ok) {
    // A hedge is restored whatever funding does; wanting the carry needs the funding.
    if (!st_.flat() && decision().net_delta_bps > p_.rebalance_band_bps) return rebalance(decision());
    return hold(st_.funding.known ? "funding_interval_unknown" : "funding_unknown");
  }
  const double basis = *st_.current_basis();  // both quotes are known here

  if (!st_.flat()) {
    direction_ = st_.perp.position.is_negative()   ? 1
                 : st_.perp.position.is_positive() ? -1
                                                   : (st_.spot.position.is_positive() ? 1 : -1);
    return held(decision(), basis);  // `d` built before anything changes state
  }
  v_.confirm = {};

  if (st_.mode == SymbolMode::Reducing) return hold("reducing");
  v_.mode = SymbolMode::Flat;
  entry(basis);
}

// A position is held: close (forecast against it, low for close_confirmations periods, basis
// stop, event captured), rebalance, or hold. `d` carries the position's direction.
void Evaluation::held(Decision& d, double basis) {
  const int pos_dir = d.direction;
  d.expected_apr = hold_apr(d.forecast_rate, st_.funding.interval_hours, pos_dir);
  if (!v_.entry_basis_bps) {
    v_.entry_basis_bps = basis;  // adopted without entry prices: anchor the stop here
    v_.entry_basis_assumed = true;
  }
  d.entry_basis_bps = *v_.entry_basis_bps;
  if (!p_.hold_across_events && !v_.opened_for_settlement) v_.opened_for_settlement = st_.funding.next;
  const double adverse = pos_dir * (basis - *v_.entry_basis_bps);
  // A forecast against the position is weighed against what closing costs (a round trip).
  AdverseCost against;
  against.horizon_settlements = p_.adverse_horizon_hours / st_.funding.interval_hours;
  against.rate_per_settlement = pos_dir * d.forecast_rate;
  against.round_trip_bps = round_trip_bps(*st_.spot.inst, *st_.perp.inst, {st_.spot.quote.bid, st_.spot.quote.ask},
                                          {st_.perp.quote.bid, st_.perp.quote.ask}, p_.leader_taker);
  // Counted on every evaluation, one step per funding period: one low print does not close.
  const ExitVerdict exit =
      check_exit(v_.confirm, d.expected_apr, p_.close_apr, p_.close_confirmations, st_.funding.next, against);
  d.close_confirmations = v_.confirm.count;

  std::string_view close_reason;
  if (!p_.hold_across_events && st_.funding.next > *v_.opened_for_settlement)
    close_reason = "event_captured";
  else if (exit.close)
    close_reason = exit.reason;
  else if (adverse > p_.basis_stop_bps)
    close_reason = "basis_stop";
  if (!close_reason.empty()) {
    d.kind = DecisionKind::Close;
    d.reason = std::string(close_reason);
    d.target_spot = {};
    d.target_perp = {};
    v_.decision = std::move(d);
    v_.step = Step::Close;
    v_.confirm = {};
    return;
  }
  if (d.net_delta_bps > p_.rebalance_band_bps) return rebalance(d);
  d.kind = DecisionKind::Hold;
  d.reason = st_.mode == SymbolMode::Reducing ? "reducing" : exit.reason.empty() ? "holding" : std::string(exit.reason);
  v_.decision = std::move(d);
}

void Evaluation::rebalance(Decision& d) {
  const Decimal net = st_.spot.position + st_.perp.position;
  // Prefer completing the hedge on the lagging leg while the carry is wanted; reduce the larger
  // leg otherwise or when the lagging leg cannot trade (no spot to sell, below minimum size).
  const bool wanted = st_.mode != SymbolMode::Reducing && d.direction * d.forecast_rate > 0;
  const MarketType lagging = st_.spot.position.abs() < st_.perp.position.abs() ? MarketType::Spot : MarketType::Perp;
  const MarketType larger = other(lagging);
  auto feasible = [&](MarketType m) {
    if (!in_.book.hedge_need(st_, m)) return false;
    // Growing the lagging leg must stay under the per-leg limit (the risk engine would refuse it).
    const Leg& leg = st_.leg(m);
    if (m == lagging && p_.max_symbol_notional.is_positive() && leg.has_quote &&
        (leg.position - net).abs() * leg.quote.mid() > p_.max_symbol_notional)
      return false;
    return true;
  };
  std::optional<MarketType> leg;
  const std::array<MarketType, 2> order = wanted ? std::array{lagging, larger} : std::array{larger, lagging};
  for (MarketType m : order)
    if (!leg && feasible(m)) leg = m;
  if (!leg) {
    d.kind = DecisionKind::Hold;
    d.reason = "delta_below_min_size";
    v_.decision = std::move(d);
    return;
  }
  if (*leg == MarketType::Spot)
    d.target_spot = st_.spot.position - net;
  else
    d.target_perp = st_.perp.position - net;
  d.kind = DecisionKind::Rebalance;
  d.reason = st_.mode == SymbolMode::Reducing ? "reducing_rebalance" : "net_delta_beyond_band";
  v_.decision = std::move(d);
  v_.step = Step::Rebalance;
  v_.rebalance_leg = *leg;
}

// Flat: whether an OPEN is worth its costs now.
void Evaluation::entry(double basis) {
  Entry e;
  e.cooling = st_.last_close && t_.mono - *st_.last_close < seconds(p_.reopen_cooldown_s);
  const double forecast = forecast_of(st_, p_.forecast).rate;
  e.dir = forecast > 0 ? 1 : (forecast < 0 ? -1 : 0);
  direction_ = e.dir;
  if (e.dir == 0) return hold("zero_funding");
  if (st_.funding.next <= t_.wall) return hold("funding_stale");  // the settlement it describes has passed
  if (p_.market_data_stale_s > 0) {
    const auto age = seconds(p_.market_data_stale_s);
    if (t_.mono - st_.spot.quote.received > age || t_.mono - st_.perp.quote.received > age) return hold("quote_stale");
  }

  const Instrument& si = *st_.spot.inst;
  const Instrument& pi = *st_.perp.inst;
  const MarketType leader = choose_leader(si, pi);
  const MarketType follower = other(leader);
  const Instrument& li = leader == MarketType::Spot ? si : pi;
  const Instrument& fi = follower == MarketType::Spot ? si : pi;
  // The follower buys when it is spot and dir > 0, or perp and dir < 0.
  e.follower_buys = (follower == MarketType::Spot) == (e.dir > 0);
  e.follower_quote = &st_.leg(follower).quote;
  e.ci.funding_rate = forecast;
  e.ci.horizon = horizon_for(p_.hold_across_events, p_.holding_horizon_hours, p_.pre_event_open_minutes,
                             st_.funding.interval_hours);
  e.ci.leader_maker_fee = p_.leader_taker ? li.taker_fee.to_double() : li.maker_fee.to_double();
  e.ci.follower_taker_fee = fi.taker_fee.to_double();
  e.ci.basis_bps = basis;
  e.ci.direction = e.dir;
  e.outside_window =
      !p_.hold_across_events && st_.funding.next - t_.wall > std::chrono::minutes(p_.pre_event_open_minutes);

  // Slippage only grows with the size (the depth penalty beyond the top of book), so the APR at
  // the smallest slippage bounds the real one from above. When even that misses the entry
  // threshold the outcome is a HOLD known without sizing; if it repeats the last one (not news)
  // none of the sizing numbers would be seen, so they are not computed. This is most evaluations.
  // A taker leader pays its half spread too (counted with the follower's, both ways).
  const Quote& lq = st_.leg(leader).quote;
  const Quote& fq = *e.follower_quote;
  e.leader_slip = p_.leader_taker ? slippage_bps(lq.bid, lq.ask, Decimal{}, Decimal{}, 0) : 0.0;
  if (p_.depth_penalty_bps >= 0) {
    e.ci.follower_slippage_bps =
        slippage_bps(fq.bid, fq.ask, Decimal{}, Decimal{}, p_.depth_penalty_bps) + e.leader_slip;
    if (open_economics(e.ci).expected_apr < p_.min_expected_apr &&
        !news(e.outside_window ? "outside_pre_event_window" : "apr_below_min"))
      return;
  }
  open_or_hold(e);
}

void Evaluation::open_or_hold(const Entry& e) {
  // Size first: slippage depends on it.
  const SizingInput in = sizing_input(e.dir);
  const SizingResult sz = size_pair(in);

  Decimal est_size = sz.size;
  if (!est_size.is_positive()) {
    auto q = p_.notional_per_symbol.checked_div(max(in.spot_price, in.perp_price), Rounding::Down);
    est_size = q ? *q : Decimal{};
  }
  const Quote& fq = *e.follower_quote;
  OpenCostInput ci = e.ci;
  ci.follower_slippage_bps =
      slippage_bps(fq.bid, fq.ask, e.follower_buys ? fq.ask_size : fq.bid_size, est_size, p_.depth_penalty_bps) +
      e.leader_slip;
  const OpenEconomics econ = open_economics(ci);
  Decision& d = decision();  // from here on the numbers are recorded
  d.horizon_hours = ci.horizon.hours;
  d.funding_bps = econ.funding_bps;
  d.fees_bps = econ.fees_bps;
  d.slippage_bps = econ.slippage_bps;
  d.basis_cost_bps = econ.basis_cost_bps;
  d.expected_apr = econ.expected_apr;
  limited_by_ = sz.limited_by;
  if (sz.ok()) {
    d.target_spot = e.dir > 0 ? sz.size : -sz.size;
    d.target_perp = -d.target_spot;
  }

  if (e.outside_window) return hold("outside_pre_event_window");
  if (econ.expected_apr < p_.min_expected_apr) return hold("apr_below_min");
  if (e.cooling) return hold("reopen_cooldown");  // a stop or a flip just closed it: no ping-pong
  if (!sz.ok())
    return hold(e.dir < 0 && sz.rejected == "no_spot_inventory" ? "negative_funding_no_spot_inventory" : sz.rejected);
  d.kind = DecisionKind::Open;
  d.reason = e.dir > 0 ? "funding_positive" : "funding_negative";
  d.limited_by = std::string(limited_by_);
  v_.decision = std::move(d);
  v_.step = Step::Open;
  v_.direction = e.dir;
  v_.open_size = sz.size;
  if (!p_.hold_across_events) v_.opened_for_settlement = st_.funding.next;
}

SizingInput Evaluation::sizing_input(int dir) const {
  const Instrument* si = &*st_.spot.inst;
  const Instrument* pi = &*st_.perp.inst;
  const Balances& balances = in_.book.balances;
  SizingInput in;
  in.direction = dir;
  in.spot = si;
  in.perp = pi;
  in.spot_price = dir > 0 ? st_.spot.quote.ask : st_.spot.quote.bid;
  in.perp_price = dir > 0 ? st_.perp.quote.bid : st_.perp.quote.ask;
  in.target_notional = p_.notional_per_symbol;
  in.max_order_notional = p_.max_order_notional;
  if (p_.max_symbol_notional.is_positive()) {
    in.symbol_limited = true;
    in.symbol_room = p_.max_symbol_notional - st_.leg_notional();
  }
  if (p_.max_total_notional.is_positive()) {
    in.total_limited = true;
    in.total_room = p_.max_total_notional - in_.gross_notional();
  }
  if (auto it = balances.spot.find(si->quote_coin); it != balances.spot.end()) in.spot_quote_available = it->second;
  if (auto it = balances.spot.find(si->base_coin); it != balances.spot.end())
    in.spot_base_available =
        p_.adopt_foreign_positions ? it->second : min(it->second, max(st_.spot.position, Decimal{}));
  if (auto it = balances.perp.find(pi->quote_coin); it != balances.perp.end()) in.perp_margin_available = it->second;
  in.leverage = p_.leverage;
  in.shared_wallet = balances.shared;
  return in;
}

}  // namespace

Verdict decide(const DecisionInput& in, const FundingBasisParams& p, Instant now) {
  return Evaluation(in, p, now).run();
}

FundingForecast forecast_of(const SymbolState& st, const ForecastParams& p) {
  return forecast_funding(st.funding.rate.to_double(), st.funding.interval_hours, st.settled, p);
}

Decision base_decision(const SymbolState& st, const FundingBasisParams& p, Instant now) {
  Decision d;
  d.symbol = st.symbol;
  d.ts = now.wall;
  d.funding_rate = st.funding.rate.to_double();
  d.interval_hours = st.funding.interval_hours;
  d.next_settlement = st.funding.next;
  if (st.funding.known) {
    const FundingForecast f = forecast_of(st, p.forecast);
    d.forecast_rate = f.rate;
    d.ewma_rate = f.ewma;
    d.forecast_weight = f.weight;
  }
  d.settlements_seen = st.settled.count();
  d.close_confirmations = st.confirm.count;
  if (st.spot.has_quote) d.spot_mid = st.spot.quote.mid().to_double();
  if (st.perp.has_quote) d.perp_mid = st.perp.quote.mid().to_double();
  if (auto b = st.current_basis()) d.basis_bps = *b;
  if (st.entry_basis_bps) d.entry_basis_bps = *st.entry_basis_bps;
  d.spot_position = st.spot.position;
  d.perp_position = st.perp.position;
  d.target_spot = st.spot.position;
  d.target_perp = st.perp.position;
  d.net_delta_bps = st.net_delta_bps();
  return d;
}

bool is_news(const DecisionMemory& logged, int confirmations, DecisionKind kind, std::string_view reason, MonoNanos t,
             const FundingBasisParams& p) {
  // An unchanged HOLD is not news: time passing alone does not log it again (the heartbeat
  // reports the state), unless a repeat period is configured. Every other kind always is.
  if (kind != DecisionKind::Hold || !logged.last_kind || *logged.last_kind != kind || logged.last_reason != reason)
    return true;
  if (reason == "close_pending" && confirmations != logged.logged_confirmations) return true;  // one more period
  return p.decision_log_interval_s > 0 && t - logged.last_logged >= seconds(p.decision_log_interval_s);
}

}  // namespace carry::strategy
