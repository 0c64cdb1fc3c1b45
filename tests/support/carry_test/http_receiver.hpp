#pragma once
// Test support: a tiny HTTP/1.1 receiver on 127.0.0.1 (ephemeral port) that records every request
// (method, target, body) and answers with a set status, or after a delay, or never (a slow
// endpoint). Plain sockets on its own thread: alert tests point carryd's webhook at it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace carry_test {

class HttpReceiver {
 public:
  struct Request {
    std::string method, target, body;
  };
  enum class Mode { Answer, Silent };  // Silent: reads the request, never answers

  explicit HttpReceiver(int status = 200, Mode mode = Mode::Answer) : status_(status), mode_(mode) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("bind/listen failed");
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~HttpReceiver() {
    stop_ = true;
    thread_.join();
    for (int c : held_) ::close(c);
    ::close(fd_);
  }
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  unsigned short port() const { return port_; }
  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      serve(c);
    }
  }

  // One connection: requests until the peer closes (keep-alive), each recorded and answered.
  void serve(int c) {
    std::string buf;
    char chunk[4096];
    for (;;) {
      const auto head_end = buf.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const std::string head = buf.substr(0, head_end);
        std::size_t length = 0;
        for (const char* name : {"Content-Length: ", "content-length: "})
          if (const auto at = head.find(name); at != std::string::npos) length = std::stoul(head.substr(at + 16));
        if (buf.size() >= head_end + 4 + length) {
          Request r;
          r.method = head.substr(0, head.find(' '));
          const auto t = head.find(' ') + 1;
          r.target = head.substr(t, head.find(' ', t) - t);
          r.body = buf.substr(head_end + 4, length);
          buf.erase(0, head_end + 4 + length);
          {
            std::lock_guard lock(mutex_);
            requests_.push_back(r);
          }
          if (mode_ == Mode::Silent) {
            held_.push_back(c);  // open and unanswered: the client's deadline must end it
            return;
          }
          const std::string body = "{\"ok\":true}";
          const std::string res = "HTTP/1.1 " + std::to_string(status_) +
                                  " X\r\nContent-Type: application/json\r\n"
                                  "Content-Length: " +
                                  std::to_string(body.size()) + "\r\n\r\n" + body;
          if (::send(c, res.data(), res.size(), MSG_NOSIGNAL) < 0) break;
          continue;
        }
      }
      pollfd p{c, POLLIN, 0};
      if (stop_ || ::poll(&p, 1, 50) < 0) break;
      if (!(p.revents & (POLLIN | POLLHUP))) continue;
      const auto n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(c);
  }

  int status_;
  Mode mode_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
  std::vector<int> held_;
};

}  // namespace carry_test
