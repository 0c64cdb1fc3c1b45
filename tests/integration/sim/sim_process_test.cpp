// bitget-sim as a real process on an ephemeral loopback port: ready line, REST over sockets,
// signature verification, WebSocket ping/login, clean shutdown, CLI errors.
#include <carry_test/paths.hpp>
#include <carry_test/sim_process.hpp>

#include <carry/bitget/signer.hpp>

#include <boost/beast/websocket.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace carry::test {
namespace {

using nlohmann::json;

std::vector<std::string> base_args() {
  return {"--listen", "127.0.0.1:0", "--synthetic", "--seed", "5", "--account", "test-key,test-secret,test-pass"};
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::pair<std::string, std::string>> signed_headers(const bitget::Signer& s, const std::string& method,
                                                                const std::string& path, const std::string& query,
                                                                const std::string& body) {
  std::vector<std::pair<std::string, std::string>> h;
  for (const auto& hd : s.rest_headers(now_ms(), method, path, query, body)) h.emplace_back(hd.name, hd.value);
  return h;
}

TEST(SimProcess, PrintsReadyLineAndServesServerTime) {
  SimProcess sim(carry_test::sim_exe(), base_args());
  ASSERT_TRUE(sim.is_ready()) << sim.ready().dump();
  const std::string rest = sim.ready()["rest"];
  EXPECT_EQ(rest.rfind("http://127.0.0.1:", 0), 0u);
  EXPECT_EQ(sim.ready()["ws_public"], "ws://127.0.0.1:" + std::to_string(sim.port()) + "/v2/ws/public");
  EXPECT_EQ(sim.ready()["ws_private"], "ws://127.0.0.1:" + std::to_string(sim.port()) + "/v2/ws/private");
  EXPECT_EQ(sim.ready()["ws_public_v3"], "ws://127.0.0.1:" + std::to_string(sim.port()) + "/v3/ws/public");
  EXPECT_EQ(sim.ready()["ws_private_v3"], "ws://127.0.0.1:" + std::to_string(sim.port()) + "/v3/ws/private");
  auto r = http_call(sim.port(), "GET", "/api/v2/public/time");
  ASSERT_EQ(r.status, 200);
  auto j = r.json();
  EXPECT_EQ(j["code"], "00000");
  const auto server = std::stoll(j["data"]["serverTime"].get<std::string>());
  EXPECT_LT(std::llabs(server - now_ms()), 5000);
  EXPECT_EQ(sim.stop(), 0);  // SIGTERM stops it cleanly
}

TEST(SimProcess, SignedPrivateCallSucceedsAndWrongSecretGetsBitgetError) {
  SimProcess sim(carry_test::sim_exe(), base_args());
  ASSERT_TRUE(sim.is_ready());
  const std::string path = "/api/v2/mix/account/accounts", query = "productType=USDT-FUTURES";
  bitget::Signer good(bitget::Credentials{"test-key", "test-secret", "test-pass"}, false);
  auto ok = http_call(sim.port(), "GET", path + "?" + query, signed_headers(good, "GET", path, query, ""));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["code"], "00000");
  EXPECT_EQ(ok.json()["data"][0]["marginCoin"], "USDT");

  bitget::Signer wrong(bitget::Credentials{"test-key", "WRONG-secret", "test-pass"}, false);
  auto bad = http_call(sim.port(), "GET", path + "?" + query, signed_headers(wrong, "GET", path, query, ""));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["code"], "40009");
  EXPECT_EQ(bad.json()["msg"], "sign signature error");

  // A signed POST: place an order, then read it back.
  const std::string place = "/api/v2/mix/order/place-order";
  const std::string body =
      R"({"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.010","price":"1000.0","side":"buy","orderType":"limit","force":"post_only","clientOid":"it-0001"})";
  auto placed = http_call(sim.port(), "POST", place, signed_headers(good, "POST", place, "", body), body);
  ASSERT_EQ(placed.status, 200) << placed.body;
  EXPECT_EQ(placed.json()["data"]["clientOid"], "it-0001");
  const std::string pend = "/api/v2/mix/order/orders-pending", pq = "productType=USDT-FUTURES";
  auto pending = http_call(sim.port(), "GET", pend + "?" + pq, signed_headers(good, "GET", pend, pq, ""));
  ASSERT_EQ(pending.json()["data"]["entrustedList"].size(), 1u);
  EXPECT_EQ(pending.json()["data"]["entrustedList"][0]["status"], "live");

  auto stats = http_call(sim.port(), "GET", "/sim/stats").json();
  EXPECT_EQ(stats["signature_failures"], 1);
  EXPECT_EQ(stats["private_rest_calls"], 4);
  EXPECT_EQ(stats["orders_placed"], 1);
}

TEST(SimProcess, WebSocketPingAndLogin) {
  namespace net = boost::asio;
  namespace websocket = boost::beast::websocket;
  SimProcess sim(carry_test::sim_exe(), base_args());
  ASSERT_TRUE(sim.is_ready());
  net::io_context ioc;
  auto connect = [&](const std::string& path) {
    auto ws = std::make_unique<websocket::stream<net::ip::tcp::socket>>(ioc);
    ws->next_layer().connect({net::ip::make_address("127.0.0.1"), sim.port()});
    ws->handshake("127.0.0.1", path);
    return ws;
  };
  auto read_text = [](auto& ws) {
    boost::beast::flat_buffer b;
    ws.read(b);
    return boost::beast::buffers_to_string(b.data());
  };
  auto ws = connect("/v2/ws/private");
  ws->write(net::buffer(std::string("ping")));
  EXPECT_EQ(read_text(*ws), "pong");
  bitget::Signer good(bitget::Credentials{"test-key", "test-secret", "test-pass"}, false);
  ws->write(net::buffer(good.ws_login_message(now_ms() / 1000)));
  auto login = json::parse(read_text(*ws));
  EXPECT_EQ(login["event"], "login");
  EXPECT_EQ(login["code"], 0);

  auto bad = connect("/v2/ws/private");
  bitget::Signer wrong(bitget::Credentials{"test-key", "nope", "test-pass"}, false);
  bad->write(net::buffer(wrong.ws_login_message(now_ms() / 1000)));
  auto err = json::parse(read_text(*bad));
  EXPECT_EQ(err["event"], "error");
  EXPECT_EQ(err["code"], 30015);
  boost::beast::flat_buffer b;
  boost::system::error_code ec;
  bad->read(b, ec);  // the server closes after a failed login
  EXPECT_EQ(ec, websocket::error::closed);
}

TEST(SimProcess, BadCommandLineExitsWithCode2NamingTheCulprit) {
  SimProcess sim(carry_test::sim_exe(), {"--listen", "127.0.0.1:0", "--speed", "fast"}, std::chrono::seconds(10), true);
  EXPECT_FALSE(sim.is_ready());
  auto code = sim.wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  const auto err = sim.read_stderr();
  EXPECT_NE(err.find("--speed"), std::string::npos) << err;
}

}  // namespace
}  // namespace carry::test
