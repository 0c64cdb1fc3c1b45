// The UTA (v3) WebSocket, sans-I/O: subscribe args {instType, topic, symbol} with acks and error
// events, login refused on the other account kind's dialect, and pushes that Carry's own v3
// parsers (uta_ws.hpp, UtaFastBboParser) read back with the engine's values.
#include "sim_fixture.hpp"

#include <carry/bitget/fast_bbo.hpp>
#include <carry/bitget/uta_ws.hpp>

#include <gtest/gtest.h>

#include <map>

namespace carry::sim {
namespace {

using nlohmann::json;
using test_support::SimFixture;
namespace uta = bitget::uta;

struct WsV3 : SimFixture {
  void configure(SimConfig& cfg) override {
    cfg.accounts[0].account_mode = "uta";
    cfg.accounts.push_back({"key2", "secret2", "pass2"});  // classic
  }
  bitget::Signer classic{bitget::Credentials{"key2", "secret2", "pass2"}, false};

  static WsSession session(bool is_private, WsDialect d = WsDialect::V3) {
    WsSession s;
    s.is_private = is_private;
    s.dialect = d;
    return s;
  }
  static json frame(const WsOutput& out, std::size_t i) { return json::parse(out.frames.at(i)); }
  WsOutput subscribe(WsSession& s, const json& args) {
    return sim->on_ws_text(s, json({{"op", "subscribe"}, {"args", args}}).dump());
  }
  // Every frame the drained pushes render for `s`, by topic.
  std::map<std::string, std::vector<std::string>> delivered(const WsSession& s) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& p : sim->drain_pushes())
      for (const auto* sub : Simulator::matches(s, p)) out[sub->channel].push_back(Simulator::render(p, *sub));
    return out;
  }
  static uta::WsPush push(const std::string& text) {
    auto m = uta::parse_ws_message(text);
    EXPECT_TRUE(m.has_value()) << text;
    EXPECT_TRUE(std::holds_alternative<uta::WsPush>(*m)) << text;
    return std::get<uta::WsPush>(*m);
  }
  json v3(const std::string& method, const std::string& path, const json& b) {
    return body(signed_call(method, path, "", b.dump(), signer));
  }
};

TEST_F(WsV3, PublicSubscribeAcksTheArgAndSnapshotsParseWithCarrysParsers) {
  auto s = session(false);
  const json books1 = {{"instType", "usdt-futures"}, {"topic", "books1"}, {"symbol", "BTCUSDT"}};
  const json ticker = {{"instType", "spot"}, {"topic", "ticker"}, {"symbol", "BTCUSDT"}};
  const json books = {{"instType", "usdt-futures"}, {"topic", "books"}, {"symbol", "BTCUSDT"}};
  auto out = subscribe(s, json::array({books1, ticker, books}));
  ASSERT_EQ(out.frames.size(), 6u);  // ack + snapshot each
  EXPECT_EQ(frame(out, 0), json({{"event", "subscribe"}, {"arg", books1}}));
  EXPECT_EQ(frame(out, 2), json({{"event", "subscribe"}, {"arg", ticker}}));
  EXPECT_EQ(frame(out, 4), json({{"event", "subscribe"}, {"arg", books}}));
  const auto ack = uta::parse_ws_message(out.frames[0]);
  ASSERT_TRUE(ack.has_value());
  EXPECT_TRUE(std::get<uta::WsEvent>(*ack).ok());

  bitget::UtaFastBboParser fast;
  auto bbo = fast.parse(out.frames[1]);
  ASSERT_TRUE(bbo.has_value()) << bbo.error().message << "\n" << out.frames[1];
  EXPECT_EQ(bbo->symbol, "BTCUSDT");
  EXPECT_EQ(bbo->market, MarketType::Perp);
  EXPECT_LT(bbo->bid_price, bbo->ask_price);
  const auto book = uta::parse_ws_books(push(out.frames[1]));
  ASSERT_TRUE(book.has_value()) << book.error().message;
  EXPECT_EQ(book->at(0).bids.size(), 1u);

  const auto t = uta::parse_ws_ticker(push(out.frames[3]), UnixNanos{});
  ASSERT_TRUE(t.has_value()) << t.error().message << "\n" << out.frames[3];
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ(t->at(0).ticker.bbo.symbol, "BTCUSDT");
  EXPECT_TRUE(fast.parse(out.frames[3]).has_value()) << out.frames[3];

  const auto full = uta::parse_ws_books(push(out.frames[5]));
  ASSERT_TRUE(full.has_value()) << full.error().message;
  EXPECT_GT(full->at(0).bids.size(), 1u);
  EXPECT_TRUE(full->at(0).snapshot);
  EXPECT_NE(full->at(0).checksum, 0);

  // Market updates reach the v3 session in v3 shape, and a v2 session in v2 shape only.
  auto v2 = session(false, WsDialect::V2);
  v2.subs.push_back({"USDT-FUTURES", "books1", "BTCUSDT", false});
  advance(3000);
  const auto pushes = sim->drain_pushes();
  std::size_t v3_frames = 0, v2_frames = 0;
  for (const auto& p : pushes) {
    for (const auto* sub : Simulator::matches(s, p)) {
      ++v3_frames;
      const auto text = Simulator::render(p, *sub);
      EXPECT_TRUE(uta::parse_ws_message(text).has_value()) << text;
      if (sub->channel == "books") {
        EXPECT_TRUE(uta::parse_ws_books(push(text)).has_value()) << text;
      }
    }
    for (const auto* sub : Simulator::matches(v2, p)) {
      ++v2_frames;
      EXPECT_TRUE(json::parse(Simulator::render(p, *sub))["arg"].contains("channel"));
    }
  }
  EXPECT_GT(v3_frames, 0u);
  EXPECT_GT(v2_frames, 0u);
}

TEST_F(WsV3, BadArgsGetErrorEventsNotCrashes) {
  auto s = session(false);
  for (const json& bad : {json{{"instType", "USDT-FUTURES"}, {"topic", "books1"}, {"symbol", "BTCUSDT"}},
                          json{{"instType", "usdt-futures"}, {"topic", "books15"}, {"symbol", "BTCUSDT"}},
                          json{{"instType", "usdt-futures"}, {"topic", "books1"}, {"symbol", "NOPEUSDT"}},
                          json{{"instType", "usdt-futures"}, {"channel", "books1"}, {"instId", "BTCUSDT"}},
                          json{{"instType", "UTA"}, {"topic", "order"}}, json("books1"), json(42)}) {
    auto out = subscribe(s, json::array({bad}));
    ASSERT_EQ(out.frames.size(), 1u) << bad.dump();
    EXPECT_EQ(frame(out, 0)["event"], "error") << bad.dump();
    EXPECT_EQ(frame(out, 0)["code"], 30001) << bad.dump();
  }
  EXPECT_EQ(frame(subscribe(s, json{{"instType", "spot"}}), 0)["code"], 30016);  // args not a list
  EXPECT_EQ(frame(sim->on_ws_text(s, "{not json"), 0)["code"], 30002);
  EXPECT_TRUE(s.subs.empty());

  auto p = session(true);
  EXPECT_EQ(frame(subscribe(p, json::array({{{"instType", "UTA"}, {"topic", "order"}}})), 0)["code"], 30004);
  ASSERT_EQ(frame(sim->on_ws_text(p, signer.ws_login_message(clock.now().ms() / 1000)), 0)["code"], 0);
  for (const json& bad :
       {json{{"instType", "UTA"}, {"topic", "orders"}}, json{{"instType", "USDT-FUTURES"}, {"topic", "order"}},
        json{{"instType", "UTA"}, {"topic", "order"}, {"symbol", "BTCUSDT"}}}) {
    auto out = subscribe(p, json::array({bad}));
    ASSERT_EQ(out.frames.size(), 1u) << bad.dump();
    EXPECT_EQ(frame(out, 0)["code"], 30001) << bad.dump();
  }
  const json uta_order = {{"instType", "UTA"}, {"topic", "order"}};
  EXPECT_EQ(frame(subscribe(p, json::array({uta_order})), 0), json({{"event", "subscribe"}, {"arg", uta_order}}));
  auto un = sim->on_ws_text(p, json({{"op", "unsubscribe"}, {"args", {uta_order}}}).dump());
  EXPECT_EQ(frame(un, 0), json({{"event", "unsubscribe"}, {"arg", uta_order}}));
  EXPECT_TRUE(p.subs.empty());
}

TEST_F(WsV3, LoginOnTheOtherKindsDialectIsRefusedAndCloses) {
  const auto login = [&](const bitget::Signer& who) { return who.ws_login_message(clock.now().ms() / 1000); };
  auto classic_on_v3 = session(true);
  auto r = sim->on_ws_text(classic_on_v3, login(classic));
  EXPECT_EQ(frame(r, 0)["event"], "error");
  EXPECT_EQ(frame(r, 0)["code"], 40084);
  EXPECT_TRUE(r.close);
  EXPECT_TRUE(classic_on_v3.account.empty());

  auto uta_on_v2 = session(true, WsDialect::V2);
  r = sim->on_ws_text(uta_on_v2, login(signer));
  EXPECT_EQ(frame(r, 0)["code"], 40085);
  EXPECT_TRUE(r.close);
  EXPECT_TRUE(uta_on_v2.account.empty());
  // Before the signature, as the REST gate: a wrong secret still learns the account's kind.
  bitget::Signer wrong{bitget::Credentials{"key1", "nope", "pass1"}, false};
  EXPECT_EQ(frame(sim->on_ws_text(uta_on_v2, login(wrong)), 0)["code"], 40085);

  // Each kind on its own dialect logs in; Carry's parser reads the ack.
  auto uta_on_v3 = session(true);
  r = sim->on_ws_text(uta_on_v3, login(signer));
  const auto ack = uta::parse_ws_message(r.frames.at(0));
  ASSERT_TRUE(ack.has_value());
  EXPECT_TRUE(std::get<uta::WsEvent>(*ack).ok()) << r.frames[0];
  EXPECT_FALSE(r.close);
  auto classic_on_v2 = session(true, WsDialect::V2);
  EXPECT_EQ(frame(sim->on_ws_text(classic_on_v2, login(classic)), 0)["code"], 0);
  EXPECT_EQ(sim->on_ws_text(uta_on_v3, "ping").frames.at(0), "pong");
}

TEST_F(WsV3, UtaOrdersOnBothMarketsPushOnTheUtaTopicsAndCarryParsesThem) {
  auto s = session(true);
  ASSERT_EQ(frame(sim->on_ws_text(s, signer.ws_login_message(clock.now().ms() / 1000)), 0)["code"], 0);
  json args = json::array();
  for (const char* t : {"order", "fill", "position", "account"}) args.push_back({{"instType", "UTA"}, {"topic", t}});
  auto sub = subscribe(s, args);
  ASSERT_EQ(sub.frames.size(), 6u);  // four acks, the position and account snapshots
  const auto snap = uta::parse_ws_account(push(sub.frames[5]), MarketType::Perp, UnixNanos{});
  ASSERT_TRUE(snap.has_value()) << snap.error().message << "\n" << sub.frames[5];
  EXPECT_EQ(snap->at(0).account_equity, "200000"_dec);
  sim->drain_pushes();

  const json placed = v3("POST", "/api/v3/trade/place-order",
                         {{"category", "USDT-FUTURES"},
                          {"symbol", "BTCUSDT"},
                          {"qty", "0.010"},
                          {"side", "buy"},
                          {"orderType", "market"},
                          {"clientOid", "w3-perp"}});
  ASSERT_EQ(placed["code"], "00000") << placed.dump();
  const std::string id = placed["data"]["orderId"];
  auto got = delivered(s);
  ASSERT_EQ(got["order"].size(), 2u);  // live, then filled
  const auto order = uta::parse_ws_orders(push(got["order"].back()), UnixNanos{});
  ASSERT_TRUE(order.has_value()) << order.error().message << "\n" << got["order"].back();
  const auto& o = order->at(0).order;
  EXPECT_EQ(o.order_id, id);
  EXPECT_EQ(o.client_oid, "w3-perp");
  EXPECT_EQ(o.market, MarketType::Perp);
  EXPECT_EQ(o.status, OrderStatus::Filled);
  EXPECT_EQ(o.filled_size, "0.01"_dec);
  ASSERT_TRUE(o.avg_price.has_value());
  EXPECT_TRUE(o.avg_price->is_positive());
  EXPECT_EQ(json::parse(got["order"].front())["data"][0]["orderStatus"], "live");

  ASSERT_EQ(got["fill"].size(), 1u);
  const auto fill = uta::parse_ws_fills(push(got["fill"][0]), UnixNanos{});
  ASSERT_TRUE(fill.has_value()) << fill.error().message << "\n" << got["fill"][0];
  const auto& f = fill->at(0);
  EXPECT_EQ(f.order_id, id);
  EXPECT_EQ(f.client_oid, "w3-perp");
  EXPECT_FALSE(f.trade_id.empty());
  EXPECT_EQ(f.size, "0.01"_dec);
  EXPECT_EQ(f.price, *o.avg_price);
  EXPECT_TRUE(f.fee.is_positive());  // v3: positive when paid
  EXPECT_EQ(f.fee_coin, "USDT");
  EXPECT_FALSE(f.maker);

  ASSERT_EQ(got["position"].size(), 1u);
  const auto pos = uta::parse_ws_positions(push(got["position"][0]), UnixNanos{});
  ASSERT_TRUE(pos.has_value()) << pos.error().message << "\n" << got["position"][0];
  EXPECT_EQ(pos->at(0).position.symbol, "BTCUSDT");
  EXPECT_EQ(pos->at(0).position.size, "0.01"_dec);
  EXPECT_EQ(pos->at(0).position.entry_price, f.price);

  ASSERT_EQ(got["account"].size(), 1u);  // one per change, both wallets in it
  const auto acc = uta::parse_ws_account(push(got["account"][0]), MarketType::Perp, UnixNanos{});
  ASSERT_TRUE(acc.has_value()) << acc.error().message;
  ASSERT_FALSE(acc->at(0).balances.empty());
  EXPECT_EQ(acc->at(0).balances[0].coin, "USDT");
  EXPECT_LT(acc->at(0).balances[0].available, "200000"_dec);

  // Spot orders of the same account land on the same UTA topics.
  const json spot = v3("POST", "/api/v3/trade/place-order",
                       {{"category", "SPOT"},
                        {"symbol", "BTCUSDT"},
                        {"qty", "100"},
                        {"side", "buy"},
                        {"orderType", "market"},
                        {"clientOid", "w3-spot"}});
  ASSERT_EQ(spot["code"], "00000") << spot.dump();
  got = delivered(s);
  ASSERT_FALSE(got["order"].empty());
  ASSERT_EQ(got["fill"].size(), 1u);
  const auto sf = uta::parse_ws_fills(push(got["fill"][0]), UnixNanos{});
  ASSERT_TRUE(sf.has_value()) << sf.error().message;
  EXPECT_EQ(sf->at(0).market, MarketType::Spot);
  EXPECT_EQ(sf->at(0).client_oid, "w3-spot");
  EXPECT_EQ(sf->at(0).fee_coin, "BTC");
  EXPECT_TRUE(sf->at(0).fee.is_positive());
  const auto so = uta::parse_ws_orders(push(got["order"].back()), UnixNanos{});
  ASSERT_TRUE(so.has_value()) << so.error().message << "\n" << got["order"].back();
  EXPECT_EQ(so->at(0).order.status, OrderStatus::Filled);
  EXPECT_EQ(so->at(0).quote_size, "100"_dec);
  EXPECT_EQ(got["account"].size(), 1u);
  EXPECT_TRUE(got["position"].empty());

  // A resting spot order cancelled: the v3 spelling, and Carry reads it as cancelled.
  const json rest = v3("POST", "/api/v3/trade/place-order",
                       {{"category", "SPOT"},
                        {"symbol", "BTCUSDT"},
                        {"qty", "0.001"},
                        {"price", "10000"},
                        {"side", "buy"},
                        {"orderType", "limit"},
                        {"clientOid", "w3-rest"}});
  ASSERT_EQ(rest["code"], "00000") << rest.dump();
  ASSERT_EQ(v3("POST", "/api/v3/trade/cancel-order", {{"clientOid", "w3-rest"}, {"category", "SPOT"}})["code"],
            "00000");
  got = delivered(s);
  ASSERT_EQ(got["order"].size(), 2u);
  EXPECT_EQ(json::parse(got["order"][1])["data"][0]["orderStatus"], "cancelled");
  const auto co = uta::parse_ws_orders(push(got["order"][1]), UnixNanos{});
  ASSERT_TRUE(co.has_value()) << co.error().message;
  EXPECT_EQ(co->at(0).order.status, OrderStatus::Canceled);
  EXPECT_EQ(co->at(0).order.price, "10000"_dec);
}

TEST_F(WsV3, ServiceUpgradeIsAOneShotActionWithItsGraceInMs) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/sim/faults";
  r.body = R"({"ws_service_upgrade":-5})";
  const auto bad = sim->handle_http(r);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("faults.ws_service_upgrade"), std::string::npos) << bad.body;
  EXPECT_EQ(sim->take_actions().ws_service_upgrade_ms, -1);
  r.body = R"({"ws_service_upgrade":250})";
  EXPECT_EQ(sim->handle_http(r).status, 200);
  EXPECT_EQ(sim->take_actions().ws_service_upgrade_ms, 250);  // the server warns and closes (server.cpp)
  EXPECT_EQ(sim->take_actions().ws_service_upgrade_ms, -1);
}

TEST_F(WsV3, ChecksumFaultsHitV3BooksUpdatesToo) {
  auto s = session(false);
  subscribe(s, json::array({{{"instType", "usdt-futures"}, {"topic", "books"}, {"symbol", "BTCUSDT"}}}));
  sim->faults().corrupt_checksum_next = 1;
  int updates = 0, corrupted = 0;
  for (int i = 0; i < 5; ++i) {
    advance(1000);
    for (const auto& p : sim->drain_pushes())
      for (const auto* sub : Simulator::matches(s, p)) {
        if (p.action != "update") continue;
        ++updates;
        const auto sent = json::parse(sim->render_for_delivery(p, *sub));
        EXPECT_TRUE(sent["data"][0].contains("a")) << sent.dump();
        if (sent["data"][0]["checksum"] != p.data[0]["checksum"]) ++corrupted;
      }
  }
  EXPECT_GT(updates, 1);
  EXPECT_EQ(corrupted, 1);
}

}  // namespace
}  // namespace carry::sim
