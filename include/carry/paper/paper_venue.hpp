#pragma once
// carry::Venue over a paper::Exchange: every call completes at once. The exchange's ExecEvents are
// delivered to the exec handler before the call's result, like a fast private stream.
#include <carry/paper/exchange.hpp>

#include <deque>
#include <vector>

namespace carry::paper {

class PaperVenue final : public Venue {
 public:
  explicit PaperVenue(Exchange& exchange) : exchange_(exchange) {}

  boost::asio::awaitable<Result<OrderAck>> place(PlaceOrderRequest req) override;
  boost::asio::awaitable<Result<OrderAck>> cancel(CancelOrderRequest req) override;
  boost::asio::awaitable<Result<OrderAck>> amend(AmendOrderRequest req) override;
  boost::asio::awaitable<Result<std::vector<OrderUpdate>>> open_orders(std::string symbol) override;
  boost::asio::awaitable<Result<std::optional<OrderUpdate>>> order_by_client_oid(std::string symbol, MarketType market,
                                                                                 std::string client_oid) override;
  boost::asio::awaitable<Result<std::optional<OrderUpdate>>> order_by_id(std::string symbol, MarketType market,
                                                                         std::string order_id) override;
  boost::asio::awaitable<Result<std::vector<PositionUpdate>>> positions() override;
  boost::asio::awaitable<Result<std::vector<BalanceUpdate>>> balances() override;
  boost::asio::awaitable<Result<std::vector<Fill>>> fills(std::string symbol, MarketType market, UnixNanos start,
                                                          UnixNanos end) override;

  // Market data goes to the exchange here so that the fills it causes reach the handler.
  void on_market(const MarketEvent& event);
  Exchange& exchange() noexcept { return exchange_; }

 private:
  void flush();

  Exchange& exchange_;
  std::vector<ExecEvent> drained_;
  std::deque<ExecEvent> pending_;  // drained from the exchange, not yet delivered
  std::deque<Fill> history_;       // the last kFillHistory fills delivered, for fills()
  static constexpr std::size_t kFillHistory = 10'000;
  bool flushing_ = false;
};

}  // namespace carry::paper
