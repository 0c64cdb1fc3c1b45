// Market events per second through the engine: paper::Exchange (matching resting orders)
// -> OMS (top of book, chaser) -> risk (marks, freshness) -> the strategy (holding no symbol here:
// the bench submits itself), driven by engine::PaperDriver as the backtest drives it, one thread.
#include <carry/engine/paper_driver.hpp>

#include <benchmark/benchmark.h>

#include <random>

using namespace carry;

namespace {

Instrument instrument(MarketType m) {
  Instrument i;
  i.symbol = "BTCUSDT";
  i.market = m;
  i.base_coin = "BTC";
  i.quote_coin = "USDT";
  i.tick = "0.1"_dec;
  i.lot = "0.001"_dec;
  i.min_size = "0.001"_dec;
  i.maker_fee = "0.0002"_dec;
  i.taker_fee = "0.0006"_dec;
  return i;
}

// A seeded random walk of BBOs alternating spot and perp, prices on the 0.1 grid around 100.
// The benchmarks cycle through it and keep the clock moving 1 ms per event.
std::vector<MarketEvent> make_tape(std::size_t n) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> step(-2, 2), spread(1, 3), size(1, 50);
  std::vector<MarketEvent> tape;
  tape.reserve(n);
  std::int64_t mid_ticks = 1000;  // 100.0
  for (std::size_t i = 0; i < n; ++i) {
    mid_ticks = std::clamp<std::int64_t>(mid_ticks + step(rng), 950, 1050);
    Bbo b;
    b.symbol = "BTCUSDT";
    b.market = i % 2 ? MarketType::Perp : MarketType::Spot;
    const std::int64_t half = spread(rng);
    b.bid_price = Decimal::from_raw((mid_ticks - half) * 100'000'000);
    b.ask_price = Decimal::from_raw((mid_ticks + half) * 100'000'000);
    b.bid_size = Decimal::from_raw(size(rng) * 100'000'000);
    b.ask_size = Decimal::from_raw(size(rng) * 100'000'000);
    b.ts_event = b.ts_init = UnixNanos::from_ms(1'700'000'000'000 + static_cast<std::int64_t>(i));
    tape.emplace_back(std::move(b));
  }
  return tape;
}

struct Engine {
  ManualClock clock{UnixNanos::from_ms(1'700'000'000'000)};
  NullEventSink sink;
  ClientOidGenerator ids{"bench", 0};
  paper::Exchange exchange;
  engine::Engine engine;
  oms::OrderManager& oms;
  risk::RiskEngine& risk;
  engine::PaperDriver driver;

  static paper::PaperParams paper_params() {
    paper::PaperParams p;
    p.spot_balances["USDT"] = Decimal::from_units(10'000'000);
    p.spot_balances["BTC"] = Decimal::from_units(100'000);
    p.futures_usdt = Decimal::from_units(10'000'000);
    return p;
  }
  static oms::OmsParams oms_params(std::int64_t order_ttl_ms) {
    oms::OmsParams p;
    p.ws_stale_block_ms = 0;
    p.price_dev_bps_limit = 0;  // the far resting orders would be refused otherwise
    p.order_ttl_ms = order_ttl_ms;
    return p;
  }
  static risk::RiskLimits limits() {
    risk::RiskLimits l;
    l.max_net_delta_bps = 0;
    return l;
  }

  static strategy::FundingBasisParams no_symbols() {
    strategy::FundingBasisParams p;
    p.symbols.clear();
    return p;
  }

  explicit Engine(std::int64_t order_ttl_ms = 0)
      : exchange(paper_params(), clock),
        engine({oms_params(order_ttl_ms), limits(), no_symbols()}, ids, sink, clock),
        oms(engine.oms()),
        risk(engine.risk()),
        driver(engine, exchange, clock) {
    for (auto m : {MarketType::Spot, MarketType::Perp}) {
      exchange.add_instrument(instrument(m));
      engine.add_instrument(instrument(m));
    }
  }

  void submit(MarketType m, Side side, const char* price) {
    oms::SubmitRequest in;
    in.symbol = "BTCUSDT";
    in.market = m;
    in.side = side;
    in.type = OrderType::Limit;
    in.size = "0.01"_dec;
    in.price = Decimal::parse(price).value();
    if (!oms.submit(in).accepted()) throw std::runtime_error("bench set-up order refused");
    if (!driver.pump()) throw std::runtime_error("bench set-up did not settle");
  }
};

// Resting orders that never fill: the steady state of a carry bot waiting between decisions.
void BM_EngineMarketEventsOrdersResting(benchmark::State& state) {
  const auto tape = make_tape(1 << 16);
  Engine e;
  e.driver.on_market(tape[0]);
  e.driver.on_market(tape[1]);
  for (int i = 0; i < 5; ++i) {
    for (auto m : {MarketType::Spot, MarketType::Perp}) {
      e.submit(m, Side::Buy, "50");
      e.submit(m, Side::Sell, "200");
    }
  }
  std::size_t i = 0, events = 0;
  for (auto _ : state) {
    const MarketEvent& ev = tape[i++ & (tape.size() - 1)];
    e.clock.set(UnixNanos::from_ms(1'700'000'000'000 + static_cast<std::int64_t>(events)));
    e.driver.on_market(ev);
    if ((events++ & 1023) == 0) {
      e.oms.on_timer();
      e.risk.on_timer();
    }
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  if (e.exchange.open_order_count() != 20) state.SkipWithError("resting orders changed");
}
BENCHMARK(BM_EngineMarketEventsOrdersResting);

// Orders one tick outside the touch that fill as the walk crosses them and are replaced at once
// (the ones the walk leaves behind expire after 500 ms of tape): fills, cancels, ExecEvents,
// position and balance bookkeeping on the hot path.
void BM_EngineMarketEventsWithFills(benchmark::State& state) {
  const auto tape = make_tape(1 << 16);
  Engine e(/*order_ttl_ms=*/500);
  e.driver.on_market(tape[0]);
  e.driver.on_market(tape[1]);
  std::size_t i = 0, events = 0;
  const std::uint64_t fills_before = e.oms.metrics().total.fills;
  for (auto _ : state) {
    const MarketEvent& ev = tape[i++ & (tape.size() - 1)];
    const Bbo& b = std::get<Bbo>(ev);
    e.clock.set(
        UnixNanos::from_ms(1'700'000'000'000 + static_cast<std::int64_t>(events)));  // the tape wraps; time must not
    e.driver.on_market(ev);
    if (e.exchange.open_order_count() < 4) {
      oms::SubmitRequest in;
      in.symbol = "BTCUSDT";
      in.market = b.market;
      in.type = OrderType::Limit;
      in.size = "0.01"_dec;
      in.side = (events & 1) ? Side::Buy : Side::Sell;
      in.price = in.side == Side::Buy ? b.bid_price - "0.1"_dec : b.ask_price + "0.1"_dec;
      (void)e.oms.submit(in);
      if (!e.driver.pump()) state.SkipWithError("did not settle");
    }
    if ((events++ & 1023) == 0) {
      e.oms.on_timer();
      e.risk.on_timer();
      e.oms.prune_terminal(e.clock.mono());  // keep memory flat over millions of orders
    }
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["fills"] = static_cast<double>(e.oms.metrics().total.fills - fills_before);
  state.counters["orders"] = static_cast<double>(e.oms.metrics().total.submits);
  if (e.oms.metrics().total.blocks || e.oms.metrics().total.rejects) state.SkipWithError("orders refused");
}
BENCHMARK(BM_EngineMarketEventsWithFills);

}  // namespace
