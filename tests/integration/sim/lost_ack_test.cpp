// The lost-ack fault over real sockets: bitget-sim executes a place-order, then closes the
// connection without an answer or answers 503. The order exists on the venue all the same: the
// signed order-detail read and the /sim/orders ledger find it by its clientOid.
#include <carry_test/paths.hpp>
#include <carry_test/sim_process.hpp>

#include <carry/bitget/signer.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace carry::test {
namespace {

using nlohmann::json;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct LostAckSim {
  SimProcess sim{carry_test::sim_exe(),
                 {"--listen", "127.0.0.1:0", "--synthetic", "--seed", "11", "--account", "la-key,la-secret,la-pass"}};
  bitget::Signer signer{bitget::Credentials{"la-key", "la-secret", "la-pass"}, false};

  // status 0 = the connection closed without a response.
  HttpResult signed_request(const std::string& method, const std::string& path, const std::string& query,
                            const std::string& body) {
    std::vector<std::pair<std::string, std::string>> h;
    for (const auto& hd : signer.rest_headers(now_ms(), method, path, query, body)) h.emplace_back(hd.name, hd.value);
    try {
      return http_call(sim.port(), method, query.empty() ? path : path + "?" + query, h, body);
    } catch (const std::exception&) {
      return {};
    }
  }
  HttpResult place(const std::string& client_oid) {
    const json b = {{"symbol", "BTCUSDT"},     {"productType", "USDT-FUTURES"},
                    {"marginMode", "crossed"}, {"marginCoin", "USDT"},
                    {"size", "0.010"},         {"side", "buy"},
                    {"orderType", "limit"},    {"price", "1000.0"},
                    {"clientOid", client_oid}};
    return signed_request("POST", "/api/v2/mix/order/place-order", "", b.dump());
  }
  json detail(const std::string& client_oid) {
    return signed_request("GET", "/api/v2/mix/order/detail",
                          "clientOid=" + client_oid + "&productType=USDT-FUTURES&symbol=BTCUSDT", "")
        .json();
  }
};

TEST(LostAck, APlaceOrderWhoseAnswerWasDroppedExistsOnTheVenue) {
  LostAckSim s;
  ASSERT_TRUE(s.sim.is_ready()) << s.sim.ready().dump();
  auto faults =
      http_call(s.sim.port(), "POST", "/sim/faults", {}, R"({"response_drop_next":1,"http_scope":"private"})");
  ASSERT_EQ(faults.status, 200) << faults.body;
  EXPECT_EQ(faults.json()["response_drop_next"], 1);

  const auto lost = s.place("lost-ack-1");
  EXPECT_TRUE(lost.status == 0 || lost.status == 503) << lost.status << " " << lost.body;
  EXPECT_EQ(lost.body.find("00000"), std::string::npos) << lost.body;

  // The next call is answered: the order is there, live, under the id the client chose.
  const json d = s.detail("lost-ack-1");
  ASSERT_EQ(d.value("code", ""), "00000") << d.dump();
  EXPECT_EQ(d["data"]["clientOid"], "lost-ack-1");
  EXPECT_EQ(d["data"]["state"], "live");
  const json ledger = http_call(s.sim.port(), "GET", "/sim/orders").json()["la-key"];
  ASSERT_EQ(ledger.size(), 1u) << ledger.dump();
  EXPECT_EQ(ledger[0]["clientOid"], "lost-ack-1");
  const json stats = http_call(s.sim.port(), "GET", "/sim/stats").json();
  EXPECT_EQ(stats["orders_placed"], 1);
  EXPECT_EQ(stats["faults_injected"]["response_dropped"], 1);
}

TEST(LostAck, BothAClosedConnectionAndA503AreSeenAndEveryOrderIsPlaced) {
  LostAckSim s;
  ASSERT_TRUE(s.sim.is_ready());
  ASSERT_EQ(http_call(s.sim.port(), "POST", "/sim/faults", {}, R"({"response_drop_rate":1})").status, 200);
  int closed = 0, unavailable = 0, n = 0;
  for (; n < 40 && (closed == 0 || unavailable == 0); ++n) {
    const auto r = s.place("rate-" + std::to_string(n));
    if (r.status == 0)
      ++closed;
    else if (r.status == 503)
      ++unavailable;
    else
      ADD_FAILURE() << "answered: " << r.status << " " << r.body;
  }
  EXPECT_GT(closed, 0);
  EXPECT_GT(unavailable, 0);
  ASSERT_EQ(http_call(s.sim.port(), "POST", "/sim/faults", {}, R"({"reset":true})").status, 200);
  EXPECT_EQ(http_call(s.sim.port(), "GET", "/sim/stats").json()["orders_placed"], n);
  for (int i = 0; i < n; ++i) {
    const json d = s.detail("rate-" + std::to_string(i));
    EXPECT_EQ(d.value("code", ""), "00000") << i << ": " << d.dump();
  }
  const auto bad = http_call(s.sim.port(), "POST", "/sim/faults", {}, R"({"response_drop_rate":7})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("faults.response_drop_rate"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace carry::test
