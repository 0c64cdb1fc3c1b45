// paper::Exchange: funding settlement at each symbol's next settlement time, and the perp mark
// price it (and the unrealized PnL) uses.
#include <carry/paper/exchange.hpp>

#include "exchange_internal.hpp"

namespace carry::paper {

using namespace detail;

void Exchange::recompute_next_settlement() {
  next_settlement_ = UnixNanos{};
  for (const auto& [name, s] : symbols_)
    if (s.funding.next.ns && (!next_settlement_.ns || s.funding.next < next_settlement_))
      next_settlement_ = s.funding.next;
}

Decimal Exchange::perp_mark(const Symbol& s) const {
  if (s.funding.mark) return *s.funding.mark;
  const Book& b = s.books[mi(MarketType::Perp)];
  if (b.has_bbo && b.bid.is_positive() && b.ask.is_positive())
    return Decimal::from_raw((b.bid.raw() + b.ask.raw()) / 2);
  return s.perp.entry;
}

void Exchange::settle_funding(UnixNanos now) {
  for (auto& [name, s] : symbols_) {
    Funding& f = s.funding;
    while (f.next.ns && now >= f.next) {
      if (!s.perp.size.is_zero()) {
        const Decimal mark = perp_mark(s);
        // Positive rate: longs pay shorts. Our signed size makes the sign come out right.
        const Decimal amount = -(f.rate * s.perp.size * mark);
        wallet_ += amount;
        FundingPayment p;
        p.symbol = name;
        p.amount = amount;
        p.rate = f.rate;
        p.position_size = s.perp.size;
        p.mark_price = mark;
        p.ts_event = f.next;
        p.ts_init = now;
        events_.emplace_back(std::move(p));
        push_futures_balance(now);
      }
      f.last_settled = f.next;
      f.next = f.interval_hours > 0 ? f.next + std::chrono::hours(f.interval_hours) : UnixNanos{};
    }
  }
  recompute_next_settlement();
}

}  // namespace carry::paper
