#include <carry/risk/risk_engine.hpp>

#include <carry/core/symbol_lookup.hpp>

#include <algorithm>
#include <cmath>

namespace carry::risk {
namespace {

using nlohmann::json;

constexpr std::size_t mi(MarketType m) { return static_cast<std::size_t>(m); }
std::string dec(Decimal d) { return d.to_string(); }

double bps(Decimal part, Decimal whole) {
  if (whole.is_zero()) return 0.0;
  return part.to_double() / whole.to_double() * 1e4;
}

// Errors that say the API (or our path to it) is unwell, as opposed to a business refusal.
bool api_trouble(const boost::system::error_code& ec) {
  return ec == Errc::network || ec == Errc::timeout || ec == Errc::http_server_error || ec == Errc::rate_limited ||
         ec == Errc::circuit_open || ec == Errc::auth_failed || ec == Errc::bad_payload;
}

constexpr std::int64_t kDayNs = 86'400LL * 1'000'000'000LL;

}  // namespace

RiskEngine::RiskEngine(RiskLimits limits, EventSink& events, const Clock& clock)
    : limits_(std::move(limits)), events_(events), clock_(clock), started_(clock.mono()) {}

void RiskEngine::attach(oms::OrderManager& oms) {
  oms_ = &oms;
  oms.set_pre_trade_check(this);
}

std::optional<Decimal> RiskEngine::mark(std::string_view symbol, MarketType market) const {
  auto it = find_symbol_entry(marks_, symbol);
  if (it == marks_.end()) return std::nullopt;
  return it->second.legs[mi(market)].mid;
}

Decimal RiskEngine::max_size_for(std::string_view symbol) const {
  if (auto it = limits_.max_order_size_by_symbol.find(symbol); it != limits_.max_order_size_by_symbol.end())
    return it->second;
  return limits_.max_order_size;
}

Decimal RiskEngine::lot_of(std::string_view symbol, MarketType market) const {
  const Instrument* inst = oms_ ? oms_->instrument(symbol, market) : nullptr;
  return inst ? inst->lot : Decimal{};
}

std::optional<std::string> RiskEngine::refuse(std::string_view rule, const PlaceOrderRequest& req, json extra) {
  if (events_.enabled(LogLevel::Warn)) {
    json fields = {{"rule", rule},
                   {"symbol", req.symbol},
                   {"market", to_string(req.market)},
                   {"side", to_string(req.side)},
                   {"size", dec(req.size)}};
    if (req.price) fields["price"] = dec(*req.price);
    if (extra.is_object()) fields.update(extra);
    events_.warn(rule.starts_with("kill_switch") ? "kill_switch.block" : "risk.block", std::move(fields));
  }
  return std::string(rule);
}

std::optional<std::string> RiskEngine::check(const PlaceOrderRequest& req, const oms::PreTradeContext& ctx) {
  if (!kill_.allows(ctx.reducing))
    return refuse("kill_switch." + std::string(to_string(kill_.state())), req, {{"kill_reason", kill_.reason()}});

  const Decimal max_size = max_size_for(req.symbol);
  if (max_size.is_positive() && req.size > max_size) return refuse("max_order_size", req, {{"limit", dec(max_size)}});

  // The price the order is valued at: its limit, else the side of the book it takes from.
  std::optional<Decimal> px = req.price;
  if (!px) px = req.side == Side::Buy ? ctx.ask : ctx.bid;
  if (!px) px = mark(req.symbol, req.market);
  if (!px || !px->is_positive()) {
    if (ctx.reducing) return std::nullopt;  // getting out never waits for a price
    return refuse("no_price", req, {});
  }
  const Decimal notional = *px * req.size;
  if (limits_.max_order_notional.is_positive() && notional > limits_.max_order_notional)
    return refuse("max_order_notional", req, {{"notional", dec(notional)}, {"limit", dec(limits_.max_order_notional)}});

  if (!ctx.reducing) {
    // Slippage of a taker order (market, or a limit through the touch) against mid.
    if (limits_.max_slippage_bps > 0 && ctx.bid && ctx.ask && ctx.bid->is_positive() && ctx.ask->is_positive()) {
      const Decimal mid = Decimal::from_raw((ctx.bid->raw() + ctx.ask->raw()) / 2);
      std::optional<Decimal> take;
      if (req.type == OrderType::Market)
        take = req.side == Side::Buy ? *ctx.ask : *ctx.bid;
      else if (req.side == Side::Buy ? *req.price >= *ctx.ask : *req.price <= *ctx.bid)
        take = *req.price;  // a limit through the touch takes at its own price
      if (take) {
        const double slip = std::abs(bps(*take - mid, mid));
        if (slip > limits_.max_slippage_bps)
          return refuse("max_slippage", req, {{"slippage_bps", slip}, {"limit_bps", limits_.max_slippage_bps}});
      }
    }

    // Moving or shrinking a resting order adds no exposure the limits have not already passed.
    if (!ctx.adds) return std::nullopt;
    const Decimal signed_qty = req.side == Side::Buy ? req.size : -req.size;
    const Decimal leg_after = ctx.position + signed_qty;
    if (limits_.max_symbol_notional.is_positive() && leg_after.abs() * *px > limits_.max_symbol_notional)
      return refuse("max_symbol_notional", req,
                    {{"notional_after", dec(leg_after.abs() * *px)}, {"limit", dec(limits_.max_symbol_notional)}});

    if (oms_) {
      if (limits_.max_total_notional.is_positive()) {
        Decimal total;
        for (const auto& p : oms_->positions().all()) {
          if (p.symbol == req.symbol && p.market == req.market) continue;
          const Decimal m = mark(p.symbol, p.market).value_or(p.avg_entry);
          total += p.size.abs() * m;
        }
        total += leg_after.abs() * *px;
        if (total > limits_.max_total_notional)
          return refuse("max_total_notional", req,
                        {{"notional_after", dec(total)}, {"limit", dec(limits_.max_total_notional)}});
      }
      if (limits_.max_net_delta_bps > 0) {
        const Decimal spot = oms_->positions().size(req.symbol, MarketType::Spot);
        const Decimal perp = oms_->positions().size(req.symbol, MarketType::Perp);
        const Decimal delta = spot + perp;
        const Decimal gross = spot.abs() + perp.abs();
        const Decimal delta_after = delta + signed_qty;
        if (gross.is_positive() && delta_after.abs() > delta.abs()) {
          const double now_bps = bps(delta.abs(), gross);
          if (now_bps > limits_.max_net_delta_bps)
            return refuse(
                "max_net_delta", req,
                {{"net_delta", dec(delta)}, {"net_delta_bps", now_bps}, {"limit_bps", limits_.max_net_delta_bps}});
        }
      }
    }
  }
  return std::nullopt;
}

void RiskEngine::on_market(const MarketEvent& event) {
  if (const Bbo* b = std::get_if<Bbo>(&event)) {
    auto it = find_symbol_entry(marks_, b->symbol);
    if (it == marks_.end()) it = marks_.emplace(b->symbol, SymbolMarks{}).first;
    Leg& leg = it->second.legs[mi(b->market)];
    if (b->bid_price.is_positive() && b->ask_price.is_positive()) leg.mid = b->mid();
    leg.last_data = clock_.mono();
  } else if (const TradeTick* t = std::get_if<TradeTick>(&event)) {
    auto it = find_symbol_entry(marks_, t->symbol);
    if (it == marks_.end()) it = marks_.emplace(t->symbol, SymbolMarks{}).first;
    it->second.legs[mi(t->market)].last_data = clock_.mono();
  } else if (const FundingRateUpdate* f = std::get_if<FundingRateUpdate>(&event)) {
    if (!oms_) return;
    const Decimal pos = oms_->positions().size(f->symbol, MarketType::Perp);
    if (pos.is_zero()) return;
    const Decimal th = limits_.funding_flip_kill_rate.abs();
    // Positive funding: longs pay shorts. Trip when our perp side is the one paying.
    const bool against = (pos.is_negative() && f->rate < -th) || (pos.is_positive() && f->rate > th);
    if (against)
      escalate(KillState::Reducing, "funding_flip",
               {{"symbol", f->symbol}, {"rate", dec(f->rate)}, {"perp_position", dec(pos)}});
  }
}

void RiskEngine::on_api_result(const boost::system::error_code& ec) {
  if (!ec || !api_trouble(ec) || limits_.api_error_burst <= 0) return;
  const MonoNanos now = clock_.mono();
  api_errors_.push_back(now);
  while (!api_errors_.empty() && now - api_errors_.front() > std::chrono::seconds(limits_.api_error_window_s))
    api_errors_.pop_front();
  if (static_cast<int>(api_errors_.size()) >= limits_.api_error_burst)
    escalate(KillState::Reducing, "api_error_burst",
             {{"errors", api_errors_.size()}, {"window_s", limits_.api_error_window_s}, {"last", ec.message()}});
}

Decimal RiskEngine::pnl() const {
  if (!oms_) return {};
  Decimal total;
  for (const auto& p : oms_->positions().all()) total += p.net_pnl(mark(p.symbol, p.market).value_or(p.avg_entry));
  return total;
}

Decimal RiskEngine::daily_pnl() const { return pnl() - day_start_pnl_; }

void RiskEngine::on_timer() {
  const UnixNanos now = clock_.now();
  const std::int64_t day = now.ns >= 0 ? now.ns / kDayNs : -1;
  const Decimal current = pnl();
  if (day != day_) {
    day_ = day;
    day_start_pnl_ = current;
  }
  if (limits_.daily_loss_limit.is_positive() && day_start_pnl_ - current > limits_.daily_loss_limit)
    escalate(KillState::Reducing, "daily_loss",
             {{"daily_pnl", dec(current - day_start_pnl_)}, {"limit", dec(limits_.daily_loss_limit)}});

  if (limits_.market_data_stale_s > 0 && oms_) {
    for (const auto& p : oms_->positions().all()) {
      const Decimal lot = lot_of(p.symbol, p.market);
      if (p.size.abs() < lot || p.size.is_zero()) continue;
      MonoNanos last = started_;
      if (auto it = find_symbol_entry(marks_, p.symbol); it != marks_.end() && it->second.legs[mi(p.market)].last_data)
        last = *it->second.legs[mi(p.market)].last_data;
      else  // No data yet: silence counts from when the leg was first seen held, not from our
            // construction; a position adopted after a long start-up reconcile is not stale.
        last = unfed_since_.try_emplace(p.symbol + "/" + std::string(to_string(p.market)), clock_.mono()).first->second;
      const auto silent = clock_.mono() - last;
      if (silent > std::chrono::seconds(limits_.market_data_stale_s)) {
        escalate(KillState::Reducing, "md_stale",
                 {{"symbol", p.symbol}, {"market", to_string(p.market)}, {"silent_ms", silent.count() / 1'000'000}});
        break;
      }
    }
  }
  if (kill_.state() == KillState::Reducing && limits_.halt_when_flat && flat()) escalate(KillState::Halted, "flat");
}

bool RiskEngine::escalate(KillState to, std::string_view reason, json extra) {
  const KillState from = kill_.state();
  if (!kill_.escalate(to, reason, clock_.now())) return false;
  json fields = {{"from", to_string(from)}, {"to", to_string(to)}, {"reason", reason}};
  if (extra.is_object()) fields.update(extra);
  events_.emit(to == KillState::Halted ? LogLevel::Critical : LogLevel::Error,
               to == KillState::Halted ? "kill_switch.halt" : "kill_switch.trip", std::move(fields));
  if (listener_) listener_(kill_);
  return true;
}

void RiskEngine::trip(KillState to, std::string_view reason) { escalate(to, reason); }

void RiskEngine::reset() {
  const KillState from = kill_.state();
  kill_.reset(clock_.now());
  api_errors_.clear();
  events_.warn("kill_switch.reset", {{"from", to_string(from)}});
  if (listener_) listener_(kill_);
}

void RiskEngine::restore(const KillSwitch& saved) {
  kill_ = saved;
  events_.warn(
      "kill_switch.restore",
      {{"state", to_string(saved.state())}, {"reason", saved.reason()}, {"since", saved.since().to_rfc3339_ms()}});
}

bool RiskEngine::flat() const {
  if (!oms_) return true;
  for (const auto& p : oms_->positions().all()) {
    const Decimal lot = lot_of(p.symbol, p.market);
    if (!p.size.is_zero() && p.size.abs() >= lot) return false;
  }
  return true;
}

double RiskEngine::net_delta_bps(std::string_view symbol) const {
  if (!oms_) return 0.0;
  const Decimal spot = oms_->positions().size(symbol, MarketType::Spot);
  const Decimal perp = oms_->positions().size(symbol, MarketType::Perp);
  return bps((spot + perp).abs(), spot.abs() + perp.abs());
}

std::vector<oms::SubmitRequest> RiskEngine::flatten_all() const {
  std::vector<oms::SubmitRequest> out;
  if (!oms_) return out;
  for (const auto& p : oms_->positions().all()) {
    const Decimal lot = lot_of(p.symbol, p.market);
    Decimal size = p.size.abs();
    if (lot.is_positive()) {
      auto r = size.round_to_step(lot, Rounding::Down);
      size = r ? *r : Decimal{};
    }
    if (!size.is_positive()) continue;
    Decimal cap = max_size_for(p.symbol);
    const auto m = mark(p.symbol, p.market);
    if (limits_.max_order_notional.is_positive() && m && m->is_positive()) {
      // Stay inside the per-order notional limit too (with one lot of room for the price to move).
      Decimal by_notional = limits_.max_order_notional / *m;
      if (lot.is_positive()) {
        auto r = by_notional.round_to_step(lot, Rounding::Down);
        by_notional = r && *r > lot ? *r - lot : Decimal{};
      }
      if (by_notional.is_positive() && (!cap.is_positive() || by_notional < cap)) cap = by_notional;
    }
    if (cap.is_positive() && size > cap) size = cap;
    oms::SubmitRequest in;
    in.symbol = p.symbol;
    in.market = p.market;
    in.side = p.size.is_positive() ? Side::Sell : Side::Buy;
    in.type = OrderType::Market;
    in.size = size;
    in.reduce_only = p.market == MarketType::Perp;
    in.tag = "flatten";
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace carry::risk
