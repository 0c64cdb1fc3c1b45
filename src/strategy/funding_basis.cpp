#include <carry/strategy/funding_basis.hpp>

#include <carry/core/symbol_lookup.hpp>
#include <carry/strategy/sizing.hpp>

#include <array>
#include <cmath>
#include <stdexcept>

namespace carry::strategy {
namespace {

using namespace std::chrono_literals;

int sign_of(Decimal d) noexcept { return d.is_positive() ? 1 : (d.is_negative() ? -1 : 0); }

Decimal to_lot(Decimal v, Decimal lot, Rounding mode) {
  if (!lot.is_positive()) return v;
  auto r = v.round_to_step(lot, mode);
  return r ? *r : Decimal{};
}

std::chrono::nanoseconds seconds(int s) { return std::chrono::seconds(s); }
std::chrono::nanoseconds millis(int ms) { return std::chrono::milliseconds(ms); }

// bps as an exact-enough Decimal factor for limit prices (analytics input, not a size).
Decimal bps_factor(double bps) {
  auto r = Decimal::from_double(bps / 1e4);
  return r ? *r : Decimal{};
}

MarketType other(MarketType m) noexcept { return m == MarketType::Spot ? MarketType::Perp : MarketType::Spot; }

std::string dec(Decimal d) { return d.to_string(); }

}  // namespace

std::string_view to_string(SymbolMode mode) noexcept {
  switch (mode) {
    case SymbolMode::Flat:
      return "Flat";
    case SymbolMode::Opening:
      return "Opening";
    case SymbolMode::Open:
      return "Open";
    case SymbolMode::Closing:
      return "Closing";
    case SymbolMode::Rebalancing:
      return "Rebalancing";
    case SymbolMode::Reducing:
      return "Reducing";
    case SymbolMode::Flattening:
      return "Flattening";
  }
  return "?";
}

FundingBasis::FundingBasis(FundingBasisParams params, ClientOidGenerator& ids, EventSink& events, const Clock& clock)
    : params_(std::move(params)), ids_(ids), events_(events), clock_(clock) {
  // Start-up invariants (config validation names the YAML keys; these guard direct callers).
  if (!(params_.close_apr < params_.min_expected_apr))
    throw std::invalid_argument("strategy.funding.close_apr must be below min_expected_apr (hysteresis)");
  if (params_.holding_horizon_hours <= 0)
    throw std::invalid_argument("strategy.funding.holding_horizon_hours must be positive");
  if (params_.close_confirmations < 1)
    throw std::invalid_argument("strategy.funding.close_confirmations must be at least 1");
  if (!(params_.forecast.current_weight >= 0 && params_.forecast.current_weight <= 1))
    throw std::invalid_argument("strategy.funding.forecast.current_weight must be in [0, 1]");
  if (!(params_.forecast.ewma_halflife_settlements > 0) || params_.forecast.min_history < 1)
    throw std::invalid_argument("strategy.funding.forecast: ewma_halflife_settlements > 0 and min_history >= 1");
  if (params_.hedge_timeout_s <= 0) throw std::invalid_argument("strategy.funding.hedge_timeout_s must be positive");
  for (const auto& sym : params_.symbols) {
    if (find(sym) != nullptr) throw std::invalid_argument("strategy.funding.symbols lists " + sym + " twice");
    auto& st = states_.emplace_back();
    st.symbol = sym;
  }
}

FundingBasis::State* FundingBasis::find(std::string_view symbol) noexcept {
  for (auto& st : states_)
    if (same_symbol(st.symbol, symbol)) return &st;
  return nullptr;
}

const FundingBasis::State* FundingBasis::find(std::string_view symbol) const noexcept {
  for (const auto& st : states_)
    if (same_symbol(st.symbol, symbol)) return &st;
  return nullptr;
}

// ---------------------------------------------------------------- events

void FundingBasis::on_market(const MarketEvent& event, Actions& out) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Bbo>) {
          on_bbo(e, out);
        } else if constexpr (std::is_same_v<T, FundingRateUpdate>) {
          on_funding(e, out);
        } else if constexpr (std::is_same_v<T, InstrumentUpdate>) {
          if (State* st = find(e.instrument.symbol)) {
            st->leg(e.instrument.market).inst = e.instrument;
            // A funding update that did not carry its interval takes the contract's.
            if (e.instrument.market == MarketType::Perp && st->funding.known && st->funding.interval_hours == 0)
              st->funding.interval_hours = e.instrument.funding_interval_hours;
            st->dirty = true;
          }
        }
        // Trades carry nothing the strategy uses (the paper exchange fills from them).
      },
      event);
}

void FundingBasis::on_bbo(const Bbo& b, Actions& out) {
  State* st = find(b.symbol);
  if (st == nullptr) return;
  if (!b.bid_price.is_positive() || !b.ask_price.is_positive() || b.bid_price > b.ask_price ||
      b.bid_size.is_negative() || b.ask_size.is_negative()) {
    ++counters_.rejected_events;  // crossed or empty book: never traded against
    return;
  }
  Leg& leg = st->leg(b.market);
  leg.has_quote = true;
  leg.quote = {b.bid_price, b.bid_size, b.ask_price, b.ask_size, b.ts_init.ns != 0 ? b.ts_init : b.ts_event,
               now().mono};
  leg.stale_noted = false;
  if (deferring_) return defer(*st);
  react_to_quotes(*st, now(), out);
}

void FundingBasis::react_to_quotes(State& st, Instant t, Actions& out) {
  if (st.prog.kind != ProgramKind::None) {
    manage_program(st, t, out);
    return;
  }
  // Hot path: only a basis stop is urgent enough to evaluate off the cadence, and only on a basis
  // made of two current quotes: against a leg quoted more than an evaluation period before the
  // other (a quiet book) the "basis" is mostly the time between them, and the next evaluation
  // looks at both anyway.
  if (st.mode == SymbolMode::Open && st.entry_basis_bps && st.spot.has_quote && st.perp.has_quote &&
      std::chrono::abs(st.spot.quote.ts - st.perp.quote.ts) <= seconds(params_.eval_interval_s)) {
    const int dir = st.perp.position.is_negative() ? 1 : -1;
    const double basis = basis_bps(st.spot.quote.mid(), st.perp.quote.mid());
    if (dir * (basis - *st.entry_basis_bps) > params_.basis_stop_bps) {
      st.dirty = true;
      tick(st, t, out);
    }
  }
}

bool FundingBasis::busy() const noexcept {
  if (!working_.empty()) return true;
  for (const auto& st : states_)
    if (st.prog.kind != ProgramKind::None) return true;
  return false;
}

void FundingBasis::defer(State& st) {
  if (st.deferred) return;
  st.deferred = true;
  deferred_.push_back(&st);
}

void FundingBasis::end_instant(Actions& out) {
  deferring_ = false;
  const Instant t = now();
  // In the order the symbols were first touched: deterministic, like per-event handling.
  for (State* st : deferred_) {
    st->deferred = false;
    if (st->funding_changed) {
      st->funding_changed = false;
      st->dirty = true;
      tick(*st, t, out);
    } else {
      react_to_quotes(*st, t, out);
    }
  }
  deferred_.clear();
}

int FundingBasis::seed_settled_funding(std::string_view symbol, const std::vector<double>& oldest_first,
                                       int interval_hours) {
  State* st = find(symbol);
  if (st == nullptr || st->settled.count() > 0 || interval_hours <= 0 || oldest_first.empty()) return 0;
  for (double r : oldest_first) st->settled.add(r, interval_hours, params_.forecast.ewma_halflife_settlements);
  events_.info("strategy.forecast_seeded", {{"symbol", std::string(symbol)},
                                            {"settlements", st->settled.count()},
                                            {"ewma_per_hour", st->settled.ewma_per_hour()}});
  return st->settled.count();
}

void FundingBasis::on_funding(const FundingRateUpdate& f, Actions& out) {
  State* st = find(f.symbol);
  if (st == nullptr) return;
  if (f.interval_hours < 0 || f.next_settlement.ns <= 0) {
    ++counters_.rejected_events;
    events_.warn(
        "strategy.bad_funding",
        {{"symbol", f.symbol}, {"interval_hours", f.interval_hours}, {"next_settlement_ns", f.next_settlement.ns}});
    return;
  }
  int interval = f.interval_hours;
  if (interval == 0 && st->perp.inst) interval = st->perp.inst->funding_interval_hours;
  Funding& fu = st->funding;
  // The period ended: its last prediction is the rate that settled (live and in a replay alike;
  // a payment is only reported while a position is held, the history matters most when flat).
  if (fu.known && f.next_settlement > fu.next && fu.next <= now().wall)
    st->settled.add(fu.rate.to_double(), fu.interval_hours, params_.forecast.ewma_halflife_settlements);
  const bool changed = !fu.known || fu.rate != f.rate || fu.next != f.next_settlement || fu.interval_hours != interval;
  fu.known = true;
  fu.rate = f.rate;
  fu.next = f.next_settlement;
  fu.interval_hours = interval;
  if (!changed) return;
  if (deferring_) {
    st->funding_changed = true;
    return defer(*st);
  }
  st->dirty = true;
  tick(*st, now(), out);
}

void FundingBasis::on_exec(const ExecEvent& event, Actions& out) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Fill>) {
          on_fill(e, out);
        } else if constexpr (std::is_same_v<T, OrderUpdate>) {
          on_update(e, out);
        } else if constexpr (std::is_same_v<T, BalanceUpdate>) {
          auto& wallet = e.account == MarketType::Spot ? balances_.spot : balances_.perp;
          wallet[e.coin] = e.available;
          balances_.shared = e.shared;
        }
        // PositionUpdate: the venue's view (all orders, not only ours) is reconciled by the
        // daemon, which calls adopt_positions. FundingPayment: recorded by the store.
      },
      event);
}

void FundingBasis::on_fill(const Fill& f, Actions& out) {
  if (!ids_.owns(f.client_oid)) {
    ++counters_.foreign_events;
    return;
  }
  State* st = find(f.symbol);
  if (st == nullptr) return;
  if (!f.size.is_positive() || !f.price.is_positive()) {
    ++counters_.rejected_events;
    events_.warn("strategy.bad_fill",
                 {{"symbol", f.symbol}, {"trade_id", f.trade_id}, {"size", dec(f.size)}, {"price", dec(f.price)}});
    return;
  }
  Leg& leg = st->leg(f.market);
  auto apply = [&leg](Decimal delta, Decimal price) {
    const Decimal old = leg.position;
    const Decimal neu = old + delta;
    if (old.is_zero() || sign_of(old) == sign_of(delta)) {
      if (old.is_zero()) {
        leg.entry_cost = {};
        leg.entry_known = true;
      }
      leg.entry_cost += delta * price;
    } else if (neu.is_zero() || sign_of(neu) == sign_of(old)) {
      // Same average entry; the ratio (at most 1) first so cheap coins' big sizes cannot overflow.
      leg.entry_cost = neu.is_zero() ? Decimal{} : leg.entry_cost * (neu / old);
    } else {
      leg.entry_cost = neu * price;  // crossed through zero
      leg.entry_known = true;
    }
    leg.position = neu;
  };
  apply(f.side == Side::Buy ? f.size : -f.size, f.price);
  // Bitget charges spot buy fees in the base coin: we hold that much less.
  if (f.market == MarketType::Spot && leg.inst && f.fee.is_positive() && f.fee_coin == leg.inst->base_coin)
    apply(-f.fee, f.price);
  // Balances lag fills: sells are taken off at once, buys wait for the venue (never overstated).
  if (f.market == MarketType::Spot && f.side == Side::Sell && st->spot.inst) {
    auto it = balances_.spot.find(st->spot.inst->base_coin);
    if (it != balances_.spot.end()) it->second = max(Decimal{}, it->second - f.size);
  }

  if (auto it = working_.find(f.client_oid); it != working_.end()) {
    it->second.filled += f.size;
    if (it->second.done && it->second.filled >= it->second.size) working_.erase(it);
  }
  if (st->prog.has_leader && f.market == st->prog.leader) st->hedge_urgent = true;
  note_position_change(*st);
  st->dirty = true;
  tick(*st, now(), out);
}

void FundingBasis::on_update(const OrderUpdate& u, Actions& out) {
  if (!ids_.owns(u.client_oid)) {
    ++counters_.foreign_events;
    return;
  }
  State* st = find(u.symbol);
  if (st == nullptr) return;
  auto it = working_.find(u.client_oid);
  if (is_terminal(u.status)) {
    if (it != working_.end() && u.filled_size > it->second.filled) {
      // Finished, but some of what it filled has not reached us as fills yet (a lost push, or
      // the status overtook them): that part stays in flight, so no second hedge is sent for it.
      it->second.size = u.filled_size;
      it->second.done = true;
      it->second.since = now().mono;
    } else if (it != working_.end()) {
      working_.erase(it);
    }
  } else if (it != working_.end()) {
    it->second.filled = max(it->second.filled, u.filled_size);
  } else {
    // Ours but not emitted by us: a replacement from the OMS maker chaser (amend = new client id)
    // of the leader we are running, or a stray (e.g. from before a restart) that is canceled.
    const Program& p = st->prog;
    if (p.has_leader && u.market == p.leader && !p.leader_cancel_at &&
        (p.kind == ProgramKind::Open || p.kind == ProgramKind::Close)) {
      working_[u.client_oid] =
          Working{u.symbol, u.market, u.side, u.size, u.filled_size, LegRole::Leader, false, now().mono};
    } else {
      working_[u.client_oid] =
          Working{u.symbol, u.market, u.side, u.size, u.filled_size, LegRole::Leader, true, now().mono};
      out.cancels.push_back({u.symbol, u.market, u.client_oid, "stray_order"});
      events_.warn("strategy.stray_order",
                   {{"symbol", u.symbol}, {"market", to_string(u.market)}, {"client_oid", u.client_oid}});
    }
  }
  tick(*st, now(), out);
}

void FundingBasis::on_submit_rejected(std::string_view client_oid, std::string_view reason, Actions& out) {
  auto it = working_.find(client_oid);
  if (it == working_.end()) return;
  const std::string symbol = it->second.symbol;
  events_.warn("strategy.intent_blocked", {{"symbol", symbol},
                                           {"client_oid", std::string(client_oid)},
                                           {"role", to_string(it->second.role)},
                                           {"reason", std::string(reason)}});
  const LegRole role = it->second.role;
  working_.erase(it);
  State* st = find(symbol);
  if (st == nullptr) return;
  const Instant t = now();
  if (role == LegRole::Leader && st->prog.kind == ProgramKind::Open && !st->prog.leader_cancel_at) {
    // A guard (cooldown, risk limit, kill switch) refused the opening: stop it rather than
    // requote into the same refusal; what filled is hedged, and no reopen before the cooldown.
    st->prog.leader_cancel_at = t.mono;
    st->last_close = t.mono;
    events_.warn("strategy.open_aborted", {{"symbol", symbol}, {"reason", std::string(reason)}});
  }
  tick(*st, t, out);
}

void FundingBasis::on_timer(Actions& out) {
  const Instant t = now();
  for (auto& st : states_) tick(st, t, out);
}

void FundingBasis::tick(State& st, Instant t, Actions& out) {
  expire_orders(st, t);
  check_deviation(st, t, out);  // first: a halt replaces the program before it sends anything
  if (st.prog.kind != ProgramKind::None) manage_program(st, t, out);
  if (st.prog.kind == ProgramKind::None &&
      (st.dirty || !st.evaluated || t.mono - st.last_eval >= seconds(params_.eval_interval_s)))
    evaluate(st, t, out);
}

// ---------------------------------------------------------------- positions

void FundingBasis::adopt_positions(std::string_view symbol, Decimal spot, Decimal perp,
                                   std::optional<Decimal> spot_entry, std::optional<Decimal> perp_entry) {
  State* st = find(symbol);
  if (st == nullptr) return;
  st->spot.position = spot;
  st->spot.entry_known = spot_entry.has_value();
  st->spot.entry_cost = spot_entry ? spot * *spot_entry : Decimal{};
  st->perp.position = perp;
  st->perp.entry_known = perp_entry.has_value();
  st->perp.entry_cost = perp_entry ? perp * *perp_entry : Decimal{};
  st->entry_basis_bps.reset();
  st->opened_for_settlement.reset();
  note_position_change(*st);
  if (st->mode != SymbolMode::Reducing && st->mode != SymbolMode::Flattening)
    st->mode = flat(*st) ? SymbolMode::Flat : SymbolMode::Open;
  st->dirty = true;
  events_.info(
      "strategy.adopt_positions",
      {{"symbol", st->symbol}, {"spot", dec(spot)}, {"perp", dec(perp)}, {"net_delta_bps", net_delta_bps(*st)}});
}

bool FundingBasis::reset_symbol(std::string_view symbol) {
  State* st = find(symbol);
  if (st == nullptr || (st->mode != SymbolMode::Reducing && st->mode != SymbolMode::Flattening)) return false;
  st->prog = {};
  st->mode = flat(*st) ? SymbolMode::Flat : SymbolMode::Open;
  st->apart_since.reset();
  st->dirty = true;
  events_.info("strategy.reset_symbol", {{"symbol", st->symbol}});
  return true;
}

void FundingBasis::note_position_change(State& st) {
  if (flat(st)) {
    st.entry_basis_bps.reset();
    st.opened_for_settlement.reset();
    return;
  }
  // Entry basis from the average fill prices of both legs, once both are known.
  if (st.spot.entry_known && st.perp.entry_known && !st.spot.position.is_zero() && !st.perp.position.is_zero()) {
    const Decimal spot_avg = st.spot.entry_cost / st.spot.position;
    const Decimal perp_avg = st.perp.entry_cost / st.perp.position;
    if (spot_avg.is_positive() && perp_avg.is_positive()) st.entry_basis_bps = basis_bps(spot_avg, perp_avg);
  }
}

bool FundingBasis::leg_flat(const State& st, MarketType m) const {
  const Leg& leg = st.leg(m);
  if (!leg.inst) return leg.position.is_zero();
  const Decimal size = leg.position.abs();
  if (size < max(leg.inst->lot, leg.inst->min_size)) return true;
  // Dust no order could close (under the minimum notional) counts as flat.
  return leg.has_quote && size * leg.quote.mid() < leg.inst->min_notional;
}

Decimal FundingBasis::hedge_bound(const State& st) const {
  Decimal b;
  for (const Leg* leg : {&st.spot, &st.perp})
    if (leg->inst) b = max(b, max(leg->inst->lot, leg->inst->min_size));
  return b;
}

double FundingBasis::net_delta_bps(const State& st) const {
  const Decimal denom = st.spot.position.abs() + st.perp.position.abs();
  if (!denom.is_positive()) return 0.0;
  return (st.spot.position + st.perp.position).abs().to_double() / denom.to_double() * 1e4;
}

std::optional<double> FundingBasis::current_basis(const State& st) const {
  if (!st.spot.has_quote || !st.perp.has_quote) return std::nullopt;
  return basis_bps(st.spot.quote.mid(), st.perp.quote.mid());
}

Decimal FundingBasis::symbol_leg_notional(const State& st) const {
  const Decimal s = st.spot.has_quote ? st.spot.position.abs() * st.spot.quote.mid() : Decimal{};
  const Decimal p = st.perp.has_quote ? st.perp.position.abs() * st.perp.quote.mid() : Decimal{};
  return max(s, p);
}

Decimal FundingBasis::gross_notional() const {
  Decimal total;
  for (const auto& st : states_) {
    const Decimal sm = st.spot.has_quote ? st.spot.quote.mid() : Decimal{};
    const Decimal pm = st.perp.has_quote ? st.perp.quote.mid() : Decimal{};
    total += st.spot.position.abs() * sm + st.perp.position.abs() * pm;
    if (st.prog.kind == ProgramKind::Open) {  // reserve what an opening still adds on both legs
      const Decimal left = (st.prog.leader_target - st.leg(st.prog.leader).position).abs();
      total += left * (sm + pm);
    }
  }
  return total;
}

Decimal FundingBasis::in_flight(const State& st, MarketType m, std::optional<LegRole> role) const {
  Decimal sum;
  for (const auto& [oid, w] : working_) {
    if (w.symbol != st.symbol || w.market != m || (role && w.role != *role)) continue;
    sum += w.side == Side::Buy ? w.remaining() : -w.remaining();
  }
  return sum;
}

bool FundingBasis::leader_live(const State& st) const {
  for (const auto& [oid, w] : working_)
    if (w.symbol == st.symbol && w.market == st.prog.leader && w.role == LegRole::Leader) return true;
  return false;
}

std::size_t FundingBasis::working_count(const State& st) const {
  std::size_t n = 0;
  for (const auto& [oid, w] : working_) n += w.symbol == st.symbol;
  return n;
}

Decimal FundingBasis::spot_sellable(const State& st) const {
  // What we bought (our fills prove it, even before the balance catches up) or, when the wallet
  // is ours to use, its inventory, whichever is larger; minus sells already in flight. Never
  // more: no borrowing, and never a coin somebody else holds on the account.
  Decimal wallet;
  if (st.spot.inst && params_.wallet_is_inventory)
    if (auto it = balances_.spot.find(st.spot.inst->base_coin); it != balances_.spot.end()) wallet = it->second;
  Decimal sellable = max(wallet, max(st.spot.position, Decimal{}));
  for (const auto& [oid, w] : working_)
    if (w.symbol == st.symbol && w.market == MarketType::Spot && w.side == Side::Sell) sellable -= w.remaining();
  return max(sellable, Decimal{});
}

// ---------------------------------------------------------------- evaluation

FundingForecast FundingBasis::forecast_of(const State& st) const {
  return forecast_funding(st.funding.rate.to_double(), st.funding.interval_hours, st.settled, params_.forecast);
}

Decision FundingBasis::base_decision(const State& st, Instant t) const {
  Decision d;
  d.symbol = st.symbol;
  d.ts = t.wall;
  d.funding_rate = st.funding.rate.to_double();
  d.interval_hours = st.funding.interval_hours;
  d.next_settlement = st.funding.next;
  if (st.funding.known) {
    const FundingForecast f = forecast_of(st);
    d.forecast_rate = f.rate;
    d.ewma_rate = f.ewma;
    d.forecast_weight = f.weight;
  }
  d.settlements_seen = st.settled.count();
  d.close_confirmations = st.confirm.count;
  if (st.spot.has_quote) d.spot_mid = st.spot.quote.mid().to_double();
  if (st.perp.has_quote) d.perp_mid = st.perp.quote.mid().to_double();
  if (auto b = current_basis(st)) d.basis_bps = *b;
  if (st.entry_basis_bps) d.entry_basis_bps = *st.entry_basis_bps;
  d.spot_position = st.spot.position;
  d.perp_position = st.perp.position;
  d.target_spot = st.spot.position;
  d.target_perp = st.perp.position;
  d.net_delta_bps = net_delta_bps(st);
  return d;
}

bool FundingBasis::is_news(const State& st, DecisionKind kind, std::string_view reason, MonoNanos t) const {
  // An unchanged HOLD is not news: time passing alone does not log it again (the heartbeat
  // reports the state), unless a repeat period is configured. Every other kind always is.
  if (kind != DecisionKind::Hold || !st.last_kind || *st.last_kind != kind || st.last_reason != reason) return true;
  if (reason == "close_pending" && st.confirm.count != st.logged_confirmations) return true;  // one more period
  return params_.decision_log_interval_s > 0 && t - st.last_logged >= seconds(params_.decision_log_interval_s);
}

void FundingBasis::record(State& st, Decision&& d, Actions& out) {
  const MonoNanos t = now().mono;
  if (!is_news(st, d.kind, d.reason, t)) return;
  st.last_kind = d.kind;
  if (st.last_reason != d.reason) st.last_reason = d.reason;
  st.last_logged = t;
  st.logged_confirmations = d.close_confirmations;
  ++counters_.decisions_logged;
  // The JSON is built only for a log that keeps it; the table row comes from `out.decisions`.
  if (events_.enabled(LogLevel::Info)) events_.info("strategy.decision", to_json(d));
  out.decisions.push_back(std::move(d));
}

void FundingBasis::evaluate(State& st, Instant t, Actions& out) {
  ++counters_.evaluations;
  st.last_eval = t.mono;
  st.evaluated = true;
  st.dirty = false;
  // The decision record is built only when something will see it: most evaluations end in the
  // same HOLD as the last one, which is not news and needs none of its numbers.
  Decision d;
  bool built = false;
  int direction = 0;  // d.direction
  auto decision = [&]() -> Decision& {
    if (!built) {
      d = base_decision(st, t);
      built = true;
    }
    d.direction = direction;
    return d;
  };
  std::string_view limited_by;  // the sizing's binding limit (a literal), copied only when recorded
  auto hold = [&](std::string_view reason) {
    // Checked before any string is built: most evaluations repeat the last HOLD.
    if (!is_news(st, DecisionKind::Hold, reason, t.mono)) return;
    Decision& h = decision();
    h.kind = DecisionKind::Hold;
    h.reason = std::string(reason);
    h.limited_by = std::string(limited_by);
    record(st, std::move(h), out);
  };

  if (st.mode == SymbolMode::Flattening) return hold("flattening");
  const Instrument* si = st.spot.inst ? &*st.spot.inst : nullptr;
  const Instrument* pi = st.perp.inst ? &*st.perp.inst : nullptr;
  if (si == nullptr || pi == nullptr) return hold("instrument_unknown");
  if (!st.spot.has_quote || !st.perp.has_quote) return hold("no_quote");
  const bool funding_ok = st.funding.known && st.funding.interval_hours > 0;  // never assume 8 h
  if (!funding_ok) {
    // A hedge is restored whatever funding does; wanting the carry needs the funding.
    if (!flat(st) && decision().net_delta_bps > params_.rebalance_band_bps)
      return choose_rebalance(st, decision(), t, out);
    return hold(st.funding.known ? "funding_interval_unknown" : "funding_unknown");
  }
  const double basis = *current_basis(st);  // both quotes are known here

  if (!flat(st)) {
    direction = st.perp.position.is_negative()   ? 1
                : st.perp.position.is_positive() ? -1
                                                 : (st.spot.position.is_positive() ? 1 : -1);
    return evaluate_held(st, decision(), basis, t, out);  // `d` built before anything changes state
  }
  st.confirm = {};

  if (st.mode == SymbolMode::Reducing) return hold("reducing");
  if (st.mode != SymbolMode::Flat) st.mode = SymbolMode::Flat;
  const bool cooling = st.last_close && t.mono - *st.last_close < seconds(params_.reopen_cooldown_s);
  const double forecast = forecast_of(st).rate;
  const int dir = forecast > 0 ? 1 : (forecast < 0 ? -1 : 0);  // the side the forecast pays
  direction = dir;
  if (dir == 0) return hold("zero_funding");
  if (st.funding.next <= t.wall) return hold("funding_stale");  // the settlement it describes has passed
  if (params_.max_quote_age_s > 0) {
    const auto age = seconds(params_.max_quote_age_s);
    if (t.mono - st.spot.quote.received > age || t.mono - st.perp.quote.received > age) return hold("quote_stale");
  }

  const MarketType leader = choose_leader(*si, *pi);
  const MarketType follower = other(leader);
  const Instrument& li = leader == MarketType::Spot ? *si : *pi;
  const Instrument& fi = follower == MarketType::Spot ? *si : *pi;
  // The follower buys when it is spot and dir > 0, or perp and dir < 0.
  const bool follower_buys = (follower == MarketType::Spot) == (dir > 0);
  const Quote& fq = st.leg(follower).quote;
  OpenCostInput ci;
  ci.funding_rate = forecast;
  ci.horizon = horizon_for(params_.hold_across_events, params_.holding_horizon_hours, params_.pre_event_open_minutes,
                           st.funding.interval_hours);
  ci.leader_maker_fee = params_.leader_taker ? li.taker_fee.to_double() : li.maker_fee.to_double();
  ci.follower_taker_fee = fi.taker_fee.to_double();
  ci.basis_bps = basis;
  ci.direction = dir;
  const bool outside_window =
      !params_.hold_across_events && st.funding.next - t.wall > std::chrono::minutes(params_.pre_event_open_minutes);

  // Slippage only grows with the size (the depth penalty beyond the top of book), so the APR at
  // the smallest slippage bounds the real one from above. When even that misses the entry
  // threshold the outcome is a HOLD known without sizing; if it repeats the last one (not news)
  // none of the sizing numbers would be seen, so they are not computed. This is most evaluations.
  // A taker leader pays its half spread too (counted with the follower's, both ways).
  const Quote& lq = st.leg(leader).quote;
  const double leader_slip = params_.leader_taker ? slippage_bps(lq.bid, lq.ask, Decimal{}, Decimal{}, 0) : 0.0;
  if (params_.depth_penalty_bps >= 0) {
    ci.follower_slippage_bps =
        slippage_bps(fq.bid, fq.ask, Decimal{}, Decimal{}, params_.depth_penalty_bps) + leader_slip;
    if (open_economics(ci).expected_apr < params_.min_expected_apr &&
        !is_news(st, DecisionKind::Hold, outside_window ? "outside_pre_event_window" : "apr_below_min", t.mono))
      return;
  }

  // Size first: slippage depends on it.
  SizingInput in;
  in.direction = dir;
  in.spot = si;
  in.perp = pi;
  in.spot_price = dir > 0 ? st.spot.quote.ask : st.spot.quote.bid;
  in.perp_price = dir > 0 ? st.perp.quote.bid : st.perp.quote.ask;
  in.target_notional = params_.notional_per_symbol;
  in.max_order_notional = params_.max_order_notional;
  if (params_.max_symbol_notional.is_positive()) {
    in.symbol_limited = true;
    in.symbol_room = params_.max_symbol_notional - symbol_leg_notional(st);
  }
  if (params_.max_total_notional.is_positive()) {
    in.total_limited = true;
    in.total_room = params_.max_total_notional - gross_notional();
  }
  if (auto it = balances_.spot.find(si->quote_coin); it != balances_.spot.end()) in.spot_quote_available = it->second;
  if (auto it = balances_.spot.find(si->base_coin); it != balances_.spot.end())
    in.spot_base_available =
        params_.wallet_is_inventory ? it->second : min(it->second, max(st.spot.position, Decimal{}));
  if (auto it = balances_.perp.find(pi->quote_coin); it != balances_.perp.end()) in.perp_margin_available = it->second;
  in.leverage = params_.leverage;
  in.shared_wallet = balances_.shared;
  const SizingResult sz = size_pair(in);

  Decimal est_size = sz.size;
  if (!est_size.is_positive()) {
    auto e = params_.notional_per_symbol.checked_div(max(in.spot_price, in.perp_price), Rounding::Down);
    est_size = e ? *e : Decimal{};
  }
  ci.follower_slippage_bps =
      slippage_bps(fq.bid, fq.ask, follower_buys ? fq.ask_size : fq.bid_size, est_size, params_.depth_penalty_bps) +
      leader_slip;
  const OpenEconomics e = open_economics(ci);
  decision();  // builds `d`: from here on the numbers are recorded
  d.horizon_hours = ci.horizon.hours;
  d.funding_bps = e.funding_bps;
  d.fees_bps = e.fees_bps;
  d.slippage_bps = e.slippage_bps;
  d.basis_cost_bps = e.basis_cost_bps;
  d.expected_apr = e.expected_apr;
  limited_by = sz.limited_by;
  if (sz.ok()) {
    d.target_spot = dir > 0 ? sz.size : -sz.size;
    d.target_perp = -d.target_spot;
  }

  if (outside_window) return hold("outside_pre_event_window");
  if (e.expected_apr < params_.min_expected_apr) return hold("apr_below_min");
  if (cooling) return hold("reopen_cooldown");  // a stop or a flip just closed it: no ping-pong
  if (!sz.ok())
    return hold(dir < 0 && sz.rejected == "no_spot_inventory" ? "negative_funding_no_spot_inventory" : sz.rejected);
  d.kind = DecisionKind::Open;
  d.reason = dir > 0 ? "funding_positive" : "funding_negative";
  d.limited_by = std::string(limited_by);
  record(st, std::move(d), out);
  if (!params_.hold_across_events) st.opened_for_settlement = st.funding.next;
  start_open(st, dir, sz.size, t, out);
}

void FundingBasis::evaluate_held(State& st, Decision& d, double basis, Instant t, Actions& out) {
  const int pos_dir = d.direction;
  d.expected_apr = hold_apr(d.forecast_rate, st.funding.interval_hours, pos_dir);
  if (!st.entry_basis_bps) {
    st.entry_basis_bps = basis;  // adopted without entry prices: anchor the stop here
    events_.info("strategy.entry_basis_assumed", {{"symbol", st.symbol}, {"basis_bps", basis}});
  }
  d.entry_basis_bps = *st.entry_basis_bps;
  if (!params_.hold_across_events && !st.opened_for_settlement) st.opened_for_settlement = st.funding.next;
  const double adverse = pos_dir * (basis - *st.entry_basis_bps);
  // A forecast against the position is weighed against what closing costs (a round trip).
  AdverseCost against;
  against.horizon_settlements = params_.adverse_horizon_hours / st.funding.interval_hours;
  against.rate_per_settlement = pos_dir * d.forecast_rate;
  against.round_trip_bps = round_trip_bps(*st.spot.inst, *st.perp.inst, {st.spot.quote.bid, st.spot.quote.ask},
                                          {st.perp.quote.bid, st.perp.quote.ask}, params_.leader_taker);
  // Counted on every evaluation, one step per funding period: one low print does not close.
  const ExitVerdict exit =
      check_exit(st.confirm, d.expected_apr, params_.close_apr, params_.close_confirmations, st.funding.next, against);
  d.close_confirmations = st.confirm.count;

  std::string_view close_reason;
  if (!params_.hold_across_events && st.funding.next > *st.opened_for_settlement)
    close_reason = "event_captured";
  else if (exit.close)
    close_reason = exit.reason;
  else if (adverse > params_.basis_stop_bps)
    close_reason = "basis_stop";
  if (!close_reason.empty()) {
    d.kind = DecisionKind::Close;
    d.reason = std::string(close_reason);
    d.target_spot = {};
    d.target_perp = {};
    const std::string reason = d.reason;
    record(st, std::move(d), out);
    st.last_close = t.mono;
    st.confirm = {};
    start_close(st, reason, t, out);
    return;
  }
  if (d.net_delta_bps > params_.rebalance_band_bps) return choose_rebalance(st, d, t, out);
  d.kind = DecisionKind::Hold;
  d.reason = st.mode == SymbolMode::Reducing ? "reducing" : exit.reason.empty() ? "holding" : std::string(exit.reason);
  record(st, std::move(d), out);
}

void FundingBasis::choose_rebalance(State& st, Decision& d, Instant t, Actions& out) {
  const Decimal net = st.spot.position + st.perp.position;
  // Prefer completing the hedge on the lagging leg while the carry is wanted; reduce the larger
  // leg otherwise or when the lagging leg cannot trade (no spot to sell, below minimum size).
  const bool wanted = st.mode != SymbolMode::Reducing && d.direction * d.forecast_rate > 0;
  const MarketType lagging = st.spot.position.abs() < st.perp.position.abs() ? MarketType::Spot : MarketType::Perp;
  const MarketType larger = other(lagging);
  auto feasible = [&](MarketType m) {
    if (!hedge_need(st, m)) return false;
    // Growing the lagging leg must stay under the per-leg limit (the risk engine would refuse it).
    const Leg& leg = st.leg(m);
    if (m == lagging && params_.max_symbol_notional.is_positive() && leg.has_quote &&
        (leg.position - net).abs() * leg.quote.mid() > params_.max_symbol_notional)
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
    record(st, std::move(d), out);
    return;
  }
  if (*leg == MarketType::Spot)
    d.target_spot = st.spot.position - net;
  else
    d.target_perp = st.perp.position - net;
  d.kind = DecisionKind::Rebalance;
  d.reason = st.mode == SymbolMode::Reducing ? "reducing_rebalance" : "net_delta_beyond_band";
  const std::string reason = d.reason;
  record(st, std::move(d), out);
  start_rebalance(st, *leg, reason, t, out);
}

// ---------------------------------------------------------------- execution

void FundingBasis::emit_order(State& st, OrderIntent intent, Actions& out) {
  working_[intent.client_oid] =
      Working{st.symbol, intent.market, intent.side, intent.size, {}, intent.role, false, now().mono};
  if (intent.role == LegRole::Leader)
    ++counters_.leader_orders;
  else
    ++counters_.follower_orders;
  out.orders.push_back(std::move(intent));
}

// A taker order is priced off its leg's quote: never off one older than max_quote_age_s (the
// risk engine's staleness threshold). It waits for a fresh quote, from the stream or from the
// REST ticker the daemon reads when the stream is quiet.
bool FundingBasis::quote_too_old(State& st, MarketType m) {
  Leg& leg = st.leg(m);
  if (!leg.has_quote || params_.max_quote_age_s <= 0) return false;
  const auto age = now().mono - leg.quote.received;
  if (age <= seconds(params_.max_quote_age_s)) return false;
  ++counters_.stale_quote_waits;
  if (!leg.stale_noted) {
    leg.stale_noted = true;
    events_.warn("strategy.taker_waits_for_quote",
                 {{"symbol", st.symbol},
                  {"market", to_string(m)},
                  {"quote_age_ms", std::chrono::duration_cast<std::chrono::milliseconds>(age).count()},
                  {"max_quote_age_s", params_.max_quote_age_s}});
  }
  return true;
}

std::optional<OrderIntent> FundingBasis::taker_intent(State& st, MarketType m, Side side, Decimal size, LegRole role,
                                                      std::string reason) {
  const Leg& leg = st.leg(m);
  if (!leg.inst) return std::nullopt;
  if (quote_too_old(st, m)) return std::nullopt;
  OrderIntent in;
  in.symbol = st.symbol;
  in.market = m;
  in.side = side;
  in.size = size;
  in.role = role;
  in.reason = std::move(reason);
  in.tif = TimeInForce::Ioc;
  if (!leg.has_quote) {
    if (role != LegRole::Flatten) return std::nullopt;  // only a flatten goes out blind
    in.type = OrderType::Market;
  } else {
    // Limit IOC at most taker_max_slippage_bps from mid (the risk engine measures slippage the
    // same way), and at least at the touch (or it could not take anything).
    const Decimal slip = bps_factor(params_.taker_max_slippage_bps);
    const Decimal one = Decimal::from_units(1);
    const Decimal tick = leg.inst->tick;
    const Decimal mid = leg.quote.mid();
    Decimal px;
    if (side == Side::Buy) {
      px = to_lot(mid * (one + slip), tick, Rounding::Down);
      px = max(px, leg.quote.ask);
    } else {
      px = to_lot(mid * (one - slip), tick, Rounding::Up);
      px = min(px, leg.quote.bid);
    }
    in.type = OrderType::Limit;
    in.price = px;
    const Decimal notional = size * px;
    if (notional < leg.inst->min_notional) return std::nullopt;
  }
  if (m == MarketType::Perp) {
    const Decimal pos = st.perp.position;
    in.reduce_only = (side == Side::Buy ? pos.is_negative() : pos.is_positive()) && size <= pos.abs();
  }
  in.client_oid = ids_.next();
  return in;
}

std::optional<FundingBasis::HedgeNeed> FundingBasis::hedge_need(const State& st, MarketType m) const {
  const Leg& leg = st.leg(m);
  if (!leg.inst) return std::nullopt;
  // Taker orders in flight will (mostly) fill; a resting or canceling leader may not, and its
  // fills, if any, are hedged when they come.
  const Decimal takers = in_flight(st, m) - in_flight(st, m, LegRole::Leader);
  const Decimal need = -(st.spot.position + st.perp.position) - takers;
  Decimal size = to_lot(need.abs(), leg.inst->lot, Rounding::HalfEven);
  const Side side = need.is_positive() ? Side::Buy : Side::Sell;
  if (m == MarketType::Spot && side == Side::Sell)
    size = min(size, to_lot(spot_sellable(st), leg.inst->lot, Rounding::Down));
  if (!size.is_positive() || size < leg.inst->min_size) return std::nullopt;
  // Under the minimum notional the gap waits for more leader fills (it is dust until then).
  if (leg.has_quote && size * (side == Side::Buy ? leg.quote.ask : leg.quote.bid) < leg.inst->min_notional)
    return std::nullopt;
  return HedgeNeed{side, size};
}

bool FundingBasis::hedge_leg(State& st, MarketType m, LegRole role, std::string_view reason, Instant t, Actions& out) {
  const auto need = hedge_need(st, m);
  if (!need) return false;
  // A new leader fill is hedged at once; a gap left by a failed taker order is retried slowly.
  if (!st.hedge_urgent && t.mono - st.last_taker < millis(params_.follower_retry_ms)) return false;
  auto intent = taker_intent(st, m, need->side, need->size, role, std::string(reason));
  if (!intent) return false;
  st.last_taker = t.mono;
  st.hedge_urgent = false;
  emit_order(st, std::move(*intent), out);
  return true;
}

bool FundingBasis::flatten_leg(State& st, MarketType m, std::string_view reason, Instant t, Actions& out) {
  const Leg& leg = st.leg(m);
  if (leg_flat(st, m) || !leg.inst) return false;
  if (!in_flight(st, m, LegRole::Flatten).is_zero()) return false;
  const Decimal pos = leg.position;
  const Side side = pos.is_positive() ? Side::Sell : Side::Buy;
  Decimal size;
  if (m == MarketType::Spot && side == Side::Sell)
    size = to_lot(min(pos, spot_sellable(st)), leg.inst->lot, Rounding::Down);  // sell what we hold
  else if (m == MarketType::Spot)
    size = to_lot(pos.abs(), leg.inst->lot, Rounding::HalfEven);  // buy back sold inventory
  else
    size = to_lot(pos.abs(), leg.inst->lot, Rounding::Down);  // reduce-only never past zero
  if (!size.is_positive() || size < leg.inst->min_size) return false;
  auto intent = taker_intent(st, m, side, size, LegRole::Flatten, std::string(reason));
  if (!intent) return false;
  if (m == MarketType::Perp) intent->reduce_only = true;
  st.last_taker = t.mono;
  emit_order(st, std::move(*intent), out);
  return true;
}

void FundingBasis::place_leader(State& st, Instant t, Actions& out) {
  Program& p = st.prog;
  const Leg& leg = st.leg(p.leader);
  if (!leg.inst || !leg.has_quote) return;
  const Decimal remaining = p.leader_target - leg.position;
  const Side side = remaining.is_positive() ? Side::Buy : Side::Sell;
  Decimal size = to_lot(remaining.abs(), leg.inst->lot, Rounding::Down);
  if (p.leader == MarketType::Spot && side == Side::Sell)
    size = min(size, to_lot(spot_sellable(st), leg.inst->lot, Rounding::Down));
  if (!size.is_positive() || size < leg.inst->min_size) return;
  if (params_.leader_taker) {
    auto taker = taker_intent(st, p.leader, side, size, LegRole::Leader, p.reason);
    if (!taker) return;
    p.leader_idle = false;
    st.last_taker = t.mono;
    return emit_order(st, std::move(*taker), out);
  }
  OrderIntent in;
  in.client_oid = ids_.next();
  in.symbol = st.symbol;
  in.market = p.leader;
  in.side = side;
  in.type = OrderType::Limit;
  in.tif = TimeInForce::PostOnly;
  in.price = side == Side::Buy ? leg.quote.bid : leg.quote.ask;  // join our own touch as maker
  in.size = size;
  in.chase = true;
  in.role = LegRole::Leader;
  in.reason = p.reason;
  if (p.leader == MarketType::Perp)
    in.reduce_only =
        (side == Side::Buy ? leg.position.is_negative() : leg.position.is_positive()) && size <= leg.position.abs();
  if (size * *in.price < leg.inst->min_notional) return;
  p.leader_idle = false;
  emit_order(st, std::move(in), out);
}

void FundingBasis::start_open(State& st, int direction, Decimal size, Instant t, Actions& out) {
  Program p;
  p.kind = ProgramKind::Open;
  p.has_leader = true;
  p.leader = choose_leader(*st.spot.inst, *st.perp.inst);
  p.follower = other(p.leader);
  p.leader_target = p.leader == MarketType::Spot ? (direction > 0 ? size : -size) : (direction > 0 ? -size : size);
  p.started = t.mono;
  p.reason = "open";
  p.spot_at_start = st.spot.position;
  p.perp_at_start = st.perp.position;
  st.prog = p;
  st.mode = SymbolMode::Opening;
  place_leader(st, t, out);
}

void FundingBasis::start_close(State& st, std::string_view reason, Instant t, Actions& out) {
  Program p;
  p.kind = ProgramKind::Close;
  p.has_leader = true;
  p.leader = choose_leader(*st.spot.inst, *st.perp.inst);
  p.follower = other(p.leader);
  p.leader_target = {};
  p.started = t.mono;
  p.reason = "close:" + std::string(reason);
  p.spot_at_start = st.spot.position;
  p.perp_at_start = st.perp.position;
  st.prog = p;
  if (st.mode != SymbolMode::Reducing) st.mode = SymbolMode::Closing;
  place_leader(st, t, out);
  manage_program(st, t, out);  // a flat leader leg leaves the follower to close at once
}

void FundingBasis::start_rebalance(State& st, MarketType m, std::string_view reason, Instant t, Actions& out) {
  Program p;
  p.kind = ProgramKind::Rebalance;
  p.follower = m;
  p.started = t.mono;
  p.reason = std::string(reason);
  p.spot_at_start = st.spot.position;
  p.perp_at_start = st.perp.position;
  st.prog = p;
  if (st.mode != SymbolMode::Reducing) st.mode = SymbolMode::Rebalancing;
  st.hedge_urgent = true;
  hedge_leg(st, m, LegRole::Rebalance, reason, t, out);
}

void FundingBasis::manage_program(State& st, Instant t, Actions& out) {
  Program& p = st.prog;
  switch (p.kind) {
    case ProgramKind::None:
      return;
    case ProgramKind::Flatten: {
      if (st.hedge_urgent || t.mono - st.last_taker >= millis(params_.follower_retry_ms)) {
        st.hedge_urgent = false;
        flatten_leg(st, MarketType::Spot, p.reason, t, out);
        flatten_leg(st, MarketType::Perp, p.reason, t, out);
      }
      if (flat(st) && in_flight(st, MarketType::Spot, LegRole::Flatten).is_zero() &&
          in_flight(st, MarketType::Perp, LegRole::Flatten).is_zero())
        end_program(st, t);
      return;
    }
    case ProgramKind::Rebalance: {
      hedge_leg(st, p.follower, LegRole::Rebalance, p.reason, t, out);
      if (in_flight(st, p.follower).is_zero() &&
          (!hedge_need(st, p.follower) || net_delta_bps(st) <= params_.rebalance_band_bps))
        end_program(st, t);
      return;
    }
    case ProgramKind::Open:
    case ProgramKind::Close:
      break;
  }

  hedge_leg(st, p.follower, LegRole::Follower, "follow", t, out);

  const Leg& lead = st.leg(p.leader);
  const Decimal leader_step = lead.inst ? max(lead.inst->lot, lead.inst->min_size) : Decimal{};
  const bool leader_done = (p.leader_target - lead.position).abs() < leader_step;
  if (!p.leader_cancel_at) {
    if (leader_done) {
      cancel_symbol(st, p.leader, LegRole::Leader, "leader_done", out);
      p.leader_cancel_at = t.mono;
    } else if (t.mono - p.started >= seconds(params_.leader_timeout_s)) {
      cancel_symbol(st, p.leader, LegRole::Leader, "leader_timeout", out);
      p.leader_cancel_at = t.mono;
      p.taker_fallback = p.kind == ProgramKind::Close;  // a close must finish; an open may stop short
      if (events_.enabled(LogLevel::Info))
        events_.info("strategy.leader_timeout", {{"symbol", st.symbol},
                                                 {"program", p.reason},
                                                 {"leader_position", dec(lead.position)},
                                                 {"leader_target", dec(p.leader_target)}});
    } else if (!leader_live(st)) {
      // Gone without reaching the target (post-only rejected, canceled by the venue): re-place
      // after a pause that also covers an amend replacement not yet reported.
      if (!p.leader_idle) {
        p.leader_idle = true;
        p.leader_idle_since = t.mono;
      } else if (t.mono - p.leader_idle_since >= millis(params_.leader_requote_ms)) {
        place_leader(st, t, out);
        p.leader_idle_since = t.mono;
      }
    } else {
      p.leader_idle = false;
    }
  }
  if (p.taker_fallback && !leader_live(st) &&
      (st.hedge_urgent || t.mono - st.last_taker >= millis(params_.follower_retry_ms)))
    flatten_leg(st, p.leader, "close_taker_fallback", t, out);

  // Done when the leader has stopped (settled for one requote pause after a cancel, so a late
  // amend replacement is seen) and the follower has caught up.
  if (!p.leader_cancel_at || leader_live(st)) return;
  if (!leader_done && t.mono - *p.leader_cancel_at < millis(params_.leader_requote_ms)) return;
  if (p.taker_fallback && !leg_flat(st, p.leader)) return;
  if (!in_flight(st, p.follower).is_zero()) return;
  if (hedge_need(st, p.follower)) return;  // still hedgeable: the follower is not done
  end_program(st, t);
}

void FundingBasis::end_program(State& st, Instant t) {
  if (events_.enabled(LogLevel::Info))
    events_.info("strategy.program_done", {{"symbol", st.symbol},
                                           {"program", st.prog.reason},
                                           {"spot", dec(st.spot.position)},
                                           {"perp", dec(st.perp.position)},
                                           {"net_delta_bps", net_delta_bps(st)}});
  // A program that traded nothing changed nothing: re-deciding at once would repeat it, so the
  // next look waits for the cadence.
  st.dirty = st.spot.position != st.prog.spot_at_start || st.perp.position != st.prog.perp_at_start;
  st.prog = {};
  if (st.mode != SymbolMode::Reducing && st.mode != SymbolMode::Flattening)
    st.mode = flat(st) ? SymbolMode::Flat : SymbolMode::Open;
}

void FundingBasis::cancel_symbol(State& st, std::optional<MarketType> market, std::optional<LegRole> role,
                                 std::string_view reason, Actions& out) {
  for (auto& [oid, w] : working_) {
    if (w.symbol != st.symbol || w.cancel_requested || w.remaining().is_zero()) continue;
    if ((market && w.market != *market) || (role && w.role != *role)) continue;
    w.cancel_requested = true;
    w.since = now().mono;
    out.cancels.push_back({w.symbol, w.market, oid, std::string(reason)});
  }
}

void FundingBasis::expire_orders(State& st, Instant t) {
  // A final update lost in a stream gap must not freeze a program forever. IOC takers never
  // rest, and a canceled leader is done once the cancel is through; the daemon's reconciliation
  // (adopt_positions) corrects positions if fills were lost too.
  const auto expiry = seconds(params_.order_expiry_s);
  for (auto it = working_.begin(); it != working_.end();) {
    const Working& w = it->second;
    const bool rests = w.role == LegRole::Leader && !w.cancel_requested && !w.done;
    if (w.symbol == st.symbol && !rests && t.mono - w.since >= expiry) {
      events_.warn("strategy.order_expired", {{"symbol", w.symbol},
                                              {"client_oid", it->first},
                                              {"market", to_string(w.market)},
                                              {"role", to_string(w.role)},
                                              {"remaining", dec(w.remaining())}});
      it = working_.erase(it);
    } else {
      ++it;
    }
  }
}

void FundingBasis::check_deviation(State& st, Instant t, Actions& out) {
  if (st.mode == SymbolMode::Reducing || st.mode == SymbolMode::Flattening) {
    st.apart_since.reset();
    return;
  }
  const Decimal net = (st.spot.position + st.perp.position).abs();
  // Dust that no order on either leg could trade is not a hedge failure.
  auto tradable = [&](const Leg& leg) {
    return leg.inst && net >= leg.inst->min_size && (!leg.has_quote || net * leg.quote.mid() >= leg.inst->min_notional);
  };
  const bool apart = net.is_positive() && net > hedge_bound(st) && net_delta_bps(st) > params_.rebalance_band_bps &&
                     (tradable(st.spot) || tradable(st.perp));
  if (!apart) {
    st.apart_since.reset();
    return;
  }
  if (!st.apart_since) {
    st.apart_since = t.mono;
    return;
  }
  if (t.mono - *st.apart_since < seconds(params_.hedge_timeout_s)) return;

  ++counters_.hedge_halts;
  events_.error("hedge.deviation_halt", {{"symbol", st.symbol},
                                         {"spot", dec(st.spot.position)},
                                         {"perp", dec(st.perp.position)},
                                         {"net", dec(st.spot.position + st.perp.position)},
                                         {"net_delta_bps", net_delta_bps(st)},
                                         {"bound", dec(hedge_bound(st))},
                                         {"apart_s", (t.mono - *st.apart_since).count() / 1'000'000'000},
                                         {"program", st.prog.reason}});
  st.apart_since.reset();
  cancel_symbol(st, std::nullopt, std::nullopt, "hedge_deviation_halt", out);
  st.prog = {};
  st.mode = SymbolMode::Reducing;
  // Restore the hedge by shrinking the larger leg: only reducing orders from here on.
  Decision d = base_decision(st, t);
  d.direction = st.perp.position.is_negative() ? 1 : -1;
  d.funding_rate = st.funding.rate.to_double();
  const MarketType larger = st.spot.position.abs() > st.perp.position.abs() ? MarketType::Spot : MarketType::Perp;
  const Decimal net_signed = st.spot.position + st.perp.position;
  if (larger == MarketType::Spot)
    d.target_spot = st.spot.position - net_signed;
  else
    d.target_perp = st.perp.position - net_signed;
  d.kind = DecisionKind::Rebalance;
  d.reason = "hedge_deviation_halt";
  record(st, std::move(d), out);
  start_rebalance(st, larger, "hedge_deviation_halt", t, out);
}

void FundingBasis::enter_reducing(std::string_view reason, Actions& out) {
  const Instant t = now();
  events_.warn("strategy.reducing", {{"reason", std::string(reason)}});
  for (auto& st : states_) {
    if (st.mode == SymbolMode::Flattening) continue;
    st.mode = SymbolMode::Reducing;
    st.apart_since.reset();
    // An opening stops where it is; what the leader filled is still hedged by the follower.
    if (st.prog.kind == ProgramKind::Open && !st.prog.leader_cancel_at) {
      cancel_symbol(st, st.prog.leader, LegRole::Leader, "reducing", out);
      st.prog.leader_cancel_at = t.mono;
    }
    tick(st, t, out);
  }
}

void FundingBasis::flatten_all(std::string_view reason, Actions& out) {
  const Instant t = now();
  events_.warn("strategy.flatten_all", {{"reason", std::string(reason)}});
  for (auto& st : states_) {
    cancel_symbol(st, std::nullopt, std::nullopt, "flatten", out);
    if (!flat(st)) {
      Decision d = base_decision(st, t);
      d.kind = DecisionKind::Close;
      d.reason = "flatten:" + std::string(reason);
      d.target_spot = {};
      d.target_perp = {};
      record(st, std::move(d), out);
    }
    Program p;
    p.kind = ProgramKind::Flatten;
    p.started = t.mono;
    p.reason = "flatten:" + std::string(reason);
    p.spot_at_start = st.spot.position;
    p.perp_at_start = st.perp.position;
    st.prog = p;
    st.mode = SymbolMode::Flattening;
    st.hedge_urgent = true;
    manage_program(st, t, out);
  }
}

std::optional<SymbolView> FundingBasis::view(std::string_view symbol) const {
  const State* st = find(symbol);
  if (st == nullptr) return std::nullopt;
  SymbolView v;
  v.symbol = st->symbol;
  v.mode = st->mode;
  v.spot_position = st->spot.position;
  v.perp_position = st->perp.position;
  v.net_delta_bps = net_delta_bps(*st);
  if (st->funding.known) v.funding_rate = st->funding.rate.to_double();
  v.interval_hours = st->funding.interval_hours;
  v.next_settlement = st->funding.next;
  v.basis_bps = current_basis(*st);
  v.entry_basis_bps = st->entry_basis_bps;
  v.orders_in_flight = working_count(*st);
  v.last_decision = st->last_kind;
  v.last_reason = st->last_reason;
  return v;
}

}  // namespace carry::strategy
