#include <carry/bitget/ws_parsers.hpp>
#include <carry_test/paths.hpp>

#include "sample_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace carry::bitget {
namespace {

using test::sample;
const UnixNanos kInit = UnixNanos::from_ms(1'800'000'000'000);

WsPush push(const std::string& file) {
  auto m = parse_ws_message(sample(file));
  EXPECT_TRUE(m) << file << ": " << (m ? "" : m.error().to_string());
  if (!m || !std::holds_alternative<WsPush>(*m)) {
    ADD_FAILURE() << file << " is not a push";
    return {};
  }
  return std::get<WsPush>(*m);
}

WsEvent event(const std::string& text) {
  auto m = parse_ws_message(text);
  EXPECT_TRUE(m) << text;
  if (!m || !std::holds_alternative<WsEvent>(*m)) {
    ADD_FAILURE() << text << " is not an event";
    return {};
  }
  return std::get<WsEvent>(*m);
}

// Samples that are not parsed as pushes, and why:
//  - ws_login_request_doc.json, ws_subscribe_request_doc.json, ws_subscribe_books5_futures_request_doc.json:
//    client->server requests; checked against our builders in requests_test.cpp.
//  - ws_books5_snapshot_spot.json: parsed below, but REFERENCE/SOURCES mark its checksum as not
//    reproducible with the documented CRC32, so it is not a checksum test vector.
//  - ws_private_orders_algo_futures.json: orders-algo (trigger orders) is out of scope; only its
//    envelope is parsed.

TEST(WsSamples, PongAndGarbage) {
  auto p = parse_ws_message("pong");
  ASSERT_TRUE(p);
  EXPECT_TRUE(std::holds_alternative<WsPong>(*p));
  auto g = parse_ws_message("{not json");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().errc, Errc::bad_payload);
  EXPECT_FALSE(parse_ws_message(R"({"action":"snapshot","arg":{"instType":"SPOT","channel":"ticker"},"data":{}})"));
  EXPECT_FALSE(parse_ws_message(R"({"action":"bogus","arg":{"instType":"SPOT","channel":"ticker"},"data":[],"ts":1})"));
}

TEST(WsSamples, LoginEventsCodeNumberOrString) {
  auto ok_doc = event(sample("ws_login_success_doc.json"));
  EXPECT_EQ(ok_doc.kind, WsEventKind::Login);
  EXPECT_EQ(ok_doc.code, "0");
  EXPECT_TRUE(ok_doc.ok());
  auto ok_ccxt = event(sample("ws_login_success_ccxt.json"));
  EXPECT_EQ(ok_ccxt.kind, WsEventKind::Login);
  EXPECT_EQ(ok_ccxt.code, "0");  // JSON number 0
  EXPECT_TRUE(ok_ccxt.ok());
  auto fail = event(sample("ws_login_failure_doc.json"));
  EXPECT_EQ(fail.kind, WsEventKind::Error);
  EXPECT_EQ(fail.code, "30005");
  EXPECT_FALSE(fail.ok());
  EXPECT_EQ(fail.errc(), Errc::auth_failed);
}

TEST(WsSamples, ErrorEvents) {
  auto bad_channel = event(sample("ws_error_bad_channel.json"));
  EXPECT_EQ(bad_channel.kind, WsEventKind::Error);
  EXPECT_EQ(bad_channel.code, "30001");
  EXPECT_NE(bad_channel.msg.find("doesn't exist"), std::string::npos);
  EXPECT_EQ(bad_channel.errc(), Errc::exchange_rejected);
  auto sign = event(sample("ws_error_invalid_sign.json"));
  EXPECT_EQ(sign.code, "30015");
  EXPECT_EQ(sign.errc(), Errc::auth_failed);
}

TEST(WsSamples, SubscribeAck) {
  auto ack = event(sample("ws_subscribe_ack_doc.json"));
  EXPECT_EQ(ack.kind, WsEventKind::Subscribe);
  ASSERT_TRUE(ack.arg);
  EXPECT_EQ(ack.arg->inst_type, "SPOT");
  EXPECT_EQ(ack.arg->channel, "ticker");
  EXPECT_EQ(ack.arg->inst_id, "BTCUSDT");
  EXPECT_TRUE(ack.ok());
}

TEST(WsSamples, FuturesTickerCarriesFunding) {
  for (const char* file : {"ws_ticker_futures.json", "ws_ticker_futures_doc.json"}) {
    auto p = push(file);
    auto v = parse_ws_ticker(p, kInit).value();
    ASSERT_EQ(v.size(), 1u) << file;
    ASSERT_TRUE(v[0].funding) << file;
    EXPECT_EQ(v[0].ticker.bbo.market, MarketType::Perp);
    EXPECT_EQ(v[0].funding->symbol, "BTCUSDT");
  }
  auto v = parse_ws_ticker(push("ws_ticker_futures.json"), kInit).value();
  EXPECT_EQ(v[0].ticker.bbo.bid_price, "43476.3"_dec);
  EXPECT_EQ(v[0].ticker.bbo.ask_price, "43476.8"_dec);
  EXPECT_EQ(v[0].ticker.bbo.bid_size, "0.1"_dec);
  EXPECT_EQ(v[0].ticker.bbo.ask_size, "3.055"_dec);
  EXPECT_EQ(v[0].ticker.bbo.ts_event, UnixNanos::from_ms(1701843962811));
  EXPECT_EQ(v[0].funding->rate, "0.000096"_dec);
  EXPECT_EQ(v[0].funding->next_settlement, UnixNanos::from_ms(1701849600000));
  EXPECT_EQ(*v[0].funding->mark_price, "43476.4"_dec);
  EXPECT_EQ(*v[0].funding->index_price, "43478.4"_dec);
  auto d = parse_ws_ticker(push("ws_ticker_futures_doc.json"), kInit).value();  // symbolType as number
  EXPECT_EQ(d[0].funding->rate, "0.00001"_dec);
}

TEST(WsSamples, SpotTicker) {
  auto v = parse_ws_ticker(push("ws_ticker_spot.json"), kInit).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].ticker.bbo.market, MarketType::Spot);
  EXPECT_EQ(v[0].ticker.bbo.bid_price, "43528"_dec);
  EXPECT_EQ(v[0].ticker.bbo.ask_price, "43528.01"_dec);
  EXPECT_FALSE(v[0].funding);
}

TEST(WsSamples, Books5Snapshots) {
  auto f = parse_ws_books(push("ws_books5_snapshot_futures.json")).value();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].snapshot);
  EXPECT_EQ(f[0].channel, "books5");
  EXPECT_EQ(f[0].market, MarketType::Perp);
  EXPECT_EQ(f[0].asks[1].price, "27001.0");  // original string kept
  EXPECT_EQ(f[0].asks[0].size, "8.760");
  EXPECT_EQ(*f[0].seq, 123);
  EXPECT_EQ(f[0].checksum, 0);
  auto bbo = bbo_from_book(f[0], kInit).value();
  EXPECT_EQ(bbo.bid_price, "27000"_dec);
  EXPECT_EQ(bbo.ask_price, "27000.5"_dec);
  EXPECT_EQ(bbo.bid_size, "2.71"_dec);
  auto s = parse_ws_books(push("ws_books5_snapshot_spot.json")).value();
  ASSERT_EQ(s[0].bids.size(), 5u);
  EXPECT_EQ(s[0].checksum, -1367582038);
  EXPECT_FALSE(s[0].seq);
  EXPECT_EQ(s[0].bids[4].price, "21040.60");
  auto d = parse_ws_books(push("ws_books5_snapshot_spot_doc.json")).value();
  EXPECT_EQ(d[0].market, MarketType::Spot);
  EXPECT_EQ(d[0].asks[1].size, "0.0500");
}

TEST(WsSamples, Trades) {
  auto f = parse_ws_trades(push("ws_trade_futures.json"), kInit).value();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].symbol, "BTCUSDT");
  EXPECT_EQ(f[0].aggressor, Side::Buy);
  EXPECT_EQ(f[1].aggressor, Side::Sell);
  EXPECT_EQ(f[1].price, "27000"_dec);
  auto s = parse_ws_trades(push("ws_trade_spot.json"), kInit).value();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].trade_id, "1116461060594286593");
  EXPECT_EQ(s[0].size, "0.0535"_dec);
  EXPECT_EQ(s[0].market, MarketType::Spot);
}

TEST(WsSamples, FuturesOrders) {
  auto v = parse_ws_orders(push("ws_private_orders_futures.json"), kInit).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].order.symbol, "BTCUSDT");  // instId
  EXPECT_EQ(v[0].order.status, OrderStatus::Canceled);
  EXPECT_EQ(*v[0].order.price, "35000"_dec);
  EXPECT_EQ(v[0].order.size, "0.003"_dec);
  EXPECT_EQ(v[0].order.filled_size, Decimal{});
  EXPECT_FALSE(v[0].order.reduce_only);  // lowercase "no"
  EXPECT_EQ(*v[0].fee_paid, "0.162003"_dec);
  EXPECT_EQ(v[0].order.ts_event, UnixNanos::from_ms(1701920595866));
  auto d = parse_ws_orders(push("ws_private_orders_futures_doc.json"), kInit).value();
  EXPECT_EQ(d[0].order.status, OrderStatus::Acked);
  EXPECT_EQ(d[0].order.client_oid, "12354678990111");
  EXPECT_EQ(d[0].order.size, "0.4"_dec);
  EXPECT_TRUE(parse_ws_order_fills(push("ws_private_orders_futures_doc.json"), kInit).value().empty());
}

TEST(WsSamples, SpotOrdersAndLastFill) {
  auto v = parse_ws_orders(push("ws_private_orders_spot.json"), kInit).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].order.status, OrderStatus::Acked);
  EXPECT_EQ(*v[0].order.price, "35000"_dec);
  EXPECT_EQ(v[0].order.size, "7"_dec);
  EXPECT_FALSE(v[0].fee_paid);  // feeDetail []
  auto d = parse_ws_orders(push("ws_private_orders_spot_doc.json"), kInit).value();
  EXPECT_EQ(d[0].order.status, OrderStatus::PartiallyFilled);
  EXPECT_EQ(d[0].order.type, OrderType::Market);
  EXPECT_EQ(*d[0].quote_size, "8"_dec);
  EXPECT_EQ(d[0].order.filled_size, "0.0003"_dec);
  auto fills = parse_ws_order_fills(push("ws_private_orders_spot_doc.json"), kInit).value();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].trade_id, "1");
  EXPECT_EQ(fills[0].price, "26256"_dec);
  EXPECT_EQ(fills[0].size, "0.0003"_dec);
  EXPECT_EQ(fills[0].fee, "0.00000018"_dec);
  EXPECT_EQ(fills[0].fee_coin, "BTC");
  EXPECT_FALSE(fills[0].maker);  // "T"
  EXPECT_EQ(fills[0].ts_event, UnixNanos::from_ms(1695797773286));
}

TEST(WsSamples, AlgoOrdersEnvelopeOnly) {
  auto p = push("ws_private_orders_algo_futures.json");
  EXPECT_EQ(p.arg.channel, "orders-algo");
  EXPECT_EQ(p.data.size(), 1u);
}

TEST(WsSamples, FillChannel) {
  auto f = parse_ws_fills(push("ws_private_fill_futures.json"), kInit).value();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].client_oid, "111");
  EXPECT_EQ(f[0].trade_id, "222");
  EXPECT_EQ(f[0].price, "51000.5"_dec);
  EXPECT_EQ(f[0].size, "0.01"_dec);
  EXPECT_EQ(f[0].fee, "0.183717"_dec);
  EXPECT_EQ(f[0].side, Side::Buy);
  EXPECT_FALSE(f[0].maker);
  auto s = parse_ws_fills(push("ws_private_fill_spot.json"), kInit).value();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(s[0].maker);  // "marker" in the doc
  EXPECT_EQ(s[1].trade_id, "222");
  EXPECT_EQ(s[1].price, "42741.46"_dec);
  EXPECT_EQ(s[1].size, "0.0006"_dec);
  // The doc shows a positive totalFee (a rebate in Bitget's sign convention).
  EXPECT_EQ(s[1].fee, "-0.01538693"_dec);
}

TEST(WsSamples, Positions) {
  auto p = parse_ws_positions(push("ws_private_positions_futures.json"), kInit).value();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].position.symbol, "BTCUSDT");
  EXPECT_EQ(p[0].position.size, "0.001"_dec);
  EXPECT_EQ(p[0].position.side, PositionSide::Long);
  EXPECT_EQ(*p[0].leverage, "20"_dec);  // a JSON number here
  auto d = parse_ws_positions(push("ws_private_positions_futures_doc.json"), kInit).value();
  EXPECT_EQ(d[0].position.size, "-0.1"_dec);  // short
  EXPECT_EQ(*d[0].position.mark_price, "2500"_dec);
}

TEST(WsSamples, Accounts) {
  auto f = parse_ws_futures_account(push("ws_private_account_futures.json"), kInit).value();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].balance.coin, "USDT");
  EXPECT_EQ(f[0].balance.available, "26.14309528"_dec);
  EXPECT_EQ(f[0].balance.frozen, "5.365815"_dec);
  EXPECT_EQ(*f[0].balance.equity, "26.14309528"_dec);
  auto fd = parse_ws_futures_account(push("ws_private_account_futures_doc.json"), kInit).value();
  EXPECT_EQ(fd[0].asset_mode, "union");
  EXPECT_EQ(fd[0].balance.available, "11.98545761"_dec);
  auto s = parse_ws_spot_account(push("ws_private_account_spot.json"), kInit).value();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].available, "19.143095286"_dec);  // 13 decimals rounded to 9
  EXPECT_EQ(s[0].frozen, "7"_dec);
  auto sd = parse_ws_spot_account(push("ws_private_account_spot_doc.json"), kInit).value();
  EXPECT_EQ(sd[0].available, "100000"_dec);
}

// Every v2 line of the tardis message-sample file parses, and each push feeds its typed parser.
TEST(WsSamples, TardisV2Lines) {
  std::ifstream in(std::string(carry_test::fixtures_dir()) + "/bitget/ws/bitget_ws_v2_v3_message_samples.jsonl");
  ASSERT_TRUE(in);
  std::string line;
  int v2 = 0, pushes = 0, events = 0, book_msgs = 0, tickers = 0, trades = 0;
  while (std::getline(in, line)) {
    auto row = nlohmann::json::parse(line);
    if (row["api_version"] != "v2") continue;
    ++v2;
    const std::string msg = row["msg"].dump();
    auto m = parse_ws_message(msg);
    ASSERT_TRUE(m) << msg << ": " << m.error().to_string();
    if (auto* e = std::get_if<WsEvent>(&*m)) {
      ++events;
      EXPECT_EQ(e->kind, WsEventKind::Subscribe);
      continue;
    }
    const auto& p = std::get<WsPush>(*m);
    ++pushes;
    const auto& ch = p.arg.channel;
    if (ch == "ticker") {
      auto t = parse_ws_ticker(p, kInit);
      ASSERT_TRUE(t) << msg << ": " << t.error().to_string();
      EXPECT_TRUE(t->at(0).ticker.bbo.bid_price.is_positive());
      ++tickers;
    } else if (ch.rfind("books", 0) == 0) {
      auto b = parse_ws_books(p);
      ASSERT_TRUE(b) << msg << ": " << b.error().to_string();
      EXPECT_EQ(b->at(0).snapshot, p.action == "snapshot");
      ++book_msgs;
    } else if (ch == "trade") {
      auto t = parse_ws_trades(p, kInit);
      ASSERT_TRUE(t) << msg << ": " << t.error().to_string();
      EXPECT_TRUE(t->at(0).price.is_positive());
      ++trades;
    } else {
      ADD_FAILURE() << "unexpected channel " << ch;
    }
  }
  EXPECT_EQ(v2, 20);
  EXPECT_EQ(events, 5);
  EXPECT_EQ(pushes, 15);
  EXPECT_EQ(book_msgs, 9);
  EXPECT_EQ(tickers, 2);
  EXPECT_EQ(trades, 4);
}

TEST(WsSamples, TardisFuturesTickerFunding) {
  // The STORJUSDT line: fundingRate 0.0001, nextFundingTime 1730361600000.
  auto m = parse_ws_message(
      R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"ticker","instId":"STORJUSDT"},"data":[{"instId":"STORJUSDT","lastPr":"0.4706","bidPr":"0.4705","askPr":"0.4708","bidSz":"1367.3","askSz":"2535.3","fundingRate":"0.0001","nextFundingTime":"1730361600000","markPrice":"0.4705","indexPrice":"0.47080586","ts":"1730332823155"}],"ts":1730332823157})");
  auto t = parse_ws_ticker(std::get<WsPush>(*m), kInit).value();
  ASSERT_TRUE(t[0].funding);
  EXPECT_EQ(t[0].funding->rate, "0.0001"_dec);
  EXPECT_EQ(t[0].funding->next_settlement, UnixNanos::from_ms(1730361600000));
  EXPECT_EQ(*t[0].funding->index_price, "0.47080586"_dec);
}

TEST(WsSamples, BadPushesNameTheField) {
  auto m = parse_ws_message(
      R"({"action":"snapshot","arg":{"instType":"SPOT","channel":"books1","instId":"X"},"data":[{"asks":[["1","x"]],"bids":[],"ts":"1"}],"ts":1})");
  ASSERT_TRUE(m);
  auto b = parse_ws_books(std::get<WsPush>(*m));
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("data[0].asks[0]"), std::string::npos) << b.error().message;
  auto m2 = parse_ws_message(
      R"({"action":"snapshot","arg":{"instType":"WEIRD","channel":"ticker","instId":"X"},"data":[{}],"ts":1})");
  ASSERT_TRUE(m2);
  auto t = parse_ws_ticker(std::get<WsPush>(*m2), kInit);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("instType"), std::string::npos);
}

}  // namespace
}  // namespace carry::bitget
