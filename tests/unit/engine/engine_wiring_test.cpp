// The strategy through the whole engine (OMS guards, risk limits set by hand, the paper exchange
// filling) for an open, a close on a funding flip, a reopen and a flatten: every intent the
// strategy makes is one the OMS and the risk engine accept and the exchange fills, and the
// strategy's view of its legs matches the exchange's at every checkpoint.
#include "engine_fixture.hpp"

namespace carry::engine {
namespace {

using namespace std::chrono_literals;
using strategy::SymbolMode;
using strategy::SymbolView;

class WiringTest : public test::EngineFixture {
 protected:
  WiringTest() {
    EngineSetup setup;
    setup.oms.ws_stale_block_ms = 0;  // no private stream here
    setup.risk.max_order_notional = Decimal::from_units(2000);
    setup.risk.max_symbol_notional = Decimal::from_units(10000);
    setup.risk.max_total_notional = Decimal::from_units(20000);
    setup.risk.max_slippage_bps = 15;
    setup.risk.market_data_stale_s = 0;
    setup.risk.funding_flip_kill_rate = Decimal::from_units(1);  // the strategy closes on a flip itself
    setup.strategy.symbols = {"ETHUSDT"};
    build(setup);
  }

  // Steps of one second.
  void run(int seconds) {
    for (int i = 0; i < seconds; ++i) step(1s);
  }

  void funding(const char* rate) { EngineFixture::funding(rate, next); }

  // The strategy's legs are the exchange's legs (one lot of rounding at most on spot).
  void expect_consistent(const char* when) {
    const SymbolView v = engine->strategy().view("ETHUSDT").value();
    EXPECT_EQ(v.perp_position, ex->position("ETHUSDT")) << when;
    EXPECT_EQ(v.spot_position, ex->spot_balance("ETH").total()) << when;
    EXPECT_LT((v.spot_position + v.perp_position).abs(), "0.001"_dec) << when << ": hedged within one lot";
  }

  UnixNanos next = UnixNanos::from_seconds(test::kT0) + 8h;
};

TEST_F(WiringTest, OpensClosesReopensAndFlattensThroughTheOmsAndPaperExchange) {
  quotes();
  funding("0.001");
  run(600);
  const SymbolView opened = engine->strategy().view("ETHUSDT").value();
  EXPECT_EQ(opened.mode, SymbolMode::Open);
  EXPECT_EQ(opened.spot_position, "9.995"_dec);
  expect_consistent("opened");
  EXPECT_GE(sink.count("order.fill"), 2u);

  funding("-0.001");
  run(600);
  EXPECT_EQ(engine->strategy().view("ETHUSDT")->mode, SymbolMode::Flat);
  EXPECT_TRUE(ex->position("ETHUSDT").is_zero());
  expect_consistent("closed");

  clock.advance(1h);  // past the reopen cooldown
  funding("0.002");
  run(300);
  EXPECT_EQ(engine->strategy().view("ETHUSDT")->mode, SymbolMode::Open);
  EXPECT_TRUE(ex->position("ETHUSDT").is_negative());
  expect_consistent("reopened");

  engine->flatten_all("shutdown");
  pump();
  run(30);
  EXPECT_TRUE(ex->position("ETHUSDT").is_zero());
  EXPECT_TRUE(ex->spot_balance("ETH").total().is_zero());
  EXPECT_EQ(ex->open_order_count(), 0u);
  expect_consistent("flattened");
  EXPECT_EQ(engine->oms().metrics().total.blocks, 0u) << "every intent passed the OMS guards and the risk engine";
  EXPECT_EQ(sink.count("hedge.deviation_halt"), 0u);
}

}  // namespace
}  // namespace carry::engine
