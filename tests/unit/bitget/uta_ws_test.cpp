// v3 WebSocket: subscribe frames, events (login, acks, 30033), public and private pushes, and the
// simdjson BBO path on the real captures of tests/fixtures/bitget/v3.
#include <carry/bitget/fast_bbo.hpp>
#include <carry/bitget/uta_ws.hpp>

#include "sample_loader.hpp"

#include <gtest/gtest.h>

namespace carry::bitget::uta {
namespace {

using test::v3_sample;
const UnixNanos kInit = UnixNanos::from_ms(1'800'000'000'000);

WsPush push_of(const std::string& file) {
  auto m = parse_ws_message(v3_sample(file));
  EXPECT_TRUE(m) << file << ": " << (m ? "" : m.error().to_string());
  EXPECT_TRUE(std::holds_alternative<WsPush>(*m)) << file;
  return std::get<WsPush>(*m);
}

WsEvent event_of(const std::string& text) {
  auto m = parse_ws_message(text);
  EXPECT_TRUE(m) << text;
  EXPECT_TRUE(std::holds_alternative<WsEvent>(*m)) << text;
  return std::get<WsEvent>(*m);
}

TEST(UtaWs, SubscribeFramesUseTopicSymbolAndTheDocumentedCasing) {
  auto msgs = build_subscription_messages("subscribe",
                                          {public_arg(MarketType::Perp, "books1", "BTCUSDT"),
                                           public_arg(MarketType::Spot, "ticker", "BTCUSDT"), private_arg("order")})
                  .value();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0], R"({"op":"subscribe","args":[{"instType":"usdt-futures","symbol":"BTCUSDT","topic":"books1"},)"
                     R"({"instType":"spot","symbol":"BTCUSDT","topic":"ticker"},{"instType":"UTA","topic":"order"}]})");
  // The doc's own request reads back as the same arg.
  auto doc = nlohmann::json::parse(v3_sample("ws_subscribe_books_request_doc.json"));
  EXPECT_EQ(doc["args"][0], public_arg(MarketType::Perp, "books", "BTCUSDT").to_json());
  EXPECT_EQ(private_arg("position").key(), "UTA/position");
  EXPECT_EQ(public_arg(MarketType::Spot, "books5", "ETHUSDT").key(), "spot/books5/ETHUSDT");
  auto split = build_subscription_messages("unsubscribe", {private_arg("fill"), private_arg("account")}, 40).value();
  EXPECT_EQ(split.size(), 2u);
  EXPECT_FALSE(build_subscription_messages("login", {}));
}

TEST(UtaWs, LoginFrameIsSignedLikeV2) {
  Signer signer({"key-1", "secret-1", "pass-1"}, false);
  const auto frame = nlohmann::json::parse(login_message(signer, 1'700'000'000));
  EXPECT_EQ(frame["op"], "login");
  const auto& a = frame["args"][0];
  EXPECT_EQ(a["apiKey"], "key-1");
  EXPECT_EQ(a["passphrase"], "pass-1");
  EXPECT_EQ(a["timestamp"], "1700000000");  // seconds
  EXPECT_TRUE(verify_ws_login_signature("secret-1", "1700000000", a["sign"].get<std::string>()));
  EXPECT_FALSE(verify_ws_login_signature("other", "1700000000", a["sign"].get<std::string>()));
}

TEST(UtaWs, EventsLoginAcksAndPlannedReconnect) {
  auto login = event_of(v3_sample("ws_login_ack.json"));
  EXPECT_EQ(login.kind, WsEventKind::Login);
  EXPECT_TRUE(login.ok());
  auto ack = event_of(v3_sample("ws_subscribe_ack_doc.json"));
  EXPECT_EQ(ack.kind, WsEventKind::Subscribe);
  ASSERT_TRUE(ack.arg);
  EXPECT_EQ(ack.arg->key(), "usdt-futures/books/BTCUSDT");
  auto priv = event_of(v3_sample("ws_subscribe_ack_private_doc.json"));
  EXPECT_TRUE(priv.ok());
  EXPECT_EQ(priv.arg->key(), "UTA/position");

  auto upgrade = event_of(v3_sample("ws_error_30033.json"));
  EXPECT_TRUE(upgrade.planned_reconnect());
  EXPECT_FALSE(upgrade.ok());
  EXPECT_TRUE(is_retryable(make_error_code(upgrade.errc())));
  EXPECT_TRUE(event_of(R"({"event":"error","code":"30033","msg":"upgrade"})").planned_reconnect());
  auto bad_sign = event_of(R"({"event":"login","code":30015,"msg":"Invalid sign"})");
  EXPECT_FALSE(bad_sign.ok());
  EXPECT_FALSE(bad_sign.planned_reconnect());
  EXPECT_EQ(bad_sign.errc(), Errc::auth_failed);

  EXPECT_TRUE(std::holds_alternative<WsPong>(parse_ws_message("pong").value()));
  EXPECT_FALSE(parse_ws_message(R"({"event":"hello"})"));
  EXPECT_FALSE(parse_ws_message(R"({"action":"snapshot","arg":{"instType":"spot"},"data":[]})"));
  EXPECT_FALSE(parse_ws_message("not json"));
}

TEST(UtaWs, BooksIntoBookMessagesAndBbo) {
  auto push = push_of("ws_books1_futures.json");
  auto books = parse_ws_books(push).value();
  ASSERT_EQ(books.size(), 1u);
  EXPECT_EQ(books[0].symbol, "BTCUSDT");
  EXPECT_EQ(books[0].market, MarketType::Perp);
  EXPECT_EQ(books[0].channel, "books1");
  EXPECT_EQ(books[0].seq, 483415090019);
  EXPECT_EQ(books[0].asks[0].price, "76631.3");
  auto bbo = bbo_from_book(books[0], kInit).value();
  EXPECT_EQ(bbo.bid_price, "76631.2"_dec);
  EXPECT_EQ(bbo.ask_size, "8.8086"_dec);
  EXPECT_EQ(bbo.ts_event, UnixNanos::from_ms(1'777'358'880'027));

  auto five = parse_ws_books(push_of("ws_books5_spot_built.json")).value();
  EXPECT_EQ(five[0].bids.size(), 5u);
  EXPECT_EQ(five[0].market, MarketType::Spot);
  auto doc = parse_ws_books(push_of("ws_books1_futures_doc.json")).value();
  EXPECT_EQ(doc[0].seq, 1304314508780744705);
  auto full = parse_ws_books(push_of("ws_books_snapshot_futures.json")).value();
  EXPECT_TRUE(full[0].snapshot);
  EXPECT_EQ(full[0].pseq, 0);

  push.data[0]["a"][0] = nlohmann::json::array({76631.3, "8.8"});
  EXPECT_NE(parse_ws_books(push).error().message.find("data[0].a[0]"), std::string::npos);
  push.data[0].erase("a");
  EXPECT_NE(parse_ws_books(push).error().message.find("data[0].a: missing"), std::string::npos);
}

TEST(UtaWs, TickerPushesWithFunding) {
  auto t = parse_ws_ticker(push_of("ws_ticker_futures.json"), kInit).value();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].ticker.bbo.symbol, "BTCUSDT");
  EXPECT_EQ(t[0].ticker.bbo.bid_price, "76631.2"_dec);
  EXPECT_EQ(t[0].ticker.bbo.ts_event, UnixNanos::from_ms(1'777'358'880'084));  // the push ts
  EXPECT_EQ(t[0].ticker.index_price, "76671.438168606"_dec);                   // rounded to 9 places
  ASSERT_TRUE(t[0].funding);
  EXPECT_EQ(t[0].funding->rate, "-0.00003"_dec);
  EXPECT_EQ(t[0].funding->next_settlement, UnixNanos::from_ms(1'777'363'200'000));
  auto spot = parse_ws_ticker(push_of("ws_ticker_spot_doc.json"), kInit).value();
  ASSERT_EQ(spot.size(), 1u);
  EXPECT_EQ(spot[0].ticker.bbo.ask_price, "100000"_dec);
  EXPECT_EQ(spot[0].ticker.bbo.market, MarketType::Spot);
  EXPECT_FALSE(spot[0].funding);
  auto odd = push_of("ws_ticker_spot_doc.json");
  odd.data = nlohmann::json::object();  // a hand-made push: refused, not indexed
  EXPECT_NE(parse_ws_ticker(odd, kInit).error().message.find("data"), std::string::npos);
  odd.arg.symbol.clear();
  EXPECT_NE(parse_ws_ticker(odd, kInit).error().message.find("arg.symbol"), std::string::npos);
}

TEST(UtaWs, PrivateOrderFillPositionAccount) {
  auto orders = parse_ws_orders(push_of("ws_private_order_doc.json"), kInit).value();
  ASSERT_EQ(orders.size(), 1u);
  const auto& o = orders[0];
  EXPECT_EQ(o.order.market, MarketType::Perp);  // category "usdt-futures" in lower case
  EXPECT_EQ(o.order.status, OrderStatus::Filled);
  EXPECT_EQ(o.order.size, "0.001"_dec);
  EXPECT_EQ(o.order.filled_size, "0.001"_dec);
  EXPECT_EQ(o.order.avg_price, "83131.5"_dec);
  EXPECT_FALSE(o.order.price);  // market order, price ""
  EXPECT_EQ(o.pos_mode, PositionMode::Hedge);
  EXPECT_EQ(o.pos_side, "long");  // holdSide on this channel
  EXPECT_EQ(o.fee_paid, "0.0332526"_dec);

  auto fills = parse_ws_fills(push_of("ws_private_fill_doc.json"), kInit).value();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].trade_id, "1288888888888888888");
  EXPECT_EQ(fills[0].price, "94993"_dec);
  EXPECT_EQ(fills[0].size, "0.01"_dec);
  EXPECT_EQ(fills[0].fee, "0.569958"_dec);
  EXPECT_EQ(fills[0].ts_event, UnixNanos::from_ms(1'736'378'720'623));  // execTime

  auto pos = parse_ws_positions(push_of("ws_private_position_doc.json"), kInit).value();
  ASSERT_EQ(pos.size(), 1u);
  EXPECT_EQ(pos[0].pos_mode, PositionMode::Hedge);
  EXPECT_TRUE(pos[0].position.size.is_zero());
  EXPECT_FALSE(pos[0].position.entry_price);  // avgPrice "0" on an ended position
  EXPECT_FALSE(pos[0].liquidation_price);     // liqPrice ""
  EXPECT_EQ(pos[0].accumulated_funding, Decimal{});

  auto acct = parse_ws_account(push_of("ws_private_account_doc.json"), MarketType::Perp, kInit).value();
  ASSERT_EQ(acct.size(), 1u);
  EXPECT_EQ(acct[0].account_equity, "4976919.05"_dec);
  EXPECT_EQ(acct[0].unrealised_pnl, "-10116.55"_dec);
  ASSERT_EQ(acct[0].balances.size(), 3u);
  EXPECT_EQ(acct[0].balances[2].coin, "USDT");
  EXPECT_EQ(acct[0].balances[2].available, "344282.65536458"_dec);
  EXPECT_EQ(acct[0].balances[2].ts_event, UnixNanos::from_ms(1'740'546'523'244));

  auto bad = push_of("ws_private_fill_doc.json");
  bad.data[0]["execQty"] = nullptr;
  EXPECT_NE(parse_ws_fills(bad, kInit).error().message.find("data[0].execQty: missing"), std::string::npos);
  bad = push_of("ws_private_order_doc.json");
  bad.data[0]["orderStatus"] = "canceled_by_venue";
  EXPECT_NE(parse_ws_orders(bad, kInit).error().message.find("data[0].orderStatus"), std::string::npos);
  bad = push_of("ws_private_position_doc.json");
  bad.data[0].erase("size");
  EXPECT_NE(parse_ws_positions(bad, kInit).error().message.find("data[0].size: missing"), std::string::npos);
}

TEST(UtaFastBbo, RealBooks1AndTickerMatchTheGeneralParser) {
  UtaFastBboParser fast;
  for (const char* file :
       {"ws_books1_futures.json", "ws_books1_spot.json", "ws_books5_spot_built.json", "ws_books1_futures_doc.json"}) {
    const std::string frame = v3_sample(file);
    auto f = fast.parse(frame);
    ASSERT_TRUE(f) << file << ": " << f.error().to_string();
    auto books = parse_ws_books(push_of(file)).value();
    auto slow = bbo_from_book(books[0], kInit).value();
    EXPECT_EQ(f->symbol, slow.symbol) << file;
    EXPECT_EQ(f->market, slow.market) << file;
    EXPECT_EQ(f->bid_price, slow.bid_price) << file;
    EXPECT_EQ(f->bid_size, slow.bid_size) << file;
    EXPECT_EQ(f->ask_price, slow.ask_price) << file;
    EXPECT_EQ(f->ask_size, slow.ask_size) << file;
    EXPECT_EQ(f->ts_event, slow.ts_event) << file;
  }
  auto t = fast.parse(v3_sample("ws_ticker_futures.json")).value();
  EXPECT_EQ(t.channel, "ticker");
  EXPECT_EQ(t.ask_size, "9.5716"_dec);
  EXPECT_EQ(t.ts_event, UnixNanos::from_ms(1'777'358'880'084));
  EXPECT_EQ(t.funding_rate, "-0.00003"_dec);
  EXPECT_EQ(t.next_funding_time, UnixNanos::from_ms(1'777'363'200'000));
  EXPECT_EQ(t.index_price, "76671.438168606"_dec);
  auto s = fast.parse(v3_sample("ws_ticker_spot_doc.json")).value();
  EXPECT_EQ(s.market, MarketType::Spot);
  EXPECT_FALSE(s.funding_rate);
}

TEST(UtaFastBbo, BadFramesNameTheField) {
  UtaFastBboParser fast;
  EXPECT_EQ(
      fast.parse(
              R"({"action":"snapshot","arg":{"instType":"spot","topic":"publicTrade","symbol":"BTCUSDT"},"data":[]})")
          .error()
          .errc,
      Errc::unsupported);
  auto empty_side = fast.parse(
      R"({"action":"snapshot","arg":{"instType":"spot","topic":"books1","symbol":"X"},"data":[{"a":[],"b":[["1","2"]],"ts":"1"}],"ts":1})");
  EXPECT_NE(empty_side.error().message.find("one side"), std::string::npos);
  auto bad_price = fast.parse(
      R"({"action":"snapshot","arg":{"instType":"spot","topic":"books1","symbol":"X"},"data":[{"a":[["x","1"]],"b":[["1","2"]],"ts":"1"}],"ts":1})");
  EXPECT_NE(bad_price.error().message.find("data[0].a[0][0]"), std::string::npos);
  auto no_ts = fast.parse(
      R"({"action":"snapshot","arg":{"instType":"spot","topic":"ticker","symbol":"X"},"data":[{"bid1Price":"1","ask1Price":"2","bid1Size":"1","ask1Size":"1"}]})");
  EXPECT_NE(no_ts.error().message.find("ts"), std::string::npos);
  auto bad_type =
      fast.parse(R"({"action":"snapshot","arg":{"instType":"UTA","topic":"books1","symbol":"X"},"data":[]})");
  EXPECT_NE(bad_type.error().message.find("arg.instType"), std::string::npos);
  // Cells are read as raw tokens: a null, an object or an escaped string is refused, not guessed.
  for (const char* cell : {"null", "{}", R"("7\u0030")"}) {
    const std::string frame =
        std::string(R"({"action":"snapshot","arg":{"instType":"spot","topic":"books1","symbol":"X"},"data":[{"a":[[)") +
        cell + R"(,"1"]],"b":[["1","2"]],"ts":"1"}],"ts":1})";
    auto r = fast.parse(frame);
    ASSERT_FALSE(r) << cell;
    EXPECT_NE(r.error().message.find("data[0].a"), std::string::npos) << cell << ": " << r.error().message;
  }
  auto numbers = fast.parse(
      R"({"action":"snapshot","arg":{"instType":"spot","topic":"books1","symbol":"X"},"data":[{"a":[[2.5, 1]],"b":[[2.25 , 3]],"ts":1700000000000}],"ts":1})");
  ASSERT_TRUE(numbers) << numbers.error().to_string();
  EXPECT_EQ(numbers->bid_price, "2.25"_dec);
  EXPECT_EQ(numbers->ts_event, UnixNanos::from_ms(1'700'000'000'000));
  EXPECT_FALSE(fast.parse("{"));
  // The v2 parser does not take v3 frames (no channel/instId): the two paths stay apart.
  FastBboParser v2;
  EXPECT_FALSE(v2.parse(v3_sample("ws_books1_futures.json")));
}

}  // namespace
}  // namespace carry::bitget::uta
