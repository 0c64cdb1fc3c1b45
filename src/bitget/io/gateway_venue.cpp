// The Venue over Bitget: orders, lookups, positions, fills and balances. Each call picks the
// dialect of the account's kind (UTA: gateway_uta.cpp) and, on Classic, the market's typed v2 call.
#include "gateway_impl.hpp"

namespace carry::bitget {

namespace asio = boost::asio;
using nlohmann::json;

std::function<void()> Gateway::written_hook(const std::string& client_oid) const {
  return [this, client_oid] { written(client_oid); };
}

asio::awaitable<Result<carry::OrderAck>> Gateway::place(PlaceOrderRequest req) {
  const std::string client_oid = req.client_oid;
  const auto& cfg = impl_->config;
  if (impl_->uta()) {
    auto ack = co_await impl_->uta_place(std::move(req), written_hook(client_oid));
    co_return impl_->order_outcome(std::move(ack), "place", client_oid);
  }
  if (req.market == MarketType::Perp) {
    auto ack =
        co_await perp_place(to_perp_order(req, cfg.product_type, cfg.margin_mode, cfg.margin_coin, cfg.position_mode),
                            written_hook(client_oid));
    co_return impl_->order_outcome(std::move(ack), "place", client_oid);
  }
  auto r = to_spot_order(req);
  if (!r) co_return r.error();
  auto ack = co_await spot_place(std::move(*r), written_hook(client_oid));
  co_return impl_->order_outcome(std::move(ack), "place", client_oid);
}

asio::awaitable<Result<carry::OrderAck>> Gateway::cancel(CancelOrderRequest req) {
  OrderRef ref{req.order_id, req.client_oid};
  Result<OrderIds> ack = make_error_code(Errc::unsupported);
  if (impl_->uta()) {
    ack = co_await impl_->uta_cancel(req.market, ref);
  } else if (req.market == MarketType::Perp) {
    ack = co_await perp_cancel(req.symbol, ref);
  } else {
    ack = co_await spot_cancel(req.symbol, ref);
  }
  if (!ack) co_return ack.error();
  co_return to_venue(*ack);
}

asio::awaitable<Result<carry::OrderAck>> Gateway::amend(AmendOrderRequest req) {
  if (impl_->uta()) {
    auto hook = written_hook(req.new_client_oid);
    co_return co_await impl_->uta_amend(std::move(req), std::move(hook));
  }
  OrderRef ref{req.order_id, req.client_oid};
  if (req.market == MarketType::Perp) {
    auto ack = co_await perp_modify(req.symbol, ref, req.new_client_oid, req.new_size, req.new_price,
                                    written_hook(req.new_client_oid));
    co_return impl_->order_outcome(std::move(ack), "amend", req.new_client_oid);
  }
  auto r = co_await spot_cancel_replace(req.symbol, ref, req.new_client_oid, req.new_size, req.new_price,
                                        written_hook(req.new_client_oid));
  if (!r) {
    co_return impl_->order_outcome(Result<OrderIds>(r.error()), "amend", req.new_client_oid);
  }
  if (!r->success) {
    impl_->events.warn("order.amend_rejected", {{"client_oid", req.client_oid}, {"msg", r->msg}});
    co_return make_error_code(Errc::exchange_rejected);
  }
  co_return carry::OrderAck{r->order_id, r->client_oid.empty() ? req.new_client_oid : r->client_oid};
}

asio::awaitable<Result<std::vector<OrderUpdate>>> Gateway::open_orders(std::string symbol) {
  std::vector<OrderUpdate> out;
  if (impl_->uta()) {
    for (const MarketType m : {MarketType::Perp, MarketType::Spot}) {
      auto r = co_await impl_->uta_open_orders(m, symbol);
      if (!r) co_return r.error();
      for (auto& o : *r) out.push_back(std::move(o.order));
    }
    co_return out;
  }
  auto perp = co_await perp_open_orders(symbol);
  if (!perp) co_return perp.error();
  for (auto& r : *perp) out.push_back(std::move(r.order));
  auto spot = co_await spot_open_orders(symbol);
  if (!spot) co_return spot.error();
  for (auto& r : *spot) out.push_back(std::move(r.order));
  co_return out;
}

asio::awaitable<Result<std::optional<OrderUpdate>>> Gateway::order_by_client_oid(std::string symbol, MarketType market,
                                                                                 std::string client_oid) {
  OrderRef ref;
  ref.client_oid = client_oid;
  co_return co_await order_by_ref(std::move(symbol), market, std::move(ref));
}

asio::awaitable<Result<std::optional<OrderUpdate>>> Gateway::order_by_id(std::string symbol, MarketType market,
                                                                         std::string order_id) {
  OrderRef ref;
  ref.order_id = order_id;
  co_return co_await order_by_ref(std::move(symbol), market, std::move(ref));
}

asio::awaitable<Result<std::optional<OrderUpdate>>> Gateway::order_by_ref(std::string symbol, MarketType market,
                                                                          OrderRef ref) {
  if (impl_->uta()) co_return co_await impl_->uta_order(std::move(ref));
  if (market == MarketType::Perp) {
    auto r = co_await perp_order_detail(symbol, ref);
    if (!r) {
      if (r.error() == make_error_code(Errc::not_found)) co_return std::optional<OrderUpdate>{};
      co_return r.error();
    }
    co_return std::optional<OrderUpdate>{std::move(r->order)};
  }
  auto r = co_await spot_order_info(ref);
  if (!r) {
    if (r.error() == make_error_code(Errc::not_found)) co_return std::optional<OrderUpdate>{};
    co_return r.error();
  }
  if (r->empty()) co_return std::optional<OrderUpdate>{};
  co_return std::optional<OrderUpdate>{std::move(r->front().order)};
}

asio::awaitable<Result<std::vector<PositionUpdate>>> Gateway::positions() {
  if (impl_->uta()) co_return co_await impl_->uta_positions();
  auto r = co_await all_positions();
  if (!r) co_return r.error();
  std::vector<PositionUpdate> out;
  for (auto& p : *r) out.push_back(std::move(p.position));
  co_return out;
}

asio::awaitable<Result<std::vector<Fill>>> Gateway::fills(std::string symbol, MarketType market, UnixNanos start,
                                                          UnixNanos end) {
  if (impl_->uta()) co_return co_await impl_->uta_fills(std::move(symbol), market, start, end);
  constexpr int kPage = 100, kMaxPages = 20;  // 2,000 fills a window: far beyond one reconcile interval
  std::vector<Fill> out;
  std::set<std::string, std::less<>> seen;
  FillsQuery q;
  q.symbol = symbol;
  q.start = start;
  q.end = end;
  q.limit = kPage;
  for (int page = 0; page < kMaxPages; ++page) {
    std::vector<Fill> batch;
    if (market == MarketType::Perp) {
      auto r = co_await perp_fills(q);
      if (!r) co_return r.error();
      batch = std::move(r->fills);
      q.id_less_than = r->end_id;
    } else {
      auto r = co_await spot_fills(q);
      if (!r) co_return r.error();
      batch = std::move(*r);
    }
    const bool full = static_cast<int>(batch.size()) >= kPage;
    UnixNanos oldest = end;
    for (auto& f : batch) {
      oldest = std::min(oldest, f.ts_event);
      if (seen.insert(f.trade_id).second) out.push_back(std::move(f));
    }
    if (!full || (market == MarketType::Perp && q.id_less_than.empty())) break;
    if (market == MarketType::Spot) q.end = oldest;  // spot pages by time; the overlap is deduplicated
  }
  std::sort(out.begin(), out.end(), [](const Fill& a, const Fill& b) { return a.ts_event < b.ts_event; });
  co_return out;
}

asio::awaitable<Result<std::vector<BalanceUpdate>>> Gateway::balances() {
  if (impl_->uta()) co_return co_await impl_->uta_balances();
  auto fut = co_await futures_accounts();
  if (!fut) co_return fut.error();
  std::vector<BalanceUpdate> out;
  for (auto& a : *fut) out.push_back(std::move(a.balance));
  auto spot = co_await spot_assets();
  if (!spot) co_return spot.error();
  for (auto& b : *spot) out.push_back(std::move(b));
  co_return out;
}

}  // namespace carry::bitget
