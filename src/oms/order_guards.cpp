#include "order_guards.hpp"

#include "oms_detail.hpp"

#include <cmath>

namespace carry::oms {
namespace {

using nlohmann::json;
using namespace detail;

double bps_from(Decimal price, Decimal ref) {
  if (ref.is_zero()) return 0.0;
  return (price - ref).to_double() / ref.to_double() * 1e4;
}

std::optional<Rejection> refuse(Guard guard, std::string reason, json extra = {}) {
  return Rejection{guard, std::move(reason), std::move(extra)};
}

bool applies(GuardScope entry, GuardScope order) {
  return (static_cast<std::uint8_t>(entry) & static_cast<std::uint8_t>(order)) != 0;
}

}  // namespace

// In order; the first refusal wins. Submit-only guards concern the new order's identity; an amend
// is sent under a fresh id and replaces an order the venue knows.
const std::array<OrderManager::Guards::Entry, 9> OrderManager::Guards::kPipeline = {{
    {GuardScope::Both, &well_formed},           // instrument, size and price on the grid, minimum
    {GuardScope::Submit, &chase_is_post_only},  // the maker chaser moves post-only limits only
    {GuardScope::Submit, &client_oid_unused},   // idempotency: one order per client id
    {GuardScope::Submit, &no_unknown_outcome},  // idempotency: an earlier send may have got through
    {GuardScope::Both, &private_stream_fresh},  // we would not hear of the order's fills
    {GuardScope::Both, &no_cooldown},           // the symbol is paused after a reject burst
    {GuardScope::Both, &post_only_room},        // moves a crossing post-only price one tick inside
    {GuardScope::Both, &near_mid},              // fat-finger check against the mid
    {GuardScope::Both, &risk_allows},           // risk::RiskEngine: limits, kill switch
}};

std::optional<Rejection> OrderManager::Guards::run(OrderManager& m, Proposal& p) {
  for (const Entry& e : kPipeline) {
    if (!applies(e.scope, p.scope)) continue;
    if (auto no = e.step(m, p)) return no;
  }
  return std::nullopt;
}

std::optional<Rejection> OrderManager::Guards::well_formed(OrderManager&, Proposal& p) {
  const SubmitRequest& in = p.intent;
  const Instrument* inst = p.instrument();
  if (!inst) return refuse(Guard::Invalid, "unknown_instrument");
  if (!inst->tradable) return refuse(Guard::Invalid, "not_tradable");
  if (!in.size.is_positive()) return refuse(Guard::Invalid, "size_not_positive");
  if (in.type == OrderType::Limit && (!in.price || !in.price->is_positive()))
    return refuse(Guard::Invalid, "limit_without_price");
  if (in.type == OrderType::Market && in.tif == TimeInForce::PostOnly)
    return refuse(Guard::Invalid, "post_only_market");
  if (inst->lot.is_positive()) {
    auto r = in.size.round_to_step(inst->lot, Rounding::Down);
    if (!r || *r != in.size) return refuse(Guard::Invalid, "size_off_lot");
  }
  if (in.type == OrderType::Limit && inst->tick.is_positive()) {
    auto r = in.price->round_to_step(inst->tick, Rounding::Down);
    if (!r || *r != *in.price) return refuse(Guard::Invalid, "price_off_tick");
  }
  // The venue waives the minimum for closing orders only in some cases; never for openings. An
  // amend that does not grow keeps what the venue accepted (a partial fill may leave less).
  if (p.opens() && inst->min_size.is_positive() && in.size < inst->min_size)
    return refuse(Guard::Invalid, "below_min_size");
  return std::nullopt;
}

std::optional<Rejection> OrderManager::Guards::chase_is_post_only(OrderManager&, Proposal& p) {
  const SubmitRequest& in = p.intent;
  if (in.chase && !(in.type == OrderType::Limit && in.tif == TimeInForce::PostOnly))
    return refuse(Guard::Invalid, "chase_needs_post_only_limit");
  return std::nullopt;
}

std::optional<Rejection> OrderManager::Guards::client_oid_unused(OrderManager& m, Proposal& p) {
  if (p.intent.client_oid.empty()) return std::nullopt;
  const Order* existing = m.find(p.intent.client_oid);
  if (!existing) return std::nullopt;
  return refuse(Guard::Idempotency, existing->is_open() ? "client_oid_live" : "client_oid_used",
                {{"status", to_string(existing->status)}});
}

std::optional<Rejection> OrderManager::Guards::no_unknown_outcome(OrderManager& m, Proposal& p) {
  if (m.unresolved_unknown(p.intent.symbol, p.intent.market))
    return refuse(Guard::Idempotency, "unknown_order_unresolved");
  return std::nullopt;
}

std::optional<Rejection> OrderManager::Guards::private_stream_fresh(OrderManager& m, Proposal& p) {
  if (!p.opens() || !m.ws_stale(p.now)) return std::nullopt;
  json extra = json::object();
  if (m.last_private_) extra["silent_ms"] = (p.now - *m.last_private_).count() / 1'000'000;
  return refuse(Guard::WsStale, "private_stream_stale", std::move(extra));
}

std::optional<Rejection> OrderManager::Guards::no_cooldown(OrderManager& m, Proposal& p) {
  // cooldown_active ends a cooldown whose time is up (and logs it): only asked for openings.
  if (!p.opens() || !m.cooldown_active(p.intent.symbol, p.symbol, p.now)) return std::nullopt;
  return refuse(Guard::Cooldown, "symbol_cooldown", {{"until", wall_of(m.clock_, *p.symbol.cooldown_until)}});
}

std::optional<Rejection> OrderManager::Guards::post_only_room(OrderManager& m, Proposal& p) {
  const SubmitRequest& in = p.intent;
  const Instrument* inst = p.instrument();
  if (in.type != OrderType::Limit || in.tif != TimeInForce::PostOnly || !p.leg.has_top || !inst->tick.is_positive())
    return std::nullopt;
  const TopOfBook& top = p.leg.top;
  std::optional<Decimal> moved;
  if (in.side == Side::Buy && top.ask.is_positive() && *p.price >= top.ask) moved = top.ask - inst->tick;
  if (in.side == Side::Sell && top.bid.is_positive() && *p.price <= top.bid) moved = top.bid + inst->tick;
  if (!moved) return std::nullopt;
  if (!moved->is_positive()) return refuse(Guard::Invalid, "post_only_no_room");
  m.metrics_.add(&OmsCounters::postonly_adjusts);
  if (m.events_.enabled(LogLevel::Info))
    m.events_.info("postonly.adjust", {{"symbol", in.symbol},
                                       {"market", to_string(in.market)},
                                       {"side", to_string(in.side)},
                                       {"from", dec(*p.price)},
                                       {"to", dec(*moved)},
                                       {"bid", dec(top.bid)},
                                       {"ask", dec(top.ask)}});
  p.price = moved;
  return std::nullopt;
}

std::optional<Rejection> OrderManager::Guards::near_mid(OrderManager& m, Proposal& p) {
  const double limit = m.params_.price_dev_bps_limit;
  if (p.intent.type != OrderType::Limit || !(limit > 0)) return std::nullopt;
  if (!p.leg.has_top) {
    // No mid to compare with: only an order that brings the leg closer to flat may go blind.
    if (p.reducing) return std::nullopt;
    return refuse(Guard::PriceDeviation, "no_mid");
  }
  const Decimal mid = p.leg.top.mid();
  const double dev = bps_from(*p.price, mid);
  if (std::abs(dev) <= limit) return std::nullopt;
  return refuse(Guard::PriceDeviation, "too_far_from_mid", {{"mid", dec(mid)}, {"dev_bps", dev}, {"limit_bps", limit}});
}

std::optional<Rejection> OrderManager::Guards::risk_allows(OrderManager& m, Proposal& p) {
  if (!m.check_) return std::nullopt;
  const SubmitRequest& in = p.intent;
  const PlaceOrderRequest req{{in.symbol, in.market, in.side, in.type, in.tif, p.price, in.size, in.reduce_only}, {}};
  PreTradeContext ctx;
  ctx.instrument = p.instrument();
  if (p.leg.has_top) {
    ctx.bid = p.leg.top.bid;
    ctx.ask = p.leg.top.ask;
  }
  ctx.position = m.positions_.size(in.symbol, in.market);
  ctx.reducing = p.reducing;
  ctx.amend = p.scope == GuardScope::Amend;
  ctx.adds = p.adds;
  if (auto refused = m.check_->check(req, ctx)) return refuse(Guard::Risk, *refused);
  return std::nullopt;
}

// ---------------------------------------------------------------- guard state and refusals

SubmitResult OrderManager::block(Guard guard, std::string reason, const SubmitRequest& in, json extra) {
  metrics_.add(&OmsCounters::blocks);
  std::string_view event = "order.blocked";
  switch (guard) {
    case Guard::Invalid:
      metrics_.add(&OmsCounters::blocks_invalid);
      event = "order.invalid";
      break;
    case Guard::Idempotency:
      metrics_.add(&OmsCounters::blocks_idempotent);
      event = "idempotent.block";
      break;
    case Guard::WsStale:
      metrics_.add(&OmsCounters::blocks_ws_stale);
      event = "guard.ws_stale";
      break;
    case Guard::Cooldown:
      metrics_.add(&OmsCounters::blocks_cooldown);
      event = "guard.cooldown";
      break;
    case Guard::PriceDeviation:
      metrics_.add(&OmsCounters::blocks_price_deviation);
      event = "guard.price_deviation";
      break;
    case Guard::Risk:
      metrics_.add(&OmsCounters::blocks_risk);
      event = "order.blocked";
      break;
    case Guard::None:
      break;
  }
  if (events_.enabled(LogLevel::Warn)) {
    json fields = {{"symbol", in.symbol},  {"market", to_string(in.market)}, {"side", to_string(in.side)},
                   {"size", dec(in.size)}, {"price", opt_dec(in.price)},     {"guard", to_string(guard)},
                   {"reason", reason}};
    if (!in.client_oid.empty()) fields["client_oid"] = in.client_oid;
    if (!in.tag.empty()) fields["tag"] = in.tag;
    if (extra.is_object()) fields.update(extra);
    events_.warn(event, std::move(fields));
  }
  SubmitResult r;
  r.blocked_by = guard;
  r.reason = std::move(reason);
  return r;
}

bool OrderManager::in_cooldown(std::string_view symbol) const noexcept {
  const SymbolState* st = find_state(symbol);
  return st && st->cooldown_until && clock_.mono() < *st->cooldown_until;
}

bool OrderManager::ws_stale(MonoNanos now) const noexcept {
  if (params_.ws_stale_block_ms <= 0) return false;
  if (!last_private_) return true;  // never heard from the private stream: not safe to open
  return now - *last_private_ > ms(params_.ws_stale_block_ms);
}

bool OrderManager::private_stream_stale() const noexcept { return ws_stale(clock_.mono()); }

bool OrderManager::cooldown_active(std::string_view symbol, SymbolState& st, MonoNanos now) {
  if (!st.cooldown_until) return false;
  if (now < *st.cooldown_until) return true;
  st.cooldown_until.reset();
  events_.info("cooldown.exit", {{"symbol", symbol}});
  return false;
}

void OrderManager::count_reject(std::string_view symbol, MonoNanos now) {
  SymbolState& st = state(symbol);
  st.rejects.push_back(now);
  while (!st.rejects.empty() && now - st.rejects.front() > secs(params_.reject_burst_window_s)) st.rejects.pop_front();
  if (params_.reject_burst_threshold <= 0 || st.cooldown_until) return;
  if (static_cast<int>(st.rejects.size()) >= params_.reject_burst_threshold) {
    st.cooldown_until = now + secs(params_.symbol_cooldown_s);
    metrics_.add(&OmsCounters::cooldowns);
    events_.warn("cooldown.enter", {{"symbol", symbol},
                                    {"rejects", st.rejects.size()},
                                    {"window_s", params_.reject_burst_window_s},
                                    {"cooldown_s", params_.symbol_cooldown_s},
                                    {"until", wall_of(clock_, *st.cooldown_until)}});
    st.rejects.clear();
  }
}

}  // namespace carry::oms
