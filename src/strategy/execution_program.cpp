#include <carry/strategy/execution_program.hpp>

#include <carry/strategy/carry_economics.hpp>

#include "strategy_helpers.hpp"

namespace carry::strategy {

// ---------------------------------------------------------------- starting a program

void ProgramRunner::start_open(SymbolState& st, int direction, Decimal size, Instant t, Actions& out) {
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
  set_mode(st, SymbolMode::Opening, "start_open");
  place_leader(st, t, out);
}

void ProgramRunner::start_close(SymbolState& st, std::string_view reason, Instant t, Actions& out) {
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
  if (st.mode != SymbolMode::Reducing) set_mode(st, SymbolMode::Closing, "start_close");
  place_leader(st, t, out);
  step(st, t, out);  // a flat leader leg leaves the follower to close at once
}

void ProgramRunner::start_rebalance(SymbolState& st, MarketType m, std::string_view reason, Instant t, Actions& out) {
  Program p;
  p.kind = ProgramKind::Rebalance;
  p.follower = m;
  p.started = t.mono;
  p.reason = std::string(reason);
  p.spot_at_start = st.spot.position;
  p.perp_at_start = st.perp.position;
  st.prog = p;
  if (st.mode != SymbolMode::Reducing) set_mode(st, SymbolMode::Rebalancing, "start_rebalance");
  st.hedge_urgent = true;
  hedge_leg(st, m, LegRole::Rebalance, reason, t, out);
}

void ProgramRunner::start_flatten(SymbolState& st, std::string_view reason, Instant t, Actions& out) {
  Program p;
  p.kind = ProgramKind::Flatten;
  p.started = t.mono;
  p.reason = "flatten:" + std::string(reason);
  p.spot_at_start = st.spot.position;
  p.perp_at_start = st.perp.position;
  st.prog = p;
  set_mode(st, SymbolMode::Flattening, "flatten_all");
  st.hedge_urgent = true;
  step(st, t, out);
}

// ---------------------------------------------------------------- running it

void ProgramRunner::step(SymbolState& st, Instant t, Actions& out) {
  switch (st.prog.kind) {
    case ProgramKind::None:
      return;
    case ProgramKind::Flatten:
      return step_flatten(st, t, out);
    case ProgramKind::Rebalance:
      return step_rebalance(st, t, out);
    case ProgramKind::Open:
    case ProgramKind::Close:
      return step_leader(st, t, out);
  }
}

void ProgramRunner::step_flatten(SymbolState& st, Instant t, Actions& out) {
  const Program& p = st.prog;
  if (st.hedge_urgent || t.mono - st.last_taker >= millis(params_.follower_retry_ms)) {
    st.hedge_urgent = false;
    flatten_leg(st, MarketType::Spot, p.reason, t, out);
    flatten_leg(st, MarketType::Perp, p.reason, t, out);
  }
  if (st.flat() && book_.in_flight(st, MarketType::Spot, LegRole::Flatten).is_zero() &&
      book_.in_flight(st, MarketType::Perp, LegRole::Flatten).is_zero())
    end(st);
}

void ProgramRunner::step_rebalance(SymbolState& st, Instant t, Actions& out) {
  const Program& p = st.prog;
  hedge_leg(st, p.follower, LegRole::Rebalance, p.reason, t, out);
  if (book_.in_flight(st, p.follower).is_zero() &&
      (!book_.hedge_need(st, p.follower) || st.net_delta_bps() <= params_.rebalance_band_bps))
    end(st);
}

void ProgramRunner::step_leader(SymbolState& st, Instant t, Actions& out) {
  Program& p = st.prog;
  hedge_leg(st, p.follower, LegRole::Follower, "follow", t, out);

  const Leg& lead = st.leg(p.leader);
  const bool leader_done = (p.leader_target - lead.position).abs() < lead.step();
  if (!p.leader_cancel_at) {
    if (leader_done) {
      cancel(st, p.leader, LegRole::Leader, "leader_done", out);
      p.leader_cancel_at = t.mono;
    } else if (t.mono - p.started >= seconds(params_.leader_timeout_s)) {
      cancel(st, p.leader, LegRole::Leader, "leader_timeout", out);
      p.leader_cancel_at = t.mono;
      p.taker_fallback = p.kind == ProgramKind::Close;  // a close must finish; an open may stop short
      if (events_.enabled(LogLevel::Info))
        events_.info("strategy.leader_timeout", {{"symbol", st.symbol},
                                                 {"program", p.reason},
                                                 {"leader_position", dec(lead.position)},
                                                 {"leader_target", dec(p.leader_target)}});
    } else if (!book_.leader_live(st, p.leader)) {
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
  if (p.taker_fallback && !book_.leader_live(st, p.leader) &&
      (st.hedge_urgent || t.mono - st.last_taker >= millis(params_.follower_retry_ms)))
    flatten_leg(st, p.leader, "close_taker_fallback", t, out);

  // Done when the leader has stopped (settled for one requote pause after a cancel, so a late
  // amend replacement is seen) and the follower has caught up.
  if (!p.leader_cancel_at || book_.leader_live(st, p.leader)) return;
  if (!leader_done && t.mono - *p.leader_cancel_at < millis(params_.leader_requote_ms)) return;
  if (p.taker_fallback && !st.leg(p.leader).is_flat()) return;
  if (!book_.in_flight(st, p.follower).is_zero()) return;
  if (book_.hedge_need(st, p.follower)) return;  // still hedgeable: the follower is not done
  end(st);
}

void ProgramRunner::end(SymbolState& st) {
  if (events_.enabled(LogLevel::Info))
    events_.info("strategy.program_done", {{"symbol", st.symbol},
                                           {"program", st.prog.reason},
                                           {"spot", dec(st.spot.position)},
                                           {"perp", dec(st.perp.position)},
                                           {"net_delta_bps", st.net_delta_bps()}});
  // A program that traded nothing changed nothing: re-deciding at once would repeat it, so the
  // next look waits for the cadence.
  st.dirty = st.spot.position != st.prog.spot_at_start || st.perp.position != st.prog.perp_at_start;
  st.prog = {};
  if (st.mode != SymbolMode::Reducing && st.mode != SymbolMode::Flattening)
    set_mode(st, st.flat() ? SymbolMode::Flat : SymbolMode::Open, "program_done");
}

// ---------------------------------------------------------------- orders

void ProgramRunner::place_leader(SymbolState& st, Instant t, Actions& out) {
  Program& p = st.prog;
  const Leg& leg = st.leg(p.leader);
  if (!leg.inst || !leg.has_quote) return;
  const Decimal remaining = p.leader_target - leg.position;
  const Side side = remaining.is_positive() ? Side::Buy : Side::Sell;
  Decimal size = to_lot(remaining.abs(), leg.inst->lot, Rounding::Down);
  if (p.leader == MarketType::Spot && side == Side::Sell)
    size = min(size, to_lot(book_.spot_sellable(st), leg.inst->lot, Rounding::Down));
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

bool ProgramRunner::hedge_leg(SymbolState& st, MarketType m, LegRole role, std::string_view reason, Instant t,
                              Actions& out) {
  const auto need = book_.hedge_need(st, m);
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

bool ProgramRunner::flatten_leg(SymbolState& st, MarketType m, std::string_view reason, Instant t, Actions& out) {
  const Leg& leg = st.leg(m);
  if (leg.is_flat() || !leg.inst) return false;
  if (!book_.in_flight(st, m, LegRole::Flatten).is_zero()) return false;
  const Decimal pos = leg.position;
  const Side side = pos.is_positive() ? Side::Sell : Side::Buy;
  Decimal size;
  if (m == MarketType::Spot && side == Side::Sell)
    size = to_lot(min(pos, book_.spot_sellable(st)), leg.inst->lot, Rounding::Down);  // sell what we hold
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

void ProgramRunner::emit_order(SymbolState& st, OrderIntent intent, Actions& out) {
  book_.working[intent.client_oid] =
      WorkingOrder{st.symbol, intent.market, intent.side, intent.size, {}, intent.role, false, clock_.mono()};
  if (intent.role == LegRole::Leader)
    ++counters_.leader_orders;
  else
    ++counters_.follower_orders;
  out.orders.push_back(std::move(intent));
}

// A taker order is priced off its leg's quote: never off one older than market_data_stale_s (the
// risk engine's staleness threshold). It waits for a fresh quote, from the stream or from the
// REST ticker the daemon reads when the stream is quiet.
bool ProgramRunner::quote_too_old(SymbolState& st, MarketType m) {
  Leg& leg = st.leg(m);
  if (!leg.has_quote || params_.market_data_stale_s <= 0) return false;
  const auto age = clock_.mono() - leg.quote.received;
  if (age <= seconds(params_.market_data_stale_s)) return false;
  ++counters_.stale_quote_waits;
  if (!leg.stale_noted) {
    leg.stale_noted = true;
    events_.warn("strategy.taker_waits_for_quote",
                 {{"symbol", st.symbol},
                  {"market", to_string(m)},
                  {"quote_age_ms", std::chrono::duration_cast<std::chrono::milliseconds>(age).count()},
                  {"max_quote_age_s", params_.market_data_stale_s}});
  }
  return true;
}

std::optional<OrderIntent> ProgramRunner::taker_intent(SymbolState& st, MarketType m, Side side, Decimal size,
                                                       LegRole role, std::string reason) {
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

void ProgramRunner::cancel(SymbolState& st, std::optional<MarketType> market, std::optional<LegRole> role,
                           std::string_view reason, Actions& out) {
  for (auto& [oid, w] : book_.working) {
    if (w.symbol != st.symbol || w.cancel_requested || w.remaining().is_zero()) continue;
    if ((market && w.market != *market) || (role && w.role != *role)) continue;
    w.cancel_requested = true;
    w.since = clock_.mono();
    out.cancels.push_back({w.symbol, w.market, oid, std::string(reason)});
  }
}

void ProgramRunner::expire_orders(SymbolState& st, Instant t) {
  // A final update lost in a stream gap must not freeze a program forever. IOC takers never
  // rest, and a canceled leader is done once the cancel is through; the daemon's reconciliation
  // (adopt_positions) corrects positions if fills were lost too.
  const auto expiry = seconds(params_.order_expiry_s);
  for (auto it = book_.working.begin(); it != book_.working.end();) {
    const WorkingOrder& w = it->second;
    const bool rests = w.role == LegRole::Leader && !w.cancel_requested && !w.done;
    if (w.symbol == st.symbol && !rests && t.mono - w.since >= expiry) {
      events_.warn("strategy.order_expired", {{"symbol", w.symbol},
                                              {"client_oid", it->first},
                                              {"market", to_string(w.market)},
                                              {"role", to_string(w.role)},
                                              {"remaining", dec(w.remaining())}});
      it = book_.working.erase(it);
    } else {
      ++it;
    }
  }
}

void ProgramRunner::set_mode(SymbolState& st, SymbolMode to, std::string_view cause) {
  change_mode(st.mode, to, st.symbol, cause, events_, counters_.unexpected_mode_changes);
}

}  // namespace carry::strategy
