#include <carry/risk/risk_engine.hpp>

#include <carry_test/oms_fixture.hpp>

using namespace carry;
using namespace carry::oms;
using namespace carry::oms::test;
using namespace carry::risk;
using namespace std::chrono_literals;

namespace {

class RiskTest : public OmsTest {
 protected:
  RiskLimits limits;
  std::unique_ptr<RiskEngine> risk;
  std::vector<std::string> persisted;

  void SetUp() override {
    limits.max_slippage_bps = 30;
    limits.max_net_delta_bps = 100;
    OmsTest::SetUp();
    build_risk();
  }
  void build_risk() {
    risk = std::make_unique<RiskEngine>(limits, sink, clock);
    risk->attach(*oms);
    risk->set_state_listener([this](const KillSwitch& k) { persisted.push_back(k.serialize()); });
    feed_bbo(MarketType::Spot, "100", "100.2");
    feed_bbo(MarketType::Perp, "100", "100.2");
  }
  void feed_bbo(MarketType m, const char* bid, const char* ask) {
    Bbo b;
    b.symbol = "BTCUSDT";
    b.market = m;
    b.bid_price = Decimal::parse(bid).value();
    b.ask_price = Decimal::parse(ask).value();
    b.bid_size = b.ask_size = Decimal::from_units(5);
    b.ts_event = b.ts_init = clock.now();
    oms->on_market(b);
    risk->on_market(b);
  }
  void fill_now(MarketType m, Side side, const char* size, const char* price = "100") {
    auto in = limit(m, side, price, size);
    auto id = submit_ok(in);
    oms->on_place_result(id, ack(id));
    oms->on_exec(fill(id, "T" + id, price, size));
    commands();
  }
  std::string blocked_rule(SubmitRequest in) {
    auto r = oms->submit(std::move(in));
    return r.accepted() ? "" : r.reason;
  }
};

}  // namespace

TEST_F(RiskTest, OrderSizeAndNotionalLimits) {
  limits.max_order_size = Decimal::from_units(1);
  limits.max_order_size_by_symbol["BTCUSDT"] = "0.5"_dec;
  limits.max_order_notional = Decimal::from_units(30);
  build_risk();
  EXPECT_EQ(blocked_rule(limit(MarketType::Spot, Side::Buy, "100", "0.6")), "max_order_size");
  EXPECT_EQ(blocked_rule(limit(MarketType::Spot, Side::Buy, "100", "0.4")), "max_order_notional");
  EXPECT_EQ(blocked_rule(limit(MarketType::Spot, Side::Buy, "100", "0.3")), "");
  ASSERT_NE(sink.last("risk.block"), nullptr);
  EXPECT_EQ(sink.last("risk.block")->fields["rule"], "max_order_notional");
  EXPECT_EQ(sink.last("risk.block")->fields["limit"], "30");
}

TEST_F(RiskTest, SymbolAndTotalNotionalCountThePositionAfterTheOrder) {
  limits.max_symbol_notional = Decimal::from_units(50);
  limits.max_total_notional = Decimal::from_units(80);
  limits.max_net_delta_bps = 0;
  build_risk();
  fill_now(MarketType::Spot, Side::Buy, "0.4");
  EXPECT_EQ(blocked_rule(limit(MarketType::Spot, Side::Buy, "100", "0.2")), "max_symbol_notional");     // 60 > 50
  EXPECT_EQ(blocked_rule(limit(MarketType::Perp, Side::Sell, "100.2", "0.45")), "max_total_notional");  // 40 + 45
  EXPECT_EQ(blocked_rule(limit(MarketType::Perp, Side::Sell, "100.2", "0.39")), "");
}

TEST_F(RiskTest, SlippageOfTakerOrders) {
  limits.max_slippage_bps = 5;
  build_risk();
  feed_bbo(MarketType::Perp, "100", "100.2");  // half spread = 10 bps
  EXPECT_EQ(blocked_rule(market(MarketType::Perp, Side::Buy, "0.01")), "max_slippage");
  EXPECT_EQ(blocked_rule(limit(MarketType::Perp, Side::Buy, "100.2", "0.01")), "max_slippage");  // through the touch
  EXPECT_EQ(blocked_rule(limit(MarketType::Perp, Side::Buy, "100.1", "0.01")), "");              // rests
  feed_bbo(MarketType::Perp, "100", "100.1");
  EXPECT_EQ(blocked_rule(market(MarketType::Perp, Side::Buy, "0.01")), "");
}

TEST_F(RiskTest, UnhedgedLegBlocksMoreOfTheSameButNotTheHedge) {
  fill_now(MarketType::Spot, Side::Buy, "0.5");  // the perp leg never happened
  EXPECT_DOUBLE_EQ(risk->net_delta_bps("BTCUSDT"), 10'000.0);
  EXPECT_EQ(blocked_rule(limit(MarketType::Spot, Side::Buy, "100", "0.5")), "max_net_delta");
  EXPECT_EQ(blocked_rule(limit(MarketType::Perp, Side::Buy, "100", "0.1")), "max_net_delta");
  EXPECT_EQ(blocked_rule(limit(MarketType::Perp, Side::Sell, "100.2", "0.5")), "");
}

TEST_F(RiskTest, DailyLossTripsReducingThenFlatHalts) {
  limits.daily_loss_limit = Decimal::from_units(5);
  build_risk();
  fill_now(MarketType::Perp, Side::Buy, "1", "100");
  risk->on_timer();                          // day start
  feed_bbo(MarketType::Perp, "96", "96.2");  // -3.9
  risk->on_timer();
  EXPECT_EQ(risk->kill_switch().state(), KillState::Active);
  feed_bbo(MarketType::Perp, "94", "94.2");  // -5.9
  risk->on_timer();
  EXPECT_EQ(risk->kill_switch().state(), KillState::Reducing);
  EXPECT_EQ(risk->kill_switch().reason(), "daily_loss");
  ASSERT_NE(sink.last("kill_switch.trip"), nullptr);
  EXPECT_EQ(sink.last("kill_switch.trip")->fields["reason"], "daily_loss");
  ASSERT_EQ(persisted.size(), 1u);
  EXPECT_NE(persisted[0].find("daily_loss"), std::string::npos);
  EXPECT_EQ(blocked_rule(limit(MarketType::Perp, Side::Buy, "94.1", "0.1")), "kill_switch.reducing");
  EXPECT_EQ(sink.count("kill_switch.block"), 1u);
  EXPECT_EQ(blocked_rule(limit(MarketType::Perp, Side::Sell, "94.1", "0.5")), "");  // reduces
}

TEST_F(RiskTest, ApiErrorBurstTrips) {
  limits.api_error_burst = 3;
  limits.api_error_window_s = 10;
  build_risk();
  risk->on_api_result(make_error_code(Errc::exchange_rejected));  // a business refusal is not API trouble
  risk->on_api_result(make_error_code(Errc::timeout));
  clock.advance(11s);
  risk->on_api_result(make_error_code(Errc::http_server_error));
  risk->on_api_result(make_error_code(Errc::network));
  EXPECT_EQ(risk->kill_switch().state(), KillState::Active);
  risk->on_api_result(make_error_code(Errc::rate_limited));
  EXPECT_EQ(risk->kill_switch().state(), KillState::Reducing);
  EXPECT_EQ(risk->kill_switch().reason(), "api_error_burst");
}

TEST_F(RiskTest, MarketDataStalenessTripsOnlyWithAPosition) {
  limits.market_data_stale_s = 10;
  build_risk();
  clock.advance(20s);
  risk->on_timer();
  EXPECT_EQ(risk->kill_switch().state(), KillState::Active);  // nothing at risk
  feed_bbo(MarketType::Perp, "100", "100.2");
  fill_now(MarketType::Perp, Side::Sell, "0.1", "100.2");
  clock.advance(9s);
  risk->on_timer();
  EXPECT_EQ(risk->kill_switch().state(), KillState::Active);
  clock.advance(2s);
  risk->on_timer();
  EXPECT_EQ(risk->kill_switch().state(), KillState::Reducing);
  EXPECT_EQ(risk->kill_switch().reason(), "md_stale");
}

// NTP steps the host's wall clock: a jump forward is no silence and a jump back hides none.
TEST_F(RiskTest, MarketDataStalenessRunsOnMonotonicTimeNotTheWallClock) {
  limits.market_data_stale_s = 10;
  build_risk();
  fill_now(MarketType::Perp, Side::Sell, "0.1", "100.2");
  feed_bbo(MarketType::Perp, "100", "100.2");
  clock.step_wall(1h);
  risk->on_timer();
  EXPECT_EQ(risk->kill_switch().state(), KillState::Active);  // data arrived 0 s ago
  clock.advance(5s);
  feed_bbo(MarketType::Perp, "100", "100.2");
  clock.step_wall(-1h);
  clock.step_wall(-1h);  // now an hour behind where it started
  clock.advance(9s);
  risk->on_timer();
  EXPECT_EQ(risk->kill_switch().state(), KillState::Active);
  clock.advance(2s);  // 11 s of real silence; the wall clock, stepped back, shows less than none
  risk->on_timer();
  EXPECT_EQ(risk->kill_switch().state(), KillState::Reducing);
  EXPECT_EQ(risk->kill_switch().reason(), "md_stale");
  EXPECT_EQ(sink.last("kill_switch.trip")->fields["silent_ms"], 11'000);
}

// Found by the fault soak (seed 7): carryd feeds the risk engine market data only once trading
// is enabled, so a position adopted after a start-up reconcile slower than market_data_stale_s (429/5xx
// retries) tripped md_stale on its first timer although the market data was flowing.
TEST_F(RiskTest, AHeldLegWithoutDataYetIsStaleOnlyMdStaleAfterItWasFirstSeen) {
  limits.market_data_stale_s = 10;
  RiskEngine fresh(limits, sink, clock);  // no market data fed to it at all
  fresh.attach(*oms);
  clock.advance(40s);
  oms->adopt_position("BTCUSDT", MarketType::Perp, "-0.1"_dec, "100"_dec);
  fresh.on_timer();
  EXPECT_EQ(fresh.kill_switch().state(), KillState::Active);
  clock.advance(9s);
  fresh.on_timer();
  EXPECT_EQ(fresh.kill_switch().state(), KillState::Active);
  clock.advance(2s);  // and still nothing: that is stale
  fresh.on_timer();
  EXPECT_EQ(fresh.kill_switch().state(), KillState::Reducing);
  EXPECT_EQ(fresh.kill_switch().reason(), "md_stale");
}

TEST_F(RiskTest, FundingTurningAgainstTheShortTrips) {
  fill_now(MarketType::Perp, Side::Sell, "0.1", "100.2");
  FundingRateUpdate f;
  f.symbol = "BTCUSDT";
  f.rate = "0.0001"_dec;  // shorts receive
  risk->on_market(f);
  EXPECT_EQ(risk->kill_switch().state(), KillState::Active);
  f.rate = "-0.00005"_dec;
  risk->on_market(f);
  EXPECT_EQ(risk->kill_switch().state(), KillState::Reducing);
  EXPECT_EQ(risk->kill_switch().reason(), "funding_flip");
  EXPECT_EQ(sink.last("kill_switch.trip")->fields["rate"], "-0.00005");
}

TEST_F(RiskTest, FundingFlipThresholdToleratesSmallNegativeRates) {
  limits.funding_flip_kill_rate = "0.0001"_dec;
  build_risk();
  fill_now(MarketType::Perp, Side::Sell, "0.1", "100.2");
  FundingRateUpdate f;
  f.symbol = "BTCUSDT";
  f.rate = "-0.00005"_dec;
  risk->on_market(f);
  EXPECT_EQ(risk->kill_switch().state(), KillState::Active);
  f.rate = "-0.0002"_dec;
  risk->on_market(f);
  EXPECT_EQ(risk->kill_switch().state(), KillState::Reducing);
}

TEST_F(RiskTest, HaltedBlocksEvenReductionsAndAmends) {
  fill_now(MarketType::Perp, Side::Sell, "0.2", "100.2");
  auto resting = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.1"));
  oms->on_place_result(resting, ack(resting));
  commands();
  risk->trip(KillState::Halted, "operator");
  EXPECT_EQ(blocked_rule(limit(MarketType::Perp, Side::Buy, "100", "0.05")), "kill_switch.halted");
  EXPECT_EQ(oms->amend(resting, "100.1"_dec).reason, "kill_switch.halted");
  EXPECT_TRUE(risk->flatten_all().size() == 1u);
  for (auto& in : risk->flatten_all()) EXPECT_FALSE(oms->submit(in).accepted());
  EXPECT_TRUE(oms->cancel(resting).has_value());  // taking orders off the book is always allowed
  EXPECT_EQ(count<PlaceOrderRequest>(commands()), 0u);
  EXPECT_EQ(sink.count("kill_switch.halt"), 1u);
  risk->reset();
  EXPECT_EQ(risk->kill_switch().state(), KillState::Active);
  EXPECT_EQ(sink.count("kill_switch.reset"), 1u);
  EXPECT_EQ(persisted.size(), 2u);
}

TEST_F(RiskTest, RestoredStateAppliesImmediately) {
  KillSwitch saved;
  saved.escalate(KillState::Halted, "operator", UnixNanos::from_ms(5));
  auto text = saved.serialize();
  build_risk();
  risk->restore(KillSwitch::deserialize(text).value());
  EXPECT_EQ(risk->kill_switch().state(), KillState::Halted);
  EXPECT_EQ(blocked_rule(limit(MarketType::Spot, Side::Buy, "100", "0.01")), "kill_switch.halted");
  EXPECT_EQ(sink.count("kill_switch.restore"), 1u);
}

TEST_F(RiskTest, FlattenAllProducesReducingMarketOrdersCappedByMaxSize) {
  limits.max_order_size = "0.3"_dec;
  limits.max_net_delta_bps = 0;
  build_risk();
  fill_now(MarketType::Spot, Side::Buy, "0.25");
  fill_now(MarketType::Perp, Side::Sell, "0.2", "100.2");
  fill_now(MarketType::Perp, Side::Sell, "0.2", "100.2");
  auto intents = risk->flatten_all();
  ASSERT_EQ(intents.size(), 2u);
  EXPECT_EQ(intents[0].market, MarketType::Spot);
  EXPECT_EQ(intents[0].side, Side::Sell);
  EXPECT_EQ(intents[0].size, "0.25"_dec);
  EXPECT_FALSE(intents[0].reduce_only);
  EXPECT_EQ(intents[1].market, MarketType::Perp);
  EXPECT_EQ(intents[1].side, Side::Buy);
  EXPECT_EQ(intents[1].size, "0.3"_dec);  // 0.4 capped
  EXPECT_TRUE(intents[1].reduce_only);
  EXPECT_EQ(intents[1].type, OrderType::Market);
  EXPECT_FALSE(risk->flat());
}

TEST_F(RiskTest, FlattenAllStaysInsideTheOrderNotionalLimit) {
  limits.max_order_notional = Decimal::from_units(20);
  limits.max_net_delta_bps = 0;
  build_risk();
  fill_now(MarketType::Perp, Side::Sell, "0.15", "100.2");
  fill_now(MarketType::Perp, Side::Sell, "0.15", "100.2");
  auto intents = risk->flatten_all();
  ASSERT_EQ(intents.size(), 1u);
  EXPECT_EQ(intents[0].size, "0.198"_dec);  // 20 / 100.1 = 0.1998 -> 0.199 on the lot, less one lot
  EXPECT_TRUE(oms->submit(intents[0]).accepted());
}

TEST_F(RiskTest, ReducingStateRefusesAmendsThatKeepAnOpeningOrderAlive) {
  limits.max_net_delta_bps = 0;
  build_risk();
  fill_now(MarketType::Perp, Side::Buy, "0.3");  // long 0.3
  auto opening = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.1"));
  auto closing = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "0.1"));
  oms->on_place_result(opening, ack(opening));
  oms->on_place_result(closing, ack(closing));
  risk->trip(KillState::Reducing, "operator");
  EXPECT_EQ(oms->amend(opening, "100.1"_dec).reason, "kill_switch.reducing");
  EXPECT_TRUE(oms->amend(closing, "100.3"_dec).accepted());
}
