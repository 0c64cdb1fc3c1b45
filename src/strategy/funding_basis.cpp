#include <carry/strategy/funding_basis.hpp>

#include <carry/core/symbol_lookup.hpp>
#include <carry/strategy/decide.hpp>

#include "strategy_helpers.hpp"

#include <stdexcept>

namespace carry::strategy {

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
  book_.adopt_foreign_positions = params_.adopt_foreign_positions;
  for (const auto& sym : params_.symbols) {
    if (find(sym) != nullptr) throw std::invalid_argument("strategy.funding.symbols lists " + sym + " twice");
    auto& st = states_.emplace_back();
    st.symbol = sym;
  }
}

SymbolState* FundingBasis::find(std::string_view symbol) noexcept {
  for (auto& st : states_)
    if (same_symbol(st.symbol, symbol)) return &st;
  return nullptr;
}

const SymbolState* FundingBasis::find(std::string_view symbol) const noexcept {
  for (const auto& st : states_)
    if (same_symbol(st.symbol, symbol)) return &st;
  return nullptr;
}

// ---------------------------------------------------------------- market events

void FundingBasis::on_market(const MarketEvent& event, Actions& out) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Bbo>) {
          on_bbo(e, out);
        } else if constexpr (std::is_same_v<T, FundingRateUpdate>) {
          on_funding(e, out);
        } else if constexpr (std::is_same_v<T, InstrumentUpdate>) {
          on_instrument(e);
        }
        // Trades carry nothing the strategy uses (the paper exchange fills from them).
      },
      event);
}

void FundingBasis::on_instrument(const InstrumentUpdate& u) {
  SymbolState* st = find(u.instrument.symbol);
  if (st == nullptr) return;
  st->leg(u.instrument.market).inst = u.instrument;
  // A funding update that did not carry its interval takes the contract's.
  if (u.instrument.market == MarketType::Perp && st->funding.known && st->funding.interval_hours == 0)
    st->funding.interval_hours = u.instrument.funding_interval_hours;
  st->dirty = true;
}

void FundingBasis::on_bbo(const Bbo& b, Actions& out) {
  SymbolState* st = find(b.symbol);
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

void FundingBasis::react_to_quotes(SymbolState& st, Instant t, Actions& out) {
  if (st.prog.kind != ProgramKind::None) {
    programs_.step(st, t, out);
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
  if (!book_.working.empty()) return true;
  for (const auto& st : states_)
    if (st.prog.kind != ProgramKind::None) return true;
  return false;
}

void FundingBasis::defer(SymbolState& st) {
  if (st.deferred) return;
  st.deferred = true;
  deferred_.push_back(&st);
}

void FundingBasis::end_instant(Actions& out) {
  deferring_ = false;
  const Instant t = now();
  // In the order the symbols were first touched: deterministic, like per-event handling.
  for (SymbolState* st : deferred_) {
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
  SymbolState* st = find(symbol);
  if (st == nullptr || st->settled.count() > 0 || interval_hours <= 0 || oldest_first.empty()) return 0;
  for (double r : oldest_first) st->settled.add(r, interval_hours, params_.forecast.ewma_halflife_settlements);
  events_.info("strategy.forecast_seeded", {{"symbol", std::string(symbol)},
                                            {"settlements", st->settled.count()},
                                            {"ewma_per_hour", st->settled.ewma_per_hour()}});
  return st->settled.count();
}

void FundingBasis::on_funding(const FundingRateUpdate& f, Actions& out) {
  SymbolState* st = find(f.symbol);
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
  FundingState& fu = st->funding;
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

// ---------------------------------------------------------------- execution events

void FundingBasis::on_exec(const ExecEvent& event, Actions& out) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Fill>) {
          on_fill(e, out);
        } else if constexpr (std::is_same_v<T, OrderUpdate>) {
          on_update(e, out);
        } else if constexpr (std::is_same_v<T, BalanceUpdate>) {
          book_.on_balance(e);
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
  SymbolState* st = find(f.symbol);
  if (st == nullptr) return;
  if (!f.size.is_positive() || !f.price.is_positive()) {
    ++counters_.rejected_events;
    events_.warn("strategy.bad_fill",
                 {{"symbol", f.symbol}, {"trade_id", f.trade_id}, {"size", dec(f.size)}, {"price", dec(f.price)}});
    return;
  }
  book_.apply_fill(*st, f);
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
  SymbolState* st = find(u.symbol);
  if (st == nullptr) return;
  auto& working = book_.working;
  auto it = working.find(u.client_oid);
  if (is_terminal(u.status)) {
    if (it != working.end() && u.filled_size > it->second.filled) {
      // Finished, but some of what it filled has not reached us as fills yet (a lost push, or
      // the status overtook them): that part stays in flight, so no second hedge is sent for it.
      it->second.size = u.filled_size;
      it->second.done = true;
      it->second.since = now().mono;
    } else if (it != working.end()) {
      working.erase(it);
    }
  } else if (it != working.end()) {
    it->second.filled = max(it->second.filled, u.filled_size);
  } else {
    // Ours but not emitted by us: a replacement from the OMS maker chaser (amend = new client id)
    // of the leader we are running, or a stray (e.g. from before a restart) that is canceled.
    const Program& p = st->prog;
    if (p.has_leader && u.market == p.leader && !p.leader_cancel_at &&
        (p.kind == ProgramKind::Open || p.kind == ProgramKind::Close)) {
      working[u.client_oid] =
          WorkingOrder{u.symbol, u.market, u.side, u.size, u.filled_size, LegRole::Leader, false, now().mono};
    } else {
      working[u.client_oid] =
          WorkingOrder{u.symbol, u.market, u.side, u.size, u.filled_size, LegRole::Leader, true, now().mono};
      out.cancels.push_back({u.symbol, u.market, u.client_oid, "stray_order"});
      events_.warn("strategy.stray_order",
                   {{"symbol", u.symbol}, {"market", to_string(u.market)}, {"client_oid", u.client_oid}});
    }
  }
  tick(*st, now(), out);
}

void FundingBasis::on_submit_rejected(std::string_view client_oid, std::string_view reason, Actions& out) {
  auto it = book_.working.find(client_oid);
  if (it == book_.working.end()) return;
  const std::string symbol = it->second.symbol;
  events_.warn("strategy.intent_blocked", {{"symbol", symbol},
                                           {"client_oid", std::string(client_oid)},
                                           {"role", to_string(it->second.role)},
                                           {"reason", std::string(reason)}});
  const LegRole role = it->second.role;
  book_.working.erase(it);
  SymbolState* st = find(symbol);
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

void FundingBasis::tick(SymbolState& st, Instant t, Actions& out) {
  programs_.expire_orders(st, t);
  check_deviation(st, t, out);  // first: a halt replaces the program before it sends anything
  if (st.prog.kind != ProgramKind::None) programs_.step(st, t, out);
  if (st.prog.kind == ProgramKind::None &&
      (st.dirty || !st.evaluated || t.mono - st.last_eval >= seconds(params_.eval_interval_s)))
    evaluate(st, t, out);
}

// ---------------------------------------------------------------- positions

void FundingBasis::adopt_positions(std::string_view symbol, Decimal spot, Decimal perp,
                                   std::optional<Decimal> spot_entry, std::optional<Decimal> perp_entry) {
  SymbolState* st = find(symbol);
  if (st == nullptr) return;
  st->spot.adopt(spot, spot_entry);
  st->perp.adopt(perp, perp_entry);
  st->entry_basis_bps.reset();
  st->opened_for_settlement.reset();
  note_position_change(*st);
  if (st->mode != SymbolMode::Reducing && st->mode != SymbolMode::Flattening)
    set_mode(*st, st->flat() ? SymbolMode::Flat : SymbolMode::Open, "adopt_positions");
  st->dirty = true;
  events_.info(
      "strategy.adopt_positions",
      {{"symbol", st->symbol}, {"spot", dec(spot)}, {"perp", dec(perp)}, {"net_delta_bps", st->net_delta_bps()}});
}

bool FundingBasis::reset_symbol(std::string_view symbol) {
  SymbolState* st = find(symbol);
  if (st == nullptr || (st->mode != SymbolMode::Reducing && st->mode != SymbolMode::Flattening)) return false;
  st->prog = {};
  set_mode(*st, st->flat() ? SymbolMode::Flat : SymbolMode::Open, "reset_symbol");
  st->apart_since.reset();
  st->dirty = true;
  events_.info("strategy.reset_symbol", {{"symbol", st->symbol}});
  return true;
}

void FundingBasis::note_position_change(SymbolState& st) {
  if (st.flat()) {
    st.entry_basis_bps.reset();
    st.opened_for_settlement.reset();
    return;
  }
  if (auto b = st.entry_basis()) st.entry_basis_bps = *b;
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

void FundingBasis::set_mode(SymbolState& st, SymbolMode to, std::string_view cause) {
  change_mode(st.mode, to, st.symbol, cause, events_, counters_.unexpected_mode_changes);
}

// ---------------------------------------------------------------- decisions

void FundingBasis::evaluate(SymbolState& st, Instant t, Actions& out) {
  ++counters_.evaluations;
  st.last_eval = t.mono;
  st.evaluated = true;
  st.dirty = false;
  Verdict v = decide({st, book_, [this] { return gross_notional(); }}, params_, t);
  if (v.entry_basis_assumed)
    events_.info("strategy.entry_basis_assumed", {{"symbol", st.symbol}, {"basis_bps", *v.entry_basis_bps}});
  st.entry_basis_bps = v.entry_basis_bps;
  st.opened_for_settlement = v.opened_for_settlement;
  st.confirm = v.confirm;
  set_mode(st, v.mode, "evaluate");
  if (!v.decision) return;  // a HOLD that is not news
  const std::string reason = v.step == Step::None ? std::string() : v.decision->reason;
  record(st, std::move(*v.decision), out);
  switch (v.step) {
    case Step::None:
      return;
    case Step::Open:
      return programs_.start_open(st, v.direction, v.open_size, t, out);
    case Step::Close:
      st.last_close = t.mono;
      return programs_.start_close(st, reason, t, out);
    case Step::Rebalance:
      return programs_.start_rebalance(st, v.rebalance_leg, reason, t, out);
  }
}

void FundingBasis::record(SymbolState& st, Decision&& d, Actions& out) {
  const MonoNanos t = now().mono;
  if (!is_news(st.logged, st.confirm.count, d.kind, d.reason, t, params_)) return;
  st.logged.last_kind = d.kind;
  if (st.logged.last_reason != d.reason) st.logged.last_reason = d.reason;
  st.logged.last_logged = t;
  st.logged.logged_confirmations = d.close_confirmations;
  ++counters_.decisions_logged;
  // The JSON is built only for a log that keeps it; the table row comes from `out.decisions`.
  if (events_.enabled(LogLevel::Info)) events_.info("strategy.decision", to_json(d));
  out.decisions.push_back(std::move(d));
}

void FundingBasis::check_deviation(SymbolState& st, Instant t, Actions& out) {
  if (st.mode == SymbolMode::Reducing || st.mode == SymbolMode::Flattening || !st.apart(params_.rebalance_band_bps)) {
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
                                         {"net_delta_bps", st.net_delta_bps()},
                                         {"bound", dec(st.hedge_bound())},
                                         {"apart_s", (t.mono - *st.apart_since).count() / 1'000'000'000},
                                         {"program", st.prog.reason}});
  st.apart_since.reset();
  programs_.cancel(st, std::nullopt, std::nullopt, "hedge_deviation_halt", out);
  st.prog = {};
  set_mode(st, SymbolMode::Reducing, "hedge_deviation_halt");
  // Restore the hedge by shrinking the larger leg: only reducing orders from here on.
  Decision d = base_decision(st, params_, t);
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
  programs_.start_rebalance(st, larger, "hedge_deviation_halt", t, out);
}

// ---------------------------------------------------------------- operator and kill switch

void FundingBasis::enter_reducing(std::string_view reason, Actions& out) {
  const Instant t = now();
  events_.warn("strategy.reducing", {{"reason", std::string(reason)}});
  for (auto& st : states_) {
    if (st.mode == SymbolMode::Flattening) continue;
    set_mode(st, SymbolMode::Reducing, "enter_reducing");
    st.apart_since.reset();
    // An opening stops where it is; what the leader filled is still hedged by the follower.
    if (st.prog.kind == ProgramKind::Open && !st.prog.leader_cancel_at) {
      programs_.cancel(st, st.prog.leader, LegRole::Leader, "reducing", out);
      st.prog.leader_cancel_at = t.mono;
    }
    tick(st, t, out);
  }
}

void FundingBasis::flatten_all(std::string_view reason, Actions& out) {
  const Instant t = now();
  events_.warn("strategy.flatten_all", {{"reason", std::string(reason)}});
  for (auto& st : states_) {
    programs_.cancel(st, std::nullopt, std::nullopt, "flatten", out);
    if (!st.flat()) {
      Decision d = base_decision(st, params_, t);
      d.kind = DecisionKind::Close;
      d.reason = "flatten:" + std::string(reason);
      d.target_spot = {};
      d.target_perp = {};
      record(st, std::move(d), out);
    }
    programs_.start_flatten(st, reason, t, out);
  }
}

std::optional<SymbolView> FundingBasis::view(std::string_view symbol) const {
  const SymbolState* st = find(symbol);
  if (st == nullptr) return std::nullopt;
  SymbolView v;
  v.symbol = st->symbol;
  v.mode = st->mode;
  v.spot_position = st->spot.position;
  v.perp_position = st->perp.position;
  v.net_delta_bps = st->net_delta_bps();
  if (st->funding.known) v.funding_rate = st->funding.rate.to_double();
  v.interval_hours = st->funding.interval_hours;
  v.next_settlement = st->funding.next;
  v.basis_bps = st->current_basis();
  v.entry_basis_bps = st->entry_basis_bps;
  v.orders_in_flight = book_.working_count(*st);
  v.last_decision = st->logged.last_kind;
  v.last_reason = st->logged.last_reason;
  return v;
}

}  // namespace carry::strategy
