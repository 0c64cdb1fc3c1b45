#include "public_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace carry::bitget::io {
namespace asio = boost::asio;

namespace {
// How long a standby may take to deliver its first frame before the rotation is given up (and
// tried again a little later).
constexpr std::chrono::seconds kStandbyDeadline{60};
constexpr std::chrono::seconds kRetryAfterFailure{300};
}  // namespace

PublicStream::PublicStream(asio::any_io_executor ex, WsClientConfig config, EventSink& events, const Clock& clock,
                           WsClient::Handlers handlers, std::chrono::seconds rotate_after)
    : ex_(ex),
      config_(std::move(config)),
      events_(events),
      clock_(clock),
      handlers_(std::move(handlers)),
      rotate_after_(rotate_after),
      active_(make(0)),
      timer_(ex) {}

PublicStream::~PublicStream() {
  *alive_ = false;
  stop();
}

// Every callback checks which connection it comes from: only the active one's reach the
// gateway; the standby's first data frame makes it the active one.
WsClient::Handlers PublicStream::routed(std::uint64_t generation) {
  WsClient::Handlers h;
  h.on_data = [this, generation](std::string_view frame, UnixNanos ts) {
    if (generation != generation_) {
      if (!standby_ || generation != standby_generation_) return;
      promote();
    }
    if (handlers_.on_data) handlers_.on_data(frame, ts);
  };
  h.on_reconnected = [this, generation](bool priv, UnixNanos at) {
    if (generation == generation_ && handlers_.on_reconnected) handlers_.on_reconnected(priv, at);
  };
  h.on_book_resync = [this, generation](const SubscriptionArg& arg) {
    if (generation == generation_ && handlers_.on_book_resync) handlers_.on_book_resync(arg);
  };
  h.on_planned_reconnect = [this, generation] { planned_reconnect(generation); };
  return h;
}

std::unique_ptr<WsClient> PublicStream::make(std::uint64_t generation) {
  return std::make_unique<WsClient>(ex_, config_, nullptr, events_, clock_, routed(generation));
}

void PublicStream::promote() {
  std::unique_ptr<WsClient> old = std::move(active_);
  active_ = std::move(standby_);
  generation_ = standby_generation_;
  ++rotations_;
  events_.info("ws.rotated", {{"session", config_.session.name},
                              {"generation", generation_},
                              {"note", "the new connection streams; the old one is closed"}});
  old->stop();
  // Destroyed outside this call chain (its own handlers may be on the stack elsewhere).
  asio::post(ex_, [o = std::shared_ptr<WsClient>(std::move(old))]() mutable { o.reset(); });
}

// A service upgrade announced on a connection (30033): rotate now, make before break, as at the
// 24 h mark. Without the rotation loop (rotate_after 0) the connection is replaced at once.
void PublicStream::planned_reconnect(std::uint64_t generation) {
  if (stopped_) return;
  if (generation != generation_) {
    if (standby_ && generation == standby_generation_) standby_->reconnect_now();
    return;
  }
  if (rotate_after_.count() <= 0) {
    active_->reconnect_now();
    return;
  }
  rotate_now_ = true;
  timer_.cancel();
}

void PublicStream::start() {
  stopped_ = false;
  active_->start();
  if (rotate_after_.count() <= 0) return;
  asio::co_spawn(ex_, rotate_loop(), [alive = alive_, this](std::exception_ptr e) {
    if (e && *alive) events_.error("ws.rotation_failed", {{"session", config_.session.name}, {"error", "exception"}});
  });
}

void PublicStream::stop() {
  stopped_ = true;
  timer_.cancel();
  if (standby_) standby_->stop();
  if (active_) active_->stop();
}

void PublicStream::subscribe(const std::vector<SubscriptionArg>& args) {
  active_->subscribe(args);
  if (standby_) standby_->subscribe(args);
}

void PublicStream::unsubscribe(const std::vector<SubscriptionArg>& args) {
  active_->unsubscribe(args);
  if (standby_) standby_->unsubscribe(args);
}

void PublicStream::resync(const SubscriptionArg& arg) { active_->resync(arg); }

// Watches the active connection's age (from its last handshake) and opens the standby before
// Bitget's 24 h mark.
asio::awaitable<void> PublicStream::rotate_loop() {
  auto alive = alive_;
  using Steady = std::chrono::steady_clock;
  const auto poll =
      std::clamp<Steady::duration>(rotate_after_ / 8, std::chrono::milliseconds(100), std::chrono::seconds(30));
  std::uint64_t seen_connections = 0, seen_generation = generation_;
  Steady::time_point connected_at = Steady::now(), standby_since{};
  for (;;) {
    timer_.expires_after(poll);
    (void)co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));  // cancelled: the checks below end it
    if (!*alive || stopped_) co_return;
    const auto now = Steady::now();
    const auto connections = active_->stats().connections;
    if (generation_ != seen_generation || connections != seen_connections) {
      seen_generation = generation_;  // a rotation or a reconnect: a new connection's age
      seen_connections = connections;
      connected_at = now;
    }
    if (standby_) {
      if (now - standby_since < kStandbyDeadline) continue;
      events_.warn("ws.rotation_failed", {{"session", config_.session.name},
                                          {"note", "the new connection delivered nothing; the old one stays"}});
      standby_->stop();
      asio::post(ex_, [s = std::shared_ptr<WsClient>(std::move(standby_))]() mutable { s.reset(); });
      connected_at = now - rotate_after_ + std::min<Steady::duration>(kRetryAfterFailure, rotate_after_);
      continue;
    }
    if (connections == 0 || (now - connected_at < rotate_after_ && !rotate_now_)) continue;
    rotate_now_ = false;
    standby_generation_ = next_generation_++;
    standby_ = make(standby_generation_);
    standby_->subscribe(active_->wanted());
    standby_->start();
    standby_since = now;
    events_.info("ws.rotating",
                 {{"session", config_.session.name},
                  {"age_s", std::chrono::duration_cast<std::chrono::seconds>(now - connected_at).count()}});
  }
}

}  // namespace carry::bitget::io
