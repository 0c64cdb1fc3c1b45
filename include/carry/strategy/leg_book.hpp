#pragma once
// The leg book: what the strategy holds and has in flight. Per symbol its two legs (instrument,
// quote, position, entry cost); shared by all symbols our unfinished orders and the wallet. The
// queries answer what is left to hedge, what may be sold and whether the legs are flat or apart.
#include <carry/core/events.hpp>
#include <carry/core/time.hpp>
#include <carry/core/types.hpp>
#include <carry/strategy/order_intent.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace carry::strategy {

struct Quote {
  Decimal bid, bid_size, ask, ask_size;
  UnixNanos ts;        // the venue's time of the quote
  MonoNanos received;  // when it reached us: its age is measured from here
  Decimal mid() const { return Decimal::from_raw((bid.raw() + ask.raw()) / 2); }
};

struct Leg {
  std::optional<Instrument> inst;
  bool has_quote = false;
  Quote quote;
  Decimal position;          // ours, signed
  Decimal avg_entry;         // average entry price of the position (zero while flat)
  bool entry_known = true;   // false for adopted positions without an entry price
  bool stale_noted = false;  // a taker order waits for a fresh quote (logged once per episode)

  // A fill of `delta` (signed base coin) at `price`: the position and its average entry.
  void apply_fill(Decimal delta, Decimal price);
  // Start-up / reconciliation: the position as the venue has it, at `entry_price` when known.
  void adopt(Decimal size, std::optional<Decimal> entry_price);
  // Below one lot / the minimum size, or dust no order could close (under the minimum notional).
  bool is_flat() const;
  // The smallest tradable change: max(lot, min_size); zero without an instrument.
  Decimal step() const;
};

// The two legs of one symbol.
struct SymbolLegs {
  std::string symbol;
  Leg spot, perp;

  Leg& leg(MarketType m) { return m == MarketType::Spot ? spot : perp; }
  const Leg& leg(MarketType m) const { return m == MarketType::Spot ? spot : perp; }
  bool flat() const { return spot.is_flat() && perp.is_flat(); }
  // Within this the legs count as hedged: the larger of the two legs' steps.
  Decimal hedge_bound() const;
  // |spot + perp| / (|spot| + |perp|) in bps; 0 without a position.
  double net_delta_bps() const;
  // The basis of the two current quotes; nullopt until both legs are quoted.
  std::optional<double> current_basis() const;
  // The larger leg's notional at its mid (what max_symbol_notional limits).
  Decimal leg_notional() const;
  // The basis of the average fill prices of both legs, once both are known.
  std::optional<double> entry_basis() const;
  // Apart beyond the bound and the band, by more than dust: the hedge has failed if it lasts.
  bool apart(double rebalance_band_bps) const;
};

struct WorkingOrder {  // one of our orders the venue has not finished yet
  std::string symbol;
  MarketType market = MarketType::Spot;
  Side side = Side::Buy;
  Decimal size, filled;
  LegRole role = LegRole::Leader;
  bool cancel_requested = false;
  MonoNanos since;    // sent, or cancel requested
  bool done = false;  // the venue finished it; fills it reported are still to arrive
  Decimal remaining() const { return size > filled ? size - filled : Decimal{}; }
};

struct Balances {  // available amounts by coin, from BalanceUpdate
  std::map<std::string, Decimal, std::less<>> spot, perp;
  bool shared = false;  // one wallet funds both legs (UTA): the spot and perp amounts are one sum
};

struct HedgeNeed {
  Side side;
  Decimal size;
};

struct LegBook {
  // client id -> our unfinished order (ordered: deterministic output)
  std::map<std::string, WorkingOrder, std::less<>> working;
  Balances balances;
  // Spot inventory a sell may use: false = only what our own fills bought, true = the whole wallet.
  bool adopt_foreign_positions = false;

  // Signed remaining size of our orders on one leg (one role when given).
  Decimal in_flight(const SymbolLegs& s, MarketType m, std::optional<LegRole> role = {}) const;
  bool leader_live(const SymbolLegs& s, MarketType leader) const;
  std::size_t working_count(const SymbolLegs& s) const;
  // What a spot sell may use, never borrowed: minus sells already in flight.
  Decimal spot_sellable(const SymbolLegs& s) const;
  // The taker order on `m` that would bring spot + perp back to zero after what is in flight,
  // on the lot, within what may be sold and above the minimums; nullopt when there is none.
  std::optional<HedgeNeed> hedge_need(const SymbolLegs& s, MarketType m) const;

  void on_balance(const BalanceUpdate& b);
  // A valid fill of one of our orders on `s`: the leg's position and entry, the wallet (a
  // sell at once), and the order it fills (forgotten once the venue finished it and all it
  // filled has arrived).
  void apply_fill(SymbolLegs& s, const Fill& f);
};

}  // namespace carry::strategy
