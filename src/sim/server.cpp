#include "server.hpp"

#include <carry/core/exception_message.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <nlohmann/json.hpp>

#include <deque>
#include <iostream>
#include <map>
#include <optional>

namespace carry::sim {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace net::experimental::awaitable_operators;

namespace {
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

void log_exception(const char* where, std::exception_ptr e) {
  if (e) std::cerr << "bitget-sim: " << where << ": " << exception_message(e) << "\n";
}
}  // namespace

struct WsConn {
  explicit WsConn(net::any_io_executor ex) : signal(ex) {}
  WsSession session;
  std::deque<std::string> outbox;
  net::steady_timer signal;
  bool close_requested = false;
  bool stalled = false;
  std::uint64_t sent = 0;
  std::optional<std::string> held;  // a private push held back to be sent after the next one
  std::int64_t held_since = 0;
  std::int64_t upgrade_close_at = -1;  // ws_service_upgrade: closed at this time (ms)

  void wake() { signal.cancel(); }
  void enqueue(std::string s) {
    if (stalled || close_requested) return;
    if (outbox.size() > 100000) {  // a consumer this slow is closed, like Bitget does
      close_requested = true;
      wake();
      return;
    }
    outbox.push_back(std::move(s));
    wake();
  }
};

struct Server::Impl {
  explicit Impl(Simulator& s) : sim(s), signals(ioc, SIGINT, SIGTERM), pump_timer(ioc) {}

  Simulator& sim;
  net::io_context ioc{1};
  std::optional<net::ssl::context> ssl_ctx;
  std::optional<tcp::acceptor> acceptor;
  net::signal_set signals;
  net::steady_timer pump_timer;
  std::map<std::uint64_t, std::shared_ptr<WsConn>> conns;
  std::uint64_t next_conn_id = 0;

  std::uniform_real_distribution<double> unit{0.0, 1.0};
  bool chance(double p) { return p > 0.0 && unit(sim.rng()) < p; }

  std::string maybe_malform(std::string text) {
    auto& f = sim.faults();
    bool hit = false;
    if (f.malformed_next > 0) {
      --f.malformed_next;
      hit = true;
    } else if (chance(f.malformed_rate)) {
      hit = true;
    }
    if (!hit) return text;
    ++sim.stats().faults_injected["malformed_frame"];
    return text.substr(0, text.size() / 2);  // truncated JSON: unparseable
  }

  void deliver(WsConn& c, const Push& p, std::string text) {
    auto& f = sim.faults();
    if (p.is_private) {
      // push_channels names v2 channels; a v3 topic (order, position) counts as its v2 channel.
      std::string channel = p.channel;
      if (p.dialect == WsDialect::V3 && (channel == "order" || channel == "position")) channel += "s";
      const bool channel_hit = f.push_channels.empty() || std::find(f.push_channels.begin(), f.push_channels.end(),
                                                                    channel) != f.push_channels.end();
      if (channel_hit) {
        if (f.push_drop_next > 0) {
          --f.push_drop_next;
          ++sim.stats().faults_injected["push_dropped"];
          return;
        }
        if (chance(f.push_drop_rate)) {
          ++sim.stats().faults_injected["push_dropped"];
          return;
        }
        if (chance(f.push_reorder_rate) && !c.held) {
          c.held = std::move(text);
          c.held_since = sim.now_ms();
          ++sim.stats().faults_injected["push_reordered"];
          return;
        }
        const bool dup = chance(f.push_duplicate_rate);
        c.enqueue(maybe_malform(text));
        if (dup) {
          ++sim.stats().faults_injected["push_duplicated"];
          c.enqueue(text);
        }
        if (c.held) {
          c.enqueue(std::move(*c.held));
          c.held.reset();
        }
        return;
      }
    }
    c.enqueue(maybe_malform(std::move(text)));
  }

  void dispatch(const std::vector<Push>& pushes) {
    for (const auto& p : pushes)
      for (auto& [id, c] : conns)
        for (const WsSub* sub : Simulator::matches(c->session, p)) deliver(*c, p, sim.render_for_delivery(p, *sub));
  }

  void apply_actions() {
    auto a = sim.take_actions();
    for (auto& [id, c] : conns) {
      if (!a.ws_close_now.empty() && scope_matches(a.ws_close_now, c->session.is_private)) {
        c->close_requested = true;
        c->wake();
        ++sim.stats().faults_injected["ws_closed"];
      }
      if (!a.ws_stall_now.empty() && scope_matches(a.ws_stall_now, c->session.is_private)) {
        c->stalled = true;
        c->outbox.clear();
        ++sim.stats().faults_injected["ws_stalled"];
      }
      if (a.ws_service_upgrade_ms >= 0 && !c->close_requested && c->upgrade_close_at < 0) {
        // Sent as is (never dropped or malformed): it is what tells clients to move early.
        c->enqueue(ws_error_event(30033, "The service will be upgraded: this connection closes in " +
                                             std::to_string(a.ws_service_upgrade_ms) + " ms, please reconnect"));
        c->upgrade_close_at = sim.now_ms() + a.ws_service_upgrade_ms;
        ++sim.stats().faults_injected["ws_service_upgrade"];
      }
    }
  }

  net::awaitable<void> pump() {
    for (;;) {
      pump_timer.expires_after(std::chrono::milliseconds(sim.config().tick_ms));
      auto [ec] = co_await pump_timer.async_wait(use_tuple);
      if (ec) co_return;
      sim.step();
      apply_actions();
      dispatch(sim.drain_pushes());
      const std::int64_t now = sim.now_ms();
      const auto& f = sim.faults();
      for (auto& [id, c] : conns) {
        if (c->held && now - c->held_since >= sim.config().tick_ms) {
          c->enqueue(std::move(*c->held));
          c->held.reset();
        }
        if (c->upgrade_close_at >= 0 && now >= c->upgrade_close_at && !c->close_requested) {
          c->close_requested = true;
          c->wake();
        }
        if (c->stalled || c->close_requested) continue;
        const bool in_scope = scope_matches(f.ws_scope, c->session.is_private);
        if (in_scope && f.ws_close_every_s > 0 &&
            now - c->session.opened_ms >= static_cast<std::int64_t>(f.ws_close_every_s * 1000)) {
          c->close_requested = true;
          c->wake();
          ++sim.stats().faults_injected["ws_closed"];
        } else if (now - c->session.last_ping_ms > sim.config().ws_idle_timeout_s * 1000LL) {
          c->close_requested = true;  // Bitget drops sockets that stop pinging
          c->wake();
        }
      }
    }
  }

  template <class WsStream>
  net::awaitable<void> ws_reader(WsStream& ws, std::shared_ptr<WsConn> c) {
    for (;;) {
      beast::flat_buffer buf;
      auto [ec, n] = co_await ws.async_read(buf, use_tuple);
      if (ec) co_return;
      if (c->stalled) continue;
      auto out = sim.on_ws_text(c->session, beast::buffers_to_string(buf.data()));
      // Replies (pong, acks, login) are never malformed: the fault targets pushes.
      for (auto& f : out.frames) c->enqueue(std::move(f));
      if (out.close) {
        c->close_requested = true;
        c->wake();
      }
      dispatch(sim.drain_pushes());
    }
  }

  template <class WsStream>
  net::awaitable<void> ws_writer(WsStream& ws, std::shared_ptr<WsConn> c) {
    for (;;) {
      while ((c->outbox.empty() || c->stalled) && !c->close_requested) {
        c->signal.expires_at(net::steady_timer::time_point::max());
        co_await c->signal.async_wait(use_tuple);
      }
      if (c->close_requested && c->outbox.empty()) {
        co_await ws.async_close(websocket::close_code::going_away, use_tuple);
        co_return;
      }
      std::string msg = std::move(c->outbox.front());
      c->outbox.pop_front();
      ws.text(true);
      auto [ec, n] = co_await ws.async_write(net::buffer(msg), use_tuple);
      if (ec) co_return;
      ++c->sent;
      ++sim.stats().ws_messages_sent;
      const auto& f = sim.faults();
      if (f.ws_close_after_messages > 0 && c->sent >= static_cast<std::uint64_t>(f.ws_close_after_messages) &&
          scope_matches(f.ws_scope, c->session.is_private) && !c->close_requested) {
        c->close_requested = true;
        c->outbox.clear();
        ++sim.stats().faults_injected["ws_closed"];
      }
    }
  }

  template <class Stream>
  net::awaitable<void> ws_session(Stream stream, http::request<http::string_body> req, bool is_private,
                                  WsDialect dialect) {
    websocket::stream<Stream> ws(std::move(stream));
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(30);
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws.set_option(t);
    auto [ec] = co_await ws.async_accept(req, use_tuple);
    if (ec) co_return;
    auto c = std::make_shared<WsConn>(ws.get_executor());
    c->session.id = ++next_conn_id;
    c->session.is_private = is_private;
    c->session.dialect = dialect;
    c->session.opened_ms = c->session.last_ping_ms = sim.now_ms();
    ++(is_private ? sim.stats().ws_private_connections : sim.stats().ws_public_connections);
    conns[c->session.id] = c;
    co_await (ws_reader(ws, c) || ws_writer(ws, c));
    conns.erase(c->session.id);
  }

  template <class Stream>
  net::awaitable<void> http_session(Stream stream, bool loopback) {
    beast::flat_buffer buf;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(300));
      auto [ec, n] = co_await http::async_read(stream, buf, parser, use_tuple);
      if (ec) co_return;
      auto req = parser.release();
      const std::string target(req.target());
      if (websocket::is_upgrade(req)) {
        beast::get_lowest_layer(stream).expires_never();
        const bool v2 = target == "/v2/ws/public" || target == "/v2/ws/private";
        const bool v3 = target == "/v3/ws/public" || target == "/v3/ws/private";
        if (v2 || v3) {
          co_await ws_session(std::move(stream), std::move(req), target.ends_with("/private"),
                              v3 ? WsDialect::V3 : WsDialect::V2);
          co_return;
        }
      }
      HttpRequest hr;
      hr.method = std::string(req.method_string());
      hr.target = target;
      hr.body = req.body();
      hr.loopback = loopback;
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        hr.headers[name] = std::string(f.value());
      }
      HttpResponse res;
      if (websocket::is_upgrade(req)) {
        res.status = 404;
        res.body = R"({"code":"40404","msg":"Request URL NOT FOUND","data":null})";
      } else {
        res = sim.handle_http(hr);
      }
      apply_actions();
      dispatch(sim.drain_pushes());
      if (res.delay_ms > 0) {
        net::steady_timer t(co_await net::this_coro::executor, std::chrono::milliseconds(res.delay_ms));
        co_await t.async_wait(use_tuple);
      }
      if (res.drop_connection) {  // lost ack: the request was executed, the answer never comes
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream).socket().close(ignored);
        co_return;
      }
      http::response<http::string_body> out{static_cast<http::status>(res.status), req.version()};
      out.set(http::field::server, "bitget-sim");
      out.set(http::field::content_type, res.content_type);
      out.keep_alive(req.keep_alive());
      out.body() = std::move(res.body);
      out.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, out, use_tuple);
      if (wec || !req.keep_alive()) break;
    }
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  net::awaitable<void> handle_socket(tcp::socket sock) {
    beast::error_code ec;
    const bool loopback = sock.remote_endpoint(ec).address().is_loopback();
    sock.set_option(tcp::no_delay(true), ec);
    if (ssl_ctx) {
      beast::ssl_stream<beast::tcp_stream> s(beast::tcp_stream(std::move(sock)), *ssl_ctx);
      beast::get_lowest_layer(s).expires_after(std::chrono::seconds(30));
      auto [hec] = co_await s.async_handshake(net::ssl::stream_base::server, use_tuple);
      if (hec) co_return;
      co_await http_session(std::move(s), loopback);
    } else {
      co_await http_session(beast::tcp_stream(std::move(sock)), loopback);
    }
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor->async_accept(use_tuple);
      if (ec) {
        if (ec == net::error::operation_aborted) co_return;
        continue;
      }
      net::co_spawn(ioc, handle_socket(std::move(sock)), [](std::exception_ptr e) { log_exception("connection", e); });
    }
  }
};

Server::Server(Simulator& sim) : impl_(std::make_unique<Impl>(sim)) {}
Server::~Server() = default;

void Server::run(const std::function<void(const std::string&)>& on_ready) {
  auto& im = *impl_;
  const auto& cfg = im.sim.config();
  if (cfg.tls) {
    im.ssl_ctx.emplace(net::ssl::context::tls_server);
    try {
      im.ssl_ctx->use_certificate_chain_file(cfg.tls->first);
      im.ssl_ctx->use_private_key_file(cfg.tls->second, net::ssl::context::pem);
    } catch (const std::exception& e) {
      throw std::runtime_error("--tls: cannot load " + cfg.tls->first + " / " + cfg.tls->second + ": " + e.what());
    }
  }
  beast::error_code ec;
  auto addr = net::ip::make_address(cfg.listen_host, ec);
  if (ec) throw std::runtime_error("--listen: invalid address '" + cfg.listen_host + "'");
  im.acceptor.emplace(im.ioc);
  tcp::endpoint ep(addr, static_cast<unsigned short>(cfg.listen_port));
  im.acceptor->open(ep.protocol(), ec);
  if (!ec) im.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor->bind(ep, ec);
  if (!ec) im.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("--listen: cannot listen on " + cfg.listen_host + ":" + std::to_string(cfg.listen_port) +
                             ": " + ec.message());
  const auto port = im.acceptor->local_endpoint().port();
  const std::string host = cfg.listen_host + ":" + std::to_string(port);
  const bool tls = cfg.tls.has_value();
  nlohmann::json ready = {{"event", "sim.ready"},
                          {"rest", std::string(tls ? "https://" : "http://") + host},
                          {"ws_public", std::string(tls ? "wss://" : "ws://") + host + "/v2/ws/public"},
                          {"ws_private", std::string(tls ? "wss://" : "ws://") + host + "/v2/ws/private"},
                          {"ws_public_v3", std::string(tls ? "wss://" : "ws://") + host + "/v3/ws/public"},
                          {"ws_private_v3", std::string(tls ? "wss://" : "ws://") + host + "/v3/ws/private"}};
  im.signals.async_wait([&im](const beast::error_code& e, int) {
    if (e) return;
    beast::error_code ignored;
    im.acceptor->close(ignored);
    im.pump_timer.cancel();
    im.ioc.stop();
  });
  net::co_spawn(im.ioc, im.accept_loop(), [](std::exception_ptr e) { log_exception("accept", e); });
  net::co_spawn(im.ioc, im.pump(), [](std::exception_ptr e) { log_exception("pump", e); });
  on_ready(ready.dump());
  im.ioc.run();
}

}  // namespace carry::sim
