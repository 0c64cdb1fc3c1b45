// Gateway hot paths (issue 3): WS frame -> BBO cache update, and place-order build + sign.
// Frames come from tests/fixtures/bitget: books1 lines of the tardis v2 and v3 captures (ws/) and
// the futures / spot ticker samples (samples/, v3/). v2 and v3 run in the same binary so their
// figures compare on the same machine state (issue 15).
#include <carry/bitget/fast_bbo.hpp>
#include <carry/bitget/requests.hpp>
#include <carry/bitget/signer.hpp>
#include <carry/bitget/uta_requests.hpp>
#include <carry/bitget/ws_parsers.hpp>
#include <carry_test/paths.hpp>

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace carry;
using namespace carry::bitget;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// books1 pushes of one API version with both sides present, byte for byte as captured.
std::vector<std::string> books1_frames(const char* version = "v2") {
  std::ifstream in(std::string(carry_test::fixtures_dir()) + "/bitget/ws/bitget_ws_v2_v3_message_samples.jsonl");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"api_version\":\"" + std::string(version) + "\"") == std::string::npos ||
        line.find("\"books1\"") == std::string::npos || line.find("\"bids\":[]") != std::string::npos ||
        line.find("\"b\":[]") != std::string::npos)
      continue;
    const auto start = line.find("\"msg\":") + 6;
    out.push_back(line.substr(start, line.size() - start - 1));
  }
  if (out.empty()) throw std::runtime_error("no books1 frames found");
  return out;
}

std::vector<std::string> ticker_frames() {
  const std::string dir = std::string(carry_test::fixtures_dir()) + "/bitget/samples/";
  return {read(dir + "ws_ticker_futures.json"), read(dir + "ws_ticker_spot.json")};
}

// A frame to the carry::Bbo the public router hands the engine (route_public's push_fast).
template <class Parser = FastBboParser>
void run_fast(benchmark::State& state, const std::vector<std::string>& frames) {
  Parser parser;
  std::size_t i = 0;
  std::int64_t bytes = 0;
  const UnixNanos now = UnixNanos::from_ms(1'700'000'000'000);
  for (auto _ : state) {
    const std::string& frame = frames[i++ % frames.size()];
    auto b = parser.parse(frame);
    if (!b) {
      state.SkipWithError(b.error().to_string().c_str());
      break;
    }
    Bbo bbo{std::string(b->symbol), b->market, b->bid_price, b->bid_size, b->ask_price, b->ask_size, b->ts_event, now};
    benchmark::DoNotOptimize(bbo);
    bytes += static_cast<std::int64_t>(frame.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void BM_Books1FrameToBbo(benchmark::State& state) { run_fast(state, books1_frames()); }
void BM_TickerFrameToBbo(benchmark::State& state) { run_fast(state, ticker_frames()); }
// v3 (UTA): the captured books1 pushes (spot + usdt-futures) and the futures ticker capture.
void BM_Books1FrameToBbo_V3(benchmark::State& state) { run_fast<UtaFastBboParser>(state, books1_frames("v3")); }
void BM_TickerFrameToBbo_V3(benchmark::State& state) {
  run_fast<UtaFastBboParser>(state,
                             {read(std::string(carry_test::fixtures_dir()) + "/bitget/v3/ws_ticker_futures.json")});
}

// The general nlohmann path, for comparison (what every other channel uses).
void BM_Books1FrameToBbo_Nlohmann(benchmark::State& state) {
  const auto frames = books1_frames();
  std::size_t i = 0;
  const UnixNanos now = UnixNanos::from_ms(1'700'000'000'000);
  for (auto _ : state) {
    auto m = parse_ws_message(frames[i++ % frames.size()]);
    const auto& push = std::get<WsPush>(*m);
    auto books = parse_ws_books(push);
    auto bbo = bbo_from_book(books->at(0), now);
    benchmark::DoNotOptimize(*bbo);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PlaceOrderBuildAndSign(benchmark::State& state) {
  Signer signer({"bg_0123456789abcdef0123456789abcdef",
                 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "passphrase"},
                false);
  PerpOrderRequest r;
  r.symbol = "BTCUSDT";
  r.side = Side::Buy;
  r.type = OrderType::Limit;
  r.tif = TimeInForce::PostOnly;
  r.size = "0.001"_dec;
  r.price = "30000.5"_dec;
  std::int64_t ts = 1'700'000'000'000;
  std::uint64_t n = 0;
  for (auto _ : state) {
    r.client_oid = "carry-" + std::to_string(++n);
    auto body = build_perp_place_body(r);
    auto headers = signer.rest_headers(++ts, "POST", "/api/v2/mix/order/place-order", "", *body);
    benchmark::DoNotOptimize(headers);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PlaceOrderBuildOnly(benchmark::State& state) {
  PerpOrderRequest r;
  r.symbol = "BTCUSDT";
  r.side = Side::Buy;
  r.type = OrderType::Limit;
  r.tif = TimeInForce::PostOnly;
  r.size = "0.001"_dec;
  r.price = "30000.5"_dec;
  r.client_oid = "carry-123456";
  for (auto _ : state) benchmark::DoNotOptimize(build_perp_place_body(r));
  state.SetItemsProcessed(state.iterations());
}

void BM_PlaceOrderBuildOnly_V3(benchmark::State& state) {
  uta::OrderRequest r;
  r.symbol = "BTCUSDT";
  r.tif = TimeInForce::PostOnly;
  r.qty = "0.001"_dec;
  r.price = "30000.5"_dec;
  r.client_oid = "carry-123456";
  for (auto _ : state) benchmark::DoNotOptimize(uta::place_order(r));
  state.SetItemsProcessed(state.iterations());
}

void BM_HmacSignOnly(benchmark::State& state) {
  Signer signer({"k", "0123456789abcdef0123456789abcdef", "p"}, false);
  const std::string body =
      R"({"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.001","price":"30000","side":"buy","orderType":"limit","force":"post_only","clientOid":"bot-0001"})";
  for (auto _ : state) {
    benchmark::DoNotOptimize(signer.sign_rest(1'700'000'000'000, "POST", "/api/v2/mix/order/place-order", "", body));
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Books1FrameToBbo);
BENCHMARK(BM_Books1FrameToBbo_V3);
BENCHMARK(BM_TickerFrameToBbo);
BENCHMARK(BM_TickerFrameToBbo_V3);
BENCHMARK(BM_Books1FrameToBbo_Nlohmann);
BENCHMARK(BM_PlaceOrderBuildAndSign);
BENCHMARK(BM_PlaceOrderBuildOnly);
BENCHMARK(BM_PlaceOrderBuildOnly_V3);
BENCHMARK(BM_HmacSignOnly);

}  // namespace
