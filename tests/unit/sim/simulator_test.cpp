#include "simulator.hpp"
#include "book_checksum.hpp"
#include "sim_fixture.hpp"

#include <carry/bitget/signer.hpp>

#include <gtest/gtest.h>

#include <map>

namespace carry::sim {
namespace {

using test_support::kStart;
using test_support::SimFixture;

using nlohmann::json;

TEST_F(SimFixture, EnvelopeAndPublicEndpoints) {
  auto t = body(get("/api/v2/public/time"));
  EXPECT_EQ(t["code"], "00000");
  EXPECT_EQ(t["msg"], "success");
  EXPECT_EQ(t["data"]["serverTime"], std::to_string(kStart));
  auto c = body(get("/api/v2/mix/market/contracts?productType=USDT-FUTURES&symbol=BTCUSDT"));
  ASSERT_EQ(c["data"].size(), 1u);
  EXPECT_EQ(c["data"][0]["pricePlace"], "1");
  EXPECT_EQ(c["data"][0]["sizeMultiplier"], "0.001");
  EXPECT_EQ(c["data"][0]["symbolStatus"], "normal");
  auto f = body(get("/api/v2/mix/market/current-fund-rate?productType=USDT-FUTURES&symbol=BTCUSDT"));
  EXPECT_EQ(f["data"][0]["fundingRate"], "0.0003");
  EXPECT_EQ(f["data"][0]["nextUpdate"], std::to_string((kStart / 60'000 + 1) * 60'000));
  auto tick = body(get("/api/v2/mix/market/ticker?productType=USDT-FUTURES&symbol=BTCUSDT"));
  const auto bid = Decimal::parse(tick["data"][0]["bidPr"].get<std::string>()).value();
  const auto ask = Decimal::parse(tick["data"][0]["askPr"].get<std::string>()).value();
  EXPECT_LT(bid, ask);
  auto spot = body(get("/api/v2/spot/market/tickers?symbol=ETHUSDT"));
  EXPECT_EQ(spot["data"][0]["symbol"], "ETHUSDT");
  auto missing = get("/api/v2/mix/market/ticker?productType=USDT-FUTURES");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(body(missing)["code"], "40019");
  EXPECT_EQ(get("/api/v2/nope").status, 404);
}

TEST_F(SimFixture, SignedCallsAndCounters) {
  EXPECT_EQ(stats()["private_calls"], 0);
  auto ok = signed_call("GET", "/api/v2/mix/account/accounts", "productType=USDT-FUTURES", "", signer);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body(ok)["data"][0]["marginCoin"], "USDT");
  bitget::Signer wrong{bitget::Credentials{"key1", "not-the-secret", "pass1"}, false};
  auto bad = signed_call("GET", "/api/v2/mix/account/accounts", "productType=USDT-FUTURES", "", wrong);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(body(bad)["code"], "40009");
  EXPECT_TRUE(body(bad)["data"].is_null());
  place_perp("buy", "limit", "0.010", "1000.0");
  auto s = stats();
  EXPECT_EQ(s["private_rest_calls"], 3);
  EXPECT_EQ(s["signature_failures"], 1);
  EXPECT_EQ(s["orders_placed"], 1);
  EXPECT_EQ(s["requests_by_path"]["/api/v2/mix/account/accounts"], 2);
}

TEST_F(SimFixture, SingleAccountReportsTheSymbolsSettingsAndSettersAnswerLikeBitget) {
  const std::string path = "/api/v2/mix/account/account";
  auto read = [&](const std::string& symbol) {
    auto r = signed_call("GET", path, "marginCoin=USDT&productType=USDT-FUTURES&symbol=" + symbol, "", signer);
    EXPECT_EQ(r.status, 200) << r.body;
    return body(r)["data"];
  };
  auto post = [&](const std::string& p, const json& b) { return signed_call("POST", p, "", b.dump(), signer); };
  auto a = read("BTCUSDT");
  EXPECT_EQ(a["posMode"], "one_way_mode");
  EXPECT_EQ(a["marginMode"], "crossed");
  EXPECT_EQ(a["crossedMarginLeverage"], 10);
  EXPECT_EQ(a["isolatedLongLever"], 10);

  const json base = {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"marginCoin", "USDT"}};
  json lev = base;
  lev["leverage"] = "3";
  EXPECT_EQ(post("/api/v2/mix/account/set-leverage", lev).status, 200);
  json iso = base;
  iso["marginMode"] = "isolated";
  EXPECT_EQ(post("/api/v2/mix/account/set-margin-mode", iso).status, 200);
  a = read("BTCUSDT");
  EXPECT_EQ(a["marginMode"], "isolated");
  EXPECT_EQ(a["isolatedShortLever"], 3);
  EXPECT_EQ(read("ETHUSDT")["marginMode"], "crossed");  // per symbol
  EXPECT_EQ(read("ETHUSDT")["crossedMarginLeverage"], 10);

  // With a resting perp order neither mode may change: 40920, and the settings stay.
  place_perp("buy", "limit", "0.010", "1000.0", "post_only");
  auto refused =
      post("/api/v2/mix/account/set-position-mode", {{"productType", "USDT-FUTURES"}, {"posMode", "hedge_mode"}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(body(refused)["code"], "40920");
  json crossed = base;
  crossed["marginMode"] = "crossed";
  EXPECT_EQ(body(post("/api/v2/mix/account/set-margin-mode", crossed))["code"], "40920");
  a = read("BTCUSDT");
  EXPECT_EQ(a["posMode"], "one_way_mode");
  EXPECT_EQ(a["marginMode"], "isolated");
}

TEST_F(SimFixture, BooksUpdatesCarryTheChecksumOfTheMergedBook) {
  WsSession ws;
  ws.is_private = false;
  auto out = sim->on_ws_text(
      ws, R"({"op":"subscribe","args":[{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"}]})");
  ASSERT_EQ(out.frames.size(), 2u);
  EXPECT_EQ(json::parse(out.frames[0])["event"], "subscribe");
  auto snap = json::parse(out.frames[1]);
  EXPECT_EQ(snap["action"], "snapshot");
  std::map<Decimal, std::string, std::greater<>> bids;
  std::map<Decimal, std::string> asks;
  std::map<Decimal, std::string> price_text;
  auto apply = [&](const json& d) {
    for (const auto& l : d["bids"]) {
      auto p = Decimal::parse(l[0].get<std::string>()).value();
      if (l[1] == "0")
        bids.erase(p);
      else
        bids[p] = l[1];
      price_text[p] = l[0];
    }
    for (const auto& l : d["asks"]) {
      auto p = Decimal::parse(l[0].get<std::string>()).value();
      if (l[1] == "0")
        asks.erase(p);
      else
        asks[p] = l[1];
      price_text[p] = l[0];
    }
  };
  auto local_checksum = [&] {
    BookLevelStrings b, a;
    for (const auto& [p, s] : bids) b.emplace_back(price_text[p], s);
    for (const auto& [p, s] : asks) a.emplace_back(price_text[p], s);
    if (b.size() > 25) b.resize(25);
    if (a.size() > 25) a.resize(25);
    return book_checksum(b, a);
  };
  apply(snap["data"][0]);
  EXPECT_EQ(local_checksum(), snap["data"][0]["checksum"].get<std::int32_t>());
  int updates = 0;
  for (int i = 0; i < 20; ++i) {
    advance(1000);
    for (const auto& p : sim->drain_pushes())
      for (const auto* sub : Simulator::matches(ws, p)) {
        auto m = json::parse(sim->render_for_delivery(p, *sub));
        ASSERT_EQ(m["action"], "update");
        apply(m["data"][0]);
        EXPECT_EQ(local_checksum(), m["data"][0]["checksum"].get<std::int32_t>());
        ++updates;
      }
  }
  EXPECT_GE(updates, 10);
  // Fault: the next update carries a wrong checksum.
  HttpRequest f;
  f.method = "POST";
  f.target = "/sim/faults";
  f.body = R"({"corrupt_checksum_next":1})";
  ASSERT_EQ(sim->handle_http(f).status, 200);
  bool corrupted = false;
  for (int i = 0; i < 5 && !corrupted; ++i) {
    advance(1000);
    for (const auto& p : sim->drain_pushes())
      for (const auto* sub : Simulator::matches(ws, p)) {
        auto m = json::parse(sim->render_for_delivery(p, *sub));
        apply(m["data"][0]);
        if (local_checksum() != m["data"][0]["checksum"].get<std::int32_t>()) corrupted = true;
      }
  }
  EXPECT_TRUE(corrupted);
}

TEST_F(SimFixture, PrivateLoginSubscribeAndOrderPushes) {
  WsSession ws;
  ws.is_private = true;
  auto early = sim->on_ws_text(
      ws, R"({"op":"subscribe","args":[{"instType":"USDT-FUTURES","channel":"orders","instId":"default"}]})");
  EXPECT_EQ(json::parse(early.frames[0])["code"], 30004);
  auto login = sim->on_ws_text(ws, signer.ws_login_message(clock.now().ms() / 1000));
  ASSERT_EQ(login.frames.size(), 1u);
  EXPECT_EQ(json::parse(login.frames[0])["event"], "login");
  EXPECT_EQ(json::parse(login.frames[0])["code"], 0);
  auto sub = sim->on_ws_text(
      ws,
      R"({"op":"subscribe","args":[{"instType":"USDT-FUTURES","channel":"orders","instId":"default"},{"instType":"USDT-FUTURES","channel":"fill","instId":"default"},{"instType":"USDT-FUTURES","channel":"account","coin":"default"}]})");
  ASSERT_EQ(sub.frames.size(), 4u);  // three acks + the account snapshot
  EXPECT_EQ(json::parse(sub.frames[3])["arg"]["coin"], "default");
  sim->drain_pushes();
  const auto id = place_perp("sell", "market", "0.010");
  std::vector<std::string> seen;
  for (const auto& p : sim->drain_pushes())
    for (const auto* s : Simulator::matches(ws, p)) {
      auto m = json::parse(Simulator::render(p, *s));
      const std::string ch = m["arg"]["channel"];
      if (ch == "orders") {
        EXPECT_EQ(m["data"][0]["orderId"], id);
        seen.push_back("orders:" + m["data"][0]["status"].get<std::string>());
      } else {
        seen.push_back(ch);
      }
    }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "orders:live"), 1);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "orders:filled"), 1);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "fill"), 1);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "account"), 1);
  // A session of another account sees nothing.
  WsSession other;
  other.is_private = true;
  other.account = "someone";
  other.subs = ws.subs;
  place_perp("sell", "market", "0.010");
  for (const auto& p : sim->drain_pushes()) EXPECT_TRUE(Simulator::matches(other, p).empty());
  // Wrong login signature: error 30015 and the socket closes.
  WsSession bad;
  bad.is_private = true;
  bitget::Signer wrong{bitget::Credentials{"key1", "nope", "pass1"}, false};
  auto r = sim->on_ws_text(bad, wrong.ws_login_message(clock.now().ms() / 1000));
  EXPECT_EQ(json::parse(r.frames[0])["code"], 30015);
  EXPECT_TRUE(r.close);
  EXPECT_EQ(sim->on_ws_text(bad, "ping").frames[0], "pong");
}

TEST_F(SimFixture, FundingSettlesIntoBillsWithMarkPrice) {
  place_perp("sell", "market", "0.100");
  const auto mark_before = sim->market().mark_price("BTCUSDT");
  const auto next = (kStart / 60'000 + 1) * 60'000;
  clock.set(UnixNanos::from_ms(next - 1));
  sim->step();
  ASSERT_EQ(stats()["funding_settlements"], 0);
  // Stop the tape so the mark used by the settlement is known.
  HttpRequest f;
  f.method = "POST";
  f.target = "/sim/faults";
  f.body = R"({"stale_books":true})";
  sim->handle_http(f);
  const auto mark = sim->market().mark_price("BTCUSDT");
  (void)mark_before;
  clock.set(UnixNanos::from_ms(next + 5));
  sim->step();
  EXPECT_EQ(stats()["funding_settlements"], 2);  // BTCUSDT and ETHUSDT
  auto bills = body(signed_call("GET", "/api/v2/mix/account/bill",
                                "businessType=contract_settle_fee&productType=USDT-FUTURES", "", signer));
  ASSERT_EQ(bills["code"], "00000") << bills.dump();
  ASSERT_EQ(bills["data"]["bills"].size(), 1u);
  const auto& b = bills["data"]["bills"][0];
  EXPECT_EQ(b["symbol"], "BTCUSDT");
  EXPECT_EQ(b["cTime"], std::to_string(next));
  EXPECT_EQ(Decimal::parse(b["amount"].get<std::string>()).value(), "0.0003"_dec * "0.1"_dec * mark);
  auto settlements = body(get("/sim/settlements"));
  ASSERT_EQ(settlements.size(), 2u);
  EXPECT_EQ(settlements[0]["symbol"], "BTCUSDT");
  EXPECT_EQ(settlements[0]["markPrice"], mark.to_string());
  ASSERT_EQ(settlements[0]["payments"].size(), 1u);
  EXPECT_EQ(settlements[0]["payments"][0]["api_key"], "key1");
  EXPECT_EQ(settlements[0]["payments"][0]["amount"], b["amount"]);
  EXPECT_TRUE(settlements[1]["payments"].empty());  // no ETHUSDT position
  auto hist = body(get("/api/v2/mix/market/history-fund-rate?productType=USDT-FUTURES&symbol=BTCUSDT"));
  EXPECT_EQ(hist["data"][0]["fundingRate"], "0.0003");
  EXPECT_EQ(hist["data"][0]["fundingTime"], std::to_string(next));
  // Run-time override: funding flips negative.
  HttpRequest fr;
  fr.method = "POST";
  fr.target = "/sim/funding";
  fr.body = R"({"rate":"-0.0001"})";
  ASSERT_EQ(sim->handle_http(fr).status, 200);
  auto cur = body(get("/api/v2/mix/market/current-fund-rate?productType=USDT-FUTURES&symbol=BTCUSDT"));
  EXPECT_EQ(cur["data"][0]["fundingRate"], "-0.0001");
}

TEST_F(SimFixture, StaleBooksFreezeMarketData) {
  advance(1000);
  sim->drain_pushes();
  HttpRequest f;
  f.method = "POST";
  f.target = "/sim/faults";
  f.body = R"({"stale_books":true})";
  ASSERT_EQ(sim->handle_http(f).status, 200);
  auto before = body(get("/api/v2/mix/market/ticker?productType=USDT-FUTURES&symbol=BTCUSDT"))["data"][0]["ts"];
  for (int i = 0; i < 5; ++i) advance(1000);
  for (const auto& p : sim->drain_pushes()) EXPECT_TRUE(p.is_private) << p.channel;
  auto after = body(get("/api/v2/mix/market/ticker?productType=USDT-FUTURES&symbol=BTCUSDT"))["data"][0]["ts"];
  EXPECT_EQ(before, after);
}

// clock_skew_ms moves the exchange's clock as clients see it: the server time and the signed
// timestamp window (REST 40008, WS login 30014), set mid-run and back.
TEST_F(SimFixture, ClockSkewMovesServerTimeAndTheTimestampWindow) {
  const auto server_ms = [&] {
    return std::stoll(body(get("/api/v2/public/time"))["data"]["serverTime"].get<std::string>());
  };
  EXPECT_EQ(server_ms(), clock.now().ms());
  HttpRequest f;
  f.method = "POST";
  f.target = "/sim/faults";
  f.body = R"({"clock_skew_ms":60000})";
  ASSERT_EQ(sim->handle_http(f).status, 200);
  EXPECT_EQ(server_ms(), clock.now().ms() + 60'000);
  auto refused = signed_call("GET", "/api/v2/mix/account/accounts", "productType=USDT-FUTURES", "", signer);
  EXPECT_EQ(body(refused)["code"], "40008");
  WsSession ws;
  ws.is_private = true;
  auto login = sim->on_ws_text(ws, signer.ws_login_message(clock.now().ms() / 1000));
  EXPECT_EQ(json::parse(login.frames[0])["code"], 30014);
  // A client stamping with the server's time passes.
  HttpRequest ok;
  ok.method = "GET";
  ok.target = "/api/v2/mix/account/accounts?productType=USDT-FUTURES";
  for (const auto& h : signer.rest_headers(clock.now().ms() + 60'000, "GET", "/api/v2/mix/account/accounts",
                                           "productType=USDT-FUTURES", "")) {
    std::string n(h.name);
    for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ok.headers[n] = h.value;
  }
  EXPECT_EQ(body(sim->handle_http(ok))["code"], "00000");
  f.body = R"({"clock_skew_ms":-1.5})";
  EXPECT_EQ(sim->handle_http(f).status, 400);  // whole ms only
  f.body = R"({"clock_skew_ms":0})";
  ASSERT_EQ(sim->handle_http(f).status, 200);
  EXPECT_EQ(body(signed_call("GET", "/api/v2/mix/account/accounts", "productType=USDT-FUTURES", "", signer))["code"],
            "00000");
}

TEST_F(SimFixture, HttpFaultsRejectBeforeProcessing) {
  HttpRequest f;
  f.method = "POST";
  f.target = "/sim/faults";
  f.body = R"({"http_429_next":1,"http_scope":"private"})";
  ASSERT_EQ(sim->handle_http(f).status, 200);
  EXPECT_EQ(get("/api/v2/public/time").status, 200);  // public is out of scope
  json b = {{"symbol", "BTCUSDT"},     {"productType", "USDT-FUTURES"},
            {"marginMode", "crossed"}, {"marginCoin", "USDT"},
            {"size", "0.010"},         {"side", "buy"},
            {"orderType", "market"}};
  auto r = signed_call("POST", "/api/v2/mix/order/place-order", "", b.dump(), signer);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(stats()["orders_placed"], 0);
  EXPECT_EQ(signed_call("POST", "/api/v2/mix/order/place-order", "", b.dump(), signer).status, 200);
  f.body = R"({"bogus":1})";
  auto bad = sim->handle_http(f);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("bogus"), std::string::npos);
}

}  // namespace
}  // namespace carry::sim
