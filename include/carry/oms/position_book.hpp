#pragma once
// Positions per (symbol, market) built from our own fills (deduplicated upstream), with average
// entry, realized PnL, fees and funding. Spot positions are base-coin holdings moved by our fills.
#include <carry/core/events.hpp>

#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace carry::oms {

struct Position {
  std::string symbol;
  MarketType market = MarketType::Spot;
  Decimal size;  // signed base coin: + long, - short
  Decimal avg_entry;
  Decimal realized_pnl;               // quote, before fees and funding
  Decimal fees;                       // quote, positive = paid
  Decimal funding;                    // quote, positive = received
  std::optional<Decimal> venue_size;  // last size the venue reported (reconciliation aid)
  UnixNanos last_update;

  Decimal unrealized(Decimal mark) const { return (mark - avg_entry) * size; }
  Decimal net_pnl(Decimal mark) const { return realized_pnl - fees + funding + unrealized(mark); }
};

class PositionBook {
 public:
  const Position* find(std::string_view symbol, MarketType market) const noexcept;
  Decimal size(std::string_view symbol, MarketType market) const noexcept;
  Position& get(std::string_view symbol, MarketType market);

  // `base_coin` lets a fee charged in the base coin (spot buys on Bitget) be valued in quote and
  // taken off the holding.
  void apply_fill(const Fill& fill, std::string_view base_coin = {});
  void apply_funding(const FundingPayment& payment);
  // Reconciliation: the venue's truth replaces ours.
  void set(std::string_view symbol, MarketType market, Decimal size, Decimal avg_entry, UnixNanos ts);

  const std::deque<Position>& all() const noexcept { return positions_; }
  bool flat() const noexcept;

 private:
  std::deque<Position> positions_;  // few legs; deque keeps references stable
};

}  // namespace carry::oms
