#pragma once
// Sends the alerts AlertRules raises to the configured destinations (webhook, Telegram, Slack) on
// the daemon's io_context. Each destination has its own bounded queue and one sender at a time,
// so a dead Slack never holds back the webhook. Every request has a deadline covering every phase
// (RestClient: resolve, connect, TLS with SNI and certificate verification, write, read); failures
// are retried with exponential backoff, then logged as `alert.failed` and counted. Nothing here
// ever blocks or throws into the trading path: observe() only posts to the loop.
#include <carry/config/config.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>
#include <carry/monitor/alerts.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace carry::app {

struct AlertStats {
  std::uint64_t raised = 0, sent = 0, failed = 0, dropped = 0, suppressed = 0;
};

class AlertService {
 public:
  // `log` receives alert.sent / alert.failed / alert.dropped (never through the rules again).
  AlertService(boost::asio::io_context& ioc, const config::AlertsConfig& config, EventSink& log, const Clock& clock);
  ~AlertService();
  AlertService(const AlertService&) = delete;
  AlertService& operator=(const AlertService&) = delete;

  bool enabled() const noexcept { return !destinations_.empty(); }
  // Any thread: a watched event is posted to the loop and mapped there (AlertRules is not shared).
  void observe(LogLevel level, std::string_view event, const nlohmann::json& fields);
  void start();  // the stream-down ticker
  // Shutdown: no new retries beyond `budget`; completes once every queue is empty or the budget
  // is spent (what is left is logged as alert.failed).
  boost::asio::awaitable<void> settle(std::chrono::milliseconds budget);
  bool idle() const noexcept;
  AlertStats stats() const noexcept { return stats_; }

 private:
  struct Destination;
  void on_event(LogLevel level, const std::string& event, const nlohmann::json& fields);
  void enqueue(monitor::Alert alert);
  void spawn_sender(Destination& d);
  boost::asio::awaitable<void> send_all(Destination& d);
  boost::asio::awaitable<bool> deliver(Destination& d, const monitor::Alert& alert);
  boost::asio::awaitable<void> tick_loop();

  boost::asio::io_context& ioc_;
  config::AlertsConfig config_;
  EventSink& log_;
  const Clock& clock_;
  monitor::AlertRules rules_;
  std::vector<std::unique_ptr<Destination>> destinations_;
  boost::asio::steady_timer tick_timer_;
  std::atomic<int> posted_{0};  // observed events not yet mapped on the loop
  bool stopping_ = false;
  std::chrono::steady_clock::time_point give_up_at_ = std::chrono::steady_clock::time_point::max();
  AlertStats stats_;
};

}  // namespace carry::app
