#include <carry/bitget/gateway.hpp>

#include "time_sync.hpp"

#include <carry/bitget/fast_bbo.hpp>
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

namespace {

// Requests are built here, never as braced temporaries inside a co_await (GCC 12 miscompiles
// initializer lists in co_await operands).
RestRequest get(std::string path, QueryParams query, bool sign) {
  RestRequest r;
  r.path = std::move(path);
  r.query = std::move(query);
  r.sign = sign;
  return r;
}
RestRequest post(std::string path, std::string body, std::function<void()> on_write = {}) {
  RestRequest r;
  r.method = HttpMethod::Post;
  r.path = std::move(path);
  r.body = std::move(body);
  r.sign = true;
  r.on_write = std::move(on_write);
  return r;
}

void add(QueryParams& q, std::string key, std::string value) {
  if (!value.empty()) q.emplace_back(std::move(key), std::move(value));
}
void add_ms(QueryParams& q, std::string key, const std::optional<UnixNanos>& t) {
  if (t) q.emplace_back(std::move(key), std::to_string(t->ms()));
}
void add_int(QueryParams& q, std::string key, int v) {
  if (v > 0) q.emplace_back(std::move(key), std::to_string(v));
}

struct Acknowledged {};

// O(1) guard for the hot path: first and last non-blank characters must be '{' and '}'.
bool looks_complete(std::string_view f) {
  const auto first = f.find_first_not_of(" \t\r\n");
  const auto last = f.find_last_not_of(" \t\r\n");
  return first != std::string_view::npos && f[first] == '{' && f[last] == '}';
}

std::string excerpt(std::string_view f) { return std::string(f.substr(0, 80)); }

carry::OrderAck to_venue(const OrderAck& a) { return {a.order_id, a.client_oid}; }

// A failure below the envelope (network, timeout, circuit...) as an Error. The REST client only
// reports carry codes; anything else would count as a network failure.
Error transport_error(const boost::system::error_code& ec) {
  const Errc errc = ec.category() == carry_category() ? static_cast<Errc>(ec.value()) : Errc::network;
  return {errc, {}, ec.message()};
}

std::string book_key(MarketType m, std::string_view symbol) {
  return std::string(m == MarketType::Spot ? "S/" : "P/") + std::string(symbol);
}

}  // namespace

struct Gateway::Impl {
  Impl(Gateway& owner, asio::any_io_executor executor, GatewayConfig cfg, EventSink& ev, const Clock& clk)
      : self(owner),
        ex(executor),
        config(std::move(cfg)),
        events(ev),
        clock(clk),
        signer(config.credentials.empty()
                   ? nullptr
                   : std::make_shared<Signer>(config.credentials, config.demo, config.locale)),
        public_signer(config.credentials.empty() ? std::make_shared<Signer>(Credentials{}, config.demo, config.locale)
                                                  : signer),
        rest(executor, config.rest_config(), public_signer, ev, clk),
        exchange_clock(executor, clk, rest, ev, config.time_sync_interval),
        ws_pub(executor, config.ws_public_config(), nullptr, ev, exchange_clock, public_handlers()) {
    if (signer && config.private_streams)
      ws_priv = std::make_unique<WsClient>(executor, config.ws_private_config(), signer.get(), ev, exchange_clock,
                                           private_handlers());
    events.info("gateway.config", {{"describe", config.describe()}});
  }

  // ---------- REST plumbing ----------
  void log_rejected(const std::string& path, const Error& e) {
    events.warn("rest.rejected", {{"path", path}, {"code", e.exchange_code}, {"msg", e.message},
                                  {"error", make_error_code(e.errc).message()}});
  }
  void log_bad_payload(const std::string& path, const Error& e) {
    events.error("rest.bad_payload", {{"path", path}, {"error", e.to_string()}});
  }

  // send -> envelope -> typed parser; every failure logged with the path (never the body of a
  // signed request: it holds no secret, but the headers do and they are never logged). The error
  // keeps the exchange's own code and message.
  template <class T, class Parse>
  asio::awaitable<WireResult<T>> call_detailed(RestRequest req, Parse parse) {
    const std::string path = req.path;
    // A refused timestamp (40008) means the request was not executed and our offset is stale:
    // re-sync, then send it once more (freshly stamped by the REST client).
    std::optional<RestRequest> again;
    if (req.sign) again = req;
    const std::uint64_t seen = exchange_clock.generation();
    auto res = co_await rest.send(std::move(req));
    if (!res) co_return transport_error(res.error());
    auto env = parse_envelope(res->body, res->status);
    if (!env && env.error().errc == Errc::clock_skew && again) {
      log_rejected(path, env.error());
      (void)co_await exchange_clock.resync("timestamp_rejected", seen);
      res = co_await rest.send(std::move(*again));
      if (!res) co_return transport_error(res.error());
      env = parse_envelope(res->body, res->status);
    }
    if (!env) {
      log_rejected(path, env.error());
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
    auto r = co_await call_detailed<Acknowledged>(std::move(req), [](const json&) -> WireResult<Acknowledged> {
      return Acknowledged{};
    });
    if (!r) co_return r.error();
    co_return WireResult<void>{};
  }

  // A place/amend whose answer never came (or came garbled) may have been executed: report
  // Errc::timeout so the OMS looks the order up by clientOid before anything else.
  Result<carry::OrderAck> order_outcome(Result<OrderAck> r, std::string_view op, const std::string& client_oid) {
    if (r) return to_venue(*r);
    const auto ec = r.error();
    if (ec == make_error_code(Errc::timeout) || ec == make_error_code(Errc::http_server_error) ||
        ec == make_error_code(Errc::bad_payload) || ec == make_error_code(Errc::network)) {
      events.warn("order.outcome_unknown", {{"op", std::string(op)}, {"client_oid", client_oid},
                                            {"cause", ec.message()}});
      return make_error_code(Errc::timeout);
    }
    return ec;
  }

  QueryParams product() const { return {{"productType", config.product_type}}; }
  UnixNanos now() const { return clock.now(); }

  // ---------- WebSocket handlers ----------
  WsClient::Handlers public_handlers() {
    // ts_init is the LOCAL receive time (freshness checks compare it with the local clock); the
    // WS sessions themselves run on the exchange-corrected clock for the login timestamp.
    return {[this](std::string_view frame, UnixNanos) { on_public(frame, now()); },
            [this](bool priv, UnixNanos at) { on_reconnected(priv, at); },
            [this](const SubscriptionArg& arg) { on_book_resync(arg); }};
  }
  WsClient::Handlers private_handlers() {
    return {[this](std::string_view frame, UnixNanos) { on_private(frame, now()); },
            [this](bool priv, UnixNanos at) { on_reconnected(priv, at); }, nullptr};
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
    // simdjson On-Demand reads only the fields it needs, so a frame cut short after them would
    // still "parse": a push must be one whole JSON object.
    if (!looks_complete(frame)) return reject_frame("public", bad_payload("truncated frame: " + excerpt(frame)));
    // Hot path: books1/5/15 and ticker straight to a BBO (simdjson, no allocation).
    auto fast = fast_bbo.parse(frame);
    if (fast) {
      const FastBbo& f = *fast;
      Bbo bbo{std::string(f.symbol), f.market, f.bid_price, f.bid_size, f.ask_price, f.ask_size, f.ts_event, ts_init};
      publish(bbo);
      if (f.funding_rate && f.next_funding_time) {
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
      return;
    }
    if (fast.error().errc != Errc::unsupported) return reject_frame("public", fast.error());
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
    for (const auto& b : *books) {
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
        ws_pub.resync(push.arg);  // fresh snapshot: unsubscribe + subscribe
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
    const auto market = market_from_inst_type(arg.inst_type);
    if (!market) return;
    if (auto it = order_books.find(book_key(*market, arg.inst_id)); it != order_books.end()) it->second->reset();
  }

  void on_reconnected(bool private_stream, UnixNanos at) {
    self.emit(StreamReconnected{private_stream, at, now()});
  }

  void on_private(std::string_view frame, UnixNanos ts_init) {
    ++stats.private_frames;
    if (!looks_complete(frame)) return reject_frame("private", bad_payload("truncated frame: " + excerpt(frame)));
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

  std::vector<SubscriptionArg> private_args() const {
    const std::string& pt = config.product_type;
    return {{pt, "orders", "default", ""},    {pt, "fill", "default", ""},   {pt, "positions", "default", ""},
            {pt, "account", "", "default"},   {"SPOT", "orders", "default", ""}, {"SPOT", "fill", "default", ""},
            {"SPOT", "account", "", "default"}};
  }

  SubscriptionArg public_arg(const std::string& symbol, MarketType market, std::string channel) const {
    return {market == MarketType::Spot ? std::string("SPOT") : config.product_type, std::move(channel), symbol, ""};
  }

  void subscribe_public(SubscriptionArg arg) { ws_pub.subscribe({std::move(arg)}); }

  Gateway& self;
  asio::any_io_executor ex;
  GatewayConfig config;
  EventSink& events;
  const Clock& clock;
  std::shared_ptr<Signer> signer;          // null without credentials
  std::shared_ptr<Signer> public_signer;   // paptrading/locale headers on public calls
  RestClient rest;
  io::TimeSync exchange_clock;  // the WS login timestamp must be within 30 s of the exchange
  WsClient ws_pub;
  std::unique_ptr<WsClient> ws_priv;
  FastBboParser fast_bbo;
  std::map<std::string, std::unique_ptr<market::OrderBook>> order_books;
  MarketHandler market_handler;
  GatewayStats stats;
};

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

// ---------- public WebSocket ----------
void Gateway::subscribe_ticker(const std::string& symbol, MarketType market) {
  impl_->subscribe_public(impl_->public_arg(symbol, market, "ticker"));
}
void Gateway::subscribe_books1(const std::string& symbol, MarketType market) {
  impl_->subscribe_public(impl_->public_arg(symbol, market, "books1"));
}
void Gateway::subscribe_books5(const std::string& symbol, MarketType market) {
  impl_->subscribe_public(impl_->public_arg(symbol, market, "books5"));
}
void Gateway::subscribe_books(const std::string& symbol, MarketType market) {
  auto& slot = impl_->order_books[book_key(market, symbol)];
  if (!slot) slot = std::make_unique<market::OrderBook>(symbol, impl_->events);
  impl_->subscribe_public(impl_->public_arg(symbol, market, "books"));
}
void Gateway::subscribe_trades(const std::string& symbol, MarketType market) {
  impl_->subscribe_public(impl_->public_arg(symbol, market, "trade"));
}
const market::OrderBook* Gateway::book(const std::string& symbol, MarketType market) const {
  auto it = impl_->order_books.find(book_key(market, symbol));
  return it == impl_->order_books.end() ? nullptr : it->second.get();
}

// ---------- Venue ----------
std::function<void()> Gateway::written_hook(const std::string& client_oid) const {
  return [this, client_oid] { written(client_oid); };
}

asio::awaitable<Result<carry::OrderAck>> Gateway::place(PlaceOrderRequest req) {
  const std::string client_oid = req.client_oid;
  const auto& cfg = impl_->config;
  if (req.market == MarketType::Perp) {
    auto ack = co_await perp_place(
        to_perp_order(req, cfg.product_type, cfg.margin_mode, cfg.margin_coin, cfg.position_mode), written_hook(client_oid));
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
  if (req.market == MarketType::Perp) {
    ack = co_await perp_cancel(req.symbol, ref);
  } else {
    ack = co_await spot_cancel(req.symbol, ref);
  }
  if (!ack) co_return ack.error();
  co_return to_venue(*ack);
}

asio::awaitable<Result<carry::OrderAck>> Gateway::amend(AmendOrderRequest req) {
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
  auto r = co_await all_positions();
  if (!r) co_return r.error();
  std::vector<PositionUpdate> out;
  for (auto& p : *r) out.push_back(std::move(p.position));
  co_return out;
}

asio::awaitable<Result<std::vector<Fill>>> Gateway::fills(std::string symbol, MarketType market, UnixNanos start,
                                                          UnixNanos end) {
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
  co_return co_await impl_->call<OrderAck>(post("/api/v2/mix/order/modify-order", std::move(*body), std::move(on_write)),
                                           [](const json& d) { return parse_order_ack(d); });
}

asio::awaitable<Result<std::vector<OrderRecord>>> Gateway::perp_open_orders(std::string symbol) {
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<OrderRecord>>(
      get("/api/v2/mix/order/orders-pending", std::move(q), true),
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
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  add(q, "marginCoin", impl_->config.margin_coin);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call_detailed<FuturesAccount>(get("/api/v2/mix/account/account", std::move(q), true),
                                                          [t](const json& d) { return parse_futures_account(d, t); });
}

asio::awaitable<WireResult<void>> Gateway::set_leverage(std::string symbol, int leverage) {
  co_return co_await impl_->call_void(
      post("/api/v2/mix/account/set-leverage",
           build_set_leverage_body(symbol, leverage, impl_->config.product_type, impl_->config.margin_coin)));
}

asio::awaitable<WireResult<void>> Gateway::set_margin_mode(std::string symbol, std::string margin_mode) {
  co_return co_await impl_->call_void(
      post("/api/v2/mix/account/set-margin-mode",
           build_set_margin_mode_body(symbol, margin_mode, impl_->config.product_type, impl_->config.margin_coin)));
}

asio::awaitable<WireResult<void>> Gateway::set_position_mode(PositionMode mode) {
  co_return co_await impl_->call_void(
      post("/api/v2/mix/account/set-position-mode", build_set_position_mode_body(mode, impl_->config.product_type)));
}

// ---------- typed private REST: spot ----------
asio::awaitable<Result<OrderAck>> Gateway::spot_place(SpotOrderRequest r, std::function<void()> on_write) {
  auto body = build_spot_place_body(r);
  if (!body) co_return body.error().code();
  co_return co_await impl_->call<OrderAck>(post("/api/v2/spot/trade/place-order", std::move(*body), std::move(on_write)),
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
  co_return co_await impl_->call<std::vector<OrderRecord>>(get("/api/v2/spot/trade/unfilled-orders", std::move(q), true),
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
WsClient& Gateway::ws_public() noexcept { return impl_->ws_pub; }
WsClient* Gateway::ws_private() noexcept { return impl_->ws_priv.get(); }
const GatewayConfig& Gateway::config() const noexcept { return impl_->config; }
GatewayStats Gateway::stats() const noexcept { return impl_->stats; }

}  // namespace carry::bitget
