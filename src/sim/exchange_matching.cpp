// Simulator: matching: takers walk the ladder, resting orders fill as makers once the tape
// reaches them; each execution becomes a fill, a trade print and its pushes.
#include "exchange.hpp"

#include <algorithm>

namespace carry::sim {

void Exchange::on_market(const std::vector<MarketChange>& changes, std::int64_t now_ms) {
  for (const auto& ch : changes) {
    const auto ids = pending_;
    for (const auto& id : ids) {
      auto it = orders_.find(id);
      if (it == orders_.end()) continue;
      Order& o = it->second;
      if (!o.pending() || o.market != ch.inst->spec.market || o.symbol != ch.inst->spec.symbol) continue;
      match_maker(o, *ch.inst, now_ms);
    }
  }
}

void Exchange::match_taker(Order& o, InstrumentMarket& inst, std::int64_t now_ms) {
  auto& levels = o.side == Side::Buy ? inst.asks : inst.bids;
  auto& taken = o.side == Side::Buy ? inst.ask_taken : inst.bid_taken;
  const bool quote_sized = o.market == Market::Spot && o.type == OrdType::Market && o.side == Side::Buy;
  Account& acc = accounts_.at(o.account);
  for (std::size_t i = 0; i < levels.size() && o.pending(); ++i) {
    const Decimal lp = levels[i].price;
    if (o.type == OrdType::Limit && (o.side == Side::Buy ? lp > o.price : lp < o.price)) break;
    Decimal avail = levels[i].size - taken[i];
    if (!avail.is_positive()) continue;
    Decimal qty;
    if (quote_sized) {
      qty = ((o.size - o.filled_quote) / lp).round_to_step(inst.spec.size_multiplier, Rounding::Down).value();
      qty = min(qty, avail);
    } else {
      qty = min(o.size - o.filled, avail);
    }
    if (o.reduce_only) qty = min(qty, reducible(acc, o));
    if (!qty.is_positive()) break;
    taken[i] += qty;
    execute(o, inst, lp, qty, false, now_ms);
  }
}

void Exchange::match_maker(Order& o, InstrumentMarket& inst, std::int64_t now_ms) {
  auto& levels = o.side == Side::Buy ? inst.asks : inst.bids;
  auto& taken = o.side == Side::Buy ? inst.ask_taken : inst.bid_taken;
  Account& acc = accounts_.at(o.account);
  for (std::size_t i = 0; i < levels.size() && o.pending(); ++i) {
    const Decimal lp = levels[i].price;
    if (o.side == Side::Buy ? lp > o.price : lp < o.price) break;
    Decimal qty = min(o.size - o.filled, levels[i].size - taken[i]);
    if (o.reduce_only) qty = min(qty, reducible(acc, o));
    if (!qty.is_positive()) {
      if (o.reduce_only && !reducible(acc, o).is_positive()) break;
      continue;
    }
    taken[i] += qty;
    execute(o, inst, o.price, qty, true, now_ms);
  }
}

void Exchange::execute(Order& o, InstrumentMarket& inst, Decimal price, Decimal qty, bool maker, std::int64_t now_ms) {
  Account& acc = accounts_.at(o.account);
  const auto& spec = inst.spec;
  Fill f;
  f.trade_id = next_id(trade_counter_, 1'200'000'000'000'000'000LL);
  f.order_id = o.order_id;
  f.client_oid = o.client_oid;
  f.account = o.account;
  f.market = o.market;
  f.symbol = o.symbol;
  f.side = o.side;
  f.type = o.type;
  f.price = price;
  f.size = qty;
  f.quote = price * qty;
  f.maker = maker;
  f.ts = now_ms;
  const Decimal rate = maker ? spec.maker_fee : spec.taker_fee;
  if (o.market == Market::Spot && o.side == Side::Buy) {
    f.fee = -(qty * rate);
    f.fee_coin = spec.base_coin;
  } else {
    f.fee = -(f.quote * rate);
    f.fee_coin = spec.quote_coin;
  }
  const Decimal remaining_before = o.size - o.filled;
  o.filled += qty;
  o.filled_quote += f.quote;
  o.fee += f.fee;
  o.u_time = now_ms;
  if (o.market == Market::Perp) {
    if (o.frozen.is_positive()) {
      // Release the order margin in proportion to the executed part of what remained.
      const Decimal rel = qty >= remaining_before ? o.frozen : o.frozen * qty / remaining_before;
      o.frozen -= rel;
    }
    apply_perp_fill(acc, o, f, spec, now_ms);
  } else {
    apply_spot_fill(acc, o, f, spec);
    acc.spot_utime[spec.base_coin] = acc.spot_utime[spec.quote_coin] = now_ms;
  }
  bool done;
  if (o.market == Market::Spot && o.type == OrdType::Market && o.side == Side::Buy) {
    // Quote-sized: done when what is left cannot buy one more lot at this price.
    done = (o.size - o.filled_quote) < price * spec.size_multiplier;
  } else {
    done = o.filled >= o.size;
  }
  o.status = done ? OrdStatus::Filled : OrdStatus::PartiallyFilled;
  if (done && o.frozen.is_positive()) release_frozen(acc, o, o.frozen);
  acc.fills.push_back(f);
  ++fills_count_;
  market_.record_trade(inst, price, qty, maker ? o.side == Side::Sell : o.side == Side::Buy, now_ms);
  push_order(o, f);
  PrivateEvent fe;
  fe.kind = PrivateEvent::Kind::Fill;
  fe.account = o.account;
  fe.market = o.market;
  fe.fill = f;
  events_.push_back(std::move(fe));
  push_account(acc, o.market);
  if (done) pending_.erase(std::remove(pending_.begin(), pending_.end(), o.order_id), pending_.end());
}

void Exchange::release_frozen(Account& acc, Order& o, Decimal amount) {
  if (o.market == Market::Spot) {
    acc.spot_frozen[o.frozen_coin] -= amount;
    acc.spot_available[o.frozen_coin] += amount;
  }
  o.frozen -= amount;
}

void Exchange::finish_cancel(Order& o, const std::string& reason, std::int64_t now_ms) {
  Account& acc = accounts_.at(o.account);
  if (o.frozen.is_positive()) release_frozen(acc, o, o.frozen);
  o.status = OrdStatus::Canceled;
  o.cancel_reason = reason;
  o.u_time = now_ms;
  pending_.erase(std::remove(pending_.begin(), pending_.end(), o.order_id), pending_.end());
  push_order(o);
  push_account(acc, o.market);
}

}  // namespace carry::sim
