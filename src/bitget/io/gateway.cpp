#include "gateway_impl.hpp"

namespace carry::bitget {

namespace asio = boost::asio;
using nlohmann::json;

Gateway::Gateway(asio::any_io_executor ex, GatewayConfig config, EventSink& events, const Clock& clock)
    : impl_(std::make_unique<Impl>(*this, std::move(ex), std::move(config), events, clock)) {}

Gateway::~Gateway() { stop(); }

void Gateway::set_market_handler(MarketHandler handler) { impl_->market_handler = std::move(handler); }

asio::awaitable<Result<void>> Gateway::start() {
  Result<void> result;
  if (impl_->config.sync_server_time) {
    auto offset = co_await impl_->rest.sync_server_time();
    if (!offset) result = offset.error();
  }
  if (impl_->config.sync_server_time) impl_->exchange_clock.start();
  impl_->ws_pub.start();
  if (impl_->ws_priv) {
    impl_->ws_priv->subscribe(impl_->private_args());
    impl_->ws_priv->start();
  }
  co_return result;
}

void Gateway::stop() {
  impl_->exchange_clock.stop();
  impl_->ws_pub.stop();
  if (impl_->ws_priv) impl_->ws_priv->stop();
}

// ---------- Venue ----------
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
  Result<OrderAck> ack = make_error_code(Errc::unsupported);
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
    co_return impl_->order_outcome(Result<OrderAck>(r.error()), "amend", req.new_client_oid);
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

// ---------- typed public REST ----------
asio::awaitable<Result<UnixNanos>> Gateway::server_time() {
  co_return co_await impl_->call<UnixNanos>(get("/api/v2/public/time", QueryParams{}, false),
                                            [](const json& d) { return parse_server_time(d); });
}

asio::awaitable<Result<std::vector<Instrument>>> Gateway::contracts(std::string symbol) {
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  co_return co_await impl_->call<std::vector<Instrument>>(get("/api/v2/mix/market/contracts", std::move(q), false),
                                                          [](const json& d) { return parse_contracts(d); });
}

asio::awaitable<Result<std::vector<Instrument>>> Gateway::spot_symbols(std::string symbol) {
  QueryParams q;
  add(q, "symbol", symbol);
  co_return co_await impl_->call<std::vector<Instrument>>(get("/api/v2/spot/public/symbols", std::move(q), false),
                                                          [](const json& d) { return parse_spot_symbols(d); });
}

asio::awaitable<Result<std::size_t>> Gateway::refresh_instruments() {
  auto perp = co_await contracts();
  if (!perp) co_return perp.error();
  auto spot = co_await spot_symbols();
  if (!spot) co_return spot.error();
  const UnixNanos t = impl_->now();
  for (auto& i : *perp) impl_->publish(InstrumentUpdate{std::move(i), t, t});
  for (auto& i : *spot) impl_->publish(InstrumentUpdate{std::move(i), t, t});
  co_return perp->size() + spot->size();
}

asio::awaitable<Result<std::vector<Ticker>>> Gateway::perp_tickers() {
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<Ticker>>(
      get("/api/v2/mix/market/tickers", impl_->product(), false),
      [t](const json& d) { return parse_tickers(d, MarketType::Perp, t); });
}

asio::awaitable<Result<std::vector<Ticker>>> Gateway::spot_tickers(std::string symbol) {
  QueryParams q;
  add(q, "symbol", symbol);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<Ticker>>(
      get("/api/v2/spot/market/tickers", std::move(q), false),
      [t](const json& d) { return parse_tickers(d, MarketType::Spot, t); });
}

asio::awaitable<Result<std::vector<CurrentFunding>>> Gateway::current_funding_rate(std::string symbol) {
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  co_return co_await impl_->call<std::vector<CurrentFunding>>(
      get("/api/v2/mix/market/current-fund-rate", std::move(q), false),
      [](const json& d) { return parse_current_funding(d); });
}

asio::awaitable<Result<std::vector<FundingTime>>> Gateway::funding_time(std::string symbol) {
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  co_return co_await impl_->call<std::vector<FundingTime>>(get("/api/v2/mix/market/funding-time", std::move(q), false),
                                                           [](const json& d) { return parse_funding_time(d); });
}

asio::awaitable<Result<std::vector<FundingHistoryEntry>>> Gateway::funding_history(std::string symbol, int page_size,
                                                                                   int page_no) {
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  add_int(q, "pageSize", page_size);
  add_int(q, "pageNo", page_no);
  co_return co_await impl_->call<std::vector<FundingHistoryEntry>>(
      get("/api/v2/mix/market/history-fund-rate", std::move(q), false),
      [](const json& d) { return parse_funding_history(d); });
}

asio::awaitable<Result<std::vector<Candle>>> Gateway::candles(std::string symbol, MarketType market, CandleQuery cq) {
  QueryParams q;
  add(q, "symbol", symbol);
  add(q, "granularity", cq.granularity);
  add_ms(q, "startTime", cq.start);
  add_ms(q, "endTime", cq.end);
  add_int(q, "limit", cq.limit);
  std::string path;
  if (market == MarketType::Perp) {
    q.emplace_back("productType", impl_->config.product_type);
    path = cq.history ? "/api/v2/mix/market/history-candles" : "/api/v2/mix/market/candles";
  } else {
    path = cq.history ? "/api/v2/spot/market/history-candles" : "/api/v2/spot/market/candles";
  }
  co_return co_await impl_->call<std::vector<Candle>>(get(std::move(path), std::move(q), false),
                                                      [market](const json& d) { return parse_candles(d, market); });
}

asio::awaitable<Result<DepthSnapshot>> Gateway::depth(std::string symbol, MarketType market, int limit) {
  QueryParams q;
  add(q, "symbol", symbol);
  add_int(q, "limit", limit);
  std::string path = "/api/v2/spot/market/orderbook";
  if (market == MarketType::Perp) {
    q.emplace_back("productType", impl_->config.product_type);
    path = "/api/v2/mix/market/merge-depth";
  }
  co_return co_await impl_->call<DepthSnapshot>(get(std::move(path), std::move(q), false),
                                                [](const json& d) { return parse_depth(d); });
}

// ---------- typed private REST: perp ----------
asio::awaitable<Result<OrderAck>> Gateway::perp_place(PerpOrderRequest r, std::function<void()> on_write) {
  auto body = build_perp_place_body(r);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderAck>(post("/api/v2/mix/order/place-order", std::move(*body), std::move(on_write)),
                                           [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<BatchResult>> Gateway::perp_batch_place(std::vector<PerpOrderRequest> orders) {
  auto body = build_perp_batch_place_body(orders);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<BatchResult>(post("/api/v2/mix/order/batch-place-order", std::move(*body)),
                                              [](const json& d) { return parse_batch_result(d); });
}

asio::awaitable<Result<OrderAck>> Gateway::perp_cancel(std::string symbol, OrderRef ref) {
  auto body = build_perp_cancel_body(symbol, ref, impl_->config.product_type, impl_->config.margin_coin);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderAck>(post("/api/v2/mix/order/cancel-order", std::move(*body)),
                                           [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<OrderAck>> Gateway::perp_modify(std::string symbol, OrderRef ref, std::string new_client_oid,
                                                       Decimal new_size, Decimal new_price,
                                                       std::function<void()> on_write) {
  auto body = build_perp_modify_body(symbol, ref, new_client_oid, new_size, new_price, impl_->config.product_type,
                                     impl_->config.margin_coin);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderAck>(
      post("/api/v2/mix/order/modify-order", std::move(*body), std::move(on_write)),
      [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<std::vector<OrderRecord>>> Gateway::perp_open_orders(std::string symbol) {
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<OrderRecord>>(get("/api/v2/mix/order/orders-pending", std::move(q), true),
                                                           [t](const json& d) { return parse_perp_order_list(d, t); });
}

asio::awaitable<Result<OrderRecord>> Gateway::perp_order_detail(std::string symbol, OrderRef ref) {
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  if (!ref.order_id.empty()) {
    add(q, "orderId", ref.order_id);
  } else {
    add(q, "clientOid", ref.client_oid);
  }
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<OrderRecord>(get("/api/v2/mix/order/detail", std::move(q), true),
                                              [t](const json& d) { return parse_perp_order_detail(d, t); });
}

asio::awaitable<Result<FillsPage>> Gateway::perp_fills(FillsQuery fq) {
  QueryParams q = impl_->product();
  add(q, "symbol", fq.symbol);
  add(q, "orderId", fq.order_id);
  add_ms(q, "startTime", fq.start);
  add_ms(q, "endTime", fq.end);
  add(q, "idLessThan", fq.id_less_than);
  add_int(q, "limit", fq.limit);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<FillsPage>(get("/api/v2/mix/order/fills", std::move(q), true),
                                            [t](const json& d) { return parse_perp_fills(d, t); });
}

asio::awaitable<Result<std::vector<PositionRecord>>> Gateway::all_positions() {
  QueryParams q = impl_->product();
  add(q, "marginCoin", impl_->config.margin_coin);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<PositionRecord>>(
      get("/api/v2/mix/position/all-position", std::move(q), true),
      [t](const json& d) { return parse_positions(d, t); });
}

asio::awaitable<Result<std::vector<FuturesAccount>>> Gateway::futures_accounts() {
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<FuturesAccount>>(
      get("/api/v2/mix/account/accounts", impl_->product(), true),
      [t](const json& d) { return parse_futures_accounts(d, t); });
}

asio::awaitable<Result<BillsPage>> Gateway::account_bills(BillsQuery bq) {
  QueryParams q = impl_->product();
  add(q, "symbol", bq.symbol);
  add(q, "businessType", bq.business_type);
  add_ms(q, "startTime", bq.start);
  add_ms(q, "endTime", bq.end);
  add(q, "idLessThan", bq.id_less_than);
  add_int(q, "limit", bq.limit);
  co_return co_await impl_->call<BillsPage>(get("/api/v2/mix/account/bill", std::move(q), true),
                                            [](const json& d) { return parse_account_bills(d); });
}

asio::awaitable<WireResult<FuturesAccount>> Gateway::futures_account(std::string symbol) {
  if (impl_->uta()) co_return co_await impl_->uta_futures_account(std::move(symbol));
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  add(q, "marginCoin", impl_->config.margin_coin);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call_detailed<FuturesAccount>(get("/api/v2/mix/account/account", std::move(q), true),
                                                          [t](const json& d) { return parse_futures_account(d, t); });
}

asio::awaitable<WireResult<void>> Gateway::set_leverage(std::string symbol, int leverage) {
  if (impl_->uta()) co_return co_await impl_->uta_set_leverage(std::move(symbol), leverage);
  co_return co_await impl_->call_void(
      post("/api/v2/mix/account/set-leverage",
           build_set_leverage_body(symbol, leverage, impl_->config.product_type, impl_->config.margin_coin)));
}

asio::awaitable<WireResult<void>> Gateway::set_margin_mode(std::string symbol, std::string margin_mode) {
  if (impl_->uta())  // v3 has no per-symbol margin-mode call: a unified account trades crossed
    co_return Error{Errc::unsupported,
                    {},
                    "a Unified Trading Account's margin mode is set for the whole account in Bitget's app, "
                    "not per symbol through the API (wanted " +
                        margin_mode + " for " + symbol + ")"};
  co_return co_await impl_->call_void(
      post("/api/v2/mix/account/set-margin-mode",
           build_set_margin_mode_body(symbol, margin_mode, impl_->config.product_type, impl_->config.margin_coin)));
}

asio::awaitable<WireResult<void>> Gateway::set_position_mode(PositionMode mode) {
  if (impl_->uta()) co_return co_await impl_->uta_set_hold_mode(mode);  // account-wide in UTA
  co_return co_await impl_->call_void(
      post("/api/v2/mix/account/set-position-mode", build_set_position_mode_body(mode, impl_->config.product_type)));
}

// ---------- typed private REST: spot ----------
asio::awaitable<Result<OrderAck>> Gateway::spot_place(SpotOrderRequest r, std::function<void()> on_write) {
  auto body = build_spot_place_body(r);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderAck>(
      post("/api/v2/spot/trade/place-order", std::move(*body), std::move(on_write)),
      [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<OrderAck>> Gateway::spot_cancel(std::string symbol, OrderRef ref) {
  auto body = build_spot_cancel_body(symbol, ref);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderAck>(post("/api/v2/spot/trade/cancel-order", std::move(*body)),
                                           [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<CancelReplaceAck>> Gateway::spot_cancel_replace(std::string symbol, OrderRef ref,
                                                                       std::string new_client_oid, Decimal new_size,
                                                                       Decimal new_price,
                                                                       std::function<void()> on_write) {
  auto body = build_spot_cancel_replace_body(symbol, ref, new_client_oid, new_size, new_price);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<CancelReplaceAck>(
      post("/api/v2/spot/trade/cancel-replace-order", std::move(*body), std::move(on_write)),
      [](const json& d) { return parse_cancel_replace_ack(d); });
}

asio::awaitable<Result<std::vector<OrderRecord>>> Gateway::spot_open_orders(std::string symbol) {
  QueryParams q;
  add(q, "symbol", symbol);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<OrderRecord>>(
      get("/api/v2/spot/trade/unfilled-orders", std::move(q), true),
      [t](const json& d) { return parse_spot_orders(d, t); });
}

asio::awaitable<Result<std::vector<OrderRecord>>> Gateway::spot_order_info(OrderRef ref) {
  QueryParams q;
  if (!ref.order_id.empty()) {
    add(q, "orderId", ref.order_id);
  } else {
    add(q, "clientOid", ref.client_oid);
  }
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<OrderRecord>>(get("/api/v2/spot/trade/orderInfo", std::move(q), true),
                                                           [t](const json& d) { return parse_spot_orders(d, t); });
}

asio::awaitable<Result<std::vector<Fill>>> Gateway::spot_fills(FillsQuery fq) {
  QueryParams q;
  add(q, "symbol", fq.symbol);
  add(q, "orderId", fq.order_id);
  add_ms(q, "startTime", fq.start);
  add_ms(q, "endTime", fq.end);
  add(q, "idLessThan", fq.id_less_than);
  add_int(q, "limit", fq.limit);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<Fill>>(get("/api/v2/spot/trade/fills", std::move(q), true),
                                                    [t](const json& d) { return parse_spot_fills(d, t); });
}

asio::awaitable<Result<std::vector<BalanceUpdate>>> Gateway::spot_assets() {
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<BalanceUpdate>>(get("/api/v2/spot/account/assets", QueryParams{}, true),
                                                             [t](const json& d) { return parse_spot_assets(d, t); });
}

// ---------- plumbing ----------
RestClient& Gateway::rest() noexcept { return impl_->rest; }
WsClient& Gateway::ws_public() noexcept { return impl_->ws_pub.active(); }
WsClient* Gateway::ws_private() noexcept { return impl_->ws_priv.get(); }
const GatewayConfig& Gateway::config() const noexcept { return impl_->config; }
GatewayStats Gateway::stats() const noexcept { return impl_->stats; }

}  // namespace carry::bitget
