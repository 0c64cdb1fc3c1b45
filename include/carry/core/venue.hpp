#pragma once
// The one interface to an exchange (DESIGN.md, "The Venue seam"): bitget::Gateway implements it
// over the real protocol, paper::Exchange in memory. Calls are awaitable on the single io_context.
#include <carry/core/events.hpp>
#include <carry/core/result.hpp>

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry {

struct PlaceOrderRequest : OrderSpec {
  std::string client_oid;
};

struct CancelOrderRequest {
  std::string symbol;
  MarketType market = MarketType::Spot;
  std::string client_oid;
  std::string order_id;  // optional; wins over client_oid when set
};

// Perp: modify-order (asynchronous cancel+replace, new client id). Spot: cancel-replace-order.
struct AmendOrderRequest {
  std::string symbol;
  MarketType market = MarketType::Spot;
  std::string client_oid;  // the order being replaced
  std::string order_id;
  std::string new_client_oid;
  Decimal new_price;
  Decimal new_size;
};

struct OrderAck {
  std::string order_id;  // may be empty (Bitget omits it in some reduce-only cases)
  std::string client_oid;
};

class Venue {
 public:
  using ExecHandler = std::function<void(const ExecEvent&)>;
  virtual ~Venue() = default;

  virtual boost::asio::awaitable<Result<OrderAck>> place(PlaceOrderRequest req) = 0;
  virtual boost::asio::awaitable<Result<OrderAck>> cancel(CancelOrderRequest req) = 0;
  virtual boost::asio::awaitable<Result<OrderAck>> amend(AmendOrderRequest req) = 0;
  // Open orders on both markets for the symbol ("" = all symbols).
  virtual boost::asio::awaitable<Result<std::vector<OrderUpdate>>> open_orders(std::string symbol) = 0;
  // Looks an order up by client id; nullopt when the venue has no such order.
  virtual boost::asio::awaitable<Result<std::optional<OrderUpdate>>> order_by_client_oid(std::string symbol,
                                                                                         MarketType market,
                                                                                         std::string client_oid) = 0;
  // The same by the venue's order id: how a fill that came without its client id (a spot push
  // after a lost ack or a restart) is named before it is ever called someone else's.
  virtual boost::asio::awaitable<Result<std::optional<OrderUpdate>>> order_by_id(std::string symbol, MarketType market,
                                                                                 std::string order_id) = 0;
  virtual boost::asio::awaitable<Result<std::vector<PositionUpdate>>> positions() = 0;
  virtual boost::asio::awaitable<Result<std::vector<BalanceUpdate>>> balances() = 0;
  // Our account's fills on one market of a symbol with start <= ts_event <= end, oldest first: how
  // what a lost push said is read back. Always an explicit window (venues page by time).
  virtual boost::asio::awaitable<Result<std::vector<Fill>>> fills(std::string symbol, MarketType market,
                                                                  UnixNanos start, UnixNanos end) = 0;

  // Where order updates, fills, positions, balances and funding payments are delivered.
  void set_exec_handler(ExecHandler handler) { exec_handler_ = std::move(handler); }
  // Told (with the order's client id) when a place or amend request leaves for the venue, after
  // any rate-limit or concurrency wait: the order's ack timeout starts there.
  using WrittenHandler = std::function<void(std::string_view client_oid)>;
  void set_written_handler(WrittenHandler handler) { written_handler_ = std::move(handler); }

 protected:
  void emit(const ExecEvent& ev) const {
    if (exec_handler_) exec_handler_(ev);
  }
  void written(std::string_view client_oid) const {
    if (written_handler_) written_handler_(client_oid);
  }

 private:
  ExecHandler exec_handler_;
  WrittenHandler written_handler_;
};

}  // namespace carry
