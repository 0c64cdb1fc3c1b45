// One /metrics scrape's cost on the event loop: format_metrics of a full snapshot (every family,
// 30 REST endpoints with their latency histograms, two WebSocket sessions) for 2 and 100 symbols.
// Building the snapshot from the runtime's state is a copy of the same numbers and is included
// via build_heartbeat (the heavier part: per-symbol decimals).
#include <carry/monitor/prometheus.hpp>

#include <benchmark/benchmark.h>

using namespace carry;
using namespace carry::monitor;

namespace {

HeartbeatInput input(int symbols) {
  HeartbeatInput in;
  in.now = UnixNanos::from_seconds(1'735'689'600);
  for (int i = 0; i < symbols; ++i) {
    SymbolState s;
    s.symbol = "SYM" + std::to_string(i) + "USDT";
    s.spot_position = Decimal::from_raw(11'000'000 + i);
    s.perp_position = -s.spot_position;
    s.spot_bid = Decimal::from_units(100'000 + i);
    s.spot_ask = *s.spot_bid + Decimal::from_units(1);
    s.perp_bid = *s.spot_bid + Decimal::from_units(5);
    s.perp_ask = *s.perp_bid + Decimal::from_units(1);
    s.spot_entry_price = s.spot_bid;
    s.perp_entry_price = s.perp_ask;
    s.funding_rate = Decimal::from_raw(300'000);
    s.next_funding = in.now + std::chrono::hours(3);
    s.funding_interval_hours = 8;
    s.funding_pnl = Decimal::from_raw(1'234'567'890);
    s.fees_paid = Decimal::from_raw(456'000'000);
    in.symbols.push_back(s);
  }
  in.kill_switch = "active";
  return in;
}

MetricsSnapshot snapshot_without_heartbeat() {
  MetricsSnapshot s;
  s.version = "0.1.0";
  s.orders = {{"submitted", 120}, {"acked", 118}, {"rejected", 2}, {"canceled", 40}, {"amended", 30}};
  s.fills = {{"spot", 60}, {"perp", 61}};
  for (int e = 0; e < 30; ++e) {
    const std::string ep = "/api/v2/mix/order/endpoint-" + std::to_string(e);
    s.rest_requests.push_back({ep, "200", 1000u + static_cast<unsigned>(e)});
    s.rest_requests.push_back({ep, "429", 3});
    RestLatency l;
    l.endpoint = ep;
    l.seconds.bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    l.seconds.counts = {1, 10, 200, 500, 250, 30, 5, 2, 1, 0, 0, 0};
    l.seconds.sum = 48.25;
    l.seconds.count = 999;
    s.rest_latency.push_back(std::move(l));
  }
  s.ws = {{"public", 1, 0.05}, {"private", 0, 4.2}};
  return s;
}

void Scrape(benchmark::State& state) {
  const auto in = input(static_cast<int>(state.range(0)));
  const auto base = snapshot_without_heartbeat();
  std::size_t bytes = 0;
  for (auto _ : state) {
    MetricsSnapshot s = base;
    s.heartbeat = build_heartbeat(in);
    const std::string text = format_metrics(s);
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(Scrape)->Arg(2)->Arg(100)->Unit(benchmark::kMicrosecond);

void FormatOnly(benchmark::State& state) {
  MetricsSnapshot s = snapshot_without_heartbeat();
  s.heartbeat = build_heartbeat(input(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    const std::string text = format_metrics(s);
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(FormatOnly)->Arg(2)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace
