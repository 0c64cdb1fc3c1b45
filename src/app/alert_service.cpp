#include "alert_service.hpp"

#include <carry/bitget/io/rest_client.hpp>
#include <carry/core/exception_message.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>

namespace carry::app {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr auto kTickPeriod = 5s;
constexpr int kMaxAttempts = 5;
constexpr std::chrono::milliseconds kRequestTimeout{5000};  // the whole request, every phase

struct SplitUrl {
  std::string origin, path;
};

// "https://host:port/a/b?c" -> {"https://host:port", "/a/b?c"} (the RestClient speaks to an origin).
SplitUrl split_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = url.find_first_of("/?", scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  std::string path = url.substr(slash);
  if (path.front() == '?') path.insert(0, "/");
  return {url.substr(0, slash), path};
}

}  // namespace

struct AlertService::Destination {
  std::string name;  // webhook | telegram | slack (never the URL: a secret)
  std::string path;  // request target on the origin
  std::function<std::string(const monitor::Alert&)> body;
  NullEventSink quiet;  // the client's own events would print the URL
  std::unique_ptr<bitget::RestClient> client;
  monitor::BoundedQueue<monitor::Alert> queue;
  asio::steady_timer retry_timer;
  bool busy = false;

  Destination(asio::io_context& ioc, std::size_t capacity) : queue(capacity), retry_timer(ioc) {}
};

AlertService::AlertService(asio::io_context& ioc, const config::AlertsConfig& config, EventSink& log,
                           const Clock& clock)
    : ioc_(ioc),
      config_(config),
      log_(log),
      clock_(clock),
      rules_({std::chrono::seconds(config.min_interval_s), config.reject_burst,
              std::chrono::seconds(config.reject_window_s), std::chrono::seconds(config.stream_down_s)}),
      tick_timer_(ioc) {
  const auto add = [&](std::string name, const std::string& url, std::string path,
                       std::function<std::string(const monitor::Alert&)> body) {
    auto d = std::make_unique<Destination>(ioc_, static_cast<std::size_t>(config_.queue_size));
    d->name = std::move(name);
    d->path = std::move(path);
    d->body = std::move(body);
    bitget::RestClientConfig rc;
    rc.base_url = split_url(url).origin;
    rc.request_timeout = kRequestTimeout;
    rc.connect_timeout = 3000ms;
    rc.max_concurrency = 1;
    rc.max_idle_connections = 1;
    rc.cb_fail_threshold = 1'000'000;  // retries and give-up are decided here, per alert
    rc.rate_limit = false;
    try {
      d->client = std::make_unique<bitget::RestClient>(ioc_.get_executor(), rc, nullptr, d->quiet, clock_);
    } catch (const std::exception& e) {
      log_.error("alert.disabled", {{"destination", d->name}, {"error", e.what()}});
      return;
    }
    destinations_.push_back(std::move(d));
  };
  if (!config_.webhook_url.empty())
    add("webhook", config_.webhook_url, split_url(config_.webhook_url).path, monitor::webhook_body);
  if (!config_.telegram.bot_token.empty()) {
    std::string prefix = split_url(config_.telegram.api_url).path;
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    const std::string chat = config_.telegram.chat_id;
    add("telegram", config_.telegram.api_url, prefix + "/bot" + config_.telegram.bot_token + "/sendMessage",
        [chat](const monitor::Alert& a) { return monitor::telegram_body(a, chat); });
  }
  if (!config_.slack_webhook_url.empty())
    add("slack", config_.slack_webhook_url, split_url(config_.slack_webhook_url).path, monitor::slack_body);
}

AlertService::~AlertService() = default;

void AlertService::observe(LogLevel level, std::string_view event, const nlohmann::json& fields) {
  if (!enabled() || !monitor::AlertRules::watched(event)) return;
  posted_.fetch_add(1, std::memory_order_relaxed);
  asio::post(ioc_, [this, level, event = std::string(event), fields]() {
    posted_.fetch_sub(1, std::memory_order_relaxed);
    on_event(level, event, fields);
  });
}

void AlertService::on_event(LogLevel level, const std::string& event, const nlohmann::json& fields) {
  auto alert = rules_.observe(SteadyClock::now(), level, event, fields);
  stats_.suppressed = rules_.suppressed();
  if (alert) enqueue(std::move(*alert));
}

void AlertService::enqueue(monitor::Alert alert) {
  ++stats_.raised;
  log_.info("alert.raised", {{"alert", alert.event}, {"text", alert.text}, {"destinations", destinations_.size()}});
  for (auto& d : destinations_) {
    if (!d->queue.push(alert)) {
      ++stats_.dropped;
      log_.warn("alert.dropped", {{"destination", d->name},
                                  {"dropped_total", d->queue.dropped()},
                                  {"note", "queue full: the oldest waiting alert was dropped"}});
    }
    if (!d->busy) spawn_sender(*d);
  }
}

void AlertService::spawn_sender(Destination& d) {
  d.busy = true;
  asio::co_spawn(ioc_, send_all(d), [this, &d](std::exception_ptr e) {
    if (!e) return;
    d.busy = false;
    log_.error("alert.sender_failed", {{"destination", d.name}, {"what", exception_message(e)}});
  });
}

asio::awaitable<void> AlertService::send_all(Destination& d) {
  while (auto alert = d.queue.pop()) {
    if (stopping_ && SteadyClock::now() >= give_up_at_) {
      ++stats_.failed;
      log_.warn("alert.failed", {{"destination", d.name},
                                 {"alert", alert->event},
                                 {"attempts", 0},
                                 {"error", "shutdown: no time left to send it"}});
      continue;
    }
    co_await deliver(d, *alert);
  }
  d.busy = false;  // here, not in the completion handler: an alert queued meanwhile must find it free
}

asio::awaitable<bool> AlertService::deliver(Destination& d, const monitor::Alert& alert) {
  monitor::AlertDelivery delivery(kMaxAttempts);
  for (;;) {
    bitget::RestRequest req;
    req.method = bitget::HttpMethod::Post;
    req.path = d.path;
    req.body = d.body(alert);
    auto r = co_await d.client->send(std::move(req));
    using Outcome = monitor::AlertDelivery::Outcome;
    Outcome outcome = Outcome::Retryable;
    std::string error;
    if (r) {
      outcome = monitor::AlertDelivery::classify_http(r->status);
      error = "HTTP " + std::to_string(r->status);
    } else {
      // A refused certificate or a bad request does not heal by retrying.
      outcome = r.error() == make_error_code(Errc::io) || r.error() == make_error_code(Errc::invalid_argument)
                    ? Outcome::Refused
                    : Outcome::Retryable;
      error = r.error().message();
    }
    auto next = delivery.on_result(outcome);
    if (next.delivered) {
      ++stats_.sent;
      log_.info("alert.sent", {{"destination", d.name}, {"alert", alert.event}, {"attempts", delivery.attempts()}});
      co_return true;
    }
    if (!next.done && stopping_ && SteadyClock::now() + next.retry_after > give_up_at_) next.done = true;
    if (next.done) {
      ++stats_.failed;
      log_.warn("alert.failed",
                {{"destination", d.name}, {"alert", alert.event}, {"attempts", delivery.attempts()}, {"error", error}});
      co_return false;
    }
    d.retry_timer.expires_after(next.retry_after);
    co_await d.retry_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (stopping_ && SteadyClock::now() >= give_up_at_) {
      ++stats_.failed;
      log_.warn("alert.failed", {{"destination", d.name},
                                 {"alert", alert.event},
                                 {"attempts", delivery.attempts()},
                                 {"error", error + "; shutdown: no time left to retry"}});
      co_return false;
    }
  }
}

void AlertService::start() {
  if (!enabled()) return;
  asio::co_spawn(ioc_, tick_loop(), [this](std::exception_ptr e) {
    if (e) log_.error("alert.ticker_failed", {{"what", exception_message(e)}});
  });
}

asio::awaitable<void> AlertService::tick_loop() {
  while (!stopping_) {
    tick_timer_.expires_after(kTickPeriod);
    auto [ec] = co_await tick_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || stopping_) co_return;
    for (auto& a : rules_.tick(SteadyClock::now())) enqueue(std::move(a));
  }
}

bool AlertService::idle() const noexcept {
  if (posted_.load(std::memory_order_relaxed) > 0) return false;
  for (const auto& d : destinations_)
    if (d->busy || !d->queue.empty()) return false;
  return true;
}

asio::awaitable<void> AlertService::settle(std::chrono::milliseconds budget) {
  stopping_ = true;
  give_up_at_ = SteadyClock::now() + budget;
  tick_timer_.cancel();
  for (auto& d : destinations_) d->retry_timer.cancel();  // a waiting retry goes now or never
  asio::steady_timer t(ioc_);
  while (!idle() && SteadyClock::now() < give_up_at_) {
    t.expires_after(20ms);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (idle()) co_return;
  log_.warn("alert.unsent_at_exit", {{"note", "the alert endpoint did not answer in time"}});
  // What is left gives up; a request on the wire ends by its own deadline. No sender may outlive
  // this object (its coroutine frames refer to it), so wait for that, bounded the same way.
  for (auto& d : destinations_) d->retry_timer.cancel();
  const auto hard = SteadyClock::now() + kRequestTimeout + 1s;
  while (!idle() && SteadyClock::now() < hard) {
    t.expires_after(20ms);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace carry::app
