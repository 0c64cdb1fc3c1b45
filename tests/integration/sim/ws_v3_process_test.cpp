// bitget-sim's UTA (v3) WebSocket over real loopback sockets: a books1 push that Carry's hot-path
// UtaFastBboParser reads, a UTA login, and the ws_service_upgrade one-shot (Bitget's 30033
// warning on every open connection, v2 and v3, then the close).
#include <carry_test/paths.hpp>
#include <carry_test/sim_process.hpp>

#include <carry/bitget/fast_bbo.hpp>
#include <carry/bitget/signer.hpp>
#include <carry/bitget/uta_ws.hpp>

#include <boost/beast/websocket.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>

namespace carry::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using nlohmann::json;
using namespace std::chrono_literals;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A client socket whose reads give up at a deadline instead of blocking the test forever.
struct Client {
  net::io_context ioc;
  websocket::stream<net::ip::tcp::socket> ws{ioc};
  beast::error_code last_error;

  Client(unsigned short port, const std::string& path) {
    ws.next_layer().connect({net::ip::make_address("127.0.0.1"), port});
    ws.handshake("127.0.0.1", path);
  }
  void send(const std::string& text) { ws.write(net::buffer(text)); }
  // The next frame; nullopt when the socket closed or failed (last_error) or the deadline passed.
  std::optional<std::string> read(std::chrono::milliseconds deadline = 10s) {
    beast::flat_buffer b;
    std::optional<beast::error_code> done;
    ws.async_read(b, [&](beast::error_code ec, std::size_t) { done = ec; });
    ioc.restart();
    ioc.run_for(deadline);
    if (!done) {
      beast::error_code ignored;
      ws.next_layer().cancel(ignored);
      ioc.restart();
      ioc.run();
      last_error = net::error::timed_out;
      return std::nullopt;
    }
    last_error = *done;
    if (*done) return std::nullopt;
    return beast::buffers_to_string(b.data());
  }
};

std::vector<std::string> uta_args() {
  return {"--listen",       "127.0.0.1:0", "--synthetic", "--seed", "7", "--account", "v3-key,v3-secret,v3-pass",
          "--account-mode", "uta"};
}

TEST(SimWsV3, PublicBooks1PushIsReadByUtaFastBboParser) {
  SimProcess sim(carry_test::sim_exe(), uta_args());
  ASSERT_TRUE(sim.is_ready()) << sim.ready().dump();
  Client c(sim.port(), "/v3/ws/public");
  c.send(R"({"op":"subscribe","args":[{"instType":"usdt-futures","topic":"books1","symbol":"BTCUSDT"}]})");
  const auto ack = c.read();
  ASSERT_TRUE(ack.has_value()) << c.last_error.message();
  EXPECT_EQ(json::parse(*ack)["event"], "subscribe") << *ack;
  bitget::UtaFastBboParser parser;
  int parsed = 0;
  for (int i = 0; i < 5; ++i) {  // the snapshot, then the tape's updates
    const auto frame = c.read();
    ASSERT_TRUE(frame.has_value()) << c.last_error.message();
    auto bbo = parser.parse(*frame);
    ASSERT_TRUE(bbo.has_value()) << bbo.error().message << "\n" << *frame;
    EXPECT_EQ(bbo->channel, "books1");
    EXPECT_EQ(bbo->symbol, "BTCUSDT");
    EXPECT_EQ(bbo->market, MarketType::Perp);
    EXPECT_LT(bbo->bid_price, bbo->ask_price);
    ++parsed;
  }
  EXPECT_EQ(parsed, 5);
}

TEST(SimWsV3, ServiceUpgradeWarnsEveryConnectionWith30033ThenClosesIt) {
  SimProcess sim(carry_test::sim_exe(), uta_args());
  ASSERT_TRUE(sim.is_ready());
  std::vector<std::unique_ptr<Client>> clients;
  for (const char* path : {"/v2/ws/public", "/v3/ws/public", "/v3/ws/private"})
    clients.push_back(std::make_unique<Client>(sim.port(), path));
  // The UTA key logs in on its own dialect; the ack comes first.
  bitget::Signer signer(bitget::Credentials{"v3-key", "v3-secret", "v3-pass"}, false);
  clients[2]->send(signer.ws_login_message(now_ms() / 1000));
  const auto login = clients[2]->read();
  ASSERT_TRUE(login.has_value());
  EXPECT_EQ(json::parse(*login)["code"], 0) << *login;

  auto r = http_call(sim.port(), "POST", "/sim/faults", {}, R"({"ws_service_upgrade":300})");
  ASSERT_EQ(r.status, 200) << r.body;
  for (auto& c : clients) {
    const auto frame = c->read();
    ASSERT_TRUE(frame.has_value()) << c->last_error.message();
    auto m = bitget::uta::parse_ws_message(*frame);
    ASSERT_TRUE(m.has_value()) << *frame;
    ASSERT_TRUE(std::holds_alternative<bitget::uta::WsEvent>(*m)) << *frame;
    EXPECT_TRUE(std::get<bitget::uta::WsEvent>(*m).planned_reconnect()) << *frame;
  }
  for (auto& c : clients) {
    EXPECT_FALSE(c->read().has_value());  // after the grace the server closes the socket
    EXPECT_EQ(c->last_error, websocket::error::closed) << c->last_error.message();
  }
  EXPECT_EQ(http_call(sim.port(), "GET", "/sim/stats").json()["faults_injected"]["ws_service_upgrade"], 3);
  // A socket opened afterwards is not affected: the action is one-shot.
  Client fresh(sim.port(), "/v3/ws/public");
  fresh.send("ping");
  const auto pong = fresh.read();
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ(*pong, "pong");
}

}  // namespace
}  // namespace carry::test
