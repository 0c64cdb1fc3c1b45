#include <carry/bitget/io/rest_client.hpp>

#include "async_semaphore.hpp"
#include "http_transport.hpp"

#include <carry/bitget/circuit_breaker.hpp>
#include <carry/bitget/io/rest_metrics.hpp>
#include <carry/bitget/rate_limiter.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <stdexcept>

namespace carry::bitget {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

io::TransportOptions transport_options(const RestClientConfig& c) {
  auto url = io::parse_url(c.base_url);
  if (!url || url->websocket) throw std::runtime_error("rest base URL '" + c.base_url + "' is not an http(s) URL");
  if (!url->tls && !url->host_is_loopback())
    throw std::runtime_error("rest base URL '" + c.base_url + "': plain http is allowed only to a loopback host");
  io::TransportOptions t;
  t.origin = *url;
  t.tls.ca_file = c.ca_file;
  t.tls.verify_peer = c.verify_tls;
  t.connect_timeout = c.connect_timeout;
  t.idle_timeout = c.idle_timeout;
  t.max_idle = c.max_idle_connections;
  return t;
}

// The code label of a request that got no HTTP status back.
std::string_view failure_label(Errc code) {
  switch (code) {
    case Errc::timeout:
      return "timeout";
    case Errc::network:
      return "neterr";
    case Errc::canceled:
      return "canceled";
    case Errc::io:
      return "tls";
    default:
      return "error";
  }
}

}  // namespace

Result<std::string> encode_http_request(bool post, std::string_view target, std::string_view authority,
                                        const std::vector<Header>& headers, std::string_view body,
                                        std::string_view user_agent) {
  // Header injection guard: config-provided values (keys, locale) end up here verbatim.
  // Two memchr scans: find_first_of with a set is a per-character loop (~1 us per request).
  const auto clean = [](std::string_view v) {
    return v.find('\r') == std::string_view::npos && v.find('\n') == std::string_view::npos;
  };
  std::size_t size = 64 + target.size() + authority.size() + user_agent.size() + body.size();
  for (const auto& h : headers) {
    if (!clean(h.name) || !clean(h.value)) return Errc::invalid_argument;
    size += h.name.size() + h.value.size() + 4;
  }
  if (!clean(target) || !clean(authority) || !clean(user_agent)) return Errc::invalid_argument;
  std::string out;
  out.reserve(size);
  out.append(post ? "POST " : "GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(authority);
  out.append("\r\nUser-Agent: ").append(user_agent).append("\r\n");
  for (const auto& h : headers) out.append(h.name).append(": ").append(h.value).append("\r\n");
  if (post) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, body.size());
    out.append("Content-Length: ").append(digits, end).append("\r\n");
  }
  out.append("\r\n").append(body);
  return out;
}

struct RestClient::Impl {
  Impl(asio::any_io_executor executor, RestClientConfig cfg, std::shared_ptr<const Signer> s, EventSink& ev,
       const Clock& clk)
      : ex(executor),
        config(std::move(cfg)),
        signer(std::move(s)),
        events(ev),
        clock(clk),
        transport(executor, transport_options(config)),
        semaphore(executor, std::max<std::size_t>(1, config.max_concurrency)),
        breaker({config.cb_fail_threshold, config.cb_open}, ev),
        limiter() {}

  std::int64_t exchange_ms() const noexcept { return clock.now().ms() + offset_ms; }

  asio::awaitable<Result<RestResponse>> send(RestRequest request) {
    ++stats.requests;
    if (request.sign && !signer) co_return Errc::config;
    std::string query;
    if (!request.query.empty()) {
      auto q = build_query(std::move(request.query));
      if (!q) co_return q.error();
      query = std::move(*q);
    }
    // Refuse early while the breaker is open (nothing queues behind it); the admission that
    // counts (and may take the single half-open probe) happens once, right before sending.
    if (breaker.state() == CircuitBreaker::State::Open && SteadyClock::now() < breaker.open_until()) {
      ++stats.refused_circuit_open;
      metrics.count(request.path, "circuit_open");
      co_return Errc::circuit_open;
    }
    if (config.rate_limit) {
      const auto wait = limiter.acquire(request.path, SteadyClock::now());
      if (wait.count() > 0) {
        ++stats.rate_limit_waits;
        asio::steady_timer timer(ex, wait);
        auto [ec] = co_await timer.async_wait(use_tuple);
        if (ec) co_return Errc::canceled;
      }
    }
    auto permit = co_await semaphore.acquire();
    if (!permit) co_return permit.error();
    if (!breaker.allow(SteadyClock::now())) {
      ++stats.refused_circuit_open;
      metrics.count(request.path, "circuit_open");
      co_return Errc::circuit_open;
    }

    io::RawRequest raw;
    raw.post = request.method == HttpMethod::Post;
    raw.target = query.empty() ? request.path : request.path + "?" + query;
    const bool is_post = raw.post;
    const std::string_view method = is_post ? "POST" : "GET";
    if (request.sign) {
      // Stamped after the waits so the timestamp is fresh when the bytes leave.
      raw.headers = signer->rest_headers(exchange_ms(), method, request.path, query, request.body);
    } else if (signer) {
      raw.headers = signer->public_headers();
    } else if (raw.post) {
      raw.headers.push_back({"Content-Type", "application/json"});
    }
    raw.body = std::move(request.body);

    if (request.on_write) request.on_write();
    const auto deadline = SteadyClock::now() + config.request_timeout;
    const auto before = transport.stats().requests_written;
    const auto started = SteadyClock::now();
    io::TransportOutcome outcome = co_await transport.perform(std::move(raw), deadline);
    metrics.record(request.path,
                   outcome.result ? RestMetrics::status_code(outcome.result->status)
                                  : std::string(failure_label(static_cast<Errc>(outcome.result.error().value()))),
                   SteadyClock::now() - started);
    stats.sent += transport.stats().requests_written - before;
    stats.connections_opened = transport.stats().connections_opened;

    if (!outcome.result) {
      Errc code = static_cast<Errc>(outcome.result.error().value());
      record_failure(request.path, code, outcome.detail);
      // Outcome of a POST is unknown once its bytes may have left: never report it as a
      // plain network failure that invites a blind resend.
      if (is_post && outcome.maybe_sent && code == Errc::network) code = Errc::timeout;
      co_return code;
    }
    RestResponse res{outcome.result->status, std::move(outcome.result->body)};
    if (res.status == 429) {
      record_failure(request.path, Errc::rate_limited, "HTTP 429");
      co_return Errc::rate_limited;
    }
    if (res.status >= 500) {
      record_failure(request.path, Errc::http_server_error, "HTTP " + std::to_string(res.status));
      co_return Errc::http_server_error;
    }
    record_success();
    co_return res;
  }

  // Every admitted request reports back exactly once, so a half-open probe is always released.
  void record_failure(const std::string& path, Errc code, const std::string& detail) {
    ++stats.failures;
    events.warn("rest.request_failed",
                {{"path", path}, {"error", make_error_code(code).message()}, {"detail", detail}});
    if (code == Errc::rate_limited) {
      // The server answered: it is alive (breaker), but this endpoint must cool down (limiter).
      limiter.on_rate_limited(path, SteadyClock::now());
      breaker.on_success(SteadyClock::now());
      return;
    }
    // TLS refusals do not heal by retrying either: they count like transport failures here.
    breaker.on_failure(SteadyClock::now(), make_error_code(code).message() + ": " + detail);
  }

  void record_success() { breaker.on_success(SteadyClock::now()); }

  asio::awaitable<Result<std::int64_t>> sync_time() {
    const auto t0 = clock.now().ms();
    // A named request, not a braced temporary in the co_await: GCC 12 miscompiles the latter.
    RestRequest request;
    request.path = "/api/v2/public/time";
    auto res = co_await send(std::move(request));
    const auto t1 = clock.now().ms();
    if (!res) co_return res.error();
    // {"code":"00000",...,"data":{"serverTime":"1700111073740"}}
    const auto doc = nlohmann::json::parse(res->body, nullptr, false);
    if (doc.is_discarded() || !doc.contains("data") || !doc["data"].is_object()) co_return Errc::bad_payload;
    const nlohmann::json st = doc["data"].value("serverTime", nlohmann::json());
    std::int64_t server_ms = 0;
    if (st.is_string()) {
      const auto& s = st.get_ref<const std::string&>();
      const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), server_ms);
      if (ec != std::errc{} || p != s.data() + s.size()) co_return Errc::bad_payload;
    } else if (st.is_number_integer()) {
      server_ms = st.get<std::int64_t>();
    } else {
      co_return Errc::bad_payload;
    }
    offset_ms = server_ms - (t0 + (t1 - t0) / 2);
    events.info("rest.server_time", {{"offset_ms", offset_ms}, {"rtt_ms", t1 - t0}});
    co_return offset_ms;
  }

  asio::any_io_executor ex;
  RestClientConfig config;
  std::shared_ptr<const Signer> signer;
  EventSink& events;
  const Clock& clock;
  io::HttpTransport transport;
  io::AsyncSemaphore semaphore;
  CircuitBreaker breaker;
  RateLimiter limiter;
  std::int64_t offset_ms = 0;
  RestStats stats;
  RestMetrics metrics;
};

RestClient::RestClient(asio::any_io_executor ex, RestClientConfig config, std::shared_ptr<const Signer> signer,
                       EventSink& events, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(ex), std::move(config), std::move(signer), events, clock)) {}

RestClient::~RestClient() = default;

asio::awaitable<Result<RestResponse>> RestClient::send(RestRequest request) { return impl_->send(std::move(request)); }
asio::awaitable<Result<std::int64_t>> RestClient::sync_server_time() { return impl_->sync_time(); }
std::int64_t RestClient::server_time_offset_ms() const noexcept { return impl_->offset_ms; }
std::int64_t RestClient::exchange_time_ms() const noexcept { return impl_->exchange_ms(); }
RestStats RestClient::stats() const noexcept { return impl_->stats; }
const RestMetrics& RestClient::metrics() const noexcept { return impl_->metrics; }
bool RestClient::circuit_open() const noexcept { return impl_->breaker.state() != CircuitBreaker::State::Closed; }
const RestClientConfig& RestClient::config() const noexcept { return impl_->config; }

}  // namespace carry::bitget
