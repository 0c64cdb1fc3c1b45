// FundingBasis wired to the real OMS, risk engine and paper exchange the way app::Engine does it
// (intents -> oms::OrderIntent, cancels -> OrderManager::cancel, blocked submits reported back,
// every ExecEvent to both). Proves the intents are ones the OMS accepts and the paper exchange
// fills, and that the strategy's view of its legs matches the exchange's at every checkpoint.
#include <carry/oms/order_manager.hpp>
#include <carry/paper/exchange.hpp>
#include <carry/risk/risk_engine.hpp>

#include "funding_basis_fixture.hpp"

#include <chrono>
#include <cmath>

namespace carry::strategy::test {
namespace {

using namespace std::chrono_literals;

class WiringTest : public ::testing::Test {
 protected:
  WiringTest() {
    paper::PaperParams pp;
    pp.perp_leverage = 2;
    pp.spot_balances["USDT"] = Decimal::from_units(10000);
    pp.futures_usdt = Decimal::from_units(10000);
    ex = std::make_unique<paper::Exchange>(pp, clock);
    oms::OmsParams op;
    op.ws_stale_block_ms = 0;  // no private stream here
    om = std::make_unique<oms::OrderManager>(op, ids, sink, clock);
    risk::RiskLimits rl;
    rl.max_order_notional = Decimal::from_units(2000);
    rl.max_symbol_notional = Decimal::from_units(10000);
    rl.max_total_notional = Decimal::from_units(20000);
    rl.max_slippage_bps = 15;
    rl.md_stale_ms = 0;
    rl.funding_flip_threshold = Decimal::from_units(1);  // the strategy closes on a flip itself
    risk = std::make_unique<risk::RiskEngine>(rl, sink, clock);
    risk->attach(*om);
    FundingBasisParams p;
    p.symbols = {"ETHUSDT"};
    fb = std::make_unique<FundingBasis>(p, ids, sink, clock);
    for (const Instrument& i : {spot_instrument(), perp_instrument()}) {
      ex->add_instrument(i);
      om->add_instrument(i);
      market(InstrumentUpdate{i, clock.now(), clock.now()});
    }
    for (const auto& b : ex->balances()) exec(b);
  }

  void apply() {
    for (int round = 0; round < 16 && !acts.empty(); ++round) {
      Actions batch;
      std::swap(batch, acts);
      for (const auto& c : batch.cancels) (void)om->cancel(c.client_oid, c.reason);
      for (const auto& o : batch.orders) {
        oms::OrderIntent in;
        in.symbol = o.symbol;
        in.market = o.market;
        in.side = o.side;
        in.type = o.type;
        in.tif = o.tif;
        in.price = o.price;
        in.size = o.size;
        in.reduce_only = o.reduce_only;
        in.chase = o.chase;
        in.client_oid = o.client_oid;
        in.tag = o.tag();
        const auto r = om->submit(in);
        if (!r.accepted()) {
          ++blocked;
          fb->on_submit_rejected(o.client_oid, r.reason, acts);
        }
      }
    }
    EXPECT_TRUE(acts.empty());
  }

  void pump() {
    for (int guard = 0; guard < 1000; ++guard) {
      bool did = false;
      for (auto& cmd : om->take_commands()) {
        did = true;
        std::visit(
            [&](auto& c) {
              using T = std::decay_t<decltype(c)>;
              if constexpr (std::is_same_v<T, PlaceOrderRequest>)
                om->on_place_result(c.client_oid, ex->place(c));
              else if constexpr (std::is_same_v<T, CancelOrderRequest>)
                om->on_cancel_result(c.client_oid, ex->cancel(c));
              else if constexpr (std::is_same_v<T, AmendOrderRequest>)
                om->on_amend_result(c.new_client_oid, ex->amend(c));
              else
                om->on_query_result(c.client_oid, Result<std::optional<OrderUpdate>>(
                                                      ex->order_by_client_oid(c.symbol, c.market, c.client_oid)));
            },
            cmd);
      }
      std::vector<ExecEvent> evs;
      ex->drain_events(evs);
      for (const auto& e : evs) {
        did = true;
        exec(e);
      }
      if (!did) return;
    }
    ADD_FAILURE() << "engine did not settle";
  }

  void exec(const ExecEvent& e) {
    om->on_exec(e);
    fb->on_exec(e, acts);
    apply();
  }

  void market(const MarketEvent& e) {
    ex->on_market(e);
    pump();
    om->on_market(e);
    risk->on_market(e);
    fb->on_market(e, acts);
    apply();
    pump();
  }

  void timer() {
    om->on_timer();
    risk->on_timer();
    fb->on_timer(acts);
    apply();
    pump();
  }

  void quotes() {
    auto d = [](double x) { return Decimal::from_double(std::round(x * 100) / 100).value(); };
    const double pm = mid * (1 + basis / 1e4);
    const UnixNanos t = clock.now();
    market(Bbo{"ETHUSDT", MarketType::Spot, d(mid - 0.01), "30"_dec, d(mid + 0.01), "30"_dec, t, t});
    market(Bbo{"ETHUSDT", MarketType::Perp, d(pm - 0.01), "30"_dec, d(pm + 0.01), "30"_dec, t, t});
  }

  void run(int seconds) {
    for (int i = 0; i < seconds; ++i) {
      clock.advance(1s);
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      mid *= 1 + (static_cast<double>(rng >> 11) / static_cast<double>(1ULL << 53) - 0.5) * 0.0006;
      quotes();
      timer();
    }
  }

  void funding(const char* rate) {
    market(
        FundingRateUpdate{"ETHUSDT", Decimal::parse(rate).value(), next, 8, {}, {}, {}, {}, clock.now(), clock.now()});
  }

  // The strategy's legs are the exchange's legs (one lot of rounding at most on spot).
  void expect_consistent(const char* when) {
    const SymbolView v = fb->view("ETHUSDT").value();
    EXPECT_EQ(v.perp_position, ex->position("ETHUSDT")) << when;
    EXPECT_EQ(v.spot_position, ex->spot_balance("ETH").total()) << when;
    EXPECT_LT((v.spot_position + v.perp_position).abs(), "0.001"_dec) << when << ": hedged within one lot";
  }

  ManualClock clock{UnixNanos::from_seconds(kT0)};
  RecordingEventSink sink;
  ClientOidGenerator ids{"cry", 0};
  std::unique_ptr<paper::Exchange> ex;
  std::unique_ptr<oms::OrderManager> om;
  std::unique_ptr<risk::RiskEngine> risk;
  std::unique_ptr<FundingBasis> fb;
  Actions acts;
  int blocked = 0;
  double mid = 100, basis = 6;
  std::uint64_t rng = 3;
  UnixNanos next = UnixNanos::from_seconds(kT0) + 8h;
};

TEST_F(WiringTest, OpensClosesReopensAndFlattensThroughTheOmsAndPaperExchange) {
  quotes();
  funding("0.001");
  run(600);
  const SymbolView opened = fb->view("ETHUSDT").value();
  EXPECT_EQ(opened.mode, SymbolMode::Open);
  EXPECT_EQ(opened.spot_position, "9.995"_dec);
  expect_consistent("opened");
  EXPECT_GE(sink.count("order.fill"), 2u);

  funding("-0.001");
  run(600);
  EXPECT_EQ(fb->view("ETHUSDT")->mode, SymbolMode::Flat);
  EXPECT_TRUE(ex->position("ETHUSDT").is_zero());
  expect_consistent("closed");

  clock.advance(1h);  // past the reopen cooldown
  funding("0.002");
  run(300);
  EXPECT_EQ(fb->view("ETHUSDT")->mode, SymbolMode::Open);
  EXPECT_TRUE(ex->position("ETHUSDT").is_negative());
  expect_consistent("reopened");

  fb->flatten_all("shutdown", acts);
  apply();
  pump();
  run(30);
  EXPECT_TRUE(ex->position("ETHUSDT").is_zero());
  EXPECT_TRUE(ex->spot_balance("ETH").total().is_zero());
  EXPECT_EQ(ex->open_order_count(), 0u);
  expect_consistent("flattened");
  EXPECT_EQ(blocked, 0) << "every intent passed the OMS guards and the risk engine";
  EXPECT_EQ(sink.count("hedge.deviation_halt"), 0u);
}

}  // namespace
}  // namespace carry::strategy::test
