// Exchange::on_bar: resting limit orders against a candle's range (backtests on candles). Kept
// apart from exchange.cpp, which holds the rules every feed shares.
#include <carry/paper/exchange.hpp>

namespace carry::paper {

void Exchange::on_bar(const Bar& bar) {
  const UnixNanos now = stamp(bar.end);
  if (next_settlement_.ns && now >= next_settlement_) settle_funding(now);
  Symbol* s = find_symbol(bar.symbol);
  if (!s) return;
  Book& book = s->books[static_cast<std::size_t>(bar.market)];
  book.bars = true;
  if (book.resting.empty()) return;
  Decimal buy_left = bar.size, sell_left = bar.size;
  const std::vector<Order*> snapshot = book.resting;  // fills take orders off the list
  for (Order* o : snapshot) {
    // A bar that began before the order existed may have made its low or high before it did.
    if (is_terminal(o->status) || o->placed >= bar.start) continue;
    const bool buy = o->side == Side::Buy;
    if (buy ? !(bar.low < o->px()) : !(bar.high > o->px())) continue;  // never at the touch
    Decimal& left = buy ? buy_left : sell_left;
    if (!left.is_positive()) continue;
    const Decimal qty = min(o->remaining(), left);
    left -= qty;
    fill(*s, book, *o, qty, o->px(), true, now);
  }
}

}  // namespace carry::paper
