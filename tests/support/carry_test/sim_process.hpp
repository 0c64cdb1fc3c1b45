#pragma once
// Test helper: runs bitget-sim as a child process, waits (bounded) for its sim.ready line, and
// stops it with SIGTERM. Also a tiny blocking HTTP client for loopback calls. Shared by the sim and
// gateway integration suites.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace carry::test {

class SimProcess {
 public:
  // Starts `exe args...`; throws if no sim.ready line arrives within `deadline`.
  SimProcess(const std::string& exe, std::vector<std::string> args,
             std::chrono::milliseconds deadline = std::chrono::seconds(30), bool capture_stderr = false) {
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    if (capture_stderr) posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&fa, err[0]);
    std::vector<std::string> all{exe};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, exe.c_str(), &fa, nullptr, argv.data(), environ) != 0) {
      posix_spawn_file_actions_destroy(&fa);
      throw std::runtime_error("cannot spawn " + exe);
    }
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
    const auto until = std::chrono::steady_clock::now() + deadline;
    std::string line;
    while (std::chrono::steady_clock::now() < until) {
      if (auto l = read_line(out_fd_, until)) {
        line = *l;
        break;
      }
      if (exited()) break;
    }
    if (line.empty()) return;  // ready() stays empty: the caller asserts on it
    ready_ = nlohmann::json::parse(line, nullptr, false);
  }

  ~SimProcess() { stop(); }
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  bool is_ready() const { return ready_.is_object() && ready_.value("event", "") == "sim.ready"; }
  const nlohmann::json& ready() const { return ready_; }
  // Port of the "rest" URL (REST and both WebSocket paths share it).
  unsigned short port() const {
    const std::string rest = ready_.at("rest");
    return static_cast<unsigned short>(std::stoi(rest.substr(rest.rfind(':') + 1)));
  }

  // SIGTERM, then waits up to `deadline` (SIGKILL after). Returns the exit status or -1.
  int stop(std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    if (pid_ <= 0) return status_;
    kill(pid_, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (exited()) return status_;
      poll(nullptr, 0, 10);
    }
    kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
    status_ = -1;
    return status_;
  }

  // Waits for the process to end by itself; returns its exit status or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (exited()) return status_;
      poll(nullptr, 0, 10);
    }
    return std::nullopt;
  }

  std::string read_stderr(std::chrono::milliseconds deadline = std::chrono::seconds(2)) {
    std::string all;
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (auto l = read_line(err_fd_, until)) all += *l + "\n";
    return all;
  }

 private:
  bool exited() {
    if (pid_ <= 0) return true;
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      pid_ = -1;
      return true;
    }
    return false;
  }

  std::optional<std::string> read_line(int fd, std::chrono::steady_clock::time_point until) {
    auto& buf = fd == out_fd_ ? out_buf_ : err_buf_;
    for (;;) {
      if (auto nl = buf.find('\n'); nl != std::string::npos) {
        std::string l = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        return l;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 100))) <= 0) continue;
      char tmp[4096];
      const ssize_t n = read(fd, tmp, sizeof tmp);
      if (n <= 0) return std::nullopt;
      buf.append(tmp, static_cast<std::size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int status_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  std::string out_buf_, err_buf_;
  nlohmann::json ready_;
};

struct HttpResult {
  int status = 0;
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

// One blocking HTTP/1.1 request to 127.0.0.1:port (the sim answers within its own latency knobs).
inline HttpResult http_call(unsigned short port, const std::string& method, const std::string& target,
                            const std::vector<std::pair<std::string, std::string>>& headers = {},
                            const std::string& body = "") {
  namespace net = boost::asio;
  namespace http = boost::beast::http;
  net::io_context ioc;
  net::ip::tcp::socket sock(ioc);
  sock.connect({net::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(sock, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(sock, buf, res);
  boost::system::error_code ec;
  sock.shutdown(net::ip::tcp::socket::shutdown_both, ec);
  return {static_cast<int>(res.result_int()), res.body()};
}

}  // namespace carry::test
