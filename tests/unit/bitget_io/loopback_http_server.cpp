#include "loopback_http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <iostream>

namespace carry::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

template <class Stream>
asio::awaitable<void> serve(Stream& stream, LoopbackHttpServer::Handler handler, std::shared_ptr<int> requests) {
  beast::flat_buffer buffer;
  for (;;) {
    HttpRequest req;
    auto [ec, n] = co_await http::async_read(stream, buffer, req, use_tuple);
    if (ec) co_return;
    ++*requests;
    ServerReply reply = handler(req);
    if (reply.hang) continue;  // keep reading: the client gets nothing until it gives up
    http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(reply.body);
    res.keep_alive(req.keep_alive() && !reply.close);
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
    if (wec || !res.keep_alive()) co_return;
  }
}

void log_exception(const char* what, std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    std::cerr << "loopback server " << what << ": " << ex.what() << "\n";
  }
}

}  // namespace

LoopbackHttpServer::LoopbackHttpServer(asio::any_io_executor ex, Handler handler, std::shared_ptr<ssl::context> tls)
    : ex_(ex),
      handler_(std::move(handler)),
      tls_(std::move(tls)),
      acceptor_(std::make_shared<tcp::acceptor>(ex, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))),
      state_(std::make_shared<State>()) {
  port_ = acceptor_->local_endpoint().port();
  // Counters live in shared state so a session outliving the server object stays valid.
  auto requests = std::shared_ptr<int>(state_, &state_->requests);
  asio::co_spawn(
      ex_,
      [acceptor = acceptor_, state = state_, handler = handler_, tls = tls_, requests, ex]() -> asio::awaitable<void> {
        for (;;) {
          auto [ec, socket] = co_await acceptor->async_accept(use_tuple);
          if (ec || state->stopped) co_return;
          ++state->accepted;
          state->peak_open = std::max(state->peak_open, ++state->open);
          // Counts the connection as closed when its session coroutine ends.
          auto closed = std::shared_ptr<void>(nullptr, [state](void*) { --state->open; });
          if (tls) {
            auto stream = std::make_shared<ssl::stream<tcp::socket>>(std::move(socket), *tls);
            state->sockets.push_back(std::shared_ptr<tcp::socket>(stream, &stream->next_layer()));
            asio::co_spawn(
                ex,
                [stream, handler, tls, requests, closed]() -> asio::awaitable<void> {
                  auto [hec] = co_await stream->async_handshake(ssl::stream_base::server, use_tuple);
                  if (hec) co_return;  // e.g. the client refused our certificate
                  co_await serve(*stream, handler, requests);
                },
                [](std::exception_ptr e) { log_exception("tls session", e); });
          } else {
            auto sock = std::make_shared<tcp::socket>(std::move(socket));
            state->sockets.push_back(sock);
            asio::co_spawn(
                ex,
                [sock, handler, requests, closed]() -> asio::awaitable<void> {
                  co_await serve(*sock, handler, requests);
                },
                [](std::exception_ptr e) { log_exception("session", e); });
          }
        }
      },
      [](std::exception_ptr e) { log_exception("accept loop", e); });
}

LoopbackHttpServer::~LoopbackHttpServer() { stop(); }

std::string LoopbackHttpServer::base_url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void LoopbackHttpServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ec;
  acceptor_->close(ec);
  for (auto& w : state_->sockets)
    if (auto s = w.lock()) s->close(ec);
}

std::shared_ptr<ssl::context> LoopbackHttpServer::tls_context(const std::string& cert_pem, const std::string& key_pem) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->use_certificate_chain(asio::buffer(cert_pem));
  ctx->use_private_key(asio::buffer(key_pem), ssl::context::pem);
  return ctx;
}

}  // namespace carry::test
