#pragma once
// The public WebSocket session with a planned rotation. Bitget closes every connection after 24 h;
// before that mark this opens a second connection with the same subscriptions and moves over at
// its first data frame, then closes the old one: make before break, so the books never have a gap
// (a forced close would cost a reconnect and a resync). Frames of the connection not in use are
// dropped, so a full-depth book is never fed by two sessions. A service upgrade announced by the
// venue (error 30033, the connection closes in about 60 s) rotates at once the same way.
#include <carry/bitget/io/ws_client.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace carry::bitget::io {

class PublicStream {
 public:
  // rotate_after 0 = never rotate (the socket is then only replaced when it fails).
  PublicStream(boost::asio::any_io_executor ex, WsClientConfig config, EventSink& events, const Clock& clock,
               WsClient::Handlers handlers, std::chrono::seconds rotate_after);
  ~PublicStream();
  PublicStream(const PublicStream&) = delete;
  PublicStream& operator=(const PublicStream&) = delete;

  void start();
  void stop();
  void subscribe(const std::vector<SubscriptionArg>& args);
  void unsubscribe(const std::vector<SubscriptionArg>& args);
  void resync(const SubscriptionArg& arg);
  WsClient& active() noexcept { return *active_; }
  std::uint64_t rotations() const noexcept { return rotations_; }

 private:
  WsClient::Handlers routed(std::uint64_t generation);
  std::unique_ptr<WsClient> make(std::uint64_t generation);
  void promote();
  void planned_reconnect(std::uint64_t generation);
  boost::asio::awaitable<void> rotate_loop();

  boost::asio::any_io_executor ex_;
  WsClientConfig config_;
  EventSink& events_;
  const Clock& clock_;
  WsClient::Handlers handlers_;
  std::chrono::seconds rotate_after_;
  std::uint64_t generation_ = 0;       // the generation of active_
  std::uint64_t next_generation_ = 1;  // every connection gets its own
  std::uint64_t standby_generation_ = 0;
  std::unique_ptr<WsClient> active_;
  std::unique_ptr<WsClient> standby_;  // opened for a rotation, not yet in use
  boost::asio::steady_timer timer_;
  std::uint64_t rotations_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool stopped_ = false;
  bool rotate_now_ = false;  // a service upgrade was announced: rotate at the next check
};

}  // namespace carry::bitget::io
