#include <carry/oms/position_book.hpp>

#include <carry/core/position_math.hpp>

namespace carry::oms {

const Position* PositionBook::find(std::string_view symbol, MarketType market) const noexcept {
  for (const auto& p : positions_)
    if (p.market == market && p.symbol == symbol) return &p;
  return nullptr;
}

Decimal PositionBook::size(std::string_view symbol, MarketType market) const noexcept {
  const Position* p = find(symbol, market);
  return p ? p->size : Decimal{};
}

Position& PositionBook::get(std::string_view symbol, MarketType market) {
  for (auto& p : positions_)
    if (p.market == market && p.symbol == symbol) return p;
  Position p;
  p.symbol = std::string(symbol);
  p.market = market;
  positions_.push_back(std::move(p));
  return positions_.back();
}

void PositionBook::apply_fill(const Fill& fill, std::string_view base_coin) {
  Position& p = get(fill.symbol, fill.market);
  Decimal qty = fill.side == Side::Buy ? fill.size : -fill.size;
  const Decimal price = fill.price;
  const bool fee_in_base = !base_coin.empty() && fill.fee_coin == base_coin;
  if (fee_in_base) {
    p.fees += fill.fee * price;
    qty -= fill.fee;  // the venue keeps part of what we bought
  } else {
    p.fees += fill.fee;
  }
  p.realized_pnl += apply_trade(p.size, p.avg_entry, qty, price);
  p.last_update = fill.ts_event;
}

void PositionBook::apply_funding(const FundingPayment& payment) {
  Position& p = get(payment.symbol, MarketType::Perp);
  p.funding += payment.amount;
  p.last_update = payment.ts_event;
}

void PositionBook::set(std::string_view symbol, MarketType market, Decimal size, Decimal avg_entry, UnixNanos ts) {
  Position& p = get(symbol, market);
  p.size = size;
  p.avg_entry = avg_entry;
  p.venue_size = size;
  p.last_update = ts;
}

bool PositionBook::flat() const noexcept {
  for (const auto& p : positions_)
    if (!p.size.is_zero()) return false;
  return true;
}

}  // namespace carry::oms
