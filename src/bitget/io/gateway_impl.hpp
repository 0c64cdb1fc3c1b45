#pragma once
// Gateway::Impl and the request helpers, shared by the gateway's source files (gateway.cpp: the
// Venue and the typed v2 calls; gateway_neutral.cpp: the calls the daemon makes whatever the
// account kind). Private to carry_bitget_io.
#include <carry/bitget/io/gateway.hpp>

#include "public_stream.hpp"
#include "time_sync.hpp"

#include <carry/bitget/fast_bbo.hpp>
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

// O(1) guard for the hot path: first and last non-blank characters must be '{' and '}'.
inline bool looks_complete(std::string_view f) {
  const auto first = f.find_first_not_of(" \t\r\n");
  const auto last = f.find_last_not_of(" \t\r\n");
  return first != std::string_view::npos && f[first] == '{' && f[last] == '}';
}

inline std::string excerpt(std::string_view f) { return std::string(f.substr(0, 80)); }

inline carry::OrderAck to_venue(const OrderAck& a) { return {a.order_id, a.client_oid}; }

// A failure below the envelope (network, timeout, circuit...) as an Error. The REST client only
// reports carry codes; anything else would count as a network failure.
inline Error transport_error(const boost::system::error_code& ec) {
  const Errc errc = ec.category() == carry_category() ? static_cast<Errc>(ec.value()) : Errc::network;
  return {errc, {}, ec.message()};
}

inline std::string book_key(MarketType m, std::string_view symbol) {
  return std::string(m == MarketType::Spot ? "S/" : "P/") + std::string(symbol);
}

}  // namespace gateway_detail

// A v3 builder's request as the REST client sends it.
RestRequest to_rest(uta::Request r, std::function<void()> on_write);
// A UTA account's coins as balances: one wallet for both markets (gateway_uta_ws.cpp).
std::vector<BalanceUpdate> uta_wallet(std::vector<BalanceUpdate> coins, const std::string& margin_coin);

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
  Result<carry::OrderAck> order_outcome(Result<OrderAck> r, std::string_view op, const std::string& client_oid) {
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
  asio::awaitable<Result<OrderAck>> uta_place(PlaceOrderRequest req, std::function<void()> on_write);
  asio::awaitable<Result<OrderAck>> uta_cancel(MarketType market, OrderRef ref);
  asio::awaitable<Result<carry::OrderAck>> uta_amend(AmendOrderRequest req, std::function<void()> on_write);
  asio::awaitable<Result<std::optional<OrderUpdate>>> uta_order(OrderRef ref);
  asio::awaitable<Result<std::vector<OrderRecord>>> uta_open_orders(MarketType market, std::string symbol);
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

  // ---------- WebSocket handlers ----------
  WsClient::Handlers public_handlers() {
    // ts_init is the LOCAL receive time (freshness checks compare it with the local clock); the
    // WS sessions themselves run on the exchange-corrected clock for the login timestamp.
    return {[this](std::string_view frame, UnixNanos) { on_public(frame, now()); },
            [this](bool priv, UnixNanos at) { on_reconnected(priv, at); },
            [this](const SubscriptionArg& arg) { on_book_resync(arg); },
            nullptr};  // a 30033 notice: the PublicStream around the client rotates
  }
  WsClient::Handlers private_handlers() {
    return {[this](std::string_view frame, UnixNanos) { on_private(frame, now()); },
            [this](bool priv, UnixNanos at) { on_reconnected(priv, at); }, nullptr,
            nullptr};  // a 30033 notice: the client reconnects at once
  }

  void publish(const MarketEvent& ev) {
    if (market_handler) market_handler(ev);
  }

  void reject_frame(std::string_view session, const Error& e) {
    ++stats.rejected_frames;
    events.warn("ws.frame_rejected", {{"session", std::string(session)}, {"error", e.to_string()}});
  }

  void on_public(std::string_view frame, UnixNanos ts_init) {
    ++stats.public_frames;
    stats.public_data_at = std::chrono::steady_clock::now();
    // simdjson On-Demand reads only the fields it needs, so a frame cut short after them would
    // still "parse": a push must be one whole JSON object.
    if (!looks_complete(frame)) return reject_frame("public", bad_payload("truncated frame: " + excerpt(frame)));
    // Hot path: books1/5/15 and ticker straight to a BBO (simdjson, no allocation).
    auto fast = uta() ? uta_fast_bbo.parse(frame) : fast_bbo.parse(frame);
    if (fast) {
      publish_fast(*fast, ts_init);
      return;
    }
    if (fast.error().errc != Errc::unsupported) return reject_frame("public", fast.error());
    if (uta()) return on_public_v3(frame, ts_init);
    on_public_v2(frame, ts_init);
  }

  void publish_fast(const FastBbo& f, UnixNanos ts_init) {
    Bbo bbo{std::string(f.symbol), f.market, f.bid_price, f.bid_size, f.ask_price, f.ask_size, f.ts_event, ts_init};
    publish(bbo);
    if (!f.funding_rate || !f.next_funding_time) return;
    FundingRateUpdate fr;
    fr.symbol = bbo.symbol;
    fr.rate = *f.funding_rate;
    fr.next_settlement = *f.next_funding_time;
    fr.mark_price = f.mark_price;
    fr.index_price = f.index_price;
    fr.ts_event = f.ts_event;
    fr.ts_init = ts_init;
    publish(fr);
  }

  void on_public_v2(std::string_view frame, UnixNanos ts_init) {
    auto msg = parse_ws_message(frame);
    if (!msg) return reject_frame("public", msg.error());
    const auto* push = std::get_if<WsPush>(&*msg);
    if (!push) return;
    if (push->arg.channel == "trade") {
      auto trades = parse_ws_trades(*push, ts_init);
      if (!trades) return reject_frame("public", trades.error());
      for (const auto& t : *trades) publish(t);
    } else if (push->arg.channel == "books") {
      on_books(*push, ts_init);
    } else if (push->arg.channel == "ticker" || push->arg.channel.starts_with("books")) {
      // The fast parser declined a frame of its own channels: let the full parser judge it.
      if (push->arg.channel == "ticker") {
        auto tickers = parse_ws_ticker(*push, ts_init);
        if (!tickers) return reject_frame("public", tickers.error());
        for (const auto& t : *tickers) {
          publish(t.ticker.bbo);
          if (t.funding) publish(*t.funding);
        }
      } else {
        auto books = parse_ws_books(*push);
        if (!books) return reject_frame("public", books.error());
        for (const auto& b : *books) {
          auto bbo = bbo_from_book(b, ts_init);
          if (!bbo) return reject_frame("public", bbo.error());
          publish(*bbo);
        }
      }
    }
  }

  void on_books(const WsPush& push, UnixNanos ts_init) {
    auto books = parse_ws_books(push);
    if (!books) return reject_frame("public", books.error());
    apply_books(*books, push.arg, ts_init);
  }

  // Full-depth books into the local order books; a gap or checksum failure resubscribes `arg`.
  void apply_books(const std::vector<BookMessage>& books, const SubscriptionArg& arg, UnixNanos ts_init) {
    for (const auto& b : books) {
      auto it = order_books.find(book_key(b.market, b.symbol));
      if (it == order_books.end()) continue;  // not (or no longer) subscribed
      market::BookUpdate u;
      u.snapshot = b.snapshot;
      u.checksum = b.checksum;
      u.seq = b.seq;
      u.pseq = b.pseq;
      u.ts = b.ts;
      u.bids.reserve(b.bids.size());
      u.asks.reserve(b.asks.size());
      for (const auto& l : b.bids) u.bids.push_back({l.price, l.size});
      for (const auto& l : b.asks) u.asks.push_back({l.price, l.size});
      auto& book = *it->second;
      const auto r = book.apply(u);
      if (r == market::OrderBook::Result::NeedsResync) {
        ++stats.book_resyncs;
        ws_pub.resync(arg);  // fresh snapshot: unsubscribe + subscribe
        continue;
      }
      if (r != market::OrderBook::Result::Applied) continue;
      const auto bid = book.best_bid();
      const auto ask = book.best_ask();
      if (!bid || !ask) continue;
      publish(Bbo{b.symbol, b.market, bid->first, bid->second, ask->first, ask->second, b.ts, ts_init});
    }
  }

  void on_book_resync(const SubscriptionArg& arg) {
    const auto market = uta() ? uta::market_from_category(arg.inst_type) : market_from_inst_type(arg.inst_type);
    if (!market) return;
    if (auto it = order_books.find(book_key(*market, arg.inst_id)); it != order_books.end()) it->second->reset();
  }

  void on_reconnected(bool private_stream, UnixNanos at) {
    ++(private_stream ? stats.private_reconnects : stats.public_reconnects);
    self.emit(StreamReconnected{private_stream, at, now()});
  }

  void on_private(std::string_view frame, UnixNanos ts_init) {
    ++stats.private_frames;
    if (!looks_complete(frame)) return reject_frame("private", bad_payload("truncated frame: " + excerpt(frame)));
    if (uta()) return on_private_v3(frame, ts_init);
    auto msg = parse_ws_message(frame);
    if (!msg) return reject_frame("private", msg.error());
    const auto* push = std::get_if<WsPush>(&*msg);
    if (!push) return;
    const std::string& ch = push->arg.channel;
    if (ch == "orders") {
      auto orders = parse_ws_orders(*push, ts_init);
      if (!orders) return reject_frame("private", orders.error());
      for (const auto& o : *orders) self.emit(o.order);
    } else if (ch == "fill") {
      auto fills = parse_ws_fills(*push, ts_init);
      if (!fills) return reject_frame("private", fills.error());
      for (const auto& f : *fills) self.emit(f);
    } else if (ch == "positions") {
      auto positions = parse_ws_positions(*push, ts_init);
      if (!positions) return reject_frame("private", positions.error());
      for (const auto& p : *positions) self.emit(p.position);
    } else if (ch == "account") {
      if (push->arg.inst_type == "SPOT") {
        auto balances = parse_ws_spot_account(*push, ts_init);
        if (!balances) return reject_frame("private", balances.error());
        for (const auto& b : *balances) self.emit(b);
      } else {
        auto accounts = parse_ws_futures_account(*push, ts_init);
        if (!accounts) return reject_frame("private", accounts.error());
        for (const auto& a : *accounts) self.emit(a.balance);
      }
    }
  }

  // gateway_uta_ws.cpp: the v3 pushes, the v3 args.
  void on_public_v3(std::string_view frame, UnixNanos ts_init);
  void on_private_v3(std::string_view frame, UnixNanos ts_init);
  std::vector<SubscriptionArg> private_args_v3() const;
  SubscriptionArg public_arg_v3(const std::string& symbol, MarketType market, std::string_view channel) const;

  std::vector<SubscriptionArg> private_args() const {
    if (uta()) return private_args_v3();
    const std::string& pt = config.product_type;
    return {{pt, "orders", "default", ""},     {pt, "fill", "default", ""},       {pt, "positions", "default", ""},
            {pt, "account", "", "default"},    {"SPOT", "orders", "default", ""}, {"SPOT", "fill", "default", ""},
            {"SPOT", "account", "", "default"}};
  }

  SubscriptionArg public_arg(const std::string& symbol, MarketType market, std::string channel) const {
    if (uta()) return public_arg_v3(symbol, market, channel);
    return {market == MarketType::Spot ? std::string("SPOT") : config.product_type, std::move(channel), symbol, ""};
  }

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
  FastBboParser fast_bbo;
  UtaFastBboParser uta_fast_bbo;
  std::map<std::string, std::unique_ptr<market::OrderBook>> order_books;
  MarketHandler market_handler;
  GatewayStats stats;
};

}  // namespace carry::bitget
