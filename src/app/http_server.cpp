#include "http_server.hpp"

#include <carry/core/exception_message.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <map>
#include <optional>
#include <tuple>

namespace carry::app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto a = ep.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}

// What a failed read means for the client: a status code, or nothing (it left, or idled out).
std::optional<monitor::HttpFailure> read_failure(const boost::system::error_code& ec) {
  if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
      ec == asio::error::connection_reset || ec == asio::error::eof || ec == http::error::partial_message)
    return std::nullopt;
  if (ec == http::error::header_limit) return monitor::HttpFailure::HeaderTooLarge;
  if (ec == http::error::unexpected_body || ec == http::error::body_limit) return monitor::HttpFailure::BodyTooLarge;
  return monitor::HttpFailure::Malformed;
}

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor executor, monitor::RouterContext r, EventSink& l, HttpServerLimits lim)
      : ex(executor), acceptor(executor), routes(std::move(r)), log(l), limits(lim) {}

  asio::any_io_executor ex;
  tcp::acceptor acceptor;
  monitor::RouterContext routes;
  EventSink& log;
  HttpServerLimits limits;
  bool stopped = false;
  std::uint64_t rejected = 0;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, beast::tcp_stream*> sessions;  // open connections, closed by stop()

  void reject(int status, std::string_view why, const std::string& peer) {
    ++rejected;
    // Garbage can come in floods: the first few are logged, then one in a hundred.
    if (rejected <= 20 || rejected % 100 == 0)
      log.warn("http.rejected", {{"status", status}, {"why", std::string(why)}, {"peer", peer}, {"total", rejected}});
  }

  void spawn(asio::awaitable<void> task, const char* what) {
    asio::co_spawn(ex, std::move(task), [self = shared_from_this(), what](std::exception_ptr e) {
      if (!e) return;
      ++self->rejected;
      self->log.error("http.session_failed", {{"task", what}, {"what", exception_message(e)}});
    });
  }

  asio::awaitable<void> accept_loop() {
    asio::steady_timer pause(ex);
    while (!stopped) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (stopped) co_return;
      if (ec) {
        // Out of descriptors and the like: wait a little instead of spinning on the error.
        log.warn("http.accept_failed", {{"error", ec.message()}});
        pause.expires_after(std::chrono::milliseconds(100));
        co_await pause.async_wait(use_tuple);
        continue;
      }
      if (sessions.size() >= limits.max_connections) {
        refuse(std::move(socket));
        continue;
      }
      spawn(session(std::move(socket)), "http_session");
    }
  }

  // Over the cap: a canned 503 written without waiting (it fits any socket buffer), then closed.
  void refuse(tcp::socket socket) {
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    static constexpr std::string_view kBusy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 21\r\n"
        "Connection: close\r\n\r\ntoo many connections\n";
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(kBusy), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    reject(503, "too many connections", ec ? std::string() : endpoint_text(peer));
  }

  asio::awaitable<void> session(tcp::socket socket) {
    auto self = shared_from_this();
    boost::system::error_code pec;
    const auto peer_ep = socket.remote_endpoint(pec);
    const std::string peer = pec ? std::string() : endpoint_text(peer_ep);
    beast::tcp_stream stream(std::move(socket));
    const std::uint64_t id = next_id++;
    sessions.emplace(id, &stream);
    struct Unlist {
      Impl& impl;
      std::uint64_t id;
      ~Unlist() { impl.sessions.erase(id); }
    } unlist{*this, id};
    beast::flat_buffer buffer;
    for (int served = 0; served < limits.max_requests_per_connection && !stopped; ++served) {
      http::request_parser<http::empty_body> parser;  // any body is an error (unexpected_body)
      parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
      stream.expires_after(limits.read_timeout);
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (stopped) co_return;
      if (ec) {
        if (const auto failure = read_failure(ec)) {
          reject(monitor::error_reply(*failure).status, ec.message(), peer);
          co_await write(stream, monitor::error_reply(*failure), false);
          co_await linger(stream);
        }
        break;
      }
      const auto& req = parser.get();
      monitor::HttpRequestInfo info;
      info.method = std::string(req.method_string());
      info.target = std::string(req.target());
      info.authorization = std::string(req[http::field::authorization]);
      info.has_body = parser.chunked() || (parser.content_length() && *parser.content_length() > 0);
      const monitor::HttpReply reply = monitor::route_request(info, routes);
      if (reply.status >= 400 && !(reply.status == 503 && info.target.starts_with("/health")))
        reject(reply.status, info.method + " " + info.target.substr(0, 100), peer);
      const bool keep = req.keep_alive() && !reply.close && served + 1 < limits.max_requests_per_connection;
      if (!co_await write(stream, reply, keep) || !keep) break;
    }
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.close();
  }

  // After an error reply the client may still be sending (a huge header, a body): closing with
  // unread bytes would reset the connection and could destroy the reply in flight, so the rest is
  // read and dropped first (bounded in bytes and time).
  asio::awaitable<void> linger(beast::tcp_stream& stream) {
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    char scratch[4096];
    std::size_t total = 0;
    stream.expires_after(std::chrono::seconds(1));
    while (!ec && total < (1u << 20)) {
      std::size_t n = 0;
      std::tie(ec, n) = co_await stream.async_read_some(asio::buffer(scratch), use_tuple);
      total += n;
    }
  }

  template <class Response>
  void fill(Response& res, const monitor::HttpReply& reply, bool keep) {
    res.set(http::field::server, "carryd");
    res.set(http::field::content_type, reply.content_type);
    res.set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : reply.headers) res.set(k, v);
    res.keep_alive(keep);
  }

  asio::awaitable<bool> write(beast::tcp_stream& stream, const monitor::HttpReply& reply, bool keep) {
    stream.expires_after(limits.write_timeout);
    boost::system::error_code ec;
    if (reply.head) {
      http::response<http::empty_body> res{static_cast<http::status>(reply.status), 11};
      fill(res, reply, keep);
      res.content_length(reply.body.size());
      std::tie(ec, std::ignore) = co_await http::async_write(stream, res, use_tuple);
    } else {
      http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
      fill(res, reply, keep);
      res.body() = reply.body;
      res.prepare_payload();
      std::tie(ec, std::ignore) = co_await http::async_write(stream, res, use_tuple);
    }
    co_return !ec;
  }
};

HttpServer::HttpServer(asio::any_io_executor ex, monitor::RouterContext routes, EventSink& log, HttpServerLimits limits)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(routes), log, limits)) {}

HttpServer::~HttpServer() { stop(); }

bool HttpServer::listen(const config::ListenAddress& address, std::string& error) {
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address.host, ec);
  if (ec) {
    error = ec.message();
    return false;
  }
  const tcp::endpoint ep(ip, address.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) return true;
  error = ec.message();
  a.close(ec);
  return false;
}

std::string HttpServer::bound_address() const {
  boost::system::error_code ec;
  const auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? std::string() : endpoint_text(ep);
}

void HttpServer::start() { impl_->spawn(impl_->accept_loop(), "http_accept"); }

void HttpServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  for (auto& [id, stream] : impl_->sessions) stream->socket().close(ec);
}

std::uint64_t HttpServer::rejected() const noexcept { return impl_->rejected; }
std::size_t HttpServer::open_connections() const noexcept { return impl_->sessions.size(); }

}  // namespace carry::app
