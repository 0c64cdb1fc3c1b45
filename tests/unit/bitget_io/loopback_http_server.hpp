#pragma once
// A tiny Beast HTTP(S) server on 127.0.0.1:0 for the REST client's loopback tests. It runs on the
// test's io_context (one thread, like production) and counts accepted connections and requests.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace carry::test {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct ServerReply {
  int status = 200;
  std::string body;
  bool close = false;  // answer with "Connection: close" and drop the socket
  bool hang = false;   // never answer (the client's deadline must fire)
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<ServerReply(const HttpRequest&)>;

  // `tls` set: HTTPS with that server context; otherwise plain HTTP.
  LoopbackHttpServer(boost::asio::any_io_executor ex, Handler handler,
                     std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~LoopbackHttpServer();

  unsigned short port() const { return port_; }
  std::string base_url() const;
  int accepted() const { return state_->accepted; }
  int requests() const { return state_->requests; }
  int open_connections() const { return state_->open; }
  int peak_open_connections() const { return state_->peak_open; }
  void stop();

  // Server-side TLS context from PEM strings.
  static std::shared_ptr<boost::asio::ssl::context> tls_context(const std::string& cert_pem,
                                                                const std::string& key_pem);

 private:
  struct State {
    int accepted = 0;
    int requests = 0;
    int open = 0;
    int peak_open = 0;
    bool stopped = false;
    std::vector<std::weak_ptr<boost::asio::ip::tcp::socket>> sockets;
  };
  boost::asio::any_io_executor ex_;
  Handler handler_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::shared_ptr<State> state_;
  unsigned short port_ = 0;
};

}  // namespace carry::test
