#include "loopback_ws_server.hpp"

#include <carry/bitget/signer.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <nlohmann/json.hpp>

#include <deque>
#include <iostream>

namespace carry::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

void log_exception(const char* what, std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    std::cerr << "loopback ws server " << what << ": " << ex.what() << "\n";
  }
}

struct SessionBase {
  virtual ~SessionBase() = default;
  virtual void send(std::string text) = 0;
  virtual void close() = 0;
  bool stalled = false;
  bool open = true;
};
}  // namespace

struct LoopbackWsServer::State {
  asio::any_io_executor ex;
  Options options;
  std::shared_ptr<ssl::context> tls;
  std::shared_ptr<tcp::acceptor> acceptor;
  std::vector<std::weak_ptr<SessionBase>> sessions;
  std::vector<std::string> received;
  int accepted = 0;
  int logins_ok = 0;
  bool stopped = false;

  // Bitget's answers (REFERENCE section 5).
  void handle(SessionBase& s, const std::string& text) {
    received.push_back(text);
    if (s.stalled) return;
    if (text == "ping") {
      s.send("pong");
      return;
    }
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.contains("op")) {
      s.send(R"({"event":"error","code":30002,"msg":"illegal request"})");
      return;
    }
    const std::string op = j["op"];
    if (op == "login") {
      const auto& a = j["args"][0];
      const bool ok = !options.reject_login && a.value("apiKey", "") == options.api_key &&
                      a.value("passphrase", "") == options.passphrase &&
                      bitget::verify_ws_login_signature(options.secret, a.value("timestamp", ""), a.value("sign", ""));
      if (ok) {
        ++logins_ok;
        s.send(R"({"event":"login","code":"0","msg":""})");
      } else {
        s.send(R"({"event":"error","code":30005,"msg":"login failed"})");
      }
      return;
    }
    if (op == "subscribe" || op == "unsubscribe") {
      for (const auto& a : j["args"]) s.send(nlohmann::json{{"event", op}, {"arg", a}}.dump());
      return;
    }
    s.send(R"({"event":"error","code":30003,"msg":"invalid op"})");
  }
};

namespace {

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(std::shared_ptr<LoopbackWsServer::State> st, Args&&... args)
      : state(std::move(st)), ws(std::forward<Args>(args)...) {}

  void send(std::string text) override {
    if (!open) return;
    out.push_back(std::move(text));
    if (writing) return;
    writing = true;
    asio::co_spawn(ws.get_executor(), write_loop(this->shared_from_this()),
                   [](std::exception_ptr e) { log_exception("writer", e); });
  }
  void close() override {
    open = false;
    boost::system::error_code ec;
    beast::get_lowest_layer(ws).close(ec);
  }

  static asio::awaitable<void> write_loop(std::shared_ptr<Session> self) {
    while (self->open && !self->out.empty()) {
      std::string text = std::move(self->out.front());
      self->out.pop_front();
      self->ws.text(true);
      auto [ec, n] = co_await self->ws.async_write(asio::buffer(text), use_tuple);
      if (ec) break;
    }
    self->writing = false;
  }

  static asio::awaitable<void> run(std::shared_ptr<Session> self) {
    auto [aec] = co_await self->ws.async_accept(use_tuple);
    if (aec) co_return;
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await self->ws.async_read(buffer, use_tuple);
      if (ec) break;
      self->state->handle(*self, beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    }
    self->open = false;
  }

  std::shared_ptr<LoopbackWsServer::State> state;
  websocket::stream<Stream> ws;
  std::deque<std::string> out;
  bool writing = false;
};

}  // namespace

LoopbackWsServer::LoopbackWsServer(asio::any_io_executor ex, Options options, std::shared_ptr<ssl::context> tls)
    : state_(std::make_shared<State>()) {
  state_->ex = ex;
  state_->options = std::move(options);
  state_->tls = std::move(tls);
  state_->acceptor = std::make_shared<tcp::acceptor>(ex, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  asio::co_spawn(
      ex,
      [st = state_]() -> asio::awaitable<void> {
        for (;;) {
          auto [ec, socket] = co_await st->acceptor->async_accept(use_tuple);
          if (ec || st->stopped) co_return;
          ++st->accepted;
          if (st->tls) {
            auto s = std::make_shared<Session<ssl::stream<tcp::socket>>>(st, std::move(socket), *st->tls);
            st->sessions.push_back(s);
            asio::co_spawn(
                st->ex,
                [s]() -> asio::awaitable<void> {
                  auto [hec] = co_await s->ws.next_layer().async_handshake(ssl::stream_base::server, use_tuple);
                  if (hec) co_return;
                  co_await Session<ssl::stream<tcp::socket>>::run(s);
                },
                [](std::exception_ptr e) { log_exception("tls session", e); });
          } else {
            auto s = std::make_shared<Session<tcp::socket>>(st, std::move(socket));
            st->sessions.push_back(s);
            asio::co_spawn(st->ex, Session<tcp::socket>::run(s),
                           [](std::exception_ptr e) { log_exception("session", e); });
          }
        }
      },
      [](std::exception_ptr e) { log_exception("accept loop", e); });
}

LoopbackWsServer::~LoopbackWsServer() { stop(); }

std::string LoopbackWsServer::url(const std::string& path) const {
  return std::string(state_->tls ? "wss" : "ws") +
         "://127.0.0.1:" + std::to_string(state_->acceptor->local_endpoint().port()) + path;
}
int LoopbackWsServer::accepted() const { return state_->accepted; }
int LoopbackWsServer::logins_ok() const { return state_->logins_ok; }
const std::vector<std::string>& LoopbackWsServer::received() const { return state_->received; }

int LoopbackWsServer::open_sessions() const {
  int n = 0;
  for (auto& w : state_->sessions)
    if (auto s = w.lock(); s && s->open) ++n;
  return n;
}

int LoopbackWsServer::count_received(const std::string& needle) const {
  int n = 0;
  for (const auto& r : state_->received) n += r.find(needle) != std::string::npos;
  return n;
}

void LoopbackWsServer::push_all(const std::string& text) {
  for (auto& w : state_->sessions)
    if (auto s = w.lock(); s && s->open && !s->stalled) s->send(text);
}

void LoopbackWsServer::close_all() {
  for (auto& w : state_->sessions)
    if (auto s = w.lock()) s->close();
}

void LoopbackWsServer::stall_all() {
  for (auto& w : state_->sessions)
    if (auto s = w.lock()) s->stalled = true;
}

void LoopbackWsServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ec;
  state_->acceptor->close(ec);
  close_all();
}

}  // namespace carry::test
