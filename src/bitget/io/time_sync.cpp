#include "time_sync.hpp"

#include <carry/core/exception_message.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace carry::bitget::io {

namespace asio = boost::asio;

struct TimeSync::State {
  State(asio::any_io_executor ex, const Clock& b, RestClient& r, EventSink& ev, std::chrono::seconds every)
      : base(b), rest(r), events(ev), interval(every), timer(ex) {}
  const Clock& base;
  RestClient& rest;
  EventSink& events;
  std::chrono::seconds interval;
  asio::steady_timer timer;
  std::uint64_t generation = 0;
  bool started = false;
  bool stopped = false;
};

namespace {

asio::awaitable<Result<std::int64_t>> measure(TimeSync::State& s, const char* reason) {
  const std::int64_t before = s.rest.server_time_offset_ms();
  auto r = co_await s.rest.sync_server_time();
  if (!r) {
    s.events.warn("gateway.time_sync_failed", {{"reason", reason}, {"error", r.error().message()}});
    co_return r;
  }
  ++s.generation;
  s.events.info("gateway.time_sync",
                {{"reason", reason}, {"offset_ms", *r}, {"previous_offset_ms", before}, {"change_ms", *r - before}});
  co_return r;
}

asio::awaitable<void> periodic(std::shared_ptr<TimeSync::State> s) {
  while (!s->stopped) {
    s->timer.expires_after(s->interval);
    auto [ec] = co_await s->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || s->stopped) co_return;
    // A failure is logged and retried at the next period; requests keep the last good offset.
    (void)co_await measure(*s, "periodic");
  }
}

}  // namespace

TimeSync::TimeSync(asio::any_io_executor ex, const Clock& base, RestClient& rest, EventSink& events,
                   std::chrono::seconds interval)
    : state_(std::make_shared<State>(std::move(ex), base, rest, events, interval)) {}

TimeSync::~TimeSync() { stop(); }

UnixNanos TimeSync::now() const noexcept {
  return state_->base.now() + std::chrono::milliseconds(state_->rest.server_time_offset_ms());
}
MonoNanos TimeSync::mono() const noexcept { return state_->base.mono(); }
std::uint64_t TimeSync::generation() const noexcept { return state_->generation; }

asio::awaitable<Result<std::int64_t>> TimeSync::resync(const char* reason, std::uint64_t seen) {
  if (state_->generation != seen) co_return state_->rest.server_time_offset_ms();
  co_return co_await measure(*state_, reason);
}

void TimeSync::start() {
  if (state_->started || state_->stopped || state_->interval.count() <= 0) return;
  state_->started = true;
  asio::co_spawn(state_->timer.get_executor(), periodic(state_), [s = state_](std::exception_ptr e) {
    if (e) s->events.error("gateway.time_sync_failed", {{"reason", "periodic"}, {"error", exception_message(e)}});
  });
}

void TimeSync::stop() {
  state_->stopped = true;
  state_->timer.cancel();
}

}  // namespace carry::bitget::io
