#pragma once
// HTTP/1.1 over TCP or TLS to one origin, with a keep-alive connection pool (private to io/).
// Each request gets an absolute deadline covering every phase (resolve, connect, TLS handshake,
// write, read); the connect phase is additionally capped by connect_timeout.
#include "tls.hpp"
#include "url.hpp"

#include <carry/bitget/signer.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/result.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace carry::bitget::io {

struct TransportOptions {
  Url origin;
  TlsOptions tls;
  std::chrono::milliseconds connect_timeout{3000};
  // Pooled connections idle longer than this are closed rather than reused: servers drop idle
  // keep-alive sockets and a POST must never be written into one that is already dead.
  std::chrono::milliseconds idle_timeout{15000};
  std::size_t max_idle = 8;
  std::size_t max_body_bytes = 32u << 20;
  std::string user_agent = "carry/0.1";
};

struct RawRequest {
  bool post = false;
  std::string target;  // path + "?" + query
  std::string body;
  std::vector<Header> headers;
};

struct RawResponse {
  int status = 0;
  std::string body;
};

struct TransportOutcome {
  Result<RawResponse> result = Errc::network;
  // True once request bytes may have reached the server: a failure after that point leaves the
  // outcome of a non-idempotent request unknown.
  bool maybe_sent = false;
  bool reused_connection = false;
  std::string detail;  // the underlying transport error, for logs
};

struct TransportStats {
  std::uint64_t connections_opened = 0;
  std::uint64_t requests_written = 0;
  std::uint64_t stale_retries = 0;
};

class HttpTransport {
 public:
  // Throws std::runtime_error on an unusable TLS configuration (start-up error).
  HttpTransport(boost::asio::any_io_executor ex, TransportOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  boost::asio::awaitable<TransportOutcome> perform(RawRequest request, std::chrono::steady_clock::time_point deadline);

  const TransportStats& stats() const noexcept;
  std::size_t idle_connections() const noexcept;
  void close_idle();
  const TransportOptions& options() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carry::bitget::io
