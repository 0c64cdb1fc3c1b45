// Private v3 (UTA) trading and assets over the shared matching engine: v3 requests (category,
// qty, timeInForce, posSide) place, show, list and cancel the same orders the v2 API would.
#include "sim_fixture.hpp"

#include <gtest/gtest.h>

namespace carry::sim {
namespace {

using nlohmann::json;
using test_support::SimFixture;

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
  const json p = place({{"category", "USDT-FUTURES"},
                        {"symbol", "BTCUSDT"},
                        {"qty", "0.010"},
                        {"price", "1000.0"},
                        {"side", "buy"},
                        {"orderType", "limit"},
                        {"timeInForce", "gtc"},
                        {"clientOid", "u1"}});
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
  const json p =
      place({{"category", "SPOT"}, {"symbol", "BTCUSDT"}, {"qty", "100"}, {"side", "buy"}, {"orderType", "market"}});
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
  EXPECT_EQ(place({{"category", "COIN-FUTURES"},
                   {"symbol", "BTCUSD"},
                   {"qty", "1"},
                   {"side", "buy"},
                   {"orderType", "market"}})["code"],
            "25100");
  EXPECT_EQ(place({{"category", "SPOT"}, {"symbol", "BTCUSDT"}, {"side", "buy"}, {"orderType", "market"}})["code"],
            "40017");
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
  const json open = place({{"category", "USDT-FUTURES"},
                           {"symbol", "BTCUSDT"},
                           {"qty", "0.010"},
                           {"side", "buy"},
                           {"posSide", "long"},
                           {"orderType", "market"}});
  ASSERT_EQ(open["code"], "00000") << open.dump();
  ASSERT_EQ(positions().size(), 1u);
  EXPECT_EQ(positions()[0]["holdSide"], "long");
  EXPECT_EQ(info(open["data"]["orderId"])["data"]["tradeSide"], "open");
  const json close = place({{"category", "USDT-FUTURES"},
                            {"symbol", "BTCUSDT"},
                            {"qty", "0.010"},
                            {"side", "sell"},
                            {"posSide", "long"},
                            {"orderType", "market"}});
  ASSERT_EQ(close["code"], "00000") << close.dump();
  const json o = info(close["data"]["orderId"])["data"];
  EXPECT_EQ(o["side"], "sell");
  EXPECT_EQ(o["posSide"], "long");
  EXPECT_EQ(o["tradeSide"], "close");
  for (const auto& p : positions()) EXPECT_EQ(p["total"], "0") << p.dump();
  // Without posSide a hedge-mode order is refused, not guessed.
  EXPECT_NE(place({{"category", "USDT-FUTURES"},
                   {"symbol", "BTCUSDT"},
                   {"qty", "0.010"},
                   {"side", "buy"},
                   {"orderType", "market"}})["code"],
            "00000");
}

}  // namespace
}  // namespace carry::sim

namespace carry::sim {
namespace {

TEST_F(UtaTrade, FillsPositionsAndFundingRecordsReadTheSameLedger) {
  const json open = place({{"category", "USDT-FUTURES"},
                           {"symbol", "BTCUSDT"},
                           {"qty", "0.010"},
                           {"side", "buy"},
                           {"orderType", "market"}});
  ASSERT_EQ(open["code"], "00000") << open.dump();
  const std::string id = open["data"]["orderId"];
  const json f = call("GET", "/api/v3/trade/fills", "category=USDT-FUTURES&orderId=" + id);
  ASSERT_EQ(f["code"], "00000") << f.dump();
  ASSERT_FALSE(f["data"]["list"].empty());
  const json fill = f["data"]["list"][0];
  EXPECT_EQ(fill["orderId"], id);
  EXPECT_EQ(fill["side"], "buy");
  EXPECT_EQ(fill["tradeScope"], "taker");
  EXPECT_EQ(fill["tradeSide"], "open");
  EXPECT_TRUE(call("GET", "/api/v3/trade/fills", "category=SPOT")["data"]["list"].empty());

  const json pos = call("GET", "/api/v3/position/current-position", "category=USDT-FUTURES");
  ASSERT_EQ(pos["data"]["list"].size(), 1u) << pos.dump();
  EXPECT_EQ(pos["data"]["list"][0]["posSide"], "long");
  EXPECT_EQ(pos["data"]["list"][0]["total"], "0.01");
  EXPECT_EQ(pos["data"]["list"][0]["holdMode"], "one_way_mode");
  EXPECT_EQ(call("GET", "/api/v3/position/current-position", "")["code"], "40017");
  EXPECT_TRUE(call("GET", "/api/v3/position/current-position", "category=COIN-FUTURES")["data"]["list"].empty());

  advance(61'000);  // a settlement at the next minute (interval 60 s, rate +0.0003: the long pays)
  const json rec = call("GET", "/api/v3/account/financial-records", "category=USDT-FUTURES");
  ASSERT_EQ(rec["code"], "00000") << rec.dump();
  const json& list = rec["data"]["list"];
  ASSERT_GE(list.size(), 2u);
  EXPECT_EQ(list[0]["type"], "CONTRACT_MAIN_SETTLE_FEE_USER_OUT");
  EXPECT_TRUE(Decimal::parse(list[0]["amount"].get<std::string>()).value().is_negative());
  EXPECT_EQ(list[1]["type"], "OPEN_LONG");
  const json only =
      call("GET", "/api/v3/account/financial-records", "category=USDT-FUTURES&type=CONTRACT_MAIN_SETTLE_FEE_USER_OUT");
  EXPECT_EQ(only["data"]["list"].size(), 1u);
  const json page2 = call("GET", "/api/v3/account/financial-records",
                          "category=USDT-FUTURES&limit=1&cursor=" + list[0]["id"].get<std::string>());
  ASSERT_EQ(page2["data"]["list"].size(), 1u);
  EXPECT_EQ(page2["data"]["list"][0]["id"], list[1]["id"]);
  EXPECT_TRUE(call("GET", "/api/v3/account/financial-records", "category=SPOT")["data"]["list"].empty());
}

TEST_F(UtaTrade, LeverageAndHoldModeAreSetThroughV3) {
  const json l = call("POST", "/api/v3/account/set-leverage", "",
                      {{"category", "USDT-FUTURES"}, {"symbol", "ETHUSDT"}, {"leverage", "3"}});
  ASSERT_EQ(l["code"], "00000") << l.dump();
  EXPECT_EQ(l["data"], "success");
  const json s = call("GET", "/api/v3/account/settings", "");
  bool seen = false;
  for (const auto& e : s["data"]["symbolConfigList"])
    if (e["symbol"] == "ETHUSDT") {
      EXPECT_EQ(e["leverage"], "3");
      seen = true;
    }
  EXPECT_TRUE(seen);
  EXPECT_EQ(call("POST", "/api/v3/account/set-hold-mode", "", {{"holdMode", "hedge_mode"}})["code"], "00000");
  EXPECT_EQ(call("GET", "/api/v3/account/settings", "")["data"]["holdMode"], "hedge_mode");
  EXPECT_EQ(call("POST", "/api/v3/account/set-hold-mode", "", {{"holdMode", "net"}})["code"], "40034");
  EXPECT_EQ(call("POST", "/api/v3/account/set-leverage", "", {{"category", "USDT-FUTURES"}, {"leverage", "3"}})["code"],
            "40017");
}

}  // namespace
}  // namespace carry::sim

namespace carry::sim {
namespace {

TEST_F(UtaTrade, BatchesAnswerPerEntryAndCancelSymbolClearsTheCategory) {
  auto raw = [&](const std::string& path, const std::string& text) {
    return body(signed_call("POST", path, "", text, signer));
  };
  const json order = {{"category", "USDT-FUTURES"}, {"symbol", "BTCUSDT"}, {"qty", "0.010"},
                      {"price", "1000.0"},          {"side", "buy"},       {"orderType", "limit"}};
  json bad = order;
  bad["side"] = "up";
  json b1 = order, b2 = order;
  b1["clientOid"] = "b1";
  b2["clientOid"] = "b2";
  const json placed = raw("/api/v3/trade/place-batch", json::array({b1, bad, b2}).dump());
  ASSERT_EQ(placed["code"], "00000") << placed.dump();
  ASSERT_EQ(placed["data"].size(), 3u);
  EXPECT_EQ(placed["data"][0]["clientOid"], "b1");
  EXPECT_FALSE(placed["data"][0].contains("code"));
  EXPECT_EQ(placed["data"][1]["code"], "40020");
  EXPECT_EQ(placed["data"][2]["clientOid"], "b2");

  const json cancelled = raw("/api/v3/trade/cancel-batch",
                             json::array({{{"category", "USDT-FUTURES"}, {"symbol", "BTCUSDT"}, {"clientOid", "b1"}},
                                          {{"category", "USDT-FUTURES"}, {"symbol", "BTCUSDT"}, {"orderId", "9"}}})
                                 .dump());
  ASSERT_EQ(cancelled["code"], "00000") << cancelled.dump();
  EXPECT_EQ(cancelled["data"][0]["clientOid"], "b1");
  EXPECT_EQ(cancelled["data"][1]["code"], "25204");
  EXPECT_EQ(raw("/api/v3/trade/place-batch", json::array().dump())["code"], "40017");

  const json all = call("POST", "/api/v3/trade/cancel-symbol-order", "", {{"category", "USDT-FUTURES"}});
  ASSERT_EQ(all["code"], "00000") << all.dump();
  ASSERT_EQ(all["data"]["list"].size(), 1u);
  EXPECT_EQ(all["data"]["list"][0]["clientOid"], "b2");
  EXPECT_TRUE(call("GET", "/api/v3/trade/unfilled-orders", "")["data"]["list"].empty());
  const json hist = call("GET", "/api/v3/trade/history-orders", "category=USDT-FUTURES");
  ASSERT_EQ(hist["data"]["list"].size(), 2u) << hist.dump();
  EXPECT_EQ(hist["data"]["list"][0]["clientOid"], "b2");  // newest first
  EXPECT_EQ(hist["data"]["list"][0]["orderStatus"], "cancelled");
  EXPECT_EQ(call("GET", "/api/v3/trade/history-orders", "")["code"], "40017");
}

TEST_F(UtaTrade, ModifyOrderAmendsTheRestingOrderInPlace) {
  const json p = place({{"category", "USDT-FUTURES"},
                        {"symbol", "BTCUSDT"},
                        {"qty", "0.010"},
                        {"price", "1000.0"},
                        {"side", "buy"},
                        {"orderType", "limit"},
                        {"clientOid", "m1"}});
  ASSERT_EQ(p["code"], "00000") << p.dump();
  const std::string id = p["data"]["orderId"];
  sim->drain_pushes();
  const json m = call("POST", "/api/v3/trade/modify-order", "",
                      {{"category", "USDT-FUTURES"},
                       {"symbol", "BTCUSDT"},
                       {"orderId", id},
                       {"qty", "0.020"},
                       {"price", "1001.0"},
                       {"autoCancel", "no"}});
  ASSERT_EQ(m["code"], "00000") << m.dump();
  EXPECT_EQ(m["data"], json({{"orderId", id}, {"clientOid", "m1"}}));  // rest_modify_order.json's shape
  json o = info(id)["data"];
  EXPECT_EQ(o["qty"], "0.02");
  EXPECT_EQ(o["price"], "1001.0");
  EXPECT_EQ(o["orderStatus"], "live");
  EXPECT_EQ(o["clientOid"], "m1");
  EXPECT_EQ(call("GET", "/api/v3/trade/unfilled-orders", "category=USDT-FUTURES")["data"]["list"].size(), 1u);
  // The UTA order topic hears the amended order, same ids.
  bool pushed = false;
  for (const auto& push : sim->drain_pushes())
    if (push.dialect == WsDialect::V3 && push.channel == "order") {
      EXPECT_EQ(push.data[0]["orderId"], id);
      EXPECT_EQ(push.data[0]["clientOid"], "m1");
      EXPECT_EQ(push.data[0]["price"], "1001.0");
      pushed = true;
    }
  EXPECT_TRUE(pushed);
  // By clientOid, the price alone: the order margin follows the new price.
  const json before = call("GET", "/api/v3/account/assets", "")["data"]["assets"][0];
  ASSERT_EQ(call("POST", "/api/v3/trade/modify-order", "",
                 {{"category", "USDT-FUTURES"}, {"clientOid", "m1"}, {"price", "2000.0"}})["code"],
            "00000");
  EXPECT_EQ(info(id)["data"]["qty"], "0.02");
  const json after = call("GET", "/api/v3/account/assets", "")["data"]["assets"][0];
  EXPECT_GT(Decimal::parse(after["locked"].get<std::string>()).value(),
            Decimal::parse(before["locked"].get<std::string>()).value());
}

TEST_F(UtaTrade, ModifyToACrossingPriceTradesAtOnce) {
  const json p = place({{"category", "SPOT"},
                        {"symbol", "BTCUSDT"},
                        {"qty", "0.001"},
                        {"price", "10000"},
                        {"side", "buy"},
                        {"orderType", "limit"},
                        {"clientOid", "m2"}});
  ASSERT_EQ(p["code"], "00000") << p.dump();
  const json m =
      call("POST", "/api/v3/trade/modify-order", "", {{"category", "SPOT"}, {"clientOid", "m2"}, {"price", "200000"}});
  ASSERT_EQ(m["code"], "00000") << m.dump();
  const json o = info(p["data"]["orderId"])["data"];
  EXPECT_EQ(o["orderStatus"], "filled");
  EXPECT_EQ(o["cumExecQty"], "0.001");
  EXPECT_EQ(o["clientOid"], "m2");
  // Nothing stays reserved: the fill released what the order held.
  EXPECT_EQ(body(get("/sim/accounts"))["key1"]["spot"]["USDT"]["frozen"], "0");
}

TEST_F(UtaTrade, ModifyRefusesUnknownFinishedAndBadAmends) {
  const auto modify = [&](const json& b) { return call("POST", "/api/v3/trade/modify-order", "", b)["code"]; };
  EXPECT_EQ(modify({{"category", "USDT-FUTURES"}, {"orderId", "42"}, {"price", "1000.0"}}), "25204");
  EXPECT_EQ(modify({{"category", "USDT-FUTURES"}, {"price", "1000.0"}}), "40017");
  const json p = place({{"category", "USDT-FUTURES"},
                        {"symbol", "BTCUSDT"},
                        {"qty", "0.010"},
                        {"price", "1000.0"},
                        {"side", "buy"},
                        {"orderType", "limit"},
                        {"clientOid", "m3"}});
  const std::string id = p["data"]["orderId"];
  EXPECT_EQ(modify({{"category", "USDT-FUTURES"}, {"orderId", id}}), "40017");  // neither qty nor price
  EXPECT_EQ(modify({{"category", "USDT-FUTURES"}, {"orderId", id}, {"price", "abc"}}), "40017");
  EXPECT_EQ(modify({{"category", "USDT-FUTURES"}, {"orderId", id}, {"symbol", "ETHUSDT"}, {"price", "1000.0"}}),
            "25204");
  EXPECT_EQ(modify({{"category", "USDT-FUTURES"}, {"orderId", id}, {"price", "1000.05"}}), "45115");
  EXPECT_EQ(info(id)["data"]["orderStatus"], "live");  // a refused amend leaves the order as it was
  // autoCancel=yes: the refused amend cancels the order.
  EXPECT_EQ(modify({{"category", "USDT-FUTURES"}, {"orderId", id}, {"price", "1000.05"}, {"autoCancel", "yes"}}),
            "45115");
  EXPECT_EQ(info(id)["data"]["orderStatus"], "cancelled");
  EXPECT_EQ(modify({{"category", "USDT-FUTURES"}, {"orderId", id}, {"price", "1001.0"}}), "40768");
  const json filled = place({{"category", "USDT-FUTURES"},
                             {"symbol", "BTCUSDT"},
                             {"qty", "0.010"},
                             {"side", "buy"},
                             {"orderType", "market"}});
  EXPECT_EQ(modify({{"category", "USDT-FUTURES"}, {"orderId", filled["data"]["orderId"]}, {"qty", "0.020"}}), "40768");
}

}  // namespace
}  // namespace carry::sim
