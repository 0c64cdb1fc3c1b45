#include <carry/paper/paper_venue.hpp>

namespace carry::paper {

namespace asio = boost::asio;

// Re-entrant: a handler may call back into the venue (carryd's OMS places the follower leg from
// inside a fill's handler, and co_spawn runs that call inline). The inner call only queues its
// events; the outer loop delivers everything in the exchange's order, each event exactly once.
void PaperVenue::flush() {
  drained_.clear();
  exchange_.drain_events(drained_);
  for (auto& e : drained_) pending_.push_back(std::move(e));
  if (flushing_) return;
  struct Done {
    bool& flag;
    ~Done() { flag = false; }  // also when a handler throws; the rest stays queued
  } done{flushing_};
  flushing_ = true;
  while (!pending_.empty()) {
    const ExecEvent event = std::move(pending_.front());
    pending_.pop_front();
    if (const auto* f = std::get_if<Fill>(&event)) {
      history_.push_back(*f);
      if (history_.size() > kFillHistory) history_.pop_front();
    }
    emit(event);
  }
}

void PaperVenue::on_market(const MarketEvent& event) {
  exchange_.on_market(event);
  if (exchange_.has_events()) flush();
}

asio::awaitable<Result<OrderAck>> PaperVenue::place(PlaceOrderRequest req) {
  written(req.client_oid);
  auto r = exchange_.place(req);
  flush();
  co_return r;
}

asio::awaitable<Result<OrderAck>> PaperVenue::cancel(CancelOrderRequest req) {
  auto r = exchange_.cancel(req);
  flush();
  co_return r;
}

asio::awaitable<Result<OrderAck>> PaperVenue::amend(AmendOrderRequest req) {
  written(req.new_client_oid);
  auto r = exchange_.amend(req);
  flush();
  co_return r;
}

asio::awaitable<Result<std::vector<OrderUpdate>>> PaperVenue::open_orders(std::string symbol) {
  co_return exchange_.open_orders(symbol);
}

asio::awaitable<Result<std::optional<OrderUpdate>>> PaperVenue::order_by_client_oid(std::string symbol,
                                                                                    MarketType market,
                                                                                    std::string client_oid) {
  co_return exchange_.order_by_client_oid(symbol, market, client_oid);
}

asio::awaitable<Result<std::optional<OrderUpdate>>> PaperVenue::order_by_id(std::string symbol, MarketType market,
                                                                            std::string order_id) {
  co_return exchange_.order_by_id(symbol, market, order_id);
}

asio::awaitable<Result<std::vector<PositionUpdate>>> PaperVenue::positions() { co_return exchange_.positions(); }

asio::awaitable<Result<std::vector<BalanceUpdate>>> PaperVenue::balances() { co_return exchange_.balances(); }

asio::awaitable<Result<std::vector<Fill>>> PaperVenue::fills(std::string symbol, MarketType market, UnixNanos start,
                                                             UnixNanos end) {
  std::vector<Fill> out;
  for (const auto& f : history_)
    if (f.symbol == symbol && f.market == market && f.ts_event >= start && f.ts_event <= end) out.push_back(f);
  co_return out;
}

}  // namespace carry::paper
