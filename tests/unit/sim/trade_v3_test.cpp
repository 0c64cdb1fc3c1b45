// Private v3 (UTA) trading and assets over the shared matching engine: v3 requests (category,
// qty, timeInForce, posSide) place, show, list and cancel the same orders the v2 API would.
#include "sim_fixture.hpp"

#include <gtest/gtest.h>

namespace carry::sim {
namespace {

using test_support::SimFixture;
using nlohmann::json;

struct UtaTrade : SimFixture {
  void configure(SimConfig& cfg) override { cfg.accounts[0].account_mode = "uta"; }
  json call(const std::string& method, const std::string& path, const std::string& query, const json& b = nullptr) {
    auto r = signed_call(method, path, query, b.is_null() ? "" : b.dump(), signer);
    return body(r);
  }
  json place(const json& b) { return call("POST", "/api/v3/trade/place-order", "", b); }
  json info(const std::string& id) { return call("GET", "/api/v3/trade/order-info", "orderId=" + id); }
};

TEST_F(UtaTrade, PerpLimitOrderIsPlacedListedAndCancelled) {
  const json p = place({{"category", "USDT-FUTURES"}, {"symbol", "BTCUSDT"}, {"qty", "0.010"}, {"price", "1000.0"},
                        {"side", "buy"}, {"orderType", "limit"}, {"timeInForce", "gtc"}, {"clientOid", "u1"}});
  ASSERT_EQ(p["code"], "00000") << p.dump();
  const std::string id = p["data"]["orderId"];
  const json o = info(id)["data"];
  EXPECT_EQ(o["category"], "USDT-FUTURES");
  EXPECT_EQ(o["clientOid"], "u1");
  EXPECT_EQ(o["qty"], "0.01");
  EXPECT_EQ(o["price"], "1000.0");
  EXPECT_EQ(o["orderStatus"], "live");
  EXPECT_EQ(o["holdMode"], "one_way_mode");
  EXPECT_EQ(o["reduceOnly"], "NO");
  const json list = call("GET", "/api/v3/trade/unfilled-orders", "category=USDT-FUTURES");
  ASSERT_EQ(list["data"]["list"].size(), 1u) << list.dump();
  EXPECT_EQ(list["data"]["cursor"], id);
  EXPECT_TRUE(call("GET", "/api/v3/trade/unfilled-orders", "cursor=" + id)["data"]["list"].empty());
  const json c = call("POST", "/api/v3/trade/cancel-order", "", {{"clientOid", "u1"}, {"category", "USDT-FUTURES"}});
  ASSERT_EQ(c["code"], "00000") << c.dump();
  EXPECT_EQ(info(id)["data"]["orderStatus"], "cancelled");
  EXPECT_EQ(call("POST", "/api/v3/trade/cancel-order", "", {{"orderId", "42"}})["code"], "25204");
}

TEST_F(UtaTrade, SpotMarketBuyIsSizedInQuoteCoin) {
  const json p = place({{"category", "SPOT"}, {"symbol", "BTCUSDT"}, {"qty", "100"}, {"side", "buy"}, {"orderType", "market"}});
  ASSERT_EQ(p["code"], "00000") << p.dump();
  const json o = info(p["data"]["orderId"])["data"];
  EXPECT_EQ(o["orderStatus"], "filled");
  EXPECT_EQ(o["qty"], "0");
  EXPECT_EQ(o["amount"], "100");
  EXPECT_TRUE(Decimal::parse(o["cumExecQty"].get<std::string>()).value().is_positive());
  EXPECT_EQ(o["feeDetail"][0]["feeCoin"], "BTC");
}

TEST_F(UtaTrade, RequestsAreCheckedWithV3Codes) {
  EXPECT_EQ(place({{"symbol", "BTCUSDT"}, {"qty", "1"}, {"side", "buy"}, {"orderType", "market"}})["code"], "40017");
  EXPECT_EQ(place({{"category", "COIN-FUTURES"}, {"symbol", "BTCUSD"}, {"qty", "1"}, {"side", "buy"}, {"orderType", "market"}})["code"],
            "25100");
  EXPECT_EQ(place({{"category", "SPOT"}, {"symbol", "BTCUSDT"}, {"side", "buy"}, {"orderType", "market"}})["code"], "40017");
  EXPECT_EQ(call("GET", "/api/v3/trade/order-info", "")["code"], "40017");
}

TEST_F(UtaTrade, AssetsShowBothWalletsAsOne) {
  const json a = call("GET", "/api/v3/account/assets", "");
  ASSERT_EQ(a["code"], "00000") << a.dump();
  EXPECT_EQ(a["data"]["accountEquity"], "200000");
  ASSERT_FALSE(a["data"]["assets"].empty());
  const json usdt = a["data"]["assets"][0];
  EXPECT_EQ(usdt["coin"], "USDT");
  EXPECT_EQ(usdt["balance"], "200000");
  EXPECT_EQ(usdt["available"], "200000");
  EXPECT_EQ(usdt["debt"], "0");
}

struct UtaHedge : UtaTrade {
  void configure(SimConfig& cfg) override {
    UtaTrade::configure(cfg);
    cfg.position_mode = "hedge_mode";
  }
  json positions() { return body(get("/sim/accounts"))["key1"]["positions"]; }
};

TEST_F(UtaHedge, SellWithPosSideLongClosesTheLong) {
  const json open = place({{"category", "USDT-FUTURES"}, {"symbol", "BTCUSDT"}, {"qty", "0.010"}, {"side", "buy"},
                           {"posSide", "long"}, {"orderType", "market"}});
  ASSERT_EQ(open["code"], "00000") << open.dump();
  ASSERT_EQ(positions().size(), 1u);
  EXPECT_EQ(positions()[0]["holdSide"], "long");
  EXPECT_EQ(info(open["data"]["orderId"])["data"]["tradeSide"], "open");
  const json close = place({{"category", "USDT-FUTURES"}, {"symbol", "BTCUSDT"}, {"qty", "0.010"}, {"side", "sell"},
                            {"posSide", "long"}, {"orderType", "market"}});
  ASSERT_EQ(close["code"], "00000") << close.dump();
  const json o = info(close["data"]["orderId"])["data"];
  EXPECT_EQ(o["side"], "sell");
  EXPECT_EQ(o["posSide"], "long");
  EXPECT_EQ(o["tradeSide"], "close");
  for (const auto& p : positions()) EXPECT_EQ(p["total"], "0") << p.dump();
  // Without posSide a hedge-mode order is refused, not guessed.
  EXPECT_NE(place({{"category", "USDT-FUTURES"}, {"symbol", "BTCUSDT"}, {"qty", "0.010"}, {"side", "buy"},
                   {"orderType", "market"}})["code"],
            "00000");
}

}  // namespace
}  // namespace carry::sim
