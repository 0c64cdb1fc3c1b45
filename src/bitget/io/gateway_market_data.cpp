// Typed public REST of Classic (v2): server time, instruments, tickers, funding, candles, depth.
#include "gateway_impl.hpp"

namespace carry::bitget {

namespace asio = boost::asio;
using nlohmann::json;

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

}  // namespace carry::bitget
