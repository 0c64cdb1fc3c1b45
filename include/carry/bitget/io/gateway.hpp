#pragma once
// bitget::Gateway: the Venue over Bitget's REST + WebSocket API (issue 3), in the dialect of the
// account's kind (GatewayConfig::account_kind; Classic v2 today). Market data is
// published as carry::MarketEvent through the market handler; order updates, fills, positions,
// balances and StreamReconnected as carry::ExecEvent through Venue::emit. One io_context thread.
//
//   Gateway gw(io.get_executor(), cfg, events, clock);
//   gw.set_market_handler(...); gw.set_exec_handler(...);
//   co_await gw.start();                       // server-time offset, WS sessions
//   gw.subscribe_books1("BTCUSDT", MarketType::Perp);
//   auto ack = co_await gw.place(req);         // Errc::timeout = outcome unknown, look it up
#include <carry/bitget/account_kind.hpp>
#include <carry/bitget/io/gateway_config.hpp>
#include <carry/bitget/io/rest_client.hpp>
#include <carry/bitget/io/ws_client.hpp>
#include <carry/bitget/requests.hpp>
#include <carry/bitget/rest_parsers.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/venue.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace carry::market {
class OrderBook;
}

namespace carry::bitget {

struct CandleQuery {
  std::string granularity;  // perp "1m","1H","1D"...; spot "1min","1h","1day"...
  std::optional<UnixNanos> start, end;
  int limit = 0;         // 0 = the exchange default
  bool history = false;  // history-candles (finished bars only)
};

struct FillsQuery {
  std::string symbol;  // "" = all (perp only; spot needs a symbol)
  std::string order_id;
  std::optional<UnixNanos> start, end;
  std::string id_less_than;  // paging cursor (endId)
  int limit = 0;
};

struct BillsQuery {
  std::string symbol;
  std::string business_type;  // e.g. "contract_settle_fee" (funding)
  std::optional<UnixNanos> start, end;
  std::string id_less_than;
  int limit = 0;
};

struct GatewayStats {
  std::uint64_t public_frames = 0;
  std::uint64_t private_frames = 0;
  std::uint64_t rejected_frames = 0;  // counted, logged (ws.frame_rejected), never fatal
  std::uint64_t book_resyncs = 0;
  // Sessions streaming again after a gap (StreamReconnected), across public rotations.
  std::uint64_t public_reconnects = 0;
  std::uint64_t private_reconnects = 0;
  // Local receive time of the last public push (market data; not pongs); epoch = none yet.
  std::chrono::steady_clock::time_point public_data_at{};
};

class Gateway final : public Venue {
 public:
  using MarketHandler = std::function<void(const MarketEvent&)>;

  // Throws std::runtime_error on an unusable config (bad URL, unreadable CA file).
  Gateway(boost::asio::any_io_executor ex, GatewayConfig config, EventSink& events, const Clock& clock);
  ~Gateway() override;
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  void set_market_handler(MarketHandler handler);

  // Measures the server-time offset (when configured) and starts the public session and, with
  // credentials, the private one (orders, fill, positions, account for futures and spot).
  // A failed time sync is returned; the WS sessions start regardless and retry on their own.
  boost::asio::awaitable<Result<void>> start();
  void stop();

  // ---- public WebSocket subscriptions (kept across reconnects) ----
  void subscribe_ticker(const std::string& symbol, MarketType market);
  void subscribe_books1(const std::string& symbol, MarketType market);
  void subscribe_books5(const std::string& symbol, MarketType market);
  void subscribe_books(const std::string& symbol, MarketType market);  // full depth + checksum
  void subscribe_trades(const std::string& symbol, MarketType market);
  // Drops one public channel ("ticker", "books1", ...) of a symbol (symbols: auto lets symbols go).
  void unsubscribe(const std::string& symbol, MarketType market, const std::string& channel);
  // The local full-depth book of a `books` subscription (nullptr when none).
  const market::OrderBook* book(const std::string& symbol, MarketType market) const;

  // ---- Venue ----
  boost::asio::awaitable<Result<carry::OrderAck>> place(PlaceOrderRequest req) override;
  boost::asio::awaitable<Result<carry::OrderAck>> cancel(CancelOrderRequest req) override;
  boost::asio::awaitable<Result<carry::OrderAck>> amend(AmendOrderRequest req) override;
  boost::asio::awaitable<Result<std::vector<OrderUpdate>>> open_orders(std::string symbol) override;
  boost::asio::awaitable<Result<std::optional<OrderUpdate>>> order_by_client_oid(std::string symbol, MarketType market,
                                                                                 std::string client_oid) override;
  boost::asio::awaitable<Result<std::optional<OrderUpdate>>> order_by_id(std::string symbol, MarketType market,
                                                                         std::string order_id) override;
  boost::asio::awaitable<Result<std::vector<PositionUpdate>>> positions() override;
  boost::asio::awaitable<Result<std::vector<BalanceUpdate>>> balances() override;
  // Pages back through /api/v2/mix/order/fills or /api/v2/spot/trade/fills over [start, end].
  boost::asio::awaitable<Result<std::vector<Fill>>> fills(std::string symbol, MarketType market, UnixNanos start,
                                                          UnixNanos end) override;

  // ---- the account's kind ----
  // GET /api/v3/account/settings, classified; any failure is a verdict, never an exception. A
  // private call: only with credentials (without, Refused).
  boost::asio::awaitable<AccountProbe> probe_account_kind();
  AccountKind account_kind() const noexcept;

  // ---- what the daemon and ops-check need, whatever the account kind (gateway_neutral.cpp) ----
  // Both markets' instruments, published as InstrumentUpdate; the count.
  boost::asio::awaitable<Result<std::size_t>> load_instruments();
  // The current rate with its interval, caps and next settlement (from the funding-time call
  // when the rate's answer has none).
  boost::asio::awaitable<Result<CurrentFunding>> funding_info(std::string symbol);
  // Settled funding of the account since `since` (signed amounts, one per settlement and symbol).
  boost::asio::awaitable<Result<std::vector<FundingPayment>>> funding_settlements(UnixNanos since);
  // The symbol's last `count` settled funding rates, newest first (public).
  boost::asio::awaitable<Result<std::vector<FundingHistoryEntry>>> settled_funding(std::string symbol, int count);
  // One symbol's ticker on one market; empty when the venue does not list it.
  boost::asio::awaitable<Result<std::optional<Ticker>>> ticker(std::string symbol, MarketType market);
  // Every symbol's ticker of one market in one request (v2 mix or spot tickers, v3 market/tickers
  // by category): funding rate, quotes and 24 h turnover for the universe ranking.
  boost::asio::awaitable<Result<std::vector<Ticker>>> all_tickers(MarketType market);
  // An authenticated read (the futures account) and the number of our open orders on the symbol.
  boost::asio::awaitable<Result<std::size_t>> private_probe(std::string symbol);

  // ---- typed public REST (Classic v2): market data ----
  boost::asio::awaitable<Result<UnixNanos>> server_time();
  boost::asio::awaitable<Result<std::vector<Instrument>>> contracts(std::string symbol = {});
  boost::asio::awaitable<Result<std::vector<Instrument>>> spot_symbols(std::string symbol = {});
  // Fetches both, and publishes one InstrumentUpdate per instrument.
  boost::asio::awaitable<Result<std::size_t>> refresh_instruments();
  boost::asio::awaitable<Result<std::vector<Ticker>>> perp_tickers();
  boost::asio::awaitable<Result<std::vector<Ticker>>> spot_tickers(std::string symbol = {});
  boost::asio::awaitable<Result<std::vector<CurrentFunding>>> current_funding_rate(std::string symbol = {});
  boost::asio::awaitable<Result<std::vector<FundingTime>>> funding_time(std::string symbol);
  boost::asio::awaitable<Result<std::vector<FundingHistoryEntry>>> funding_history(std::string symbol,
                                                                                   int page_size = 20, int page_no = 1);
  boost::asio::awaitable<Result<std::vector<Candle>>> candles(std::string symbol, MarketType market, CandleQuery q);
  // Perp: merge-depth (limit 1/5/15/50/max); spot: orderbook (limit <= 150). limit 0 = default.
  boost::asio::awaitable<Result<DepthSnapshot>> depth(std::string symbol, MarketType market, int limit = 0);

  // ---- typed private REST (Classic v2): trading, USDT-M perpetual ----
  boost::asio::awaitable<Result<OrderIds>> perp_place(PerpOrderRequest r, std::function<void()> on_write = {});
  boost::asio::awaitable<Result<BatchResult>> perp_batch_place(std::vector<PerpOrderRequest> orders);
  boost::asio::awaitable<Result<OrderIds>> perp_cancel(std::string symbol, OrderRef ref);
  boost::asio::awaitable<Result<OrderIds>> perp_modify(std::string symbol, OrderRef ref, std::string new_client_oid,
                                                       Decimal new_size, Decimal new_price,
                                                       std::function<void()> on_write = {});
  boost::asio::awaitable<Result<std::vector<VenueOrder>>> perp_open_orders(std::string symbol = {});
  boost::asio::awaitable<Result<VenueOrder>> perp_order_detail(std::string symbol, OrderRef ref);
  boost::asio::awaitable<Result<FillsPage>> perp_fills(FillsQuery q);

  // ---- typed private REST (Classic v2): trading, spot ----
  boost::asio::awaitable<Result<OrderIds>> spot_place(SpotOrderRequest r, std::function<void()> on_write = {});
  boost::asio::awaitable<Result<OrderIds>> spot_cancel(std::string symbol, OrderRef ref);
  boost::asio::awaitable<Result<CancelReplaceAck>> spot_cancel_replace(std::string symbol, OrderRef ref,
                                                                       std::string new_client_oid, Decimal new_size,
                                                                       Decimal new_price,
                                                                       std::function<void()> on_write = {});
  boost::asio::awaitable<Result<std::vector<VenueOrder>>> spot_open_orders(std::string symbol = {});
  // orderInfo by orderId or clientOid; empty when the exchange has no such order.
  boost::asio::awaitable<Result<std::vector<VenueOrder>>> spot_order_info(OrderRef ref);
  boost::asio::awaitable<Result<std::vector<Fill>>> spot_fills(FillsQuery q);

  // ---- typed private REST (Classic v2): account ----
  boost::asio::awaitable<Result<std::vector<PositionRecord>>> all_positions();
  boost::asio::awaitable<Result<std::vector<FuturesAccount>>> futures_accounts();
  boost::asio::awaitable<Result<BillsPage>> account_bills(BillsQuery q);
  boost::asio::awaitable<Result<std::vector<BalanceUpdate>>> spot_assets();
  // ---- the account's settings (checked and applied at start) ----
  // These keep the exchange's own code and message in the error (e.g. 40920: the mode cannot be
  // switched while a position or an order is open); transport failures keep their Errc.
  // GET /api/v2/mix/account/account for one symbol: marginMode, posMode, leverage.
  boost::asio::awaitable<WireResult<FuturesAccount>> futures_account(std::string symbol);
  boost::asio::awaitable<WireResult<void>> set_leverage(std::string symbol, int leverage);
  boost::asio::awaitable<WireResult<void>> set_margin_mode(std::string symbol, std::string margin_mode);
  boost::asio::awaitable<WireResult<void>> set_position_mode(PositionMode mode);

  // ---- plumbing ----
  RestClient& rest() noexcept;
  WsClient& ws_public() noexcept;
  WsClient* ws_private() noexcept;  // nullptr without credentials
  const GatewayConfig& config() const noexcept;
  GatewayStats stats() const noexcept;

 private:
  std::function<void()> written_hook(const std::string& client_oid) const;
  boost::asio::awaitable<Result<std::optional<OrderUpdate>>> order_by_ref(std::string symbol, MarketType market,
                                                                          OrderRef ref);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carry::bitget
