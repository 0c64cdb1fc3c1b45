#pragma once
// An Engine trading ETHUSDT against a paper::Exchange through engine::PaperDriver (as the backtest
// drives it), on a seeded random walk of the mid with a fixed basis. The engine tests choose the
// setup (the config's defaults, or hand-set limits) and what the venue does to the orders.
#include <carry/core/event_sink.hpp>
#include <carry/engine/engine.hpp>
#include <carry/engine/paper_driver.hpp>
#include <carry/paper/exchange.hpp>

#include <carry_test/strategy_fixture.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <memory>

namespace carry::engine::test {

inline constexpr std::int64_t kT0 = 1735689600;  // 2025-01-01T00:00:00Z

class EngineFixture : public ::testing::Test {
 protected:
  // The exchange (10,000 USDT on each side, 2x perp leverage), the engine with `setup`, both
  // instruments and the opening balances.
  void build(const EngineSetup& setup, EngineRecorder* recorder = nullptr) {
    paper::PaperParams pp;
    pp.leverage = 2;
    pp.spot_balances["USDT"] = Decimal::from_units(10000);
    pp.futures_usdt = Decimal::from_units(10000);
    ex = std::make_unique<paper::Exchange>(pp, clock);
    engine = std::make_unique<Engine>(setup, ids, sink, clock, recorder);
    driver = std::make_unique<PaperDriver>(*engine, *ex, clock);
    for (const Instrument& i : {strategy::test::spot_instrument(), strategy::test::perp_instrument()}) {
      ex->add_instrument(i);
      engine->add_instrument(i);
    }
    for (const auto& b : ex->balances()) engine->on_exec(b);
  }

  void pump() { EXPECT_TRUE(driver->pump()) << "the engine did not settle"; }

  void quotes() {
    auto d = [](double x) { return Decimal::from_double(std::round(x * 100) / 100).value(); };
    const double pm = mid * (1 + basis / 1e4);
    const UnixNanos t = clock.now();
    driver->on_market(Bbo{"ETHUSDT", MarketType::Spot, d(mid - 0.01), "30"_dec, d(mid + 0.01), "30"_dec, t, t});
    driver->on_market(Bbo{"ETHUSDT", MarketType::Perp, d(pm - 0.01), "30"_dec, d(pm + 0.01), "30"_dec, t, t});
  }

  void funding(const char* rate, UnixNanos next_settlement) {
    driver->on_market(FundingRateUpdate{
        "ETHUSDT", Decimal::parse(rate).value(), next_settlement, 8, {}, {}, {}, {}, clock.now(), clock.now()});
  }

  // One step of `dt`: the mid walks, both quotes, the timer.
  void step(std::chrono::milliseconds dt) {
    clock.advance(dt);
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    mid *= 1 + (static_cast<double>(rng >> 11) / static_cast<double>(1ULL << 53) - 0.5) * 0.0006;
    quotes();
    engine->on_timer();
    pump();
  }

  // Spot + perp as the strategy holds them.
  Decimal net() const {
    const auto v = engine->strategy().view("ETHUSDT").value();
    return v.spot_position + v.perp_position;
  }

  ManualClock clock{UnixNanos::from_seconds(kT0)};
  RecordingEventSink sink;
  ClientOidGenerator ids{"cry", 0};
  std::unique_ptr<paper::Exchange> ex;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<PaperDriver> driver;
  double mid = 100, basis = 6;
  std::uint64_t rng = 3;
};

}  // namespace carry::engine::test
