#pragma once
// One symbol's PnL as the daemon books it from Carry's own fills and funding payments: each leg's
// position at its average entry, and the funding and fees since start (the heartbeat) and since
// 00:00 UTC (the daily_pnl rows). No I/O: the runtime feeds it and writes what it reads out.
#include <carry/core/decimal.hpp>
#include <carry/core/events.hpp>
#include <carry/core/time.hpp>
#include <carry/store/records.hpp>

#include <optional>
#include <string>

namespace carry::app {

class PnlTracker {
 public:
  // A fill of ours, once per trade: its fee, and its leg's size and average entry (apply_trade).
  void on_fill(const Fill& fill);
  void on_funding(Decimal amount);
  // The start-up reconciliation's share of a leg: the size as found, entered at `mid` when there
  // is a quote (without one the entry stays what it was).
  void adopt(MarketType market, Decimal size, std::optional<Decimal> mid);
  // A new UTC day: its funding and fees count from zero.
  void start_day() noexcept;

  Decimal position(MarketType market) const noexcept { return leg(market).size; }
  // The average entry; none while the leg is flat.
  std::optional<Decimal> entry_price(MarketType market) const;
  Decimal funding() const noexcept { return funding_; }
  Decimal fees() const noexcept { return fees_; }
  Decimal day_funding() const noexcept { return day_funding_; }
  Decimal day_fees() const noexcept { return day_fees_; }
  // The day's daily_pnl row for `symbol`: net = funding - fees (the legs' price moves are not in it).
  store::DailyPnlRecord day_row(const std::string& date, const std::string& symbol, UnixNanos now) const;

 private:
  struct Leg {
    Decimal size, avg_entry;  // signed size; zero entry while flat
  };
  Leg& leg(MarketType market) noexcept { return market == MarketType::Spot ? spot_ : perp_; }
  const Leg& leg(MarketType market) const noexcept { return market == MarketType::Spot ? spot_ : perp_; }

  Leg spot_, perp_;
  Decimal funding_, fees_;          // since start
  Decimal day_funding_, day_fees_;  // today, UTC
};

}  // namespace carry::app
