#pragma once
// The simulator's matching engine and ledger (sans-I/O): accounts, spot balances, the USDT-M
// futures account, orders, fills, positions (one-way and hedge), bills and funding settlement.
// Liquidity comes from MarketState: takers walk the ladder (level 0 = the tape's top of book,
// consumed per tape row); resting orders fill as makers at their own price once the tape's
// opposite side reaches them. Every state change is reported as a PrivateEvent for the pushes.
#include "funding.hpp"
#include "instrument_spec.hpp"
#include "market.hpp"

#include <carry/core/decimal.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <variant>
#include <vector>

namespace carry::sim {

enum class Side { Buy, Sell };
enum class OrdType { Limit, Market };
enum class Force { Gtc, PostOnly, Ioc, Fok };
enum class OrdStatus { Live, PartiallyFilled, Filled, Canceled };

std::string_view to_string(Side s) noexcept;
std::string_view to_string(OrdType t) noexcept;
std::string_view to_string(Force f) noexcept;
// Futures spell "canceled", spot "cancelled" (REFERENCE trap 8).
std::string_view to_string(OrdStatus s, Market m) noexcept;

// A Bitget business error: code, message and the HTTP status it comes with.
struct ApiError {
  std::string code;
  std::string msg;
  int http_status = 400;
};

template <class T>
using ApiResult = std::variant<T, ApiError>;

struct Order {
  std::string order_id, client_oid, account;
  Market market = Market::Spot;
  std::string symbol;
  Side side = Side::Buy;
  OrdType type = OrdType::Limit;
  Force force = Force::Gtc;
  Decimal price;         // zero for market orders
  Decimal size;          // base coin; quote coin for a spot market buy
  Decimal filled;        // base coin
  Decimal filled_quote;  // quote coin
  Decimal fee;           // cumulative, negative = paid
  std::string fee_coin;
  bool reduce_only = false;
  std::string trade_side;   // perp: open | close
  std::string pos_side;     // perp: long | short
  std::string pos_mode;     // one_way_mode | hedge_mode
  std::string margin_mode;  // crossed | isolated
  int leverage = 0;
  OrdStatus status = OrdStatus::Live;
  std::string cancel_reason;
  Decimal frozen;  // funds still reserved: spot coin amount, perp margin (USDT)
  std::string frozen_coin;
  std::int64_t c_time = 0, u_time = 0;

  bool pending() const { return status == OrdStatus::Live || status == OrdStatus::PartiallyFilled; }
  Decimal avg_price() const;
};

struct Fill {
  std::string trade_id, order_id, client_oid, account;
  Market market = Market::Spot;
  std::string symbol;
  Side side = Side::Buy;
  OrdType type = OrdType::Limit;
  Decimal price, size, quote;
  Decimal fee;  // negative = paid
  std::string fee_coin;
  bool maker = false;
  Decimal profit;  // realised PnL (perp)
  std::string trade_side, pos_mode;
  std::int64_t ts = 0;
};

struct Bill {
  std::string bill_id, symbol, business_type, coin;
  Decimal amount, fee, balance;
  std::int64_t c_time = 0;
};

struct Position {
  std::string pos_id, symbol, hold_side;  // long | short
  Decimal total;                          // >= 0
  Decimal open_price_avg;
  Decimal achieved_profits;
  Decimal total_fee;  // accumulated funding (signed)
  std::int64_t c_time = 0, u_time = 0;
};

struct Account {
  std::string api_key, secret, passphrase;
  // Bitget's accountMode: classic (v2 API) or a UTA one (v3 API): unified | hybrid |
  // upgrading | switching. Decides which private REST family answers (rest_api.cpp).
  std::string account_mode = "classic";
  std::map<std::string, Decimal> spot_available, spot_frozen;
  std::map<std::string, std::int64_t> spot_utime;
  Decimal futures_cash;  // USDT wallet of the USDT-M futures account
  std::int64_t futures_utime = 0;
  std::string pos_mode = "one_way_mode";            // the whole USDT-M product type
  std::string margin_mode = "crossed";              // every symbol's until set-margin-mode changes it
  std::map<std::string, std::string> margin_modes;  // per symbol, as Bitget keeps it
  int default_leverage = 10;
  std::map<std::string, int> leverage;
  std::vector<Position> positions;
  std::vector<Bill> bills;
  std::vector<Fill> fills;

  int leverage_for(const std::string& symbol) const;
  const std::string& margin_mode_for(const std::string& symbol) const;
};

struct PrivateEvent {
  enum class Kind { Order, Fill, Positions, FuturesAccount, SpotAccount };
  Kind kind = Kind::Order;
  std::string account;
  Market market = Market::Spot;
  Order order;                      // Kind::Order: snapshot after the change
  std::optional<Fill> fill;         // Kind::Order (the last fill, if this update is one) / Kind::Fill
  std::vector<Position> positions;  // Kind::Positions: open positions + any that just closed
};

struct PlaceRequest {
  Market market = Market::Spot;
  std::string symbol;
  Side side = Side::Buy;
  OrdType type = OrdType::Limit;
  Force force = Force::Gtc;
  std::optional<Decimal> price;
  Decimal size;
  std::string client_oid;
  bool reduce_only = false;
  std::string trade_side;  // hedge mode: open | close
  std::string margin_mode;
};

struct StartingBalances {
  std::map<std::string, Decimal> spot;  // coin -> amount
  Decimal futures_usdt;
};

class Exchange {
 public:
  Exchange(MarketState& market, std::int64_t modify_delay_ms = 100);

  Account& add_account(const std::string& key, const std::string& secret, const std::string& passphrase,
                       const StartingBalances& balances, int default_leverage, const std::string& pos_mode,
                       const std::string& margin_mode = "crossed");
  Account* account(const std::string& key);
  const std::map<std::string, Account>& accounts() const { return accounts_; }

  ApiResult<Order> place(const std::string& account, const PlaceRequest& req, std::int64_t now_ms);
  // By order id (wins) or client oid among this account's orders of that market.
  ApiResult<Order> cancel(const std::string& account, Market market, const std::string& symbol,
                          const std::string& order_id, const std::string& client_oid, std::int64_t now_ms);
  // Perp modify-order: validated now, executed (cancel + new order) `modify_delay_ms` later.
  ApiResult<Order> modify(const std::string& account, const std::string& symbol, const std::string& order_id,
                          const std::string& client_oid, const std::string& new_client_oid,
                          std::optional<Decimal> new_size, std::optional<Decimal> new_price, std::int64_t now_ms);
  // v3 modify-order: amends a pending limit order in place, keeping its orderId and clientOid: new
  // size and/or price, the reserved funds re-sized, matched again when the new price crosses
  // (exchange_amend.cpp).
  ApiResult<Order> amend(const std::string& account, Market market, const std::string& order_id,
                         std::optional<Decimal> new_size, std::optional<Decimal> new_price, std::int64_t now_ms);
  // Spot cancel-replace-order: synchronous cancel + place.
  ApiResult<Order> cancel_replace(const std::string& account, const std::string& symbol, const std::string& order_id,
                                  const std::string& client_oid, const std::string& new_client_oid, Decimal price,
                                  Decimal size, std::int64_t now_ms);
  std::vector<Order> cancel_all(const std::string& account, Market market, const std::string& symbol_or_empty,
                                std::int64_t now_ms);

  // The account settings (exchange_settings.cpp). As on Bitget, the position mode (whole product
  // type) cannot change while the account holds a perp position or a pending perp order, nor a
  // symbol's margin mode while that symbol has one: 40920. Leverage can change at any time.
  ApiResult<int> set_leverage(const std::string& account, const std::string& symbol, int leverage);
  ApiResult<std::string> set_position_mode(const std::string& account, const std::string& mode);
  ApiResult<std::string> set_margin_mode(const std::string& account, const std::string& symbol,
                                         const std::string& mode);

  // Tape moved: fill resting orders that the new book reaches; run due modify-orders.
  void on_market(const std::vector<MarketChange>& changes, std::int64_t now_ms);
  void on_timer(std::int64_t now_ms);
  // Settles funding for every position in `symbol`; returns the number of positions settled.
  int settle_funding(const std::string& symbol, Decimal rate, std::int64_t settle_ms, std::int64_t now_ms);

  const Order* find_order(const std::string& account, Market market, const std::string& order_id,
                          const std::string& client_oid) const;
  std::vector<const Order*> orders(const std::string& account, Market market, bool pending) const;

  // Futures account figures (crossed margin).
  struct FuturesFigures {
    Decimal cash, unrealized_pl, equity, position_margin, order_margin, available;
  };
  FuturesFigures futures_figures(const Account& acc) const;
  Decimal unrealized_pl(const Position& p) const;
  Decimal position_margin(const Account& acc, const Position& p) const;

  std::vector<PrivateEvent> drain_events();
  std::uint64_t orders_placed() const { return orders_placed_; }
  // Requests refused for a clientOid already live, and accepted orders whose clientOid an earlier
  // order of the account already had: a correct client keeps both at zero.
  std::uint64_t duplicate_client_oids() const { return duplicate_client_oids_; }
  std::uint64_t client_oids_reused() const { return client_oids_reused_; }
  std::uint64_t fills_count() const { return fills_count_; }

 private:
  struct PendingModify {
    std::string account, order_id, new_client_oid;
    Decimal new_size, new_price;
    std::int64_t due_ms = 0;
  };

  // Placement (exchange_orders.cpp).
  ApiResult<Order> place_internal(Account& acc, const PlaceRequest& req, std::int64_t now_ms);
  std::optional<ApiError> validate(Account& acc, const PlaceRequest& req, const InstrumentSpec& spec) const;
  std::optional<ApiError> validate_perp(Account& acc, const PlaceRequest& req, const InstrumentSpec& spec,
                                        Decimal notional) const;
  Order new_order(const Account& acc, const PlaceRequest& req, std::int64_t now_ms);
  Order& accept(Account& acc, const Order& o);
  // Post-only that would cross, FOK that cannot fill: canceled at once (true).
  bool cancel_on_arrival(Account& acc, Order& o, const InstrumentMarket& inst, std::int64_t now_ms);
  // Funds the rest of an amended order needs (perp margin, spot coin); an error when they are short.
  std::optional<ApiError> reserve_for_amend(Account& acc, Order& o, Decimal price, Decimal size, std::int64_t now_ms);
  void match_taker(Order& o, InstrumentMarket& inst, std::int64_t now_ms);
  void match_maker(Order& o, InstrumentMarket& inst, std::int64_t now_ms);
  void execute(Order& o, InstrumentMarket& inst, Decimal price, Decimal qty, bool maker, std::int64_t now_ms);
  void apply_perp_fill(Account& acc, Order& o, Fill& f, const InstrumentSpec& spec, std::int64_t now_ms);
  void apply_spot_fill(Account& acc, Order& o, Fill& f, const InstrumentSpec& spec);
  void finish_cancel(Order& o, const std::string& reason, std::int64_t now_ms);
  void release_frozen(Account& acc, Order& o, Decimal amount);
  Position* position(Account& acc, const std::string& symbol, const std::string& hold_side, bool create,
                     std::int64_t now_ms);
  Decimal reducible(const Account& acc, const Order& o) const;
  void push_order(const Order& o, const std::optional<Fill>& fill = std::nullopt);
  void push_positions(Account& acc, std::vector<Position> closed = {});
  void push_account(const Account& acc, Market m);
  std::string next_id(std::uint64_t& counter, std::int64_t base);
  // A position or a pending perp order of the account (in `symbol`; "" = any symbol).
  bool perp_busy(const std::string& account, const Account& acc, const std::string& symbol) const;

  MarketState& market_;
  std::int64_t modify_delay_ms_;
  std::map<std::string, Account> accounts_;
  std::map<std::string, Order> orders_;  // by order id; never erased (history)
  std::vector<std::string> pending_;     // order ids in time priority
  std::deque<PendingModify> modifies_;
  std::vector<PrivateEvent> events_;
  std::uint64_t order_counter_ = 0, trade_counter_ = 0, bill_counter_ = 0, pos_counter_ = 0;
  std::uint64_t orders_placed_ = 0, fills_count_ = 0;
  mutable std::uint64_t duplicate_client_oids_ = 0;  // counted by the const validation
  std::uint64_t client_oids_reused_ = 0;
  std::unordered_set<std::string> client_oids_seen_;  // "<account>|<market>|<clientOid>"
};

}  // namespace carry::sim
