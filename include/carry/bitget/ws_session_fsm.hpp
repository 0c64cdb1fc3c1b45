#pragma once
// Sans-I/O WebSocket session state machine (Boost.Redis style): the coroutine driver feeds it
// what happened (connected, a text frame, closed, time passed) and executes the actions it
// returns. Time comes only from the inputs.
//
//   Disconnected -start-> BackingOff(0 ms) -connect-> [LoggingIn (private)] -> Subscribing ->
//   Streaming; dead link / login rejected / unknown subscribe error / close -> BackingOff ->
//   (driver connects after the delay) -> ...
//
// Every connection re-subscribes everything that is wanted; when streaming resumes after a
// previous session the FSM emits Reconnected so downstream reconciles through REST, and every
// `books` subscription gets a BookResync (the local book must be dropped until the new snapshot).
#include <carry/bitget/requests.hpp>
#include <carry/bitget/signer.hpp>
#include <carry/bitget/ws_parsers.hpp>
#include <carry/core/backoff.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace carry::bitget {

// The wire dialect of a session: Classic v2 args {instType, channel, instId|coin} or UTA v3 args
// {instType, topic, symbol} (SubscriptionArg's channel and inst_id carry topic and symbol).
// Login, ping/pong and the event shapes are otherwise the same.
enum class WsDialect : std::uint8_t { V2, V3 };

struct WsSessionConfig {
  std::string name = "public";  // for events: "public", "private", "spot-public", ...
  WsDialect dialect = WsDialect::V2;
  bool private_channel = false;  // log in before subscribing
  std::chrono::milliseconds ping_interval{25'000};
  std::chrono::milliseconds pong_timeout{10'000};  // after a ping, some frame must arrive within this
  std::chrono::milliseconds idle_timeout{35'000};  // no frame at all for this long: dead link
  std::chrono::milliseconds login_timeout{10'000};
  std::chrono::milliseconds subscribe_timeout{10'000};
  std::chrono::milliseconds stable_period{60'000};  // streaming this long resets the backoff
  int max_sends_per_second = 8;                     // Bitget disconnects above 10 messages/s (incl. ping)
  bool drop_rejected_args = true;                   // a subscribe error naming an arg drops it; else back off
  std::size_t max_args_bytes = kMaxSubscribeArgsBytes;
  BackoffPolicy backoff{};
};

enum class WsState : std::uint8_t { Disconnected, Connecting, LoggingIn, Subscribing, Streaming, BackingOff };
std::string_view to_string(WsState s) noexcept;

namespace ws_action {
struct ConnectAfter {  // open a new connection after `delay` (0 on the first start)
  std::chrono::milliseconds delay;
};
struct Send {  // write one text frame
  std::string text;
};
struct Close {  // close the socket; the FSM has already moved to BackingOff
  std::string reason;
};
struct Data {  // a push frame for the parsers; views the on_message input
  std::string_view text;
};
struct Reconnected {  // streaming again after a gap: reconcile state through REST
  bool private_stream = false;
  UnixNanos at;
};
struct BookResync {  // drop the local book for this arg and wait for a new snapshot
  SubscriptionArg arg;
};
// Bitget announced a service upgrade (error 30033: this connection closes in about 60 s). The
// driver replaces the connection on its own schedule: a second connection first where it can
// (PublicStream), else reconnect_now().
struct PlannedReconnect {};
}  // namespace ws_action

using WsAction = std::variant<ws_action::ConnectAfter, ws_action::Send, ws_action::Close, ws_action::Data,
                              ws_action::Reconnected, ws_action::BookResync, ws_action::PlannedReconnect>;
using WsActions = std::vector<WsAction>;

class WsSessionFsm {
 public:
  // `signer` is required for private sessions (login); `events` receives ws.* reports.
  WsSessionFsm(WsSessionConfig config, const Signer* signer, EventSink& events, std::uint64_t backoff_seed = 0x5eed);

  // ---- inputs ----
  // `now` drives the timers (ping, pong, idle, login/subscribe timeouts, backoff); the I/O driver
  // passes a monotonic reading so a wall-clock step neither trips nor freezes them. The login
  // timestamp is exchange time: `login_seconds` when given, else now.seconds().
  WsActions start(UnixNanos now);
  WsActions on_connected(UnixNanos now, std::optional<std::int64_t> login_seconds = std::nullopt);
  WsActions on_message(std::string_view text, UnixNanos now);
  WsActions on_closed(UnixNanos now, std::string_view reason);
  WsActions on_timer(UnixNanos now);
  // Close and connect again at once, without counting a failure (a planned reconnect).
  WsActions reconnect_now(UnixNanos now, std::string_view reason);

  // ---- desired subscriptions (kept across reconnects) ----
  WsActions subscribe(const std::vector<SubscriptionArg>& args, UnixNanos now);
  WsActions unsubscribe(const std::vector<SubscriptionArg>& args, UnixNanos now);
  // Checksum mismatch / seq gap on a `books` arg: unsubscribe + subscribe to get a new snapshot.
  WsActions resync(const SubscriptionArg& arg, UnixNanos now);

  // ---- queries ----
  WsState state() const noexcept { return state_; }
  // When on_timer must be called next (ping, timeouts, queued sends); nullopt when idle.
  std::optional<UnixNanos> next_deadline() const noexcept;
  const std::vector<SubscriptionArg>& wanted() const noexcept { return wanted_; }
  int backoff_attempts() const noexcept { return backoff_.attempts(); }
  std::uint64_t connections() const noexcept { return connections_; }
  std::uint64_t unparsed_events() const noexcept { return unparsed_events_; }
  std::uint64_t planned_reconnects() const noexcept { return planned_reconnects_; }

 private:
  void enter_backoff(UnixNanos now, std::string_view reason, WsActions& out);
  void leave_connection(UnixNanos now, std::string_view reason, WsActions& out);
  void begin_subscribing(UnixNanos now, WsActions& out);
  void queue_subscription(std::string_view op, const std::vector<SubscriptionArg>& args);
  void pump(UnixNanos now, WsActions& out);
  void check_timers(UnixNanos now, WsActions& out);
  void handle_event(const WsEvent& ev, UnixNanos now, WsActions& out);
  WireResult<WsMessage> parse(std::string_view text) const;
  void drop_wanted(const SubscriptionArg& arg);
  std::optional<SubscriptionArg> match_pending(std::string_view msg) const;
  bool connected() const noexcept;

  WsSessionConfig config_;
  const Signer* signer_;
  EventSink& events_;
  Backoff backoff_;

  WsState state_ = WsState::Disconnected;
  std::vector<SubscriptionArg> wanted_;
  std::vector<SubscriptionArg> pending_acks_;
  std::deque<std::string> outbox_;
  std::deque<UnixNanos> sent_times_;  // within the last second

  UnixNanos state_since_{};
  UnixNanos connect_at_{};
  UnixNanos last_rx_{};
  UnixNanos last_ping_{};
  std::optional<UnixNanos> ping_outstanding_since_;
  std::optional<UnixNanos> streaming_since_;
  bool streamed_before_ = false;
  std::uint64_t connections_ = 0;
  std::uint64_t unparsed_events_ = 0;
  std::uint64_t planned_reconnects_ = 0;
};

}  // namespace carry::bitget
