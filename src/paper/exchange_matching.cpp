// paper::Exchange: matching (resting orders against quotes and trades, takers against the touch),
// fills and their events, and the resting book's bookkeeping.
#include <carry/paper/exchange.hpp>

#include "exchange_internal.hpp"

#include <algorithm>

namespace carry::paper {

using namespace detail;

void Exchange::match_resting(Symbol& s, Book& book, UnixNanos now) {
  const bool buy_cross =
      book.has_buy && book.ask.is_positive() && book.best_buy >= book.ask && book.ask_left.is_positive();
  const bool sell_cross =
      book.has_sell && book.bid.is_positive() && book.best_sell <= book.bid && book.bid_left.is_positive();
  if (!buy_cross && !sell_cross) return;
  const std::vector<Order*> snapshot = book.resting;  // fills take orders off the list
  for (Order* o : snapshot) {
    if (!is_terminal(o->status)) {
      if (o->side == Side::Buy && buy_cross && o->px() >= book.ask && book.ask_left.is_positive()) {
        const Decimal qty = min(o->remaining(), book.ask_left);
        book.ask_left -= qty;
        fill(s, book, *o, qty, o->px(), true, now);
      } else if (o->side == Side::Sell && sell_cross && o->px() <= book.bid && book.bid_left.is_positive()) {
        const Decimal qty = min(o->remaining(), book.bid_left);
        book.bid_left -= qty;
        fill(s, book, *o, qty, o->px(), true, now);
      }
    }
  }
}

void Exchange::match_trade(Symbol& s, Book& book, const TradeTick& t, UnixNanos now) {
  Decimal left = t.size;
  const std::vector<Order*> snapshot = book.resting;
  for (Order* o : snapshot) {
    if (!left.is_positive()) break;
    if (is_terminal(o->status)) continue;
    // A trade through our price, or at it by an aggressor on the other side, reaches us.
    const bool reaches = o->side == Side::Buy ? (t.price < o->px() || (t.price == o->px() && t.aggressor == Side::Sell))
                                              : (t.price > o->px() || (t.price == o->px() && t.aggressor == Side::Buy));
    if (!reaches) continue;
    const Decimal qty = min(o->remaining(), left);
    left -= qty;
    fill(s, book, *o, qty, o->px(), true, now);
  }
}

void Exchange::take_liquidity(Symbol& s, Book& book, Order& o, UnixNanos now) {
  const Instrument& inst = *book.instrument;
  const bool buy = o.side == Side::Buy;
  Decimal& left = buy ? book.ask_left : book.bid_left;
  const Decimal touch = buy ? book.ask : book.bid;
  if (!left.is_positive() || !touch.is_positive()) return;
  const Decimal px =
      o.type == OrderType::Market ? slipped(touch, params_.market_slippage_bps, o.side, inst.tick) : touch;
  const Decimal qty = min(o.remaining(), left);
  left -= qty;
  fill(s, book, o, qty, px, false, now);
}

void Exchange::fill(Symbol& s, Book& book, Order& o, Decimal qty, Decimal price, bool maker, UnixNanos now) {
  const Instrument& inst = *book.instrument;
  if (o.market == MarketType::Perp && o.reduce_only) {
    // Reduce-only never flips: whatever exceeds the position now is canceled.
    const Decimal pos = s.perp.size;
    const bool opposite = !pos.is_zero() && (pos.is_positive() != (o.side == Side::Buy));
    qty = opposite ? min(qty, pos.abs()) : Decimal{};
    if (!qty.is_positive()) {
      finish(s, book, o, OrderStatus::Canceled, "reduce_only_no_position", now);
      return;
    }
  }
  const Decimal notional = price * qty;
  const Decimal fee = notional * (maker ? inst.maker_fee : inst.taker_fee);
  o.filled += qty;
  o.notional += notional;
  o.ts_update = now;
  if (o.market == MarketType::Spot)
    apply_spot_fill(inst, o, qty, notional, fee);
  else
    apply_perp_fill(s, o, qty, price, fee);
  push_fill(o, inst, qty, price, fee, maker, now);

  if (o.filled >= o.size) {
    finish(s, book, o, OrderStatus::Filled, {}, now);  // pushes the order and the balances
  } else {
    o.status = OrderStatus::PartiallyFilled;
    push_order(o);
    if (o.market == MarketType::Spot) {
      push_spot_balance(inst.base_coin, now);
      push_spot_balance(inst.quote_coin, now);
    } else {
      push_futures_balance(now);
    }
  }
  if (o.market == MarketType::Perp) push_position(o.symbol, s, now);
}

void Exchange::push_fill(const Order& o, const Instrument& inst, Decimal qty, Decimal price, Decimal fee, bool maker,
                         UnixNanos now) {
  Fill f;
  f.symbol = o.symbol;
  f.market = o.market;
  f.client_oid = o.client_oid;
  f.order_id = o.order_id;
  f.trade_id = "T" + params_.id_prefix + (params_.id_prefix.empty() ? "" : "-") + std::to_string(++trade_seq_);
  f.side = o.side;
  f.price = price;
  f.size = qty;
  f.fee = fee;
  f.fee_coin = inst.quote_coin;
  f.maker = maker;
  f.ts_event = f.ts_init = now;
  events_.emplace_back(std::move(f));
}

void Exchange::finish(Symbol& s, Book& book, Order& o, OrderStatus status, std::string_view reason, UnixNanos now) {
  o.status = status;
  o.reason = std::string(reason);
  o.ts_update = now;
  release(book, o);
  unrest(book, o);
  --open_count_;
  push_order(o);
  if (o.market == MarketType::Spot) {
    const Instrument& inst = *book.instrument;
    push_spot_balance(inst.base_coin, now);
    push_spot_balance(inst.quote_coin, now);
  } else {
    push_futures_balance(now);
  }
}

void Exchange::rest(Book& book, Order& o) {
  book.resting.push_back(&o);
  if (o.side == Side::Buy) {
    if (!book.has_buy || o.px() > book.best_buy) book.best_buy = o.px();
    book.has_buy = true;
  } else {
    if (!book.has_sell || o.px() < book.best_sell) book.best_sell = o.px();
    book.has_sell = true;
  }
}

void Exchange::unrest(Book& book, Order& o) {
  auto it = std::find(book.resting.begin(), book.resting.end(), &o);
  if (it == book.resting.end()) return;
  book.resting.erase(it);
  recompute_best(book);
}

void Exchange::recompute_best(Book& book) {
  book.has_buy = book.has_sell = false;
  for (const Order* o : book.resting) {
    if (o->side == Side::Buy) {
      if (!book.has_buy || o->px() > book.best_buy) book.best_buy = o->px();
      book.has_buy = true;
    } else {
      if (!book.has_sell || o->px() < book.best_sell) book.best_sell = o->px();
      book.has_sell = true;
    }
  }
}

}  // namespace carry::paper
