#pragma once
// The order manager: a sans-I/O state machine. The strategy calls submit/cancel/amend; the OMS
// applies its guards and queues Commands; the I/O shell executes them on a Venue and feeds the
// results (on_*_result) and the venue's ExecEvents (on_exec) back. Time comes only from the
// injected Clock.
#include <carry/core/client_oid.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/events.hpp>
#include <carry/core/time.hpp>
#include <carry/oms/command.hpp>
#include <carry/oms/maker_chaser.hpp>
#include <carry/oms/oms_metrics.hpp>
#include <carry/oms/oms_params.hpp>
#include <carry/oms/order.hpp>
#include <carry/oms/order_listener.hpp>
#include <carry/oms/position_book.hpp>
#include <carry/oms/pre_trade_check.hpp>
#include <carry/oms/seen_trades.hpp>
#include <carry/oms/top_of_book.hpp>

#include <array>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace carry::oms {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

class OrderManager {
 public:
  OrderManager(OmsParams params, ClientOidGenerator& ids, EventSink& events, const Clock& clock);

  void set_pre_trade_check(PreTradeCheck* check) noexcept { check_ = check; }
  void set_listener(OrderListener* listener) noexcept { listener_ = listener; }
  void add_instrument(const Instrument& instrument);
  const Instrument* instrument(std::string_view symbol, MarketType market) const noexcept;

  // ---- strategy side ----
  SubmitResult submit(SubmitRequest intent);
  // Cancels are never blocked by guards (they reduce risk). Errors: not_found, invalid_argument
  // (terminal order), duplicate (a cancel is already on the wire).
  Result<void> cancel(std::string_view client_oid, std::string_view reason = "strategy");
  std::size_t cancel_all(std::string_view symbol = {}, std::string_view reason = "cancel_all");
  // Replaces a resting limit order (perp modify / spot cancel-replace) under a new client id.
  // new_size is the size still wanted; by default what the amend chain has left to fill.
  SubmitResult amend(std::string_view client_oid, Decimal new_price, std::optional<Decimal> new_size = {});

  // ---- reconciliation ----
  // An order found on the venue (open orders at start-up, a query answer) becomes ours to track.
  void adopt(const OrderUpdate& update);
  void set_position(std::string_view symbol, MarketType market, Decimal size, Decimal avg_entry);

  // ---- shell side ----
  void take_commands(std::vector<Command>& out);
  std::vector<Command> take_commands();
  bool has_commands() const noexcept { return !commands_.empty(); }

  // The shell wrote the place/amend request for this order to the venue: its ack timeout starts.
  void on_request_written(std::string_view client_oid);
  void on_place_result(std::string_view client_oid, const Result<OrderAck>& result);
  void on_cancel_result(std::string_view client_oid, const Result<OrderAck>& result);
  void on_amend_result(std::string_view new_client_oid, const Result<OrderAck>& result);
  void on_query_result(std::string_view client_oid, const Result<std::optional<OrderUpdate>>& result);
  void on_exec(const ExecEvent& event);
  void on_market(const MarketEvent& event);
  void on_private_activity();  // any sign of life on the private stream (pong, login)
  void on_timer();             // timeouts, re-queries, cooldown exits, order TTL

  // ---- queries ----
  const Order* find(std::string_view client_oid) const noexcept;
  // By the venue's order id (Bitget's spot fill channel carries no clientOid).
  const Order* find_venue_order(std::string_view order_id) const noexcept;
  // Whether a fill with this trade id has been applied (or seen as foreign) already.
  // A trade applied before this process (the store's): its copies are duplicates from now on.
  void remember_trade(MarketType market, std::string_view trade_id) { seen_trades_.insert(market, trade_id); }
  bool has_trade(MarketType market, std::string_view trade_id) const;
  // A position found on the venue at start-up (ours, from the store's fills): booked at
  // `avg_entry` so the risk guards (staleness, loss, net delta) and flatten see it after a restart.
  void adopt_position(std::string_view symbol, MarketType market, Decimal size, Decimal avg_entry);
  // Asks the venue about every open order (pushes may have been lost): QueryOrder commands.
  void query_open_orders();
  std::vector<const Order*> open_orders(std::string_view symbol = {}) const;
  std::size_t order_count() const noexcept { return orders_.size(); }
  bool has_open_orders() const noexcept { return !open_.empty(); }
  const PositionBook& positions() const noexcept { return positions_; }
  const TopOfBook* top(std::string_view symbol, MarketType market) const noexcept;
  bool in_cooldown(std::string_view symbol) const noexcept;
  bool private_stream_stale() const noexcept;
  bool is_reducing(std::string_view symbol, MarketType market, Side side, Decimal size, bool reduce_only) const;
  const OmsMetrics& metrics() const noexcept { return metrics_; }
  OmsMetrics& metrics() noexcept { return metrics_; }
  const OmsParams& params() const noexcept { return params_; }
  // Drops terminal orders last changed before `before`, a Clock::mono() reading (memory bound).
  std::size_t prune_terminal(MonoNanos before);

 private:
  struct Leg {
    std::optional<Instrument> instrument;
    bool has_top = false;
    TopOfBook top;
    MakerChaser chaser;
  };
  struct SymbolState {
    std::array<Leg, 2> legs;        // indexed by MarketType
    std::deque<MonoNanos> rejects;  // venue rejects inside the burst window
    std::optional<MonoNanos> cooldown_until;
  };
  struct Chain {
    Decimal target;  // total size the strategy wants filled across replacements
    Decimal filled;
    std::string head;  // the newest order of the chain
  };
  struct Proposal;    // an order about to be sent, as the guards see it (order_guards.hpp)
  class Guards;       // the pre-trade guard pipeline (order_guards.cpp)
  class ChaseDriver;  // what the maker chasers may do to the manager (order_manager.cpp)

  SymbolState& state(std::string_view symbol);
  const SymbolState* find_state(std::string_view symbol) const noexcept;
  Leg* find_leg(std::string_view symbol, MarketType market) noexcept;
  Order* find_mut(std::string_view client_oid) noexcept;
  Order* find_by_order_id(std::string_view order_id) noexcept;

  // ---- guards (order_guards.cpp), and the lookups they share (order_manager.cpp) ----
  SubmitResult block(Guard guard, std::string reason, const SubmitRequest& intent, nlohmann::json extra = {});
  bool ws_stale(MonoNanos now) const noexcept;
  bool cooldown_active(std::string_view symbol, SymbolState& st, MonoNanos now);
  void count_reject(std::string_view symbol, MonoNanos now);
  bool unresolved_unknown(std::string_view symbol, MarketType market) const;
  Decimal open_size(std::string_view symbol, MarketType market, Side side) const;
  // is_reducing for an order replacing one that still has `replaced` to fill (zero for a new order).
  bool reduces(std::string_view symbol, MarketType market, Side side, Decimal size, bool reduce_only,
               Decimal replaced) const;

  // ---- strategy side (order_manager.cpp) ----
  SubmitResult place(SubmitRequest& in, const Proposal& p);
  // `chase` is the chase this amend is for (it is logged once, as chase.amend), else null.
  SubmitResult amend_order(std::string_view client_oid, Decimal new_price, std::optional<Decimal> new_size,
                           const ChaseState* chase);
  SubmitResult replace(Order& o, Chain& chain, const Proposal& p, bool resize, const ChaseState* chase);
  void log_amend(const Order& from, const Order& to, const ChaseState* chase);
  bool set_status(Order& o, OrderStatus to, std::string_view reason = {});
  void set_order_id(Order& o, std::string_view order_id);
  void notify(const Order& o);

  // ---- request results and unknown outcomes (outcome_resolution.cpp) ----
  void to_unknown(Order& o, std::string_view reason);
  void push_query(Order& o);
  void amend_failed(Order& replacement);

  // ---- execution stream (exec_handling.cpp) ----
  bool apply_update(Order& o, const OrderUpdate& u);
  void apply_fill(Order& o, const Fill& f);
  void handle_update(const OrderUpdate& u);
  void handle_fill(const Fill& f);
  void link_orphans(Order& o);
  void enforce_chain(const std::string& chain);

  OmsParams params_;
  ClientOidGenerator& ids_;
  EventSink& events_;
  const Clock& clock_;
  PreTradeCheck* check_ = nullptr;
  OrderListener* listener_ = nullptr;

  std::unordered_map<std::string, Order, StringHash, std::equal_to<>> orders_;
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> by_order_id_;
  std::unordered_set<std::string, StringHash, std::equal_to<>> open_;
  std::unordered_map<std::string, Chain, StringHash, std::equal_to<>> chains_;
  std::unordered_map<std::string, SymbolState, StringHash, std::equal_to<>> symbols_;
  SeenTrades seen_trades_;
  std::vector<Fill> orphan_fills_;  // fills whose order we do not know yet (fill before ack)
  std::vector<Command> commands_;
  PositionBook positions_;
  OmsMetrics metrics_;
  std::optional<MonoNanos> last_private_;
};

}  // namespace carry::oms
