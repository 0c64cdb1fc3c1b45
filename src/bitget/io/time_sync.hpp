#pragma once
// The exchange's clock as this process sees it: the local wall clock plus the offset the REST
// client measured (GET /api/v2/public/time). Signed REST requests and the WS login carry it.
// The offset goes stale (host clock stepped by NTP, drift), so it is re-measured every
// `interval` while running and at once after a timestamp refusal (40008 / 30014).
#include <carry/bitget/io/rest_client.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace carry::bitget::io {

class TimeSync final : public Clock {
 public:
  TimeSync(boost::asio::any_io_executor ex, const Clock& base, RestClient& rest, EventSink& events,
           std::chrono::seconds interval);
  ~TimeSync() override;
  TimeSync(const TimeSync&) = delete;
  TimeSync& operator=(const TimeSync&) = delete;

  UnixNanos now() const noexcept override;   // base wall clock + measured offset
  MonoNanos mono() const noexcept override;  // the base clock's: timers never see the offset

  // Completed measurements so far; read before a request, handed to resync() after its refusal.
  std::uint64_t generation() const noexcept;
  // Measures the offset unless one completed since `seen` (refusals of concurrent requests share
  // one re-sync). Logs gateway.time_sync with the new offset.
  boost::asio::awaitable<Result<std::int64_t>> resync(const char* reason, std::uint64_t seen);

  void start();  // the periodic re-sync (interval > 0); idempotent
  void stop();

  struct State;  // named by the .cpp's coroutines only

 private:
  std::shared_ptr<State> state_;  // shared with the periodic loop, which may outlive stop()
};

}  // namespace carry::bitget::io
