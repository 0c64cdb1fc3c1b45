#include <carry/bitget/io/ws_client.hpp>
#include <carry/core/exception_message.hpp>

#include "tls.hpp"
#include "url.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <optional>
#include <stdexcept>

namespace carry::bitget {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// One established WebSocket, plain or TLS, behind a small virtual interface.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual asio::awaitable<error_code> read(beast::flat_buffer& buffer) = 0;
  virtual asio::awaitable<error_code> write(const std::string& text) = 0;
  // Abrupt close of the TCP socket: used for dead links, where a close handshake would hang.
  virtual void close() = 0;
};

template <class Next>
class ConnectionT final : public Connection {
 public:
  template <class... Args>
  explicit ConnectionT(Args&&... args) : ws(std::forward<Args>(args)...) {}

  asio::awaitable<error_code> read(beast::flat_buffer& buffer) override {
    auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
    co_return ec;
  }
  asio::awaitable<error_code> write(const std::string& text) override {
    ws.text(true);
    auto [ec, n] = co_await ws.async_write(asio::buffer(text), use_tuple);
    co_return ec;
  }
  void close() override {
    error_code ignored;
    beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws).close();
  }

  websocket::stream<Next> ws;
};

using PlainWs = ConnectionT<beast::tcp_stream>;
using TlsWs = ConnectionT<ssl::stream<beast::tcp_stream>>;

void log_driver_exit(EventSink& events, const std::string& session, const char* what, std::exception_ptr e) {
  if (e) events.error("ws.driver_failed", {{"session", session}, {"coroutine", what}, {"error", exception_message(e)}});
}

}  // namespace

struct WsClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor executor, WsClientConfig cfg, const Signer* signer, EventSink& ev, const Clock& clk,
       Handlers h)
      : ex(executor),
        config(std::move(cfg)),
        events(ev),
        clock(clk),
        handlers(std::move(h)),
        fsm(config.session, signer, ev),
        timer(executor) {
    auto parsed = io::parse_url(config.url);
    if (!parsed || !parsed->websocket)
      throw std::runtime_error("websocket URL '" + config.url + "' is not a ws(s) URL");
    if (!parsed->tls && !parsed->host_is_loopback())
      throw std::runtime_error("websocket URL '" + config.url + "': plain ws is allowed only to a loopback host");
    url = *parsed;
    if (url.tls) tls = io::make_client_tls_context({config.ca_file, config.verify_tls});
  }

  // The FSM's timers run on monotonic time (a wall-clock step or an offset re-sync must not fake
  // or hide silence); only the login timestamp and the handlers' times are exchange time.
  UnixNanos now() const { return UnixNanos{clock.mono().ns}; }
  const std::string& name() const { return config.session.name; }

  SteadyClock::time_point to_steady(UnixNanos t) const {
    return SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(t - now());
  }

  // ---------- FSM actions ----------
  void apply(WsActions actions) {
    for (auto& action : actions) {
      std::visit(Overloaded{
                     [&](ws_action::ConnectAfter& a) {
                       drop_connection();
                       connect_at = SteadyClock::now() + a.delay;
                       timer.cancel();
                     },
                     [&](ws_action::Send& a) {
                       write_queue.push_back(std::move(a.text));
                       start_writer();
                     },
                     [&](ws_action::Close&) { drop_connection(); },
                     [&](ws_action::Data& a) {
                       if (!stopped && handlers.on_data) handlers.on_data(a.text, clock.now());
                     },
                     [&](ws_action::Reconnected& a) {
                       ++stats.reconnects;
                       if (!stopped && handlers.on_reconnected) handlers.on_reconnected(a.private_stream, clock.now());
                     },
                     [&](ws_action::BookResync& a) {
                       if (!stopped && handlers.on_book_resync) handlers.on_book_resync(a.arg);
                     },
                     [&](ws_action::PlannedReconnect&) {
                       ++stats.planned_reconnects;
                       if (stopped) return;
                       // The owner may bring a second connection up first; else reconnect now,
                       // before the venue drops this one.
                       if (handlers.on_planned_reconnect)
                         handlers.on_planned_reconnect();
                       else
                         post_reconnect_now();
                     },
                 },
                 action);
    }
  }

  // Not from inside apply(): the FSM's actions of this input are still being executed.
  void post_reconnect_now() {
    asio::post(ex, [weak = weak_from_this()] {
      if (auto self = weak.lock(); self && !self->stopped) {
        self->apply(self->fsm.reconnect_now(self->now(), "service upgrade announced (30033)"));
        self->wake_if_needed();
      }
    });
  }

  // After input from outside the main loop: wake it when its timer is now too late.
  void wake_if_needed() {
    if (connect_at) {
      if (*connect_at < timer.expiry()) timer.cancel();
      return;
    }
    if (auto d = fsm.next_deadline(); d && to_steady(*d) < timer.expiry()) timer.cancel();
  }

  void drop_connection() {
    if (conn) conn->close();
    conn.reset();
    ++generation;
    write_queue.clear();
  }

  void start_writer() {
    if (writing || !conn || write_queue.empty()) return;
    writing = true;
    asio::co_spawn(ex, write_loop(shared_from_this(), conn, generation),
                   [self = shared_from_this()](std::exception_ptr e) {
                     if (e) self->writing = false;  // write_loop resets it on every normal exit
                     log_driver_exit(self->events, self->name(), "writer", e);
                   });
  }

  static asio::awaitable<void> write_loop(std::shared_ptr<Impl> self, std::shared_ptr<Connection> c,
                                          std::uint64_t gen) {
    while (!self->stopped && gen == self->generation && !self->write_queue.empty()) {
      std::string text = std::move(self->write_queue.front());
      self->write_queue.pop_front();
      const error_code ec = co_await c->write(text);
      if (ec) {
        if (!self->stopped && gen == self->generation) {
          self->apply(self->fsm.on_closed(self->now(), "write: " + ec.message()));
          self->wake_if_needed();
        }
        break;
      }
      ++self->stats.frames_out;
    }
    self->writing = false;
    // Frames queued for a newer connection while this writer finished with the old one.
    if (!self->stopped && gen != self->generation) self->start_writer();
  }

  static asio::awaitable<void> read_loop(std::shared_ptr<Impl> self, std::shared_ptr<Connection> c, std::uint64_t gen) {
    beast::flat_buffer buffer;
    for (;;) {
      const error_code ec = co_await c->read(buffer);
      if (self->stopped || gen != self->generation) co_return;
      if (ec) {
        self->apply(self->fsm.on_closed(self->now(), "read: " + ec.message()));
        self->wake_if_needed();
        co_return;
      }
      ++self->stats.frames_in;
      self->stats.last_frame_in = std::chrono::steady_clock::now();
      const auto data = buffer.cdata();
      const std::string_view text(static_cast<const char*>(data.data()), data.size());
      if (text != "pong") ++self->stats.data_frames_in;
      self->apply(self->fsm.on_message(text, self->now()));
      buffer.consume(buffer.size());
      self->wake_if_needed();
    }
  }

  // ---------- connecting ----------
  asio::awaitable<error_code> resolve(SteadyClock::time_point deadline, tcp::resolver::results_type& out) {
    using namespace asio::experimental::awaitable_operators;
    tcp::resolver resolver(ex);
    asio::steady_timer guard(ex, deadline);
    auto winner = co_await (resolver.async_resolve(url.host, url.port, use_tuple) || guard.async_wait(use_tuple));
    if (winner.index() == 1) co_return beast::error::timeout;
    auto [ec, results] = std::get<0>(std::move(winner));
    out = results;
    co_return ec;
  }

  template <class Ws>
  asio::awaitable<error_code> handshake_ws(Ws& ws, SteadyClock::time_point deadline) {
    beast::get_lowest_layer(ws).expires_never();
    const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - SteadyClock::now());
    websocket::stream_base::timeout opt{std::max(left, std::chrono::nanoseconds(1)), websocket::stream_base::none(),
                                        false};
    ws.set_option(opt);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(beast::http::field::user_agent, "carry/0.1"); }));
    ws.read_message_max(config.max_frame_bytes);
    auto [ec] = co_await ws.async_handshake(url.authority(), url.path, use_tuple);
    co_return ec;
  }

  // Returns the connection or a reason for the FSM (and the ws.connect_failed event).
  asio::awaitable<std::pair<std::shared_ptr<Connection>, std::string>> connect() {
    const auto deadline = SteadyClock::now() + config.connect_timeout;
    tcp::resolver::results_type endpoints;
    if (auto ec = co_await resolve(deadline, endpoints))
      co_return std::pair{nullptr, "resolve " + url.host + ": " + ec.message()};
    if (tls) {
      auto c = std::make_shared<TlsWs>(ex, *tls);
      auto& lowest = beast::get_lowest_layer(c->ws);
      lowest.expires_at(deadline);
      auto [cec, ep] = co_await lowest.async_connect(endpoints, use_tuple);
      if (cec) co_return std::pair{nullptr, "connect: " + cec.message()};
      if (!io::prepare_client_ssl(c->ws.next_layer().native_handle(), url, config.verify_tls))
        co_return std::pair{nullptr, std::string("TLS: host name rejected by OpenSSL")};
      auto [hec] = co_await c->ws.next_layer().async_handshake(ssl::stream_base::client, use_tuple);
      if (hec) co_return std::pair{nullptr, "TLS handshake: " + hec.message()};
      if (auto wec = co_await handshake_ws(c->ws, deadline))
        co_return std::pair{nullptr, "websocket handshake: " + wec.message()};
      co_return std::pair{std::move(c), std::string()};
    }
    auto c = std::make_shared<PlainWs>(ex);
    auto& lowest = beast::get_lowest_layer(c->ws);
    lowest.expires_at(deadline);
    auto [cec, ep] = co_await lowest.async_connect(endpoints, use_tuple);
    if (cec) co_return std::pair{nullptr, "connect: " + cec.message()};
    if (auto wec = co_await handshake_ws(c->ws, deadline))
      co_return std::pair{nullptr, "websocket handshake: " + wec.message()};
    co_return std::pair{std::move(c), std::string()};
  }

  // ---------- the driver ----------
  static asio::awaitable<void> run(std::shared_ptr<Impl> self) {
    self->apply(self->fsm.start(self->now()));
    while (!self->stopped) {
      if (self->connect_at && SteadyClock::now() >= *self->connect_at) {
        self->connect_at.reset();
        // The FSM leaves BackingOff when its own clock says the delay is over.
        self->apply(self->fsm.on_timer(self->now()));
        if (self->fsm.state() == WsState::BackingOff) {
          const auto d = self->fsm.next_deadline();
          self->connect_at = d ? self->to_steady(*d) : SteadyClock::now();
          continue;
        }
        if (self->fsm.state() != WsState::Connecting) continue;
        ++self->stats.connect_attempts;
        auto [c, why] = co_await self->connect();
        if (self->stopped) {
          if (c) c->close();
          break;
        }
        if (!c) {
          self->events.warn("ws.connect_failed",
                            {{"session", self->name()}, {"url", self->config.url}, {"error", why}});
          self->apply(self->fsm.on_closed(self->now(), why));
          continue;
        }
        ++self->stats.connections;
        self->conn = c;
        ++self->generation;
        self->write_queue.clear();
        asio::co_spawn(self->ex, read_loop(self, c, self->generation),
                       [self](std::exception_ptr e) { log_driver_exit(self->events, self->name(), "reader", e); });
        self->apply(self->fsm.on_connected(self->now(), self->clock.now().seconds()));
        continue;
      }
      SteadyClock::time_point wake_at = SteadyClock::time_point::max();
      if (self->connect_at) {
        wake_at = *self->connect_at;
      } else if (auto d = self->fsm.next_deadline()) {
        wake_at = self->to_steady(*d);
      }
      self->timer.expires_at(wake_at);
      (void)co_await self->timer.async_wait(use_tuple);
      if (self->stopped) break;
      if (!self->connect_at) self->apply(self->fsm.on_timer(self->now()));
    }
    self->drop_connection();
  }

  void start() {
    if (started) return;
    started = true;
    asio::co_spawn(ex, run(shared_from_this()), [self = shared_from_this()](std::exception_ptr e) {
      log_driver_exit(self->events, self->name(), "driver", e);
    });
  }

  void stop() {
    if (stopped) return;
    stopped = true;
    timer.cancel();
    drop_connection();
  }

  asio::any_io_executor ex;
  WsClientConfig config;
  io::Url url;
  std::shared_ptr<ssl::context> tls;
  EventSink& events;
  const Clock& clock;
  Handlers handlers;
  WsSessionFsm fsm;
  asio::steady_timer timer;
  std::optional<SteadyClock::time_point> connect_at;
  std::shared_ptr<Connection> conn;
  std::uint64_t generation = 0;
  std::deque<std::string> write_queue;
  bool writing = false;
  bool started = false;
  bool stopped = false;
  WsClientStats stats;
};

WsClient::WsClient(asio::any_io_executor ex, WsClientConfig config, const Signer* signer, EventSink& events,
                   const Clock& clock, Handlers handlers)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(config), signer, events, clock, std::move(handlers))) {}

WsClient::~WsClient() {
  impl_->stop();
  impl_->handlers = {};
}

void WsClient::start() { impl_->start(); }
void WsClient::stop() { impl_->stop(); }

void WsClient::subscribe(const std::vector<SubscriptionArg>& args) {
  impl_->apply(impl_->fsm.subscribe(args, impl_->now()));
  impl_->wake_if_needed();
}
void WsClient::unsubscribe(const std::vector<SubscriptionArg>& args) {
  impl_->apply(impl_->fsm.unsubscribe(args, impl_->now()));
  impl_->wake_if_needed();
}
void WsClient::reconnect_now() { impl_->post_reconnect_now(); }
void WsClient::resync(const SubscriptionArg& arg) {
  impl_->apply(impl_->fsm.resync(arg, impl_->now()));
  impl_->wake_if_needed();
}

WsState WsClient::state() const noexcept { return impl_->fsm.state(); }
const std::vector<SubscriptionArg>& WsClient::wanted() const noexcept { return impl_->fsm.wanted(); }
WsClientStats WsClient::stats() const noexcept { return impl_->stats; }
const WsClientConfig& WsClient::config() const noexcept { return impl_->config; }

}  // namespace carry::bitget
