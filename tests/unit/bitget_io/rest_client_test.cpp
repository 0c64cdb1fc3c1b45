// Loopback tests of the REST client against tiny Beast servers (plain HTTP and real TLS).
#include <carry/bitget/io/rest_client.hpp>

#include "io_test_support.hpp"
#include "loopback_http_server.hpp"
#include "self_signed_cert.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace carry::bitget {
namespace {

namespace asio = boost::asio;
using test::LoopbackHttpServer;
using test::ServerReply;
using namespace std::chrono_literals;

constexpr const char* kTimeBody =
    R"({"code":"00000","msg":"success","requestTime":1700111073740,"data":{"serverTime":"1700111073740"}})";

ServerReply ok_time(const test::HttpRequest&) { return {200, kTimeBody}; }

// Built outside the coroutines: GCC 12 miscompiles braced initializer lists inside co_await
// expressions ("array used as initializer").
RestRequest get(std::string path, QueryParams query = {}, bool sign = false) {
  return {HttpMethod::Get, std::move(path), std::move(query), {}, sign, {}};
}
RestRequest post(std::string path, std::string body) {
  return {HttpMethod::Post, std::move(path), {}, std::move(body), true, {}};
}
QueryParams product_type() { return {{"productType", "USDT-FUTURES"}}; }

RestClientConfig config_for(const LoopbackHttpServer& server) {
  RestClientConfig c;
  c.base_url = server.base_url();
  c.request_timeout = 2s;
  c.connect_timeout = 2s;
  return c;
}

class RestClientTest : public ::testing::Test {
 protected:
  asio::io_context io;
  RecordingEventSink events;
  SystemClock clock;
};

// ---------- real TLS ----------

TEST_F(RestClientTest, TlsRequestSucceedsWhenTheCertificateIsTrustedThroughTheCaFile) {
  const auto cert = test::make_self_signed_cert({"IP:127.0.0.1", "DNS:localhost"});
  test::TempFile ca(cert.cert_pem);
  LoopbackHttpServer server(io.get_executor(), ok_time, LoopbackHttpServer::tls_context(cert.cert_pem, cert.key_pem));
  auto cfg = config_for(server);
  ASSERT_EQ(cfg.base_url.rfind("https://", 0), 0u);
  cfg.ca_file = ca.path().string();
  cfg.verify_tls = true;
  RestClient client(io.get_executor(), cfg, nullptr, events, clock);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto res = co_await client.send(get("/api/v2/public/time"));
    EXPECT_TRUE(res.has_value()) << (res ? "" : res.error().message());
    if (res) {
      EXPECT_EQ(res->status, 200);
      EXPECT_EQ(res->body, kTimeBody);
    }
  });
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(RestClientTest, TlsRequestFailsWhenTheClientDoesNotTrustTheCertificate) {
  const auto cert = test::make_self_signed_cert({"IP:127.0.0.1", "DNS:localhost"});
  LoopbackHttpServer server(io.get_executor(), ok_time, LoopbackHttpServer::tls_context(cert.cert_pem, cert.key_pem));
  auto cfg = config_for(server);
  cfg.ca_file.clear();  // the system trust store, which does not hold our throwaway cert
  cfg.verify_tls = true;
  RestClient client(io.get_executor(), cfg, nullptr, events, clock);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto res = co_await client.send(get("/api/v2/public/time"));
    CO_ASSERT_FALSE(res.has_value());
    EXPECT_EQ(res.error(), make_error_code(Errc::io));
    EXPECT_FALSE(is_retryable(res.error()));
  });
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(server.requests(), 0) << "no request may be sent over an unverified channel";
}

TEST_F(RestClientTest, TlsRequestFailsWhenTheCertificateNamesAnotherHost) {
  const auto cert = test::make_self_signed_cert({"DNS:api.example.invalid"});
  test::TempFile ca(cert.cert_pem);
  LoopbackHttpServer server(io.get_executor(), ok_time, LoopbackHttpServer::tls_context(cert.cert_pem, cert.key_pem));
  auto cfg = config_for(server);
  cfg.ca_file = ca.path().string();  // trusted chain, wrong name: host verification must refuse
  RestClient client(io.get_executor(), cfg, nullptr, events, clock);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto res = co_await client.send(get("/api/v2/public/time"));
    CO_ASSERT_FALSE(res.has_value());
    EXPECT_EQ(res.error(), make_error_code(Errc::io));
  });
  EXPECT_EQ(server.requests(), 0);
}

// ---------- plain HTTP loopback ----------

TEST_F(RestClientTest, ReusesOneKeepAliveConnectionForSequentialRequests) {
  LoopbackHttpServer server(io.get_executor(), ok_time);
  RestClient client(io.get_executor(), config_for(server), nullptr, events, clock);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 5; ++i) {
      auto res = co_await client.send(get("/api/v2/public/time"));
      EXPECT_TRUE(res.has_value());
    }
  });
  EXPECT_EQ(server.requests(), 5);
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(client.stats().connections_opened, 1u);
}

TEST_F(RestClientTest, OpensANewConnectionWhenTheServerClosesAfterAResponse) {
  LoopbackHttpServer server(io.get_executor(), [](const test::HttpRequest&) {
    return ServerReply{200, kTimeBody, /*close=*/true};
  });
  RestClient client(io.get_executor(), config_for(server), nullptr, events, clock);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) EXPECT_TRUE((co_await client.send(get("/api/v2/public/time"))).has_value());
  });
  EXPECT_EQ(server.accepted(), 3);
}

TEST_F(RestClientTest, DeadlineExpiresWhenTheServerNeverAnswers) {
  LoopbackHttpServer server(io.get_executor(), [](const test::HttpRequest&) {
    ServerReply r;
    r.hang = true;
    return r;
  });
  auto cfg = config_for(server);
  cfg.request_timeout = 200ms;
  RestClient client(io.get_executor(), cfg, nullptr, events, clock);
  test::run_async(
      io,
      [&]() -> asio::awaitable<void> {
        auto res = co_await client.send(get("/api/v2/mix/market/tickers", product_type()));
        CO_ASSERT_FALSE(res.has_value());
        EXPECT_EQ(res.error(), make_error_code(Errc::timeout));
        EXPECT_TRUE(is_retryable(res.error()));
      },
      5s);
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(RestClientTest, PostWithoutAnswerIsReportedAsTimeoutNeverAsRejected) {
  // The connection drops right after the order left: the outcome is unknown.
  LoopbackHttpServer server(io.get_executor(), [](const test::HttpRequest&) {
    ServerReply r;
    r.hang = true;
    return r;
  });
  auto cfg = config_for(server);
  cfg.request_timeout = 200ms;
  auto signer = std::make_shared<Signer>(Credentials{"key", "secret", "pass"}, false);
  RestClient client(io.get_executor(), cfg, signer, events, clock);
  test::run_async(
      io,
      [&]() -> asio::awaitable<void> {
        auto res = co_await client.send(post("/api/v2/mix/order/place-order", R"({"symbol":"BTCUSDT"})"));
        CO_ASSERT_FALSE(res.has_value());
        EXPECT_EQ(res.error(), make_error_code(Errc::timeout));
      },
      5s);
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(RestClientTest, ClassifiesHttp429And5xxAsRetryableAndBusinessErrorsAsResponses) {
  LoopbackHttpServer server(io.get_executor(), [](const test::HttpRequest& req) {
    if (req.target().starts_with("/r429")) return ServerReply{429, R"({"code":"429","msg":"Too Many Requests"})"};
    if (req.target().starts_with("/r503")) return ServerReply{503, "Service Unavailable"};
    if (req.target().starts_with("/r500")) return ServerReply{500, ""};
    return ServerReply{200, R"({"code":"43012","msg":"Insufficient balance","requestTime":1,"data":null})"};
  });
  auto cfg = config_for(server);
  cfg.cb_fail_threshold = 100;
  RestClient client(io.get_executor(), cfg, nullptr, events, clock);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto r429 = co_await client.send(get("/r429"));
    CO_ASSERT_FALSE(r429.has_value());
    EXPECT_EQ(r429.error(), make_error_code(Errc::rate_limited));
    EXPECT_TRUE(is_retryable(r429.error()));
    auto r503 = co_await client.send(get("/r503"));
    CO_ASSERT_FALSE(r503.has_value());
    EXPECT_EQ(r503.error(), make_error_code(Errc::http_server_error));
    EXPECT_TRUE(is_retryable(r503.error()));
    auto r500 = co_await client.send(get("/r500"));
    CO_ASSERT_FALSE(r500.has_value());
    EXPECT_EQ(r500.error(), make_error_code(Errc::http_server_error));
    // A business error is an HTTP answer: handed to the envelope parser, not retried here.
    auto biz = co_await client.send(get("/business"));
    CO_ASSERT_TRUE(biz.has_value());
    EXPECT_EQ(biz->status, 200);
    EXPECT_NE(biz->body.find("43012"), std::string::npos);
  });
  EXPECT_EQ(client.stats().failures, 3u);
  EXPECT_EQ(events.count("rest.request_failed"), 3u);
}

TEST_F(RestClientTest, CircuitOpensAfterThresholdAndNothingIsSentWhileOpen) {
  LoopbackHttpServer server(io.get_executor(), [](const test::HttpRequest&) { return ServerReply{502, ""}; });
  auto cfg = config_for(server);
  cfg.cb_fail_threshold = 3;
  cfg.cb_open = 60s;
  RestClient client(io.get_executor(), cfg, nullptr, events, clock);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      auto res = co_await client.send(get("/api/v2/public/time"));
      EXPECT_EQ(res.error(), make_error_code(Errc::http_server_error));
    }
    EXPECT_TRUE(client.circuit_open());
    for (int i = 0; i < 5; ++i) {
      auto res = co_await client.send(get("/api/v2/public/time"));
      CO_ASSERT_FALSE(res.has_value());
      EXPECT_EQ(res.error(), make_error_code(Errc::circuit_open));
    }
  });
  EXPECT_EQ(server.requests(), 3) << "requests reached the server while the circuit was open";
  EXPECT_EQ(client.stats().refused_circuit_open, 5u);
  EXPECT_EQ(events.count("rest.circuit_open"), 1u);
}

TEST_F(RestClientTest, CircuitHalfOpensAfterTheOpenPeriodAndClosesOnSuccess) {
  bool healthy = false;
  LoopbackHttpServer server(io.get_executor(), [&](const test::HttpRequest&) {
    return healthy ? ServerReply{200, kTimeBody} : ServerReply{500, ""};
  });
  auto cfg = config_for(server);
  cfg.cb_fail_threshold = 2;
  cfg.cb_open = 1s;
  RestClient client(io.get_executor(), cfg, nullptr, events, clock);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 2; ++i) (void)co_await client.send(get("/t"));
    EXPECT_TRUE(client.circuit_open());
    healthy = true;
    // Poll until the breaker lets a probe through (after cb_open), bounded by a deadline.
    bool recovered = false;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    asio::steady_timer timer(io);
    while (!recovered && std::chrono::steady_clock::now() < deadline) {
      auto res = co_await client.send(get("/t"));
      recovered = res.has_value();
      if (!recovered) {
        EXPECT_EQ(res.error(), make_error_code(Errc::circuit_open));
        timer.expires_after(50ms);
        co_await timer.async_wait(asio::use_awaitable);
      }
    }
    EXPECT_TRUE(recovered);
    EXPECT_FALSE(client.circuit_open());
  });
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(events.count("rest.circuit_half_open"), 1u);
  EXPECT_EQ(events.count("rest.circuit_close"), 1u);
}

TEST_F(RestClientTest, ConcurrencyIsCappedByTheSemaphore) {
  LoopbackHttpServer server(io.get_executor(), [](const test::HttpRequest&) {
    ServerReply r;
    r.hang = true;
    return r;
  });
  auto cfg = config_for(server);
  cfg.max_concurrency = 2;
  cfg.request_timeout = 150ms;
  cfg.cb_fail_threshold = 100;
  RestClient client(io.get_executor(), cfg, nullptr, events, clock);
  test::run_async(
      io,
      [&]() -> asio::awaitable<void> {
        int finished = 0;
        for (int i = 0; i < 5; ++i)
          asio::co_spawn(io, client.send(get("/slow")), [&](std::exception_ptr e, Result<RestResponse> r) {
            EXPECT_FALSE(e);
            EXPECT_EQ(r.error(), make_error_code(Errc::timeout));
            ++finished;
          });
        EXPECT_TRUE(co_await test::eventually([&] { return finished == 5; }));
      },
      10s);
  EXPECT_EQ(server.requests(), 5);
  EXPECT_LE(server.peak_open_connections(), 2);
}

TEST_F(RestClientTest, SignedRequestsCarryVerifiableHeadersAndTheDemoFlag) {
  test::HttpRequest seen;
  LoopbackHttpServer server(io.get_executor(), [&](const test::HttpRequest& req) {
    seen = req;
    return ServerReply{200, R"({"code":"00000","msg":"success","requestTime":1,"data":[]})"};
  });
  auto signer = std::make_shared<Signer>(Credentials{"my-key", "my-secret", "my-pass"}, /*demo=*/true);
  RestClient client(io.get_executor(), config_for(server), signer, events, clock);
  const RestRequest req =
      get("/api/v2/mix/position/all-position", {{"productType", "USDT-FUTURES"}, {"marginCoin", "USDT"}}, true);
  test::run_async(io, [&]() -> asio::awaitable<void> { EXPECT_TRUE((co_await client.send(req)).has_value()); });
  EXPECT_EQ(seen.target(), "/api/v2/mix/position/all-position?marginCoin=USDT&productType=USDT-FUTURES");
  EXPECT_EQ(seen["ACCESS-KEY"], "my-key");
  EXPECT_EQ(seen["ACCESS-PASSPHRASE"], "my-pass");
  EXPECT_EQ(seen["paptrading"], "1");
  const std::string ts(seen["ACCESS-TIMESTAMP"]);
  EXPECT_TRUE(verify_rest_signature("my-secret", ts, "GET", "/api/v2/mix/position/all-position",
                                    "marginCoin=USDT&productType=USDT-FUTURES", "", std::string(seen["ACCESS-SIGN"])));
}

TEST_F(RestClientTest, ServerTimeOffsetIsMeasuredAndUsedForTheTimestamp) {
  std::string last_ts;
  LoopbackHttpServer server(io.get_executor(), [&](const test::HttpRequest& req) {
    last_ts = std::string(req["ACCESS-TIMESTAMP"]);
    return ServerReply{200, kTimeBody};
  });
  ManualClock manual(UnixNanos::from_ms(1700111070000));  // 3.74 s behind the server
  auto signer = std::make_shared<Signer>(Credentials{"k", "s", "p"}, false);
  RestClient client(io.get_executor(), config_for(server), signer, events, manual);
  test::run_async(io, [&]() -> asio::awaitable<void> {
    auto off = co_await client.sync_server_time();
    CO_ASSERT_TRUE(off.has_value());
    EXPECT_EQ(*off, 3740);
    EXPECT_EQ(client.exchange_time_ms(), 1700111073740);
    (void)co_await client.send(get("/api/v2/mix/account/accounts", product_type(), true));
  });
  EXPECT_EQ(last_ts, "1700111073740");
}

TEST(EncodeHttpRequest, ProducesTheExactBytesAndRefusesHeaderInjection) {
  const std::vector<Header> headers{{"ACCESS-KEY", "k"}, {"Content-Type", "application/json"}};
  auto wire = encode_http_request(true, "/api/v2/mix/order/place-order", "api.bitget.com", headers, R"({"a":"1"})");
  ASSERT_TRUE(wire.has_value());
  EXPECT_EQ(*wire,
            "POST /api/v2/mix/order/place-order HTTP/1.1\r\nHost: api.bitget.com\r\nUser-Agent: carry/0.1\r\n"
            "ACCESS-KEY: k\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"a\":\"1\"}");
  auto get = encode_http_request(false, "/t?a=1", "127.0.0.1:80", {}, "");
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(*get, "GET /t?a=1 HTTP/1.1\r\nHost: 127.0.0.1:80\r\nUser-Agent: carry/0.1\r\n\r\n");
  const std::vector<Header> evil{{"ACCESS-KEY", "k\r\nX-Evil: 1"}};
  auto bad = encode_http_request(false, "/t", "h", evil, "");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), make_error_code(Errc::invalid_argument));
}

TEST_F(RestClientTest, RefusesPlainHttpToANonLoopbackHost) {
  RestClientConfig cfg;
  cfg.base_url = "http://api.bitget.com";
  EXPECT_THROW(RestClient(io.get_executor(), cfg, nullptr, events, clock), std::runtime_error);
}

}  // namespace
}  // namespace carry::bitget
