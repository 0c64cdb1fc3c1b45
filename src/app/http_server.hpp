#pragma once
// The monitoring endpoint's I/O shell: a Boost.Beast HTTP/1.1 server on the daemon's io_context.
// Every phase has a deadline (headers, write, keep-alive idle), a connection serves a bounded
// number of requests, and at most max_connections are open (the next one gets a 503 and is
// closed). What a request gets is decided by monitor::route_request; nothing here throws into the
// event loop: a session that fails is logged (http.session_failed) and counted, never escalated,
// because a scraper must never be able to disturb trading.
#include <carry/config/listen_address.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/monitor/http_router.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace carry::app {

struct HttpServerLimits {
  std::size_t max_connections = 16;
  std::size_t header_limit = std::size_t{8} * 1024;  // bytes of request line + headers: 431 beyond
  std::chrono::milliseconds read_timeout{5000};      // a whole request's headers, and keep-alive idle
  std::chrono::milliseconds write_timeout{5000};
  int max_requests_per_connection = 100;
};

class HttpServer {
 public:
  HttpServer(boost::asio::any_io_executor ex, monitor::RouterContext routes, EventSink& log,
             HttpServerLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens (synchronously, so a taken port stops start-up at once). On failure returns
  // false with `error` saying why ("Address already in use").
  bool listen(const config::ListenAddress& address, std::string& error);
  // The bound host:port ("127.0.0.1:41234"; IPv6 in brackets) once listening.
  std::string bound_address() const;
  void start();  // spawns the accept loop
  void stop();   // closes the acceptor and every open connection

  std::uint64_t rejected() const noexcept;  // error replies (4xx/5xx except /health's 503)
  std::size_t open_connections() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace carry::app
