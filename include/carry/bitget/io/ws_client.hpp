#pragma once
// A thin coroutine driving WsSessionFsm over a real socket (issue 3): wss with SNI and
// certificate verification (ws:// only to a loopback host), the FSM's text "ping", dead-link
// detection, reconnect with backoff, resubscribe-all and Reconnected downstream. All protocol
// decisions live in the FSM; this class only moves bytes and time. Beast stays in the .cpp.
#include <carry/bitget/signer.hpp>
#include <carry/bitget/ws_parsers.hpp>
#include <carry/bitget/ws_session_fsm.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace carry::bitget {

struct WsClientConfig {
  std::string url = "wss://ws.bitget.com/v2/ws/public";
  std::string ca_file;  // PEM trusted beside the system store
  bool verify_tls = true;
  std::chrono::milliseconds connect_timeout{5000};  // TCP connect + TLS + WebSocket handshake
  std::size_t max_frame_bytes = 4u << 20;
  WsSessionConfig session;  // ping, dead-link windows, backoff, name
};

struct WsClientStats {
  std::uint64_t connect_attempts = 0;
  std::uint64_t connections = 0;  // handshakes completed
  std::uint64_t frames_in = 0;
  std::uint64_t data_frames_in = 0;  // frames_in minus the "pong" answers: proof of delivery, not of a socket
  std::uint64_t frames_out = 0;
  std::uint64_t reconnects = 0;                           // Reconnected actions delivered
  std::uint64_t planned_reconnects = 0;                   // service upgrades announced (30033)
  std::chrono::steady_clock::time_point last_frame_in{};  // any frame, pongs included; epoch = none yet
};

class WsClient {
 public:
  struct Handlers {
    // A push frame (not pong, not an event), valid only during the call.
    std::function<void(std::string_view frame, UnixNanos ts_init)> on_data;
    // Streaming again after a gap: reconcile state through REST.
    std::function<void(bool private_stream, UnixNanos at)> on_reconnected;
    // Drop the local book for this arg until the next snapshot.
    std::function<void(const SubscriptionArg& arg)> on_book_resync;
    // The venue announced it will close this connection soon (30033). Unset: the client
    // reconnects at once by itself.
    std::function<void()> on_planned_reconnect;
  };

  // `signer` is required for a private session (config.session.private_channel) and must
  // outlive the client. Throws std::runtime_error on a bad URL or CA file.
  WsClient(boost::asio::any_io_executor ex, WsClientConfig config, const Signer* signer, EventSink& events,
           const Clock& clock, Handlers handlers);
  ~WsClient();  // stops; no handler is called afterwards
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void start();  // spawns the driver (its completion handler logs ws.driver_failed)
  void stop();   // closes the socket; no reconnect
  void subscribe(const std::vector<SubscriptionArg>& args);
  void unsubscribe(const std::vector<SubscriptionArg>& args);
  void resync(const SubscriptionArg& arg);  // checksum mismatch / gap: fresh snapshot
  void reconnect_now();                     // close and connect again at once (queued), not counted as a failure

  WsState state() const noexcept;
  const std::vector<SubscriptionArg>& wanted() const noexcept;
  WsClientStats stats() const noexcept;
  const WsClientConfig& config() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace carry::bitget
