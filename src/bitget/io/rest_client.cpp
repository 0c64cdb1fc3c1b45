#include <carry/bitget/rest_client.hpp>

#include "async_semaphore.hpp"
#include "http_transport.hpp"

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
  if (!url || url->websocket)
    throw std::runtime_error("rest base URL '" + c.base_url + "' is not an http(s) URL");
  if (!url->tls && !url->host_is_loopback())
    throw std::runtime_error("rest base URL '" + c.base_url +
                             "': plain http is allowed only to a loopback host");
  io::TransportOptions t;
  t.origin = *url;
  t.tls.ca_file = c.ca_file;
  t.tls.verify_peer = c.verify_tls;
  t.connect_timeout = c.connect_timeout;
  t.idle_timeout = c.idle_timeout;
  t.max_idle = c.max_idle_connections;
  return t;
}

// Interim until proto's circuit breaker / token buckets land (then these two wrap them).
class Breaker {
 public:
  enum class Transition { None, HalfOpen };
  Breaker(int threshold, std::chrono::seconds open) : threshold_(std::max(1, threshold)), open_(open) {}
  Transition allow(SteadyClock::time_point now) {
    if (state_ == State::Open && now >= open_until_) {
      state_ = State::HalfOpen;
      return Transition::HalfOpen;
    }
    return Transition::None;
  }
  bool allows_now() const { return state_ != State::Open; }
  bool on_failure(SteadyClock::time_point now) {
    ++failures_;
    if (state_ == State::HalfOpen || (state_ == State::Closed && failures_ >= threshold_)) {
      state_ = State::Open;
      open_until_ = now + open_;
      return true;
    }
    return false;
  }
  bool on_success() {
    failures_ = 0;
    if (state_ == State::Closed) return false;
    state_ = State::Closed;
    return true;
  }
  int consecutive_failures() const { return failures_; }

 private:
  enum class State { Closed, Open, HalfOpen };
  int threshold_;
  std::chrono::seconds open_;
  State state_ = State::Closed;
  int failures_ = 0;
  SteadyClock::time_point open_until_{};
};

class Limiter {
 public:
  std::chrono::nanoseconds delay(const std::string&, SteadyClock::time_point) { return {}; }
};

}  // namespace

struct RestClient::Impl {
  Impl(asio::any_io_executor executor, RestClientConfig cfg, std::shared_ptr<const Signer> s,
       EventSink& ev, const Clock& clk)
      : ex(executor),
        config(std::move(cfg)),
        signer(std::move(s)),
        events(ev),
        clock(clk),
        transport(executor, transport_options(config)),
        semaphore(executor, std::max<std::size_t>(1, config.max_concurrency)),
        breaker(config.cb_fail_threshold, config.cb_open),
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
    // Refuse early (nothing is queued behind an open breaker), and again just before sending.
    if (!admit(request.path)) co_return Errc::circuit_open;

    if (config.rate_limit) {
      const auto wait = limiter.delay(request.path, SteadyClock::now());
      if (wait.count() > 0) {
        ++stats.rate_limit_waits;
        asio::steady_timer timer(ex, wait);
        auto [ec] = co_await timer.async_wait(use_tuple);
        if (ec) co_return Errc::canceled;
      }
    }
    auto permit = co_await semaphore.acquire();
    if (!permit) co_return permit.error();
    if (!admit(request.path)) co_return Errc::circuit_open;

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

    const auto deadline = SteadyClock::now() + config.request_timeout;
    const auto before = transport.stats().requests_written;
    io::TransportOutcome outcome = co_await transport.perform(std::move(raw), deadline);
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

  bool admit(const std::string& path) {
    const auto transition = breaker.allow(SteadyClock::now());
    if (transition == Breaker::Transition::HalfOpen)
      events.info("rest.circuit_half_open", {{"path", path}});
    if (breaker.allows_now()) return true;
    ++stats.refused_circuit_open;
    return false;
  }

  void record_failure(const std::string& path, Errc code, const std::string& detail) {
    ++stats.failures;
    events.warn("rest.request_failed", {{"path", path},
                                        {"error", make_error_code(code).message()},
                                        {"detail", detail}});
    if (breaker.on_failure(SteadyClock::now()))
      events.error("rest.circuit_open", {{"path", path},
                                         {"consecutive_failures", breaker.consecutive_failures()},
                                         {"open_seconds", config.cb_open.count()}});
  }

  void record_success() {
    if (breaker.on_success()) events.info("rest.circuit_close", nlohmann::json::object());
  }

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
  Breaker breaker;
  Limiter limiter;
  std::int64_t offset_ms = 0;
  RestStats stats;
};

RestClient::RestClient(asio::any_io_executor ex, RestClientConfig config,
                       std::shared_ptr<const Signer> signer, EventSink& events, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(ex), std::move(config), std::move(signer), events, clock)) {}

RestClient::~RestClient() = default;

asio::awaitable<Result<RestResponse>> RestClient::send(RestRequest request) {
  return impl_->send(std::move(request));
}
asio::awaitable<Result<std::int64_t>> RestClient::sync_server_time() { return impl_->sync_time(); }
std::int64_t RestClient::server_time_offset_ms() const noexcept { return impl_->offset_ms; }
std::int64_t RestClient::exchange_time_ms() const noexcept { return impl_->exchange_ms(); }
RestStats RestClient::stats() const noexcept { return impl_->stats; }
bool RestClient::circuit_open() const noexcept { return !impl_->breaker.allows_now(); }
const RestClientConfig& RestClient::config() const noexcept { return impl_->config; }

}  // namespace carry::bitget
