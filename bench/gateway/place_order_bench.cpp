// The place-order path inside the process: JSON body build -> HMAC signature + headers ->
// HTTP/1.1 bytes for the socket (encode_http_request, exactly what RestClient writes), and, for scale, a full
// RestClient round trip over loopback to a Beast server.
#include <carry/bitget/io/rest_client.hpp>
#include <carry/bitget/requests.hpp>
#include <carry/bitget/signer.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <benchmark/benchmark.h>

#include <iostream>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace carry;
using namespace carry::bitget;

PerpOrderRequest order(std::uint64_t n) {
  PerpOrderRequest r;
  r.symbol = "BTCUSDT";
  r.side = Side::Sell;
  r.type = OrderType::Limit;
  r.tif = TimeInForce::PostOnly;
  r.size = "0.001"_dec;
  r.price = "30000.1"_dec;
  r.client_oid = "carry-" + std::to_string(n);
  return r;
}

const Signer& signer() {
  static const Signer s(Credentials{"bg_0123456789abcdef0123456789abcdef",
                                    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "passphrase"},
                        false);
  return s;
}

void BM_PlaceOrder_BuildBody(benchmark::State& state) {
  std::uint64_t n = 0;
  for (auto _ : state) {
    auto body = build_perp_place_body(order(++n));
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_PlaceOrder_BuildBody);

void BM_PlaceOrder_BuildAndSign(benchmark::State& state) {
  std::uint64_t n = 0;
  const std::int64_t ts = 1700000000000;
  for (auto _ : state) {
    auto body = build_perp_place_body(order(++n));
    auto headers = signer().rest_headers(ts, "POST", "/api/v2/mix/order/place-order", "", *body);
    benchmark::DoNotOptimize(headers);
  }
}
BENCHMARK(BM_PlaceOrder_BuildAndSign);

void BM_PlaceOrder_BuildSignSerialize(benchmark::State& state) {
  std::uint64_t n = 0;
  const std::int64_t ts = 1700000000000;
  std::string wire;
  wire.reserve(1024);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto body = build_perp_place_body(order(++n));
    auto headers = signer().rest_headers(ts, "POST", "/api/v2/mix/order/place-order", "", *body);
    auto wire_bytes = encode_http_request(true, "/api/v2/mix/order/place-order", "api.bitget.com", headers, *body);
    wire = std::move(*wire_bytes);
    bytes = wire.size();
    benchmark::DoNotOptimize(wire.data());
  }
  state.counters["bytes_out"] = static_cast<double>(bytes);
}
BENCHMARK(BM_PlaceOrder_BuildSignSerialize);

void BM_EncodeHttpRequestOnly(benchmark::State& state) {
  auto body = *build_perp_place_body(order(1));
  const auto headers = signer().rest_headers(1700000000000, "POST", "/api/v2/mix/order/place-order", "", body);
  for (auto _ : state) {
    auto wire = encode_http_request(true, "/api/v2/mix/order/place-order", "api.bitget.com", headers, body);
    benchmark::DoNotOptimize(wire);
  }
}
BENCHMARK(BM_EncodeHttpRequestOnly);

// Whole RestClient path over loopback TCP (keep-alive) to an in-process Beast server answering
// the recorded place-order ack: client + server share the one thread, so this is an upper bound.
void BM_PlaceOrder_RestClientLoopbackRoundTrip(benchmark::State& state) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto [aec, sock] = co_await acceptor.async_accept(tuple);
        if (aec) co_return;
        beast::flat_buffer buf;
        for (;;) {
          http::request<http::string_body> req;
          auto [ec, n] = co_await http::async_read(sock, buf, req, tuple);
          if (ec) co_return;
          http::response<http::string_body> res{http::status::ok, 11};
          res.body() =
              R"({"code":"00000","msg":"success","requestTime":1695806875837,"data":{"clientOid":"1","orderId":"1"}})";
          res.keep_alive(true);
          res.prepare_payload();
          auto [wec, wn] = co_await http::async_write(sock, res, tuple);
          if (wec) co_return;
        }
      },
      [](std::exception_ptr e) {
        if (e) std::cerr << "bench server failed\n";
      });
  NullEventSink events;
  SystemClock clock;
  RestClientConfig cfg;
  cfg.base_url = "http://127.0.0.1:" + std::to_string(port);
  cfg.rate_limit = false;  // measure the path, not the token bucket's pacing
  auto s = std::make_shared<Signer>(Credentials{"k", "secret", "p"}, false);
  RestClient client(io.get_executor(), cfg, s, events, clock);
  std::uint64_t n = 0;
  for (auto _ : state) {
    bool done = false;
    RestRequest req;
    req.method = HttpMethod::Post;
    req.path = "/api/v2/mix/order/place-order";
    req.body = *build_perp_place_body(order(++n));
    req.sign = true;
    asio::co_spawn(io, client.send(std::move(req)), [&](std::exception_ptr, Result<RestResponse> r) {
      if (!r) state.SkipWithError("request failed");
      done = true;
    });
    while (!done) io.run_one();
  }
  state.counters["connections"] = static_cast<double>(client.stats().connections_opened);
}
BENCHMARK(BM_PlaceOrder_RestClientLoopbackRoundTrip)->UseRealTime();

}  // namespace
