#include "pnl_tracker.hpp"

#include <carry/core/position_math.hpp>

namespace carry::app {

void PnlTracker::on_fill(const Fill& f) {
  fees_ += f.fee;
  day_fees_ += f.fee;
  Leg& l = leg(f.market);
  (void)apply_trade(l.size, l.avg_entry, f.side == Side::Buy ? f.size : -f.size, f.price);
}

void PnlTracker::on_funding(Decimal amount) {
  funding_ += amount;
  day_funding_ += amount;
}

void PnlTracker::adopt(MarketType market, Decimal size, std::optional<Decimal> mid) {
  Leg& l = leg(market);
  l.size = size;
  if (mid) l.avg_entry = *mid;
}

void PnlTracker::start_day() noexcept { day_funding_ = day_fees_ = Decimal{}; }

std::optional<Decimal> PnlTracker::entry_price(MarketType market) const {
  const Leg& l = leg(market);
  if (l.size.is_zero()) return std::nullopt;
  return l.avg_entry;
}

store::DailyPnlRecord PnlTracker::day_row(const std::string& date, const std::string& symbol, UnixNanos now) const {
  store::DailyPnlRecord r;
  r.date = date;
  r.symbol = symbol;
  r.funding = day_funding_;
  r.fees = day_fees_;
  r.net_pnl = r.funding - r.fees;
  r.updated = now;
  return r;
}

}  // namespace carry::app
