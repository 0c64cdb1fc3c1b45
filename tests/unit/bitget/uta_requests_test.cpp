// v3 request builders: the exact method, path, query and body of every call Carry makes, and the
// one-way order table (no posSide, ever).
#include <carry/bitget/uta_requests.hpp>
#include <carry/core/venue.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace carry::bitget::uta {
namespace {

std::string q(const Request& r, const std::string& key) {
  auto it = std::find_if(r.query.begin(), r.query.end(), [&](const auto& p) { return p.first == key; });
  return it == r.query.end() ? "<absent>" : it->second;
}

PlaceOrderRequest base(MarketType m, Side side, OrderType type, TimeInForce tif, const char* size,
                       std::optional<Decimal> price, bool reduce = false) {
  PlaceOrderRequest r;
  r.symbol = "BTCUSDT";
  r.market = m;
  r.client_oid = "carry-1";
  r.side = side;
  r.type = type;
  r.tif = tif;
  r.size = Decimal::parse(size).value();
  r.price = price;
  r.reduce_only = reduce;
  return r;
}

std::string body_of(const PlaceOrderRequest& req) {
  auto o = to_order(req);
  EXPECT_TRUE(o) << "to_order failed";
  auto r = place_order(*o);
  EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
  EXPECT_EQ(r->method, Method::Post);
  EXPECT_EQ(r->path, "/api/v3/trade/place-order");
  EXPECT_TRUE(r->sign);
  EXPECT_TRUE(r->query.empty());
  return r->body;
}

TEST(UtaRequests, EveryOpenCloseReduceCaseHasItsExactBody) {
  using MT = MarketType;
  using TIF = TimeInForce;
  struct Case {
    const char* name;
    PlaceOrderRequest req;
    const char* body;
  };
  const Case cases[] = {
      {"spot limit buy", base(MT::Spot, Side::Buy, OrderType::Limit, TIF::Gtc, "0.01", "30000"_dec),
       R"({"category":"SPOT","symbol":"BTCUSDT","qty":"0.01","price":"30000","side":"buy","orderType":"limit","timeInForce":"gtc","clientOid":"carry-1"})"},
      {"spot limit sell", base(MT::Spot, Side::Sell, OrderType::Limit, TIF::Gtc, "0.01", "30000.5"_dec),
       R"({"category":"SPOT","symbol":"BTCUSDT","qty":"0.01","price":"30000.5","side":"sell","orderType":"limit","timeInForce":"gtc","clientOid":"carry-1"})"},
      {"spot post-only buy", base(MT::Spot, Side::Buy, OrderType::Limit, TIF::PostOnly, "0.01", "29999"_dec),
       R"({"category":"SPOT","symbol":"BTCUSDT","qty":"0.01","price":"29999","side":"buy","orderType":"limit","timeInForce":"post_only","clientOid":"carry-1"})"},
      {"spot IOC sell", base(MT::Spot, Side::Sell, OrderType::Limit, TIF::Ioc, "0.02", "29990"_dec),
       R"({"category":"SPOT","symbol":"BTCUSDT","qty":"0.02","price":"29990","side":"sell","orderType":"limit","timeInForce":"ioc","clientOid":"carry-1"})"},
      // market BUY in quote coin: 0.01 x 30000 = 300 USDT; no price, no timeInForce
      {"spot market buy", base(MT::Spot, Side::Buy, OrderType::Market, TIF::Gtc, "0.01", "30000"_dec),
       R"({"category":"SPOT","symbol":"BTCUSDT","qty":"300","side":"buy","orderType":"market","clientOid":"carry-1"})"},
      {"spot market sell", base(MT::Spot, Side::Sell, OrderType::Market, TIF::Gtc, "0.01", std::nullopt),
       R"({"category":"SPOT","symbol":"BTCUSDT","qty":"0.01","side":"sell","orderType":"market","clientOid":"carry-1"})"},
      {"perp open short", base(MT::Perp, Side::Sell, OrderType::Limit, TIF::PostOnly, "0.01", "30010"_dec),
       R"({"category":"USDT-FUTURES","symbol":"BTCUSDT","qty":"0.01","price":"30010","side":"sell","orderType":"limit","timeInForce":"post_only","clientOid":"carry-1","reduceOnly":"no"})"},
      {"perp close short (buy, reduceOnly)",
       base(MT::Perp, Side::Buy, OrderType::Market, TIF::Gtc, "0.01", std::nullopt, true),
       R"({"category":"USDT-FUTURES","symbol":"BTCUSDT","qty":"0.01","side":"buy","orderType":"market","clientOid":"carry-1","reduceOnly":"yes"})"},
      {"perp reduce long (sell, reduceOnly, IOC)",
       base(MT::Perp, Side::Sell, OrderType::Limit, TIF::Ioc, "0.005", "29950"_dec, true),
       R"({"category":"USDT-FUTURES","symbol":"BTCUSDT","qty":"0.005","price":"29950","side":"sell","orderType":"limit","timeInForce":"ioc","clientOid":"carry-1","reduceOnly":"yes"})"},
      {"perp open long FOK", base(MT::Perp, Side::Buy, OrderType::Limit, TIF::Fok, "0.01", "30000"_dec),
       R"({"category":"USDT-FUTURES","symbol":"BTCUSDT","qty":"0.01","price":"30000","side":"buy","orderType":"limit","timeInForce":"fok","clientOid":"carry-1","reduceOnly":"no"})"},
  };
  for (const auto& c : cases) {
    const std::string body = body_of(c.req);
    EXPECT_EQ(body, c.body) << c.name;
    // One-way mode only: a posSide would turn a hedge-mode close into an open.
    EXPECT_EQ(body.find("posSide"), std::string::npos) << c.name;
    EXPECT_EQ(body.find("tradeSide"), std::string::npos) << c.name;
  }
}

TEST(UtaRequests, OrderValidationNamesTheField) {
  auto r = to_order(base(MarketType::Spot, Side::Buy, OrderType::Market, TimeInForce::Gtc, "0.01", std::nullopt));
  EXPECT_FALSE(r);  // a spot market buy needs the reference price to size in quote coin
  OrderRequest o;
  o.symbol = "BTCUSDT";
  o.qty = "1"_dec;
  EXPECT_NE(place_order(o).error().message.find("price"), std::string::npos);
  o.price = "1"_dec;
  o.client_oid = std::string(33, 'a');
  EXPECT_NE(place_order(o).error().message.find("clientOid"), std::string::npos);
  o.client_oid = "has space";
  EXPECT_EQ(place_order(o).error().errc, Errc::invalid_argument);
  o.client_oid = "ok.id:1/2_3-4";
  EXPECT_TRUE(place_order(o));
  o.category = Category::Spot;
  o.reduce_only = true;
  EXPECT_NE(place_order(o).error().message.find("reduceOnly"), std::string::npos);
  o.reduce_only = false;
  o.qty = Decimal{};
  EXPECT_NE(place_order(o).error().message.find("qty"), std::string::npos);
}

TEST(UtaRequests, BatchIsAnArrayOfOneCategoryWithoutReduceOnly) {
  OrderRequest a;
  a.symbol = "BTCUSDT";
  a.qty = "0.01"_dec;
  a.price = "30000"_dec;
  a.client_oid = "a1";
  OrderRequest b = a;
  b.side = Side::Sell;
  b.price = "30100"_dec;
  b.client_oid = "b1";
  auto r = place_batch({a, b}).value();
  EXPECT_EQ(r.path, "/api/v3/trade/place-batch");
  EXPECT_EQ(
      r.body,
      R"([{"category":"USDT-FUTURES","symbol":"BTCUSDT","qty":"0.01","price":"30000","side":"buy","orderType":"limit","timeInForce":"gtc","clientOid":"a1"},)"
      R"({"category":"USDT-FUTURES","symbol":"BTCUSDT","qty":"0.01","price":"30100","side":"sell","orderType":"limit","timeInForce":"gtc","clientOid":"b1"}])");
  b.reduce_only = true;
  EXPECT_NE(place_batch({a, b}).error().message.find("orders[1].reduceOnly"), std::string::npos);
  b.reduce_only = false;
  b.category = Category::Spot;
  EXPECT_NE(place_batch({a, b}).error().message.find("orders[1].category"), std::string::npos);
  EXPECT_FALSE(place_batch({}));
  EXPECT_FALSE(place_batch(std::vector<OrderRequest>(21, a)));
}

TEST(UtaRequests, CancelModifyAndLookupsByIdOrClientOid) {
  auto c = cancel_order(Category::UsdtFutures, {"123", "cid"}).value();
  EXPECT_EQ(c.path, "/api/v3/trade/cancel-order");
  EXPECT_EQ(c.body, R"({"orderId":"123","category":"USDT-FUTURES"})");
  c = cancel_order(Category::Spot, {"", "cid"}).value();
  EXPECT_EQ(c.body, R"({"clientOid":"cid","category":"SPOT"})");
  EXPECT_FALSE(cancel_order(Category::Spot, {}));

  auto m = modify_order(Category::UsdtFutures, "BTCUSDT", {"", "cid"}, "0.02"_dec, "30001"_dec).value();
  EXPECT_EQ(m.path, "/api/v3/trade/modify-order");
  EXPECT_EQ(
      m.body,
      R"({"clientOid":"cid","qty":"0.02","price":"30001","autoCancel":"no","symbol":"BTCUSDT","category":"USDT-FUTURES"})");
  m = modify_order(Category::Spot, "BTCUSDT", {"9", ""}, std::nullopt, "1.5"_dec, true).value();
  EXPECT_EQ(m.body, R"({"orderId":"9","price":"1.5","autoCancel":"yes","symbol":"BTCUSDT","category":"SPOT"})");
  EXPECT_FALSE(modify_order(Category::Spot, "BTCUSDT", {"9", ""}, std::nullopt, std::nullopt));

  auto cb = cancel_batch(Category::UsdtFutures, "BTCUSDT", {{"1", ""}, {"", "c2"}}).value();
  EXPECT_EQ(cb.path, "/api/v3/trade/cancel-batch");
  EXPECT_EQ(
      cb.body,
      R"([{"orderId":"1","category":"USDT-FUTURES","symbol":"BTCUSDT"},{"clientOid":"c2","category":"USDT-FUTURES","symbol":"BTCUSDT"}])");
  EXPECT_NE(cancel_batch(Category::Spot, "BTCUSDT", {{"1", ""}, {}}).error().message.find("orders[1]"),
            std::string::npos);

  auto all = cancel_symbol_order(Category::UsdtFutures, "BTCUSDT");
  EXPECT_EQ(all.path, "/api/v3/trade/cancel-symbol-order");
  EXPECT_EQ(all.body, R"({"category":"USDT-FUTURES","symbol":"BTCUSDT"})");
  EXPECT_EQ(cancel_symbol_order(Category::Spot).body, R"({"category":"SPOT"})");

  auto info = order_info({"", "cid"}).value();
  EXPECT_EQ(info.method, Method::Get);
  EXPECT_EQ(info.path, "/api/v3/trade/order-info");
  EXPECT_EQ(q(info, "clientOid"), "cid");
  EXPECT_EQ(q(info, "orderId"), "<absent>");
  EXPECT_TRUE(info.sign);

  auto open = unfilled_orders(Category::Spot, "BTCUSDT", "77").value();
  EXPECT_EQ(open.path, "/api/v3/trade/unfilled-orders");
  EXPECT_EQ(q(open, "category"), "SPOT");
  EXPECT_EQ(q(open, "cursor"), "77");
  EXPECT_EQ(q(open, "limit"), "100");
}

TEST(UtaRequests, FillsAndFinancialRecordsAlwaysCarryAWindowAndCursor) {
  const TimeWindow w{UnixNanos::from_ms(1'750'000'000'000), UnixNanos::from_ms(1'750'086'400'000)};
  auto f = fills(Category::UsdtFutures, w, "", "555").value();
  EXPECT_EQ(f.path, "/api/v3/trade/fills");
  EXPECT_TRUE(f.sign);
  EXPECT_EQ(q(f, "startTime"), "1750000000000");
  EXPECT_EQ(q(f, "endTime"), "1750086400000");
  EXPECT_EQ(q(f, "orderId"), "555");
  EXPECT_EQ(q(f, "cursor"), "<absent>");  // first page
  f = fills(Category::Spot, w, "1311").value();
  EXPECT_EQ(q(f, "cursor"), "1311");
  EXPECT_EQ(q(f, "category"), "SPOT");

  auto b = financial_records(Category::UsdtFutures, w, "c9", "CONTRACT_MAIN_SETTLE_FEE_USER_IN").value();
  EXPECT_EQ(b.path, "/api/v3/account/financial-records");
  EXPECT_EQ(q(b, "type"), "CONTRACT_MAIN_SETTLE_FEE_USER_IN");
  EXPECT_EQ(q(b, "cursor"), "c9");
  EXPECT_EQ(q(b, "category"), "USDT-FUTURES");

  auto h = history_orders(Category::UsdtFutures, w, "", "BTCUSDT").value();
  EXPECT_EQ(h.path, "/api/v3/trade/history-orders");
  EXPECT_EQ(q(h, "symbol"), "BTCUSDT");
  EXPECT_EQ(q(h, "startTime"), "1750000000000");
  EXPECT_EQ(q(h, "cursor"), "<absent>");
  EXPECT_TRUE(h.sign);

  const TimeWindow too_long{w.start, w.start + std::chrono::hours(24 * 31)};
  EXPECT_FALSE(history_orders(Category::Spot, too_long, ""));
  EXPECT_NE(fills(Category::Spot, too_long, "").error().message.find("30 days"), std::string::npos);
  EXPECT_FALSE(financial_records(Category::Spot, TimeWindow{w.end, w.start}, ""));
  EXPECT_FALSE(fills(Category::Spot, w, "", "", 101));
}

TEST(UtaRequests, MarketDataAndAccountCalls) {
  auto i = instruments(Category::UsdtFutures);
  EXPECT_EQ(i.path, "/api/v3/market/instruments");
  EXPECT_EQ(q(i, "category"), "USDT-FUTURES");
  EXPECT_EQ(q(i, "symbol"), "<absent>");
  EXPECT_FALSE(i.sign);
  EXPECT_EQ(q(tickers(Category::Spot, "ETHUSDT"), "symbol"), "ETHUSDT");
  EXPECT_EQ(q(orderbook(Category::Spot, "BTCUSDT", 50).value(), "limit"), "50");
  EXPECT_FALSE(orderbook(Category::Spot, "BTCUSDT", 201));
  auto fr = current_fund_rate("BTCUSDT").value();
  EXPECT_EQ(fr.path, "/api/v3/market/current-fund-rate");
  EXPECT_EQ(q(fr, "symbol"), "BTCUSDT");
  EXPECT_FALSE(current_fund_rate(""));
  auto h = history_fund_rate("BTCUSDT", 2, 100).value();
  EXPECT_EQ(q(h, "cursor"), "2");
  EXPECT_EQ(q(h, "category"), "USDT-FUTURES");
  EXPECT_FALSE(history_fund_rate("BTCUSDT", 101));
  auto k = candles(Category::UsdtFutures, "BTCUSDT", "1H", UnixNanos::from_ms(1), std::nullopt, 10).value();
  EXPECT_EQ(k.path, "/api/v3/market/candles");
  EXPECT_EQ(q(k, "interval"), "1H");
  EXPECT_EQ(q(k, "startTime"), "1");
  EXPECT_EQ(q(k, "endTime"), "<absent>");
  EXPECT_FALSE(candles(Category::Spot, "BTCUSDT", "1h"));  // v3 spells hours upper case

  EXPECT_EQ(account_settings().path, "/api/v3/account/settings");
  EXPECT_TRUE(account_settings().sign);
  EXPECT_EQ(account_assets().path, "/api/v3/account/assets");
  auto lev = set_leverage("BTCUSDT", 3).value();
  EXPECT_EQ(lev.path, "/api/v3/account/set-leverage");
  EXPECT_EQ(lev.body, R"({"category":"USDT-FUTURES","symbol":"BTCUSDT","leverage":"3"})");
  EXPECT_FALSE(set_leverage("BTCUSDT", 0));
  auto hm = set_hold_mode(PositionMode::OneWay);
  EXPECT_EQ(hm.path, "/api/v3/account/set-hold-mode");
  EXPECT_EQ(hm.body, R"({"holdMode":"one_way_mode"})");
  auto pos = current_position("BTCUSDT");
  EXPECT_EQ(pos.path, "/api/v3/position/current-position");
  EXPECT_EQ(q(pos, "category"), "USDT-FUTURES");
  EXPECT_EQ(q(pos, "posSide"), "<absent>");
}

TEST(UtaRequests, CategorySpellings) {
  EXPECT_EQ(market_from_category("SPOT"), MarketType::Spot);
  EXPECT_EQ(market_from_category("spot"), MarketType::Spot);
  EXPECT_EQ(market_from_category("USDT-FUTURES"), MarketType::Perp);
  EXPECT_EQ(market_from_category("usdt-futures"), MarketType::Perp);
  EXPECT_EQ(market_from_category("MARGIN"), std::nullopt);
  EXPECT_EQ(market_from_category("UTA"), std::nullopt);
}

}  // namespace
}  // namespace carry::bitget::uta
