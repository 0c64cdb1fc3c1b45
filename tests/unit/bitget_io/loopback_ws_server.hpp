#pragma once
// A Bitget-like WebSocket server on 127.0.0.1:0 for the WsClient tests: "ping" -> "pong", login
// verified with the real signature check, subscribe acks, pushes on demand, and faults (close,
// silent stall). Runs on the test's io_context.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace carry::test {

class LoopbackWsServer {
 public:
  struct Options {
    std::string secret;  // verifies the login signature when set
    std::string api_key;
    std::string passphrase;
    bool reject_login = false;  // always answer login with error 30005
  };

  LoopbackWsServer(boost::asio::any_io_executor ex, Options options,
                   std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~LoopbackWsServer();

  std::string url(const std::string& path = "/v2/ws/public") const;
  int accepted() const;
  int open_sessions() const;
  int logins_ok() const;
  // Every text frame received from clients, in order (all sessions).
  const std::vector<std::string>& received() const;
  int count_received(const std::string& needle) const;

  void push_all(const std::string& text);  // to every open session
  void close_all();                        // abrupt close of every open session
  void stall_all();                        // open sessions go silent (no pong, no pushes)
  void stop();

  struct State;  // public so the .cpp's session template can name it

 private:
  std::shared_ptr<State> state_;
};

}  // namespace carry::test
