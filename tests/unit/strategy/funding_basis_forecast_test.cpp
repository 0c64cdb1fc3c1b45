// FundingBasis decides on the funding forecast: entry on the blend of the current rate and the
// settled rates it learned, exit only when the forecast stays low for close_confirmations funding
// periods, or at once when it turns against the position.
#include "funding_basis_fixture.hpp"

#include <chrono>

namespace carry::strategy::test {
namespace {

using namespace std::chrono_literals;

struct ForecastTest : FundingBasisTest {
  UnixNanos next;  // the settlement the current funding period ends with

  ForecastTest() {
    params.forecast = {0.5, 9, 3};
    params.close_confirmations = 3;
  }
  // The strategy with instruments and balances but no quotes: it learns funding without trading.
  void make_without_quotes() {
    fb = std::make_unique<FundingBasis>(params, ids, sink, clock);
    market(InstrumentUpdate{spot_instrument("ETHUSDT"), now(), now()});
    market(InstrumentUpdate{perp_instrument("ETHUSDT", 8), now(), now()});
    balances();
  }
  // The first update: a period that settles 8 h from now.
  Actions first(const char* rate) {
    next = now() + 8h;
    return funding(rate, 8h);
  }
  // A revised prediction for the same settlement a minute later.
  Actions predict(const char* rate) {
    advance(1min);
    return funding(rate, next - now());
  }
  // Time reaches the settlement (the last prediction is what settled) and the next period begins.
  Actions settle_then(const char* rate) {
    advance(next - now());
    next = now() + 8h;
    return funding(rate, 8h);
  }
  // Fills the opening leader and its follower in full: a hedged position of 9.995.
  void fill_open(const Actions& open) {
    ASSERT_EQ(open.orders.size(), 1u);
    const OrderIntent leader = open.orders.at(0);
    const OrderIntent follower = fill(leader, "9.995").orders.at(0);
    update(leader, OrderStatus::Filled, "9.995");
    fill(follower, "9.995");
    update(follower, OrderStatus::Filled, "9.995");
  }
  static const Decision* last(const Actions& a) { return a.decisions.empty() ? nullptr : &a.decisions.back(); }
};

TEST_F(ForecastTest, AHighCurrentRateAfterALongLowHistoryDoesNotOpen) {
  params.decision_log_interval_s = 1;  // log every evaluation's numbers
  make();
  first("0.00005");
  for (int i = 0; i < 6; ++i) settle_then("0.00005");
  const Actions a = predict("0.0006");  // alone: 54 - 26 bps over 72 h, 34 % APR: would open
  ASSERT_NE(last(a), nullptr);
  const Decision& d = *last(a);
  EXPECT_EQ(d.kind, DecisionKind::Hold);
  EXPECT_EQ(d.reason, "apr_below_min");
  EXPECT_DOUBLE_EQ(d.funding_rate, 0.0006);
  EXPECT_NEAR(d.ewma_rate, 0.00005, 1e-12);
  EXPECT_DOUBLE_EQ(d.forecast_weight, 0.5);
  EXPECT_EQ(d.settlements_seen, 6);
  EXPECT_NEAR(d.forecast_rate, 0.000325, 1e-12);
  // 9 settlements x 3.25 bps = 29.25 bps of funding, 26 bps of costs: 3.25 bps over 72 h.
  EXPECT_NEAR(d.funding_bps, 29.25, 1e-6);
  EXPECT_NEAR(d.expected_apr, 3.25e-4 * 8760 / 72, 1e-6);
  EXPECT_TRUE(a.orders.empty());
  EXPECT_NEAR(sink.last("strategy.decision")->fields.at("forecast_rate").get<double>(), 0.000325, 1e-12);
}

TEST_F(ForecastTest, ALowCurrentRateAfterALongHighHistoryOpens) {
  make_without_quotes();
  first("0.002");
  for (int i = 0; i < 6; ++i) settle_then("0.002");
  quotes();
  const Actions a = predict("0.0001");  // alone: 9 - 26 bps, a loss: would hold
  ASSERT_NE(last(a), nullptr);
  const Decision& d = *last(a);
  EXPECT_EQ(d.kind, DecisionKind::Open);
  EXPECT_EQ(d.direction, 1);
  EXPECT_NEAR(d.forecast_rate, 0.00105, 1e-12);
  EXPECT_NEAR(d.funding_bps, 94.5, 1e-6);
  EXPECT_EQ(a.orders.size(), 1u);
}

TEST_F(ForecastTest, SettledRatesAreTheLastPredictionBeforeEachSettlement) {
  params.forecast = {0.5, 9, 1};
  params.decision_log_interval_s = 1;
  make();
  EXPECT_EQ(last(first("0.00001"))->settlements_seen, 0);
  advance(1h);
  const Actions revised = predict("0.00002");  // a revision of the same settlement: not a settlement
  EXPECT_EQ(last(revised)->settlements_seen, 0);
  EXPECT_DOUBLE_EQ(last(revised)->forecast_rate, 0.00002);
  const Actions after = settle_then("0.00004");
  ASSERT_NE(last(after), nullptr);
  EXPECT_EQ(last(after)->settlements_seen, 1);
  EXPECT_NEAR(last(after)->ewma_rate, 0.00002, 1e-12);
  EXPECT_NEAR(last(after)->forecast_rate, 0.00003, 1e-12);
}

// At start the venue's recent settlements seed the history: the forecast does not wait
// min_history settlements on the current rate alone. Seeding happens once, and never over what
// was learned.
TEST_F(ForecastTest, TheVenuesRecentSettlementsSeedTheHistoryOnce) {
  params.decision_log_interval_s = 1;
  make();
  EXPECT_EQ(fb->seed_settled_funding("ETHUSDT", {0.00005, 0.00005, 0.00005, 0.00005, 0.00005, 0.00005}, 8), 6);
  EXPECT_EQ(fb->seed_settled_funding("ETHUSDT", {0.01}, 8), 0);  // already seeded
  EXPECT_EQ(fb->seed_settled_funding("NOPEUSDT", {0.01}, 8), 0);
  ASSERT_NE(sink.last("strategy.forecast_seeded"), nullptr);
  const Actions a = first("0.0006");  // the same case as AHighCurrentRateAfterALongLowHistory...
  ASSERT_NE(last(a), nullptr);
  EXPECT_EQ(last(a)->settlements_seen, 6);
  EXPECT_NEAR(last(a)->forecast_rate, 0.000325, 1e-12);
  EXPECT_EQ(last(a)->reason, "apr_below_min");
}

TEST_F(ForecastTest, OneLowPrintDoesNotCloseButNConsecutivePeriodsDo) {
  params.forecast.current_weight = 1;  // the current rate alone: only the persistence is tested
  make();
  next = now() + 8h;
  open_hedged("0.001");
  ASSERT_EQ(view().mode, SymbolMode::Open);
  Actions a = predict("0.00001");  // 1.1 % APR, below close_apr 2 %
  ASSERT_NE(last(a), nullptr);
  EXPECT_EQ(last(a)->kind, DecisionKind::Hold);
  EXPECT_EQ(last(a)->reason, "close_pending");
  EXPECT_EQ(last(a)->close_confirmations, 1);
  EXPECT_TRUE(a.orders.empty());
  advance(10s);
  EXPECT_EQ(count(timer(), DecisionKind::Close), 0u);  // more checks in the same period count once
  a = predict("0.001");                                // back up: the count starts again
  EXPECT_EQ(last(a)->reason, "holding");
  EXPECT_EQ(last(a)->close_confirmations, 0);
  EXPECT_EQ(view().mode, SymbolMode::Open);

  a = predict("0.00001");
  EXPECT_EQ(last(a)->close_confirmations, 1);
  a = settle_then("0.00001");
  EXPECT_EQ(last(a)->reason, "close_pending");  // a new count is news, though the reason is not
  EXPECT_EQ(last(a)->close_confirmations, 2);
  EXPECT_EQ(count(a, DecisionKind::Close), 0u);
  a = settle_then("0.00001");
  ASSERT_EQ(count(a, DecisionKind::Close), 1u);
  EXPECT_EQ(last(a)->reason, "apr_below_close");
  EXPECT_EQ(last(a)->close_confirmations, 3);
  EXPECT_EQ(view().mode, SymbolMode::Closing);
}

TEST_F(ForecastTest, AForecastAgainstThePositionClosesAtOnce) {
  make();
  next = now() + 8h;
  open_hedged("0.001");
  const Actions a = predict("-0.0005");
  ASSERT_EQ(count(a, DecisionKind::Close), 1u);
  EXPECT_EQ(last(a)->reason, "funding_sign_flip");
  EXPECT_LT(last(a)->forecast_rate, 0);
}

TEST_F(ForecastTest, ANegativePrintAfterAPositiveHistoryIsNotAFlipUntilTheForecastTurns) {
  params.forecast = {0.5, 1, 3};
  make_without_quotes();
  first("0.001");
  for (int i = 0; i < 3; ++i) settle_then("0.001");
  quotes();
  fill_open(settle_then("0.001"));
  ASSERT_EQ(view().mode, SymbolMode::Open);
  Actions a = predict("-0.0002");  // blend 0.5 x -2 + 0.5 x 10 = +4 bps: still the carry's side
  EXPECT_EQ(count(a, DecisionKind::Close), 0u);
  a = settle_then("-0.0002");  // mean (10 + -2) / 2 = 4 bps, blend +1 bp: 11 % APR, held
  EXPECT_EQ(count(a, DecisionKind::Close), 0u);
  EXPECT_EQ(view().mode, SymbolMode::Open);
  a = settle_then("-0.0002");  // mean 1 bp, blend -0.5 bp: the forecast has turned
  ASSERT_EQ(count(a, DecisionKind::Close), 1u);
  EXPECT_EQ(last(a)->reason, "funding_sign_flip");
}

TEST_F(ForecastTest, AnAdverseForecastCheaperThanARoundTripIsRiddenOut) {
  params.adverse_horizon_hours = 72;  // 9 settlements of 8 h
  params.close_apr = -0.5;
  make();
  next = now() + 8h;
  open_hedged("0.001");
  // Round trip 26 bps (2 x (perp maker 2 + spot taker 10 + spot half spread 1)). No history yet:
  // the forecast is the current rate. -2 bp x 9 = 18 bps of funding to pay: cheaper than closing.
  Actions a = predict("-0.0002");
  EXPECT_EQ(count(a, DecisionKind::Close), 0u);
  ASSERT_NE(last(a), nullptr);
  EXPECT_EQ(last(a)->reason, "adverse_tolerated");
  EXPECT_EQ(view().mode, SymbolMode::Open);
  // -5 bp x 9 = 45 bps: more than the round trip, closed at once.
  a = predict("-0.0005");
  ASSERT_EQ(count(a, DecisionKind::Close), 1u);
  EXPECT_EQ(last(a)->reason, "funding_sign_flip");
}

TEST_F(ForecastTest, ATakerLeaderOpensWithAnIocAndCountsItsCosts) {
  params.leader_taker = true;
  make();
  const Actions a = funding("0.001");
  ASSERT_EQ(count(a, DecisionKind::Open), 1u);
  const Decision& d = *last(a);
  // fees 2 x (perp taker 6 + spot taker 10) bps; slippage 2 x (spot 1 + perp 0.01 / 100.06) bps.
  EXPECT_NEAR(d.fees_bps, 32.0, 1e-6);
  EXPECT_NEAR(d.slippage_bps, 2.0 * (1.0 + 0.01 / 100.06 * 1e4), 1e-6);
  ASSERT_EQ(a.orders.size(), 1u);
  const OrderIntent& o = a.orders[0];
  EXPECT_EQ(o.market, MarketType::Perp);
  EXPECT_EQ(o.side, Side::Sell);
  EXPECT_EQ(o.tif, TimeInForce::Ioc);
  EXPECT_FALSE(o.post_only());
  EXPECT_EQ(o.role, LegRole::Leader);
}

}  // namespace
}  // namespace carry::strategy::test
