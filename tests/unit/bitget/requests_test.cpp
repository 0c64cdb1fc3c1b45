#include <carry/bitget/requests.hpp>
#include <carry/bitget/signer.hpp>
#include <carry/core/venue.hpp>

#include "sample_loader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace carry::bitget {
namespace {

using nlohmann::json;

PerpOrderRequest limit_buy() {
  PerpOrderRequest r;
  r.symbol = "BTCUSDT";
  r.side = Side::Buy;
  r.type = OrderType::Limit;
  r.tif = TimeInForce::PostOnly;
  r.size = "0.001"_dec;
  r.price = "30000"_dec;
  r.client_oid = "bot-0001";
  return r;
}

TEST(Requests, PerpPlaceMatchesReferenceBodyAndSignature) {
  const auto body = build_perp_place_body(limit_buy()).value();
  EXPECT_EQ(
      body,
      R"({"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.001","price":"30000","side":"buy","orderType":"limit","force":"post_only","clientOid":"bot-0001"})");
  Signer s({"k", "test_secret_key", "p"}, false);
  EXPECT_EQ(s.sign_rest(1700000000000, "POST", "/api/v2/mix/order/place-order", "", body),
            "rH3U10BtEiJADfGlx0cFVpkqkPKwQkHZsFx8oLH9IVU=");
}

TEST(Requests, OneWayReduceOnlyAndHedgeModeTable) {
  // REFERENCE section 4 table: intent -> wire fields.
  struct Case {
    PositionMode mode;
    Side direction;
    bool reduce;
    const char* side;
    const char* trade_side;  // nullptr = absent
    const char* reduce_only;
  } cases[] = {
      {PositionMode::OneWay, Side::Buy, false, "buy", nullptr, nullptr},    // open long
      {PositionMode::OneWay, Side::Sell, true, "sell", nullptr, "YES"},     // close long
      {PositionMode::OneWay, Side::Sell, false, "sell", nullptr, nullptr},  // open short
      {PositionMode::OneWay, Side::Buy, true, "buy", nullptr, "YES"},       // close short
      {PositionMode::Hedge, Side::Buy, false, "buy", "open", nullptr},      // open long
      {PositionMode::Hedge, Side::Sell, true, "buy", "close", nullptr},     // close long: side=buy
      {PositionMode::Hedge, Side::Sell, false, "sell", "open", nullptr},    // open short
      {PositionMode::Hedge, Side::Buy, true, "sell", "close", nullptr},     // close short: side=sell
  };
  for (const auto& c : cases) {
    auto r = limit_buy();
    r.mode = c.mode;
    r.side = c.direction;
    r.reduce_only = c.reduce;
    auto j = json::parse(build_perp_place_body(r).value());
    EXPECT_EQ(j["side"], c.side);
    if (c.trade_side) {
      EXPECT_EQ(j["tradeSide"], c.trade_side);
    } else {
      EXPECT_FALSE(j.contains("tradeSide"));
    }
    if (c.reduce_only) {
      EXPECT_EQ(j["reduceOnly"], c.reduce_only);
    } else {
      EXPECT_FALSE(j.contains("reduceOnly"));
    }
  }
}

TEST(Requests, MarketOrderOmitsPriceAndForce) {
  auto r = limit_buy();
  r.type = OrderType::Market;
  r.price.reset();
  auto j = json::parse(build_perp_place_body(r).value());
  EXPECT_EQ(j["orderType"], "market");
  EXPECT_FALSE(j.contains("price"));
  EXPECT_FALSE(j.contains("force"));
}

TEST(Requests, ValidationErrorsNameTheField) {
  auto r = limit_buy();
  r.price.reset();
  auto e = build_perp_place_body(r);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().errc, Errc::invalid_argument);
  EXPECT_NE(e.error().message.find("price"), std::string::npos);
  r = limit_buy();
  r.size = Decimal{};
  EXPECT_NE(build_perp_place_body(r).error().message.find("size"), std::string::npos);
  r = limit_buy();
  r.client_oid = std::string(51, 'a');
  EXPECT_NE(build_perp_place_body(r).error().message.find("clientOid"), std::string::npos);
  r = limit_buy();
  r.symbol.clear();
  EXPECT_FALSE(build_perp_place_body(r));
}

TEST(Requests, JsonStringsAreEscaped) {
  auto r = limit_buy();
  r.client_oid = "a\"b\\c";
  auto j = json::parse(build_perp_place_body(r).value());
  EXPECT_EQ(j["clientOid"], "a\"b\\c");
}

TEST(Requests, CancelAndModify) {
  auto c = json::parse(build_perp_cancel_body("BTCUSDT", {"123", "cid"}).value());
  EXPECT_EQ(c["orderId"], "123");
  EXPECT_FALSE(c.contains("clientOid"));  // orderId wins
  EXPECT_EQ(c["productType"], "USDT-FUTURES");
  EXPECT_EQ(c["marginCoin"], "USDT");
  auto c2 = json::parse(build_perp_cancel_body("BTCUSDT", {"", "cid"}).value());
  EXPECT_EQ(c2["clientOid"], "cid");
  EXPECT_FALSE(build_perp_cancel_body("BTCUSDT", {"", ""}));

  auto m = json::parse(build_perp_modify_body("BTCUSDT", {"", "old"}, "new-1", "0.002"_dec, "30010.5"_dec).value());
  EXPECT_EQ(m["clientOid"], "old");
  EXPECT_EQ(m["newClientOid"], "new-1");
  EXPECT_EQ(m["newSize"], "0.002");
  EXPECT_EQ(m["newPrice"], "30010.5");
  EXPECT_FALSE(build_perp_modify_body("BTCUSDT", {"1", ""}, "", "1"_dec, "1"_dec));  // newClientOid required
}

TEST(Requests, SpotPlaceMarketBuyUsesQuoteSize) {
  SpotOrderRequest r;
  r.symbol = "BTCUSDT";
  r.side = Side::Buy;
  r.type = OrderType::Market;
  r.size = "0.0003"_dec;
  EXPECT_FALSE(build_spot_place_body(r));  // no quote_size
  r.quote_size = "11.34"_dec;
  auto j = json::parse(build_spot_place_body(r).value());
  EXPECT_EQ(j["size"], "11.34");
  EXPECT_EQ(j["orderType"], "market");
  EXPECT_FALSE(j.contains("price"));
  r.side = Side::Sell;
  EXPECT_EQ(json::parse(build_spot_place_body(r).value())["size"], "0.0003");
  SpotOrderRequest l{"BTCUSDT", Side::Buy, OrderType::Limit, TimeInForce::PostOnly, "0.5"_dec, {}, "42000.1"_dec, "c1"};
  auto lj = json::parse(build_spot_place_body(l).value());
  EXPECT_EQ(lj["force"], "post_only");
  EXPECT_EQ(lj["price"], "42000.1");
  EXPECT_EQ(lj["size"], "0.5");
  EXPECT_EQ(lj["clientOid"], "c1");
}

TEST(Requests, SpotCancelReplaceAndBatch) {
  auto cr = json::parse(build_spot_cancel_replace_body("BTCUSDT", {"", "old"}, "new", "0.1"_dec, "42000"_dec).value());
  EXPECT_EQ(cr["symbol"], "BTCUSDT");
  EXPECT_EQ(cr["clientOid"], "old");
  EXPECT_EQ(cr["newClientOid"], "new");
  EXPECT_EQ(cr["size"], "0.1");
  EXPECT_EQ(cr["price"], "42000");
  SpotOrderRequest a{"BTCUSDT", Side::Buy, OrderType::Limit, TimeInForce::Gtc,
                     "1"_dec,   {},        "23222.5"_dec,    "121211212122"};
  auto b = json::parse(build_spot_batch_place_body({a, a}).value());
  EXPECT_EQ(b["symbol"], "BTCUSDT");
  ASSERT_EQ(b["orderList"].size(), 2u);
  EXPECT_EQ(b["orderList"][0]["price"], "23222.5");
  auto sc = json::parse(build_spot_cancel_body("BTCUSDT", {"121211212122", ""}).value());
  EXPECT_EQ(sc["orderId"], "121211212122");
}

TEST(Requests, PerpBatchSharesSymbolAndCapsAtTwenty) {
  auto a = limit_buy();
  auto b = limit_buy();
  b.client_oid = "bot-0002";
  b.side = Side::Sell;
  auto j = json::parse(build_perp_batch_place_body({a, b}).value());
  EXPECT_EQ(j["symbol"], "BTCUSDT");
  EXPECT_EQ(j["marginMode"], "crossed");
  ASSERT_EQ(j["orderList"].size(), 2u);
  EXPECT_EQ(j["orderList"][1]["side"], "sell");
  EXPECT_FALSE(j["orderList"][0].contains("symbol"));
  b.symbol = "ETHUSDT";
  EXPECT_FALSE(build_perp_batch_place_body({a, b}));
  EXPECT_FALSE(build_perp_batch_place_body(std::vector<PerpOrderRequest>(21, a)));
}

TEST(Requests, AccountSettingBodies) {
  EXPECT_EQ(json::parse(build_set_leverage_body("BTCUSDT", 3))["leverage"], "3");
  EXPECT_EQ(json::parse(build_set_margin_mode_body("BTCUSDT", "isolated"))["marginMode"], "isolated");
  EXPECT_EQ(json::parse(build_set_position_mode_body(PositionMode::OneWay))["posMode"], "one_way_mode");
}

TEST(Requests, SubscribeMatchesDocSamples) {
  auto msgs =
      build_subscription_messages("subscribe", {{"SPOT", "ticker", "BTCUSDT", ""}, {"SPOT", "candle5m", "BTCUSDT", ""}})
          .value();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(json::parse(msgs[0]), json::parse(test::sample("ws_subscribe_request_doc.json")));
  auto books = build_subscription_messages("subscribe", {{"USDT-FUTURES", "books5", "BTCUSDT", ""}}).value();
  EXPECT_EQ(json::parse(books[0]), json::parse(test::sample("ws_subscribe_books5_futures_request_doc.json")));
  auto acct = build_subscription_messages("unsubscribe", {{"SPOT", "account", "", "default"}}).value();
  EXPECT_EQ(json::parse(acct[0]),
            json::parse(R"({"op":"unsubscribe","args":[{"instType":"SPOT","channel":"account","coin":"default"}]})"));
}

TEST(Requests, SubscribeBatchesStayUnderArgsLimit) {
  std::vector<SubscriptionArg> args;
  for (int i = 0; i < 300; ++i) args.push_back({"USDT-FUTURES", "books1", "SYM" + std::to_string(i) + "USDT", ""});
  auto msgs = build_subscription_messages("subscribe", args).value();
  EXPECT_GT(msgs.size(), 1u);
  std::size_t total = 0;
  for (const auto& m : msgs) {
    auto j = json::parse(m);
    EXPECT_LE(j["args"].dump().size(), kMaxSubscribeArgsBytes);
    total += j["args"].size();
  }
  EXPECT_EQ(total, args.size());
  EXPECT_FALSE(build_subscription_messages("subscribe", {{"SPOT", std::string(5000, 'x'), "A", ""}}));
  EXPECT_FALSE(build_subscription_messages("login", args));
}

TEST(Requests, LoginMessageShapeMatchesDocRequest) {
  Signer s({"xx_xxx", "secret", "xxx"}, false);
  auto mine = json::parse(s.ws_login_message(1538054050));
  auto doc = json::parse(test::sample("ws_login_request_doc.json"));
  EXPECT_EQ(mine["op"], doc["op"]);
  EXPECT_EQ(mine["args"][0]["apiKey"], doc["args"][0]["apiKey"]);
  EXPECT_EQ(mine["args"][0]["passphrase"], doc["args"][0]["passphrase"]);
  EXPECT_EQ(mine["args"][0]["timestamp"], doc["args"][0]["timestamp"]);  // seconds
  EXPECT_EQ(mine["args"][0].size(), doc["args"][0].size());
}

TEST(Requests, VenueNeutralPlaceRequestInBitgetTerms) {
  PlaceOrderRequest req;
  req.symbol = "BTCUSDT";
  req.market = MarketType::Perp;
  req.client_oid = "cry-7";
  req.side = Side::Sell;
  req.type = OrderType::Limit;
  req.tif = TimeInForce::PostOnly;
  req.price = "30000.5"_dec;
  req.size = "0.01"_dec;
  req.reduce_only = true;
  const auto perp = to_perp_order(req, "USDT-FUTURES", "isolated", "USDT", PositionMode::Hedge);
  EXPECT_EQ(perp.margin_mode, "isolated");
  EXPECT_EQ(perp.mode, PositionMode::Hedge);
  EXPECT_EQ(perp.client_oid, "cry-7");
  EXPECT_TRUE(perp.reduce_only);
  EXPECT_EQ(perp.price, "30000.5"_dec);

  req.market = MarketType::Spot;
  req.type = OrderType::Market;
  req.side = Side::Buy;
  auto spot = to_spot_order(req);  // a market BUY is sized in quote coin at the reference price
  ASSERT_TRUE(spot.has_value());
  EXPECT_EQ(spot->quote_size, "300.005"_dec);
  EXPECT_FALSE(spot->price.has_value());
  req.side = Side::Sell;
  spot = to_spot_order(req);  // a sell stays in base coin
  ASSERT_TRUE(spot.has_value());
  EXPECT_FALSE(spot->quote_size.has_value());
  EXPECT_EQ(spot->size, "0.01"_dec);
  req.side = Side::Buy;
  req.price.reset();
  EXPECT_FALSE(to_spot_order(req).has_value());  // no reference price: refused
}

}  // namespace
}  // namespace carry::bitget
