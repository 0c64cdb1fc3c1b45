#pragma once
// Gateway::Impl and the request helpers, shared by the gateway's source files, one per area:
//   gateway.cpp              construction, start/stop, plumbing
//   gateway_streams.cpp      WebSocket subscriptions; routed frames delivered (frame_router.hpp)
//   gateway_venue.cpp        the Venue: orders, lookups, positions, fills, balances
//   gateway_market_data.cpp  typed public REST (v2)
//   gateway_trading.cpp      typed private REST (v2): orders and fills, perp then spot
//   gateway_account.cpp      typed private REST (v2): positions, balances, bills, settings
//   gateway_neutral.cpp      what the daemon calls whatever the account's kind
//   gateway_uta.cpp          the UTA (v3) dialect of the REST calls
// Private to carry_bitget_io.
#include <carry/bitget/io/gateway.hpp>

#include "frame_router.hpp"
#include "public_stream.hpp"
#include "time_sync.hpp"

#include <carry/bitget/uta_parsers.hpp>
#include <carry/bitget/uta_requests.hpp>
#include <carry/bitget/uta_ws.hpp>
#include <carry/bitget/ws_parsers.hpp>
#include <carry/market/order_book.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace carry::bitget {

namespace asio = boost::asio;
using nlohmann::json;

namespace gateway_detail {

// Requests are built here, never as braced temporaries inside a co_await (GCC 12 miscompiles
// initializer lists in co_await operands).
inline RestRequest get(std::string path, QueryParams query, bool sign) {
  RestRequest r;
  r.path = std::move(path);
  r.query = std::move(query);
  r.sign = sign;
  return r;
}
inline RestRequest post(std::string path, std::string body, std::function<void()> on_write = {}) {
  RestRequest r;
  r.method = HttpMethod::Post;
  r.path = std::move(path);
  r.body = std::move(body);
  r.sign = true;
  r.on_write = std::move(on_write);
  return r;
}

inline void add(QueryParams& q, std::string key, std::string value) {
  if (!value.empty()) q.emplace_back(std::move(key), std::move(value));
}
inline void add_ms(QueryParams& q, std::string key, const std::optional<UnixNanos>& t) {
  if (t) q.emplace_back(std::move(key), std::to_string(t->ms()));
}
inline void add_int(QueryParams& q, std::string key, int v) {
  if (v > 0) q.emplace_back(std::move(key), std::to_string(v));
}

struct Acknowledged {};

inline carry::OrderAck to_venue(const OrderIds& a) { return {a.order_id, a.client_oid}; }

// A failure below the envelope (network, timeout, circuit...) as an Error. The REST client only
// reports carry codes; anything else would count as a network failure.
inline Error transport_error(const boost::system::error_code& ec) {
  const Errc errc = ec.category() == carry_category() ? static_cast<Errc>(ec.value()) : Errc::network;
  return {errc, {}, ec.message()};
}

}  // namespace gateway_detail

// A v3 builder's request as the REST client sends it.
RestRequest to_rest(uta::Request r, std::function<void()> on_write);

using namespace gateway_detail;

struct Gateway::Impl {
  Impl(Gateway& owner, asio::any_io_executor executor, GatewayConfig cfg, EventSink& ev, const Clock& clk)
      : self(owner),
        ex(executor),
        config(std::move(cfg)),
        events(ev),
        clock(clk),
        signer(config.credentials.empty() ? nullptr
                                          : std::make_shared<Signer>(config.credentials, config.demo, config.locale)),
        public_signer(config.credentials.empty() ? std::make_shared<Signer>(Credentials{}, config.demo, config.locale)
                                                 : signer),
        rest(executor, config.rest_config(), public_signer, ev, clk),
        exchange_clock(executor, clk, rest, ev, config.time_sync_interval),
        ws_pub(executor, config.ws_public_config(), ev, exchange_clock, public_handlers(), config.ws_rotate_after) {
    if (signer && config.private_streams)
      ws_priv = std::make_unique<WsClient>(executor, config.ws_private_config(), signer.get(), ev, exchange_clock,
                                           private_handlers());
    public_routes.kind = config.account_kind;
    private_routes = {config.account_kind, config.margin_coin};
    events.info("gateway.config", {{"describe", config.describe()}});
  }

  // ---------- REST plumbing ----------
  void log_rejected(const std::string& path, const Error& e) {
    events.warn(
        "rest.rejected",
        {{"path", path}, {"code", e.exchange_code}, {"msg", e.message}, {"error", make_error_code(e.errc).message()}});
  }
  void log_bad_payload(const std::string& path, const Error& e) {
    events.error("rest.bad_payload", {{"path", path}, {"error", e.to_string()}});
  }

  // send -> envelope -> typed parser; every failure logged with the path (never the body of a
  // signed request: it holds no secret, but the headers do and they are never logged). The error
  // keeps the exchange's own code and message.
  // log_refusals=false: an exchange refusal is an expected answer the caller classifies (the
  // account-kind probe's 40084), not a warning.
  template <class T, class Parse>
  asio::awaitable<WireResult<T>> call_detailed(RestRequest req, Parse parse, bool log_refusals = true) {
    const std::string path = req.path;
    // A refused timestamp (40008) means the request was not executed and our offset is stale:
    // re-sync, then send it once more (freshly stamped by the REST client).
    std::optional<RestRequest> again;
    if (req.sign) again = req;
    const std::uint64_t seen = exchange_clock.generation();
    // v3 answers in v2's envelope, with codes of its own and sometimes an empty body.
    const bool v3 = path.starts_with("/api/v3/");
    auto envelope = [v3](const RestResponse& h) {
      return v3 ? uta::parse_envelope(h.body, h.status) : parse_envelope(h.body, h.status);
    };
    auto res = co_await rest.send(std::move(req));
    if (!res) co_return transport_error(res.error());
    auto env = envelope(*res);
    if (!env && env.error().errc == Errc::clock_skew && again) {
      log_rejected(path, env.error());
      (void)co_await exchange_clock.resync("timestamp_rejected", seen);
      res = co_await rest.send(std::move(*again));
      if (!res) co_return transport_error(res.error());
      env = envelope(*res);
    }
    if (!env) {
      if (log_refusals) log_rejected(path, env.error());
      co_return env.error();
    }
    auto parsed = parse(env->data);
    if (!parsed) {
      log_bad_payload(path, parsed.error());
      co_return parsed.error();
    }
    co_return std::move(*parsed);
  }

  template <class T, class Parse>
  asio::awaitable<Result<T>> call(RestRequest req, Parse parse) {
    auto r = co_await call_detailed<T>(std::move(req), std::move(parse));
    if (!r) co_return r.error().code();
    co_return std::move(*r);
  }

  asio::awaitable<WireResult<void>> call_void(RestRequest req) {
    // An empty struct, not bool: result<bool> cannot be built from an error_code.
    auto r = co_await call_detailed<Acknowledged>(
        std::move(req), [](const json&) -> WireResult<Acknowledged> { return Acknowledged{}; });
    if (!r) co_return r.error();
    co_return WireResult<void>{};
  }

  // A place/amend whose answer never came (or came garbled) may have been executed: report
  // Errc::timeout so the OMS looks the order up by clientOid before anything else.
  Result<carry::OrderAck> order_outcome(Result<OrderIds> r, std::string_view op, const std::string& client_oid) {
    if (r) return to_venue(*r);
    const auto ec = r.error();
    if (ec == make_error_code(Errc::timeout) || ec == make_error_code(Errc::http_server_error) ||
        ec == make_error_code(Errc::bad_payload) || ec == make_error_code(Errc::network) ||
        ec == make_error_code(Errc::empty_response)) {
      events.warn("order.outcome_unknown",
                  {{"op", std::string(op)}, {"client_oid", client_oid}, {"cause", ec.message()}});
      return make_error_code(Errc::timeout);
    }
    return ec;
  }

  QueryParams product() const { return {{"productType", config.product_type}}; }
  bool uta() const noexcept { return config.account_kind == AccountKind::Uta; }

  // ---------- the UTA (v3) dialect (gateway_uta.cpp) ----------
  template <class T>
  Result<T> refused_request(std::string_view what, const Error& e);
  asio::awaitable<WireResult<void>> call_success(RestRequest req);
  asio::awaitable<Result<OrderIds>> uta_place(PlaceOrderRequest req, std::function<void()> on_write);
  asio::awaitable<Result<OrderIds>> uta_cancel(MarketType market, OrderRef ref);
  asio::awaitable<Result<carry::OrderAck>> uta_amend(AmendOrderRequest req, std::function<void()> on_write);
  asio::awaitable<Result<std::optional<OrderUpdate>>> uta_order(OrderRef ref);
  asio::awaitable<Result<std::vector<VenueOrder>>> uta_open_orders(MarketType market, std::string symbol);
  asio::awaitable<Result<std::vector<PositionUpdate>>> uta_positions();
  asio::awaitable<Result<std::vector<BalanceUpdate>>> uta_balances();
  asio::awaitable<Result<std::vector<Fill>>> uta_fills(std::string symbol, MarketType market, UnixNanos start,
                                                       UnixNanos end);
  asio::awaitable<Result<std::vector<FundingPayment>>> uta_funding_settlements(UnixNanos since);
  asio::awaitable<Result<std::size_t>> uta_load_instruments();
  asio::awaitable<Result<CurrentFunding>> uta_funding_info(std::string symbol);
  asio::awaitable<Result<std::optional<Ticker>>> uta_ticker(std::string symbol, MarketType market);
  asio::awaitable<Result<std::vector<Ticker>>> uta_all_tickers(MarketType market);
  asio::awaitable<Result<std::size_t>> uta_private_probe(std::string symbol);
  asio::awaitable<WireResult<FuturesAccount>> uta_futures_account(std::string symbol);
  asio::awaitable<WireResult<void>> uta_set_leverage(std::string symbol, int leverage);
  asio::awaitable<WireResult<void>> uta_set_hold_mode(PositionMode mode);
  UnixNanos now() const { return clock.now(); }

  // ---------- WebSocket (gateway_streams.cpp) ----------
  WsClient::Handlers public_handlers();
  WsClient::Handlers private_handlers();
  void publish(const MarketEvent& ev) {
    if (market_handler) market_handler(ev);
  }
  void reject_frame(std::string_view session, const Error& e);
  void on_public(std::string_view frame, UnixNanos ts_init);
  void on_private(std::string_view frame, UnixNanos ts_init);
  void on_book_resync(const SubscriptionArg& arg);
  void on_reconnected(bool private_stream, UnixNanos at);
  std::vector<SubscriptionArg> private_args() const;
  SubscriptionArg public_arg(const std::string& symbol, MarketType market, std::string channel) const;
  void subscribe_public(SubscriptionArg arg) { ws_pub.subscribe({std::move(arg)}); }
  void unsubscribe_public(SubscriptionArg arg) { ws_pub.unsubscribe({std::move(arg)}); }

  Gateway& self;
  asio::any_io_executor ex;
  GatewayConfig config;
  EventSink& events;
  const Clock& clock;
  std::shared_ptr<Signer> signer;         // null without credentials
  std::shared_ptr<Signer> public_signer;  // paptrading/locale headers on public calls
  RestClient rest;
  io::TimeSync exchange_clock;  // the WS login timestamp must be within 30 s of the exchange
  io::PublicStream ws_pub;      // rotated before Bitget's 24 h close, without a gap in the books
  std::unique_ptr<WsClient> ws_priv;
  io::PublicRouteState public_routes;  // hot-path parsers and the local full-depth books
  io::PrivateRouteState private_routes;
  // Reused from frame to frame (no allocation in steady state); see on_public.
  std::vector<io::PublicEvent> public_events;
  std::vector<io::PrivateEvent> private_events;
  MarketHandler market_handler;
  GatewayStats stats;
};

}  // namespace carry::bitget
