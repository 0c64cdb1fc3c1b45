// The route table: lookup, method mismatch, unknown paths, and that the v2 routes it replaced
// still answer as before (the wider behaviour is pinned by simulator_test.cpp and the gateway
// and daemon tests against the simulator).
#include "rest_router.hpp"
#include "sim_fixture.hpp"

#include <gtest/gtest.h>

namespace carry::sim {
namespace {

using nlohmann::json;
using test_support::SimFixture;

HttpResponse dummy(const rest::Call&) { return {}; }

TEST(RestRouter, FindsByMethodAndPathAndKnowsPathsUnderOtherMethods) {
  rest::Router r;
  r.add({"GET", "/a", rest::Api::Public, dummy});
  r.add({"POST", "/b", rest::Api::PrivateV2, dummy});
  EXPECT_NE(r.find("GET", "/a").route, nullptr);
  auto wrong = r.find("POST", "/a");
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_TRUE(wrong.path_known);
  auto none = r.find("GET", "/c");
  EXPECT_EQ(none.route, nullptr);
  EXPECT_FALSE(none.path_known);
  EXPECT_THROW(r.add({"GET", "/a", rest::Api::Public, dummy}), std::logic_error);
  EXPECT_EQ(r.size(), 2u);
}

TEST(RestRouter, TheSimulatorsTableHoldsEveryAreaOnce) {
  const auto& t = rest::routes();
  for (const char* path : {"/api/v2/public/time", "/api/v2/mix/market/contracts", "/api/v2/spot/public/symbols"})
    EXPECT_EQ(t.find("GET", path).route->api, rest::Api::Public) << path;
  EXPECT_EQ(t.find("POST", "/api/v2/mix/order/place-order").route->api, rest::Api::PrivateV2);
  EXPECT_TRUE(t.find("POST", "/api/v2/mix/order/place-order").route->checks_product_type);
  EXPECT_FALSE(t.find("POST", "/api/v2/spot/trade/place-order").route->checks_product_type);
  EXPECT_EQ(t.find("GET", "/api/v2/mix/account/bill").route->api, rest::Api::PrivateV2);
  EXPECT_EQ(t.find("GET", "/api/v3/account/settings").route->api, rest::Api::PrivateV3);
}

TEST_F(SimFixture, WrongMethodOnAKnownPathIs405AndUnknownPathsStay40404) {
  HttpRequest post_public;
  post_public.method = "POST";
  post_public.target = "/api/v2/public/time";
  auto r = sim->handle_http(post_public);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(body(r)["code"], "405");
  EXPECT_NE(body(r)["msg"].get<std::string>().find("'POST' not supported"), std::string::npos);
  // A private POST route read with GET: refused before the signature is checked.
  auto g = get("/api/v2/mix/order/place-order");
  EXPECT_EQ(g.status, 405);
  EXPECT_EQ(stats()["auth_failures"], 0);

  auto unknown = get("/api/v2/nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(body(unknown)["code"], "40404");
  // Unknown paths under a private area are authenticated first (and counted as private calls).
  auto unsigned_private = get("/api/v2/mix/order/nope");
  EXPECT_EQ(body(unsigned_private)["code"], "40001");
  auto signed_private = signed_call("GET", "/api/v2/mix/order/nope", "productType=USDT-FUTURES", "", signer);
  EXPECT_EQ(signed_private.status, 404);
  EXPECT_EQ(body(signed_private)["code"], "40404");
  EXPECT_EQ(stats()["private_rest_calls"], 3);
}

TEST_F(SimFixture, MixRoutesCheckProductTypeFirstSpotRoutesDoNot) {
  auto r = signed_call("GET", "/api/v2/mix/order/detail", "productType=COIN-FUTURES&symbol=NOPE", "", signer);
  EXPECT_EQ(body(r)["code"], "40034");
  EXPECT_EQ(body(r)["msg"], "Parameter productType does not exist");
  auto s = signed_call("GET", "/api/v2/spot/trade/orderInfo", "orderId=1", "", signer);
  EXPECT_EQ(body(s)["code"], "43001");
  auto m = get("/api/v2/mix/market/ticker?symbol=BTCUSDT");
  EXPECT_EQ(body(m)["code"], "40019");
}

TEST_F(SimFixture, SpotAndPerpOrdersShareTheParameterisedHandlers) {
  const std::string id = place_perp("buy", "limit", "0.010", "1000.0");
  auto bad_cancel = signed_call("POST", "/api/v2/spot/trade/cancel-order", "",
                                json({{"symbol", "BTCUSDT"}, {"orderId", id}}).dump(), signer);
  EXPECT_EQ(bad_cancel.status, 400) << "a perp order is not a spot order";
  auto cancel =
      signed_call("POST", "/api/v2/mix/order/cancel-order", "",
                  json({{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"orderId", id}}).dump(), signer);
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(body(cancel)["data"]["orderId"], id);
  auto spot = signed_call("POST", "/api/v2/spot/trade/place-order", "",
                          json({{"symbol", "BTCUSDT"},
                                {"side", "buy"},
                                {"orderType", "limit"},
                                {"force", "gtc"},
                                {"size", "0.01"},
                                {"price", "1000.00"},
                                {"clientOid", "s1"}})
                              .dump(),
                          signer);
  ASSERT_EQ(spot.status, 200) << spot.body;
  EXPECT_EQ(body(spot)["data"]["clientOid"], "s1");
  auto batch = signed_call(
      "POST", "/api/v2/spot/trade/batch-orders", "",
      json(
          {{"symbol", "BTCUSDT"},
           {"orderList",
            json::array(
                {{{"side", "buy"}, {"orderType", "limit"}, {"size", "0.01"}, {"price", "1000.00"}, {"clientOid", "s2"}},
                 {{"side", "up"}, {"orderType", "limit"}, {"size", "0.01"}, {"clientOid", "s3"}}})}})
          .dump(),
      signer);
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(body(batch)["data"]["successList"].size(), 1u);
  EXPECT_EQ(body(batch)["data"]["failureList"][0]["clientOid"], "s3");
  EXPECT_EQ(body(batch)["data"]["failureList"][0]["errorCode"], "40020");
}

}  // namespace
}  // namespace carry::sim
