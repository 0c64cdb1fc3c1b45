// Loopback tests of WsClient (driver of WsSessionFsm) against a Bitget-like Beast server.
#include <carry/bitget/io/ws_client.hpp>

#include "io_test_support.hpp"
#include "loopback_http_server.hpp"
#include "loopback_ws_server.hpp"
#include "self_signed_cert.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

namespace carry::bitget {
namespace {

namespace asio = boost::asio;
using test::LoopbackWsServer;
using namespace std::chrono_literals;

constexpr const char* kTickerPush =
    R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"ticker","instId":"BTCUSDT"},)"
    R"("data":[{"instId":"BTCUSDT","lastPr":"27000.5","bidPr":"27000","askPr":"27000.5","bidSz":"2.71","askSz":"8.76","ts":"1695716760565"}],"ts":1695716760565})";

SubscriptionArg ticker_arg() { return {"USDT-FUTURES", "ticker", "BTCUSDT", ""}; }
SubscriptionArg orders_arg() { return {"USDT-FUTURES", "orders", "default", ""}; }

// Fast timings so the reconnect paths run in milliseconds.
WsClientConfig fast_config(const std::string& url) {
  WsClientConfig c;
  c.url = url;
  c.connect_timeout = 2s;
  c.session.ping_interval = 100ms;
  c.session.pong_timeout = 150ms;
  c.session.idle_timeout = 2s;
  c.session.login_timeout = 1s;
  c.session.subscribe_timeout = 1s;
  c.session.backoff.initial = 10ms;
  c.session.backoff.cap = 50ms;
  return c;
}

struct Recorder {
  std::vector<std::string> frames;
  int reconnected = 0;
  std::vector<std::string> resyncs;
  WsClient::Handlers handlers() {
    return {[this](std::string_view f, UnixNanos) { frames.emplace_back(f); },
            [this](bool, UnixNanos) { ++reconnected; },
            [this](const SubscriptionArg& a) { resyncs.push_back(a.key()); }};
  }
};

class WsClientTest : public ::testing::Test {
 protected:
  asio::io_context io;
  RecordingEventSink events;
  SystemClock clock;
  Recorder rec;
};

TEST_F(WsClientTest, SubscribesAndDeliversPushFrames) {
  LoopbackWsServer server(io.get_executor(), {});
  WsClient client(io.get_executor(), fast_config(server.url()), nullptr, events, clock, rec.handlers());
  client.subscribe({ticker_arg()});
  client.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await test::eventually([&] { return client.state() == WsState::Streaming; }));
    server.push_all(kTickerPush);
    CO_ASSERT_TRUE(co_await test::eventually([&] { return !rec.frames.empty(); }));
    EXPECT_EQ(rec.frames.front(), kTickerPush);
  });
  EXPECT_EQ(server.count_received(R"("op":"subscribe")"), 1);
  EXPECT_EQ(server.count_received(R"("channel":"ticker")"), 1);
  EXPECT_EQ(rec.reconnected, 0);
}

TEST_F(WsClientTest, SendsTextPingAndStaysUpWhilePongsArrive) {
  LoopbackWsServer server(io.get_executor(), {});
  WsClient client(io.get_executor(), fast_config(server.url()), nullptr, events, clock, rec.handlers());
  client.subscribe({ticker_arg()});
  client.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await test::eventually([&] { return server.count_received("ping") >= 3; }));
  });
  EXPECT_EQ(server.accepted(), 1) << "a healthy link was dropped";
  EXPECT_EQ(client.stats().connections, 1u);
}

TEST_F(WsClientTest, ReconnectsAndResubscribesEverythingAfterTheServerCloses) {
  LoopbackWsServer server(io.get_executor(), {});
  WsClient client(io.get_executor(), fast_config(server.url()), nullptr, events, clock, rec.handlers());
  const SubscriptionArg books{"USDT-FUTURES", "books", "BTCUSDT", ""};
  client.subscribe({ticker_arg(), books});
  client.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await test::eventually([&] { return client.state() == WsState::Streaming; }));
    server.close_all();
    CO_ASSERT_TRUE(co_await test::eventually([&] { return rec.reconnected == 1; }));
    CO_ASSERT_TRUE(co_await test::eventually([&] { return client.state() == WsState::Streaming; }));
    server.push_all(kTickerPush);
    CO_ASSERT_TRUE(co_await test::eventually([&] { return !rec.frames.empty(); }));
  });
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(server.count_received(R"("channel":"ticker")"), 2);
  EXPECT_EQ(server.count_received(R"("channel":"books")"), 2);
  ASSERT_EQ(rec.resyncs.size(), 1u) << "the local book must be dropped on reconnect";
  EXPECT_EQ(rec.resyncs.front(), books.key());
}

TEST_F(WsClientTest, DetectsADeadLinkWhenPongsStopAndReconnects) {
  LoopbackWsServer server(io.get_executor(), {});
  WsClient client(io.get_executor(), fast_config(server.url()), nullptr, events, clock, rec.handlers());
  client.subscribe({ticker_arg()});
  client.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await test::eventually([&] { return client.state() == WsState::Streaming; }));
    server.stall_all();  // socket stays open, nothing comes back
    CO_ASSERT_TRUE(co_await test::eventually([&] { return events.count("ws.dead_link") >= 1; }));
    CO_ASSERT_TRUE(co_await test::eventually([&] { return rec.reconnected == 1; }));
  });
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(client.state(), WsState::Streaming);
}

TEST_F(WsClientTest, PrivateSessionLogsInWithAVerifiableSignatureBeforeSubscribing) {
  LoopbackWsServer server(io.get_executor(), {"the-secret", "the-key", "the-pass", false});
  Signer signer(Credentials{"the-key", "the-secret", "the-pass"}, false);
  auto cfg = fast_config(server.url("/v2/ws/private"));
  cfg.session.name = "private";
  cfg.session.private_channel = true;
  WsClient client(io.get_executor(), cfg, &signer, events, clock, rec.handlers());
  client.subscribe({orders_arg()});
  client.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await test::eventually([&] { return client.state() == WsState::Streaming; }));
  });
  EXPECT_EQ(server.logins_ok(), 1);
  ASSERT_GE(server.received().size(), 2u);
  EXPECT_NE(server.received()[0].find(R"("op":"login")"), std::string::npos) << "login must come first";
  EXPECT_NE(server.received()[1].find(R"("channel":"orders")"), std::string::npos);
}

TEST_F(WsClientTest, RejectedLoginBacksOffAndNeverSubscribes) {
  LoopbackWsServer server(io.get_executor(), {"the-secret", "the-key", "the-pass", /*reject_login=*/true});
  Signer signer(Credentials{"the-key", "wrong-secret", "the-pass"}, false);
  auto cfg = fast_config(server.url("/v2/ws/private"));
  cfg.session.private_channel = true;
  WsClient client(io.get_executor(), cfg, &signer, events, clock, rec.handlers());
  client.subscribe({orders_arg()});
  client.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await test::eventually([&] { return server.accepted() >= 2; }));
  });
  EXPECT_GE(events.count("ws.login_failed"), 1u);
  EXPECT_EQ(server.count_received(R"("op":"subscribe")"), 0);
}

TEST_F(WsClientTest, WssWithCertificateVerificationAgainstAThrowawayCa) {
  const auto cert = test::make_self_signed_cert({"IP:127.0.0.1"});
  test::TempFile ca(cert.cert_pem);
  LoopbackWsServer server(io.get_executor(), {}, test::LoopbackHttpServer::tls_context(cert.cert_pem, cert.key_pem));
  auto cfg = fast_config(server.url());
  ASSERT_EQ(cfg.url.rfind("wss://", 0), 0u);
  cfg.ca_file = ca.path().string();
  WsClient client(io.get_executor(), cfg, nullptr, events, clock, rec.handlers());
  client.subscribe({ticker_arg()});
  client.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await test::eventually([&] { return client.state() == WsState::Streaming; }));
    server.push_all(kTickerPush);
    CO_ASSERT_TRUE(co_await test::eventually([&] { return !rec.frames.empty(); }));
  });
}

TEST_F(WsClientTest, WssRefusesAnUntrustedCertificate) {
  const auto cert = test::make_self_signed_cert({"IP:127.0.0.1"});
  LoopbackWsServer server(io.get_executor(), {}, test::LoopbackHttpServer::tls_context(cert.cert_pem, cert.key_pem));
  WsClient client(io.get_executor(), fast_config(server.url()), nullptr, events, clock, rec.handlers());
  client.subscribe({ticker_arg()});
  client.start();
  test::run_async(io, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await test::eventually([&] { return events.count("ws.connect_failed") >= 2; }));
  });
  EXPECT_NE(client.state(), WsState::Streaming);
  EXPECT_TRUE(server.received().empty());
}

TEST_F(WsClientTest, RefusesPlainWsToANonLoopbackHost) {
  WsClientConfig cfg;
  cfg.url = "ws://ws.bitget.com/v2/ws/public";
  EXPECT_THROW(WsClient(io.get_executor(), cfg, nullptr, events, clock, {}), std::runtime_error);
}

}  // namespace
}  // namespace carry::bitget
