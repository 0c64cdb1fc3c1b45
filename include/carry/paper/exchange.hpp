#pragma once
// paper::Exchange: a synchronous in-memory exchange, also the backtest's venue. Feed it
// MarketEvents; call place/cancel/amend; it answers at once and queues the ExecEvents a real venue
// would push (OrderUpdate, Fill, PositionUpdate, BalanceUpdate, FundingPayment), which the caller
// drains. Rules:
// - market orders fill at the touch moved by market_slippage_bps, at most the size left at the top
//   of the book (what our own orders took is gone until the next BBO); the rest is canceled;
// - limit orders through the touch take liquidity the same way (GTC rests the rest, IOC cancels
//   it, FOK fills all or nothing); resting limit orders fill at their price, as maker, when the
//   opposite BBO or a trade reaches them; post-only orders that would cross are rejected;
// - fees from the Instrument, in the quote coin (positive = paid);
// - perp: one-way net position, USDT margin at leverage; funding settles at each
//   next_settlement of the latest FundingRateUpdate: amount = -rate x signed size x mark price
//   (positive rate: shorts receive);
// - backtests on candles also feed each candle's range (on_bar, before its closing quote): from
//   then on that book's resting orders fill on bars only (see on_bar), not on its quotes.
#include <carry/core/events.hpp>
#include <carry/core/time.hpp>
#include <carry/core/venue.hpp>
#include <carry/paper/paper_params.hpp>

#include <array>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace carry::paper {

// One candle of one market, for the venue model only: never a MarketEvent, so the strategy,
// which runs unchanged live, never sees bars.
struct Bar {
  std::string_view symbol;
  MarketType market = MarketType::Spot;
  UnixNanos start, end;  // the candle's first and last instant; it is known at `end`
  Decimal high, low;
  Decimal size;  // base coin that traded through a price, per side, for our resting orders
};

struct Balance {
  Decimal available;
  Decimal frozen;
  Decimal total() const { return available + frozen; }
};

class Exchange {
 public:
  Exchange(PaperParams params, const Clock& clock);

  void add_instrument(const Instrument& instrument);
  void on_market(const MarketEvent& event);
  // Bar fill rule (exchange_bars.cpp): a resting limit order placed before the bar began fills at
  // its own price, as maker, when the bar traded THROUGH it (a buy when low < price, a sell when
  // high > price), up to bar.size per side. At exactly its price it never fills: a bar that only
  // touched it may have traded nothing to us (we cannot know our place in the queue there).
  void on_bar(const Bar& bar);

  Result<OrderAck> place(const PlaceOrderRequest& req);
  Result<OrderAck> cancel(const CancelOrderRequest& req);
  // Perp modify / spot cancel-replace: the old order is canceled, a new one placed under
  // new_client_oid. A replacement the book refuses (post-only cross, funds) is pushed as Rejected.
  Result<OrderAck> amend(const AmendOrderRequest& req);

  std::vector<OrderUpdate> open_orders(std::string_view symbol = {}) const;
  std::optional<OrderUpdate> order_by_id(std::string_view symbol, MarketType market, std::string_view order_id) const;
  std::optional<OrderUpdate> order_by_client_oid(std::string_view symbol, MarketType market,
                                                 std::string_view client_oid) const;
  std::vector<PositionUpdate> positions() const;
  std::vector<BalanceUpdate> balances() const;

  // Moves the ExecEvents produced so far to `out` (appended, in order).
  void drain_events(std::vector<ExecEvent>& out);
  bool has_events() const noexcept { return !events_.empty(); }

  // Direct state, for tests and reports.
  Decimal position(std::string_view symbol) const;  // perp, signed base
  std::optional<Decimal> entry_price(std::string_view symbol) const;
  Balance spot_balance(std::string_view coin) const;
  Balance futures_balance() const;  // USDT wallet less margin in use
  Decimal futures_wallet() const noexcept { return wallet_; }
  Decimal futures_equity() const;  // wallet + unrealized PnL
  void deposit(MarketType account, std::string_view coin, Decimal amount);
  std::size_t orders_accepted() const noexcept { return orders_.size(); }
  std::size_t open_order_count() const noexcept { return open_count_; }

 private:
  // The spec's price is always set here: the limit price, or what a market order was priced at
  // (its freeze); an OrderUpdate shows it for limit orders only.
  struct Order : OrderSpec {
    std::string client_oid, order_id;
    Decimal filled, notional;
    Decimal px() const { return price.value_or(Decimal{}); }
    OrderStatus status = OrderStatus::Acked;
    Decimal frozen;  // what is still frozen for it (quote, base or margin)
    std::string reason;
    UnixNanos ts_update;
    UnixNanos placed;  // only bars that begin later can fill it
    Decimal remaining() const { return size - filled; }
  };
  struct Book {
    std::optional<Instrument> instrument;
    bool has_bbo = false;
    bool bars = false;                     // fed bars: resting orders fill on bars, not quotes
    Decimal bid, ask, bid_left, ask_left;  // *_left: top size not yet taken by our orders
    std::vector<Order*> resting;
    bool has_buy = false, has_sell = false;
    Decimal best_buy, best_sell;  // most aggressive resting prices (fast no-cross test)
  };
  struct Funding {
    Decimal rate;
    UnixNanos next;  // 0: none scheduled
    int interval_hours = 0;
    std::optional<Decimal> mark;
    UnixNanos last_settled;
  };
  struct Perp {
    Decimal size, entry;
  };
  struct Symbol {
    std::array<Book, 2> books;
    Perp perp;
    Funding funding;
  };

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  Symbol* find_symbol(std::string_view symbol) noexcept;
  const Symbol* find_symbol(std::string_view symbol) const noexcept;
  Symbol& symbol(std::string_view symbol);
  Order* find_order(std::string_view order_id, std::string_view client_oid) noexcept;
  const Order* find_order(std::string_view order_id, std::string_view client_oid) const noexcept;

  UnixNanos stamp(UnixNanos t) noexcept;

  // Placement, cancel, amend and the order queries (exchange_orders.cpp).
  Result<OrderAck> place_at(const PlaceOrderRequest& req, UnixNanos now);
  std::optional<boost::system::error_code> check_request(const PlaceOrderRequest& req, const Book& book) const;
  Result<Decimal> funds_to_freeze(const Symbol& s, const Book& book, const PlaceOrderRequest& req, Decimal price);
  Result<Decimal> spot_funds(const Book& book, const PlaceOrderRequest& req, Decimal price);
  Result<Decimal> perp_funds(const Symbol& s, const Book& book, const PlaceOrderRequest& req, Decimal price) const;
  Order& record_order(const PlaceOrderRequest& req, Decimal price, Decimal freeze, UnixNanos now);
  void hold_funds(const Instrument& inst, const Order& o, UnixNanos now);
  void match_on_arrival(Symbol& s, Book& book, Order& o, bool crosses, UnixNanos now);
  OrderUpdate to_update(const Order& o) const;
  void push_order(const Order& o);

  // Matching and fills (exchange_matching.cpp).
  void match_resting(Symbol& s, Book& book, UnixNanos now);
  void match_trade(Symbol& s, Book& book, const TradeTick& t, UnixNanos now);
  void take_liquidity(Symbol& s, Book& book, Order& o, UnixNanos now);
  void fill(Symbol& s, Book& book, Order& o, Decimal qty, Decimal price, bool maker, UnixNanos now);
  void push_fill(const Order& o, const Instrument& inst, Decimal qty, Decimal price, Decimal fee, bool maker,
                 UnixNanos now);
  void finish(Symbol& s, Book& book, Order& o, OrderStatus status, std::string_view reason, UnixNanos now);
  void rest(Book& book, Order& o);
  void unrest(Book& book, Order& o);
  void recompute_best(Book& book);

  // Balances and positions (exchange_account.cpp).
  void apply_spot_fill(const Instrument& inst, Order& o, Decimal qty, Decimal notional, Decimal fee);
  void apply_perp_fill(Symbol& s, Order& o, Decimal qty, Decimal price, Decimal fee);
  void release(Book& book, Order& o);
  Decimal perp_margin_in_use() const;
  BalanceUpdate spot_balance_update(std::string_view coin, UnixNanos ts) const;
  BalanceUpdate futures_balance_update(UnixNanos ts) const;
  void push_spot_balance(std::string_view coin, UnixNanos now);
  void push_futures_balance(UnixNanos now);
  void push_position(std::string_view symbol, const Symbol& s, UnixNanos now);

  // Funding (exchange_funding.cpp).
  void settle_funding(UnixNanos now);
  void recompute_next_settlement();
  Decimal perp_mark(const Symbol& s) const;

  PaperParams params_;
  const Clock& clock_;
  std::unordered_map<std::string, Symbol, Hash, std::equal_to<>> symbols_;
  std::deque<Order> orders_;  // every order ever accepted; deque keeps pointers stable
  std::unordered_map<std::string, Order*, Hash, std::equal_to<>> by_client_;
  std::unordered_map<std::string, Order*, Hash, std::equal_to<>> by_id_;
  std::unordered_map<std::string, Balance, Hash, std::equal_to<>> spot_;
  Decimal wallet_;         // futures USDT wallet (realized PnL, fees, funding included)
  Decimal frozen_margin_;  // margin frozen for open perp orders
  std::vector<ExecEvent> events_;
  std::uint64_t order_seq_ = 0, trade_seq_ = 0;
  std::size_t open_count_ = 0;
  UnixNanos venue_ts_;         // never goes backwards
  UnixNanos next_settlement_;  // earliest scheduled funding settlement over all symbols; 0 = none
};

}  // namespace carry::paper
