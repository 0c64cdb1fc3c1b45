#pragma once
// Signed HTTPS client for the Bitget v2 REST API (issue 3). One origin, a small keep-alive pool,
// a deadline per request, a concurrency semaphore, the per-endpoint token buckets and the circuit
// breaker. Runs on the single io_context thread; Beast/TLS stay in the .cpp (pimpl).
#include <carry/bitget/io/rest_metrics.hpp>
#include <carry/bitget/signer.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/result.hpp>
#include <carry/core/time.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace carry::bitget {

struct RestClientConfig {
  // https://host[:port] for the exchange; http:// only to a loopback host (the simulator).
  std::string base_url = "https://api.bitget.com";
  std::string ca_file;  // PEM trusted beside the system store
  bool verify_tls = true;
  std::chrono::milliseconds request_timeout{5000};  // whole request, every phase included
  std::chrono::milliseconds connect_timeout{3000};  // TCP connect + TLS handshake cap
  std::chrono::milliseconds idle_timeout{15000};    // pooled keep-alive sockets older than this are dropped
  std::size_t max_idle_connections = 4;
  std::size_t max_concurrency = 8;   // rest_max_concurrency
  int cb_fail_threshold = 5;         // rest_cb_fail_threshold (consecutive failures)
  std::chrono::seconds cb_open{30};  // rest_cb_open_seconds
  bool rate_limit = true;            // per-endpoint token buckets (REFERENCE limits)
};

enum class HttpMethod { Get, Post };

struct RestRequest {
  HttpMethod method = HttpMethod::Get;
  std::string path;   // "/api/v2/mix/market/tickers"
  QueryParams query;  // sorted into one string used for both the URL and the signature
  std::string body;   // POST: the exact JSON bytes that are signed and sent
  bool sign = false;  // private endpoint: ACCESS-* headers
  // Called once, right before the bytes go to the socket (after the rate-limit and concurrency
  // waits): an order's ack timeout starts here, not when it was queued.
  std::function<void()> on_write;
};

// Any HTTP answer except 429 and 5xx (those are errors): business errors travel in the body.
struct RestResponse {
  int status = 0;
  std::string body;
};

struct RestStats {
  std::uint64_t requests = 0;  // accepted by send()
  std::uint64_t sent = 0;      // written to a socket (retries of stale sockets included)
  std::uint64_t connections_opened = 0;
  std::uint64_t failures = 0;  // network, timeout, 429, 5xx
  std::uint64_t refused_circuit_open = 0;
  std::uint64_t rate_limit_waits = 0;  // requests delayed by a token bucket
};

// The exact HTTP/1.1 request bytes RestClient writes to the socket (keep-alive is HTTP/1.1's
// default). invalid_argument when any part holds CR or LF (header injection from config).
Result<std::string> encode_http_request(bool post, std::string_view target, std::string_view authority,
                                        const std::vector<Header>& headers, std::string_view body,
                                        std::string_view user_agent = "carry/0.1");

class RestClient {
 public:
  // `signer` may be null for a public-only client; `clock` stamps ACCESS-TIMESTAMP (plus the
  // measured server offset). Throws std::runtime_error for an unusable base URL or CA file.
  RestClient(boost::asio::any_io_executor ex, RestClientConfig config, std::shared_ptr<const Signer> signer,
             EventSink& events, const Clock& clock);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // Errors: network, timeout, http_server_error (5xx), rate_limited (429), circuit_open — all
  // retryable; io (TLS verification failed), invalid_argument (query characters), config.
  // A POST that failed after its bytes may have left is reported as Errc::timeout: its outcome is
  // unknown and the caller must look the order up before any resend.
  boost::asio::awaitable<Result<RestResponse>> send(RestRequest request);

  // GET /api/v2/public/time; keeps offset = serverTime - local midpoint of the round trip.
  boost::asio::awaitable<Result<std::int64_t>> sync_server_time();
  std::int64_t server_time_offset_ms() const noexcept;
  // Local clock corrected by the measured offset (what ACCESS-TIMESTAMP carries).
  std::int64_t exchange_time_ms() const noexcept;

  RestStats stats() const noexcept;
  // Requests and latency per endpoint and status code since start (GET /metrics).
  const RestMetrics& metrics() const noexcept;
  bool circuit_open() const noexcept;
  const RestClientConfig& config() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carry::bitget
