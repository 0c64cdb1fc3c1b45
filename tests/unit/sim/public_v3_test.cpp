// Public v3 (UTA) market REST: the same market, funding and history as v2 in Bitget's v3 shapes
// (uta/public pages), selected by `category`, for every account kind (no signature).
#include "sim_fixture.hpp"

#include <gtest/gtest.h>

namespace carry::sim {
namespace {

using nlohmann::json;
using test_support::SimFixture;

TEST_F(SimFixture, V3InstrumentsListEachCategory) {
  const json perp = body(get("/api/v3/market/instruments?category=USDT-FUTURES"));
  ASSERT_EQ(perp["code"], "00000") << perp.dump();
  ASSERT_EQ(perp["data"].size(), 2u);
  const json btc = body(get("/api/v3/market/instruments?category=USDT-FUTURES&symbol=BTCUSDT"))["data"][0];
  EXPECT_EQ(btc["category"], "USDT-FUTURES");
  EXPECT_EQ(btc["priceMultiplier"], "0.1");
  EXPECT_EQ(btc["quantityMultiplier"], "0.001");
  EXPECT_EQ(btc["pricePrecision"], "1");
  EXPECT_EQ(btc["symbolType"], "perpetual");
  EXPECT_EQ(btc["fundInterval"], "8");
  EXPECT_EQ(btc["minOrderAmount"], "5");
  const json spot = body(get("/api/v3/market/instruments?category=SPOT&symbol=ETHUSDT"))["data"][0];
  EXPECT_EQ(spot["category"], "SPOT");
  EXPECT_FALSE(spot.contains("fundInterval"));
  for (const char* empty : {"MARGIN", "COIN-FUTURES", "USDC-FUTURES"}) {
    const json r = body(get(std::string("/api/v3/market/instruments?category=") + empty));
    EXPECT_EQ(r["code"], "00000") << empty;
    EXPECT_TRUE(r["data"].empty()) << empty;
  }
  EXPECT_EQ(body(get("/api/v3/market/instruments"))["code"], "40017");
  EXPECT_EQ(body(get("/api/v3/market/instruments?category=OPTIONS"))["code"], "40034");
  EXPECT_EQ(body(get("/api/v3/market/instruments?category=SPOT&symbol=NOPEUSDT"))["code"], "25100");
}

TEST_F(SimFixture, V3TickersAndOrderbookMatchV2) {
  const json v3 = body(get("/api/v3/market/tickers?category=USDT-FUTURES&symbol=BTCUSDT"))["data"][0];
  const json v2 = body(get("/api/v2/mix/market/ticker?productType=USDT-FUTURES&symbol=BTCUSDT"))["data"][0];
  EXPECT_EQ(v3["bid1Price"], v2["bidPr"]);
  EXPECT_EQ(v3["ask1Price"], v2["askPr"]);
  EXPECT_EQ(v3["lastPrice"], v2["lastPr"]);
  EXPECT_EQ(v3["fundingRate"], v2["fundingRate"]);
  EXPECT_EQ(v3["markPrice"], v2["markPrice"]);
  const json spot = body(get("/api/v3/market/tickers?category=SPOT"));
  EXPECT_EQ(spot["data"].size(), 2u);
  EXPECT_FALSE(spot["data"][0].contains("fundingRate"));

  const json book = body(get("/api/v3/market/orderbook?category=SPOT&symbol=BTCUSDT"));
  ASSERT_EQ(book["code"], "00000") << book.dump();
  EXPECT_EQ(book["data"]["a"].size(), 5u);  // default limit
  EXPECT_EQ(book["data"]["b"].size(), 5u);
  EXPECT_TRUE(book["data"]["a"][0][0].is_string());
  const auto ask = Decimal::parse(book["data"]["a"][0][0].get<std::string>()).value();
  const auto bid = Decimal::parse(book["data"]["b"][0][0].get<std::string>()).value();
  EXPECT_LT(bid, ask);
  EXPECT_EQ(body(get("/api/v3/market/orderbook?category=SPOT&symbol=BTCUSDT&limit=2"))["data"]["a"].size(), 2u);
  EXPECT_EQ(body(get("/api/v3/market/orderbook?category=SPOT"))["code"], "40017");
}

TEST_F(SimFixture, V3CandlesAndFunding) {
  advance(61'000);
  advance(61'000);
  const json c = body(get("/api/v3/market/candles?category=USDT-FUTURES&symbol=BTCUSDT&interval=1m"));
  ASSERT_EQ(c["code"], "00000") << c.dump();
  ASSERT_FALSE(c["data"].empty());
  EXPECT_EQ(c["data"][0].size(), 7u);
  EXPECT_EQ(body(get("/api/v3/market/candles?category=USDT-FUTURES&symbol=BTCUSDT&interval=7m"))["code"], "40017");
  EXPECT_EQ(body(get("/api/v3/market/candles?category=USDT-FUTURES&symbol=BTCUSDT"))["code"], "40017");

  const json f = body(get("/api/v3/market/current-fund-rate?symbol=BTCUSDT"));
  ASSERT_EQ(f["code"], "00000") << f.dump();
  EXPECT_EQ(f["data"][0]["fundingRate"], "0.0003");
  EXPECT_EQ(f["data"][0]["fundingRateInterval"], "8");
  EXPECT_EQ(f["data"][0]["maxFundingRate"], "0.003");
  EXPECT_EQ(body(get("/api/v3/market/current-fund-rate"))["code"], "40017");

  // Two settlements happened (1-minute interval): newest first, paged by cursor.
  const json h = body(get("/api/v3/market/history-fund-rate?category=USDT-FUTURES&symbol=BTCUSDT"));
  ASSERT_EQ(h["code"], "00000") << h.dump();
  const auto& list = h["data"]["resultList"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_GT(std::stoll(list[0]["fundingRateTimestamp"].get<std::string>()),
            std::stoll(list[1]["fundingRateTimestamp"].get<std::string>()));
  const json p2 = body(get("/api/v3/market/history-fund-rate?category=USDT-FUTURES&symbol=BTCUSDT&limit=1&cursor=2"));
  ASSERT_EQ(p2["data"]["resultList"].size(), 1u);
  EXPECT_EQ(p2["data"]["resultList"][0]["fundingRateTimestamp"], list[1]["fundingRateTimestamp"]);
}

}  // namespace
}  // namespace carry::sim
