// bitget::Gateway over real loopback sockets: a Beast HTTP server answering with the recorded
// samples, and Bitget-like WebSocket servers pushing sample frames.
#include <carry/bitget/io/gateway.hpp>
#include <carry_test/paths.hpp>

#include "io_test_support.hpp"
#include "loopback_http_server.hpp"
#include "loopback_ws_server.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace carry::bitget {
namespace {

namespace asio = boost::asio;
using test::LoopbackHttpServer;
using test::LoopbackWsServer;
using test::ServerReply;
using namespace std::chrono_literals;

std::string sample(const std::string& name) {
  std::ifstream in(std::string(carry_test::fixtures_dir()) + "/bitget/samples/" + name);
  EXPECT_TRUE(in.good()) << "missing sample " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const Credentials kCreds{"gw-key", "gw-secret", "gw-pass"};

bool signature_ok(const test::HttpRequest& req) {
  const std::string target(req.target());
  const auto q = target.find('?');
  const std::string path = target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
  return req["ACCESS-KEY"] == kCreds.api_key && req["ACCESS-PASSPHRASE"] == kCreds.passphrase &&
         verify_rest_signature(kCreds.secret, std::string(req["ACCESS-TIMESTAMP"]), std::string(req.method_string()),
                               path, query, req.body(), std::string(req["ACCESS-SIGN"]));
}

class GatewayTest : public ::testing::Test {
 protected:
  GatewayConfig config(const LoopbackHttpServer& rest) {
    GatewayConfig c;
    c.rest_base_url = rest.base_url();
    c.ws_public_url = ws_public.url("/v2/ws/public");
    c.ws_private_url = ws_private.url("/v2/ws/private");
    c.credentials = kCreds;
    c.rest_timeout = 300ms;
    c.sync_server_time = false;
    c.ws_ping_interval = 200ms;
    c.ws_pong_timeout = 300ms;
    c.ws_backoff.initial = 10ms;
    c.ws_backoff.cap = 50ms;
    return c;
  }

  asio::io_context io;
  RecordingEventSink events;
  SystemClock clock;
  LoopbackWsServer ws_public{io.get_executor(), {}};
  LoopbackWsServer ws_private{io.get_executor(), {kCreds.secret, kCreds.api_key, kCreds.passphrase, false}};
  std::vector<MarketEvent> market;
  std::vector<ExecEvent> exec;
};

TEST_F(GatewayTest, PerpPlaceSendsASignedOneWayBodyAndReturnsTheAck) {
  test::HttpRequest seen;
  LoopbackHttpServer rest(io.get_executor(), [&](const test::HttpRequest& req) {
    seen = req;
    if (!signature_ok(req)) return ServerReply{400, R"({"code":"40009","msg":"sign signature error"})"};
    return ServerReply{200, sample("rest_mix_place_order.json")};
  });
  Gateway gw(io.get_executor(), config(rest), events, clock);
  PlaceOrderRequest req;
  req.symbol = "BTCUSDT";
  req.market = MarketType::Perp;
  req.client_oid = "carry-1";
  req.side = Side::Sell;
  req.tif = TimeInForce::PostOnly;
  req.price = "30000"_dec;
  req.size = "0.001"_dec;
  req.reduce_only = true;
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto ack = co_await gw.place(req);
    CO_ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->order_id, "121211212122");
  });
  EXPECT_EQ(seen.target(), "/api/v2/mix/order/place-order");
  const auto body = nlohmann::json::parse(seen.body());
  EXPECT_EQ(body["symbol"], "BTCUSDT");
  EXPECT_EQ(body["productType"], "USDT-FUTURES");
  EXPECT_EQ(body["marginMode"], "crossed");
  EXPECT_EQ(body["marginCoin"], "USDT");
  EXPECT_EQ(body["side"], "sell");
  EXPECT_EQ(body["force"], "post_only");
  EXPECT_EQ(body["reduceOnly"], "YES");
  EXPECT_EQ(body["clientOid"], "carry-1");
}

TEST_F(GatewayTest, APlaceThatTimesOutIsUnknownNeverRejected) {
  LoopbackHttpServer rest(io.get_executor(), [](const test::HttpRequest&) {
    ServerReply r;
    r.hang = true;
    return r;
  });
  Gateway gw(io.get_executor(), config(rest), events, clock);
  PlaceOrderRequest req;
  req.symbol = "BTCUSDT";
  req.market = MarketType::Spot;
  req.client_oid = "carry-2";
  req.price = "30000"_dec;
  req.size = "0.001"_dec;
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto ack = co_await gw.place(req);
    CO_ASSERT_FALSE(ack.has_value());
    EXPECT_EQ(ack.error(), make_error_code(Errc::timeout));
  });
  EXPECT_EQ(rest.requests(), 1);
  ASSERT_NE(events.last("order.outcome_unknown"), nullptr);
  EXPECT_EQ(events.last("order.outcome_unknown")->fields["client_oid"], "carry-2");
}

TEST_F(GatewayTest, APlaceAnsweredWith5xxIsUnknownToo) {
  LoopbackHttpServer rest(io.get_executor(), [](const test::HttpRequest&) { return ServerReply{502, "Bad Gateway"}; });
  Gateway gw(io.get_executor(), config(rest), events, clock);
  PlaceOrderRequest req;
  req.symbol = "BTCUSDT";
  req.market = MarketType::Perp;
  req.client_oid = "carry-3";
  req.price = "30000"_dec;
  req.size = "0.001"_dec;
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto ack = co_await gw.place(req);
    CO_ASSERT_FALSE(ack.has_value());
    EXPECT_EQ(ack.error(), make_error_code(Errc::timeout));
  });
}

TEST_F(GatewayTest, BusinessRejectionsAreClassifiedAndNotRetryable) {
  LoopbackHttpServer rest(io.get_executor(), [](const test::HttpRequest&) {
    return ServerReply{200, R"({"code":"43012","msg":"Insufficient balance","requestTime":1,"data":null})"};
  });
  Gateway gw(io.get_executor(), config(rest), events, clock);
  PlaceOrderRequest req;
  req.symbol = "BTCUSDT";
  req.market = MarketType::Perp;
  req.client_oid = "carry-4";
  req.price = "30000"_dec;
  req.size = "0.001"_dec;
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto ack = co_await gw.place(req);
    CO_ASSERT_FALSE(ack.has_value());
    EXPECT_EQ(ack.error(), make_error_code(Errc::exchange_rejected));
    EXPECT_FALSE(is_retryable(ack.error()));
  });
  ASSERT_NE(events.last("rest.rejected"), nullptr);
  EXPECT_EQ(events.last("rest.rejected")->fields["code"], "43012");
}

TEST_F(GatewayTest, VenueQueriesParseTheRecordedResponses) {
  LoopbackHttpServer rest(io.get_executor(), [](const test::HttpRequest& req) {
    const std::string t(req.target());
    if (!signature_ok(req)) return ServerReply{400, R"({"code":"40009","msg":"sign signature error"})"};
    if (t.starts_with("/api/v2/mix/order/orders-pending"))
      return ServerReply{200, sample("rest_mix_orders_pending.json")};
    if (t.starts_with("/api/v2/spot/trade/unfilled-orders"))
      return ServerReply{200, sample("rest_spot_unfilled_orders.json")};
    if (t.starts_with("/api/v2/mix/position/all-position"))
      return ServerReply{200, sample("rest_mix_all_position.json")};
    if (t.starts_with("/api/v2/mix/account/accounts")) return ServerReply{200, sample("rest_mix_accounts.json")};
    if (t.starts_with("/api/v2/spot/account/assets")) return ServerReply{200, sample("rest_spot_account_assets.json")};
    if (t.starts_with("/api/v2/mix/order/detail")) return ServerReply{200, sample("rest_mix_order_detail.json")};
    return ServerReply{404, ""};
  });
  Gateway gw(io.get_executor(), config(rest), events, clock);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto orders = co_await gw.open_orders("");
    CO_ASSERT_TRUE(orders.has_value());
    EXPECT_FALSE(orders->empty());
    auto pos = co_await gw.positions();
    CO_ASSERT_TRUE(pos.has_value());
    EXPECT_FALSE(pos->empty());
    auto bal = co_await gw.balances();
    CO_ASSERT_TRUE(bal.has_value());
    EXPECT_FALSE(bal->empty());
    auto found = co_await gw.order_by_client_oid("BTCUSDT", MarketType::Perp, "carry-5");
    CO_ASSERT_TRUE(found.has_value());
    EXPECT_TRUE(found->has_value());
  });
  EXPECT_EQ(events.count("rest.bad_payload"), 0u);
}

TEST_F(GatewayTest, PublicFramesBecomeBboAndFundingEvents) {
  LoopbackHttpServer rest(io.get_executor(), [](const test::HttpRequest&) { return ServerReply{404, ""}; });
  auto cfg = config(rest);
  cfg.credentials = {};  // public only
  Gateway gw(io.get_executor(), cfg, events, clock);
  gw.set_market_handler([&](const MarketEvent& ev) { market.push_back(ev); });
  gw.subscribe_ticker("BTCUSDT", MarketType::Perp);
  gw.subscribe_books5("BTCUSDT", MarketType::Perp);
  EXPECT_EQ(gw.ws_private(), nullptr);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE((co_await gw.start()).has_value());
    CO_ASSERT_TRUE(co_await test::eventually([&] { return gw.ws_public().state() == WsState::Streaming; }));
    ws_public.push_all(sample("ws_ticker_futures.json"));
    ws_public.push_all(sample("ws_books5_snapshot_futures.json"));
    CO_ASSERT_TRUE(co_await test::eventually([&] { return market.size() >= 3; }));
  });
  int bbos = 0, funding = 0;
  for (const auto& ev : market) {
    if (const auto* b = std::get_if<Bbo>(&ev)) {
      ++bbos;
      EXPECT_EQ(b->symbol, "BTCUSDT");
      EXPECT_EQ(b->market, MarketType::Perp);
      EXPECT_LT(b->bid_price, b->ask_price);
    }
    if (const auto* f = std::get_if<FundingRateUpdate>(&ev)) {
      ++funding;
      EXPECT_EQ(f->rate, "0.000096"_dec);
      EXPECT_EQ(f->next_settlement, UnixNanos::from_ms(1701849600000));
    }
  }
  EXPECT_EQ(bbos, 2);
  EXPECT_EQ(funding, 1);
  EXPECT_EQ(gw.stats().rejected_frames, 0u);
}

TEST_F(GatewayTest, TruncatedFramesAreCountedAndRejectedNotPublished) {
  LoopbackHttpServer rest(io.get_executor(), [](const test::HttpRequest&) { return ServerReply{404, ""}; });
  auto cfg = config(rest);
  cfg.credentials = {};
  Gateway gw(io.get_executor(), cfg, events, clock);
  gw.set_market_handler([&](const MarketEvent& ev) { market.push_back(ev); });
  gw.subscribe_books5("BTCUSDT", MarketType::Perp);
  const std::string whole = sample("ws_books5_snapshot_futures.json");
  // Cut after the best levels: everything a BBO needs is there, the frame is still broken.
  const std::string cut = whole.substr(0, whole.find("\"checksum\""));
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE((co_await gw.start()).has_value());
    CO_ASSERT_TRUE(co_await test::eventually([&] { return gw.ws_public().state() == WsState::Streaming; }));
    ws_public.push_all(cut);
    ws_public.push_all(whole);
    CO_ASSERT_TRUE(co_await test::eventually([&] { return market.size() >= 1; }));
  });
  EXPECT_EQ(market.size(), 1u) << "only the whole frame may produce a BBO";
  EXPECT_EQ(gw.stats().rejected_frames, 1u);
  EXPECT_EQ(events.count("ws.frame_rejected"), 1u);
  EXPECT_EQ(gw.ws_public().stats().connections, 1u) << "a bad frame is no reason to reconnect";
}

TEST_F(GatewayTest, PrivatePushesBecomeExecEventsAndReconnectsAreAnnounced) {
  LoopbackHttpServer rest(io.get_executor(), [](const test::HttpRequest&) { return ServerReply{404, ""}; });
  Gateway gw(io.get_executor(), config(rest), events, clock);
  gw.set_exec_handler([&](const ExecEvent& ev) { exec.push_back(ev); });
  auto count = [&](auto type_tag) {
    using T = decltype(type_tag);
    return std::count_if(exec.begin(), exec.end(), [](const ExecEvent& e) { return std::holds_alternative<T>(e); });
  };
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE((co_await gw.start()).has_value());
    CO_ASSERT_TRUE(gw.ws_private() != nullptr);
    CO_ASSERT_TRUE(co_await test::eventually([&] { return gw.ws_private()->state() == WsState::Streaming; }));
    ws_private.push_all(sample("ws_private_orders_futures.json"));
    ws_private.push_all(sample("ws_private_fill_futures.json"));
    ws_private.push_all(sample("ws_private_positions_futures.json"));
    ws_private.push_all(sample("ws_private_account_spot.json"));
    CO_ASSERT_TRUE(co_await test::eventually([&] {
      return count(OrderUpdate{}) > 0 && count(Fill{}) > 0 && count(PositionUpdate{}) > 0 && count(BalanceUpdate{}) > 0;
    }));
    ws_private.close_all();
    CO_ASSERT_TRUE(co_await test::eventually([&] { return count(StreamReconnected{}) > 0; }));
  });
  EXPECT_EQ(ws_private.logins_ok(), 2);
  // Subscriptions are batched into one message per connection: count the args themselves.
  int account_args = 0;
  for (const auto& frame : ws_private.received())
    for (auto pos = frame.find(R"("channel":"account")"); pos != std::string::npos;
         pos = frame.find(R"("channel":"account")", pos + 1))
      ++account_args;
  EXPECT_EQ(account_args, 4) << "futures + spot account, on both connections";
  EXPECT_EQ(gw.stats().rejected_frames, 0u);
}

TEST_F(GatewayTest, DemoModeUsesPaptradingAndTheWspapHosts) {
  test::HttpRequest seen;
  LoopbackHttpServer rest(io.get_executor(), [&](const test::HttpRequest& req) {
    seen = req;
    return ServerReply{200, sample("rest_public_time.json")};
  });
  GatewayConfig defaults;
  defaults.demo = true;
  EXPECT_EQ(defaults.ws_public(), "wss://wspap.bitget.com/v2/ws/public");
  EXPECT_EQ(defaults.ws_private(), "wss://wspap.bitget.com/v2/ws/private");
  EXPECT_EQ(defaults.rest_url(), "https://api.bitget.com");
  auto cfg = config(rest);
  cfg.demo = true;
  Gateway gw(io.get_executor(), cfg, events, clock);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto t = co_await gw.server_time();
    CO_ASSERT_TRUE(t.has_value());
    EXPECT_EQ(*t, UnixNanos::from_ms(1700111073740));
  });
  EXPECT_EQ(seen["paptrading"], "1");
}

TEST_F(GatewayTest, SecretsNeverAppearInTheConfigDescriptionOrEvents) {
  LoopbackHttpServer rest(io.get_executor(), [](const test::HttpRequest&) { return ServerReply{500, ""}; });
  auto cfg = config(rest);
  Gateway gw(io.get_executor(), cfg, events, clock);
  EXPECT_EQ(cfg.describe().find(kCreds.secret), std::string::npos);
  EXPECT_EQ(cfg.describe().find(kCreds.passphrase), std::string::npos);
  test::run_async(io, [&]() -> asio::awaitable<void> { (void)co_await gw.positions(); });
  for (const auto& e : events.entries) {
    const std::string dump = e.fields.dump();
    EXPECT_EQ(dump.find(kCreds.secret), std::string::npos) << e.event;
    EXPECT_EQ(dump.find(kCreds.passphrase), std::string::npos) << e.event;
  }
}

}  // namespace
}  // namespace carry::bitget
