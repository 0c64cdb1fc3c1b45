// decide(): the funding-basis decision as a pure function, one table row per branch.
#include <carry/strategy/decide.hpp>

#include <carry_test/strategy_fixture.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace carry::strategy::test {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStart = 1735689600;  // 2025-01-01T00:00:00Z

// One symbol as the strategy would hold it: ETH-like legs quoted around 100 USDT (spot
// 99.99 / 100.01, perp 100.05 / 100.07: basis 6 bps), funding 0.001 per 8 h due in 8 h, a
// wallet of 100,000 USDT on each side and no position.
struct Scene {
  FundingBasisParams p;
  SymbolState st;
  LegBook book;
  Instant now{UnixNanos::from_seconds(kStart), MonoNanos::from_seconds(kStart)};
  Decimal gross;  // every leg of every symbol, as the strategy would report it

  Scene() {
    st.symbol = "ETHUSDT";
    st.spot.inst = spot_instrument();
    st.perp.inst = perp_instrument();
    quote(st.spot, "99.99", "100.01");
    quote(st.perp, "100.05", "100.07");
    st.funding = {true, "0.001"_dec, now.wall + 8h, 8};
    book.balances.spot["USDT"] = "100000"_dec;
    book.balances.spot["ETH"] = "0"_dec;
    book.balances.perp["USDT"] = "100000"_dec;
  }
  void quote(Leg& leg, const char* bid, const char* ask) {
    leg.has_quote = true;
    leg.quote = {Decimal::parse(bid).value(), "50"_dec, Decimal::parse(ask).value(), "50"_dec, now.wall, now.mono};
  }
  void rate(const char* r) { st.funding.rate = Decimal::parse(r).value(); }
  // A hedged position (long spot / short perp by default) entered at a 6 bps basis.
  void held(const char* spot = "9.995", const char* perp = "-9.995") {
    st.spot.position = Decimal::parse(spot).value();
    st.perp.position = Decimal::parse(perp).value();
    st.mode = SymbolMode::Open;
    st.entry_basis_bps = 6.0;
  }
  Verdict decide() const {
    return strategy::decide({st, book, [this] { return gross; }}, p, now);
  }
};

struct Case {
  const char* name;
  std::function<void(Scene&)> given;
  std::optional<DecisionKind> kind;  // nullopt: a HOLD that is not news, nothing to record
  const char* reason;
  Step step;
};

const std::vector<Case>& cases() {
  using K = DecisionKind;
  static const std::vector<Case> table = {
      // ---- flat: whether an OPEN pays for itself
      {"opens_when_forecast_net_apr_clears_min", [](Scene&) {}, K::Open, "funding_positive", Step::Open},
      {"opens_negative_funding_from_spot_inventory",
       [](Scene& s) {
         s.rate("-0.001");
         s.p.adopt_foreign_positions = true;
         s.book.balances.spot["ETH"] = "20"_dec;
       },
       K::Open, "funding_negative", Step::Open},
      {"negative_funding_never_borrows_spot", [](Scene& s) { s.rate("-0.001"); }, K::Hold,
       "negative_funding_no_spot_inventory", Step::None},
      {"stays_out_when_costs_exceed_the_carry", [](Scene& s) { s.rate("0.0001"); }, K::Hold, "apr_below_min",
       Step::None},
      {"a_repeated_hold_is_not_news",
       [](Scene& s) {
         s.rate("0.0001");
         s.st.logged.last_kind = K::Hold;
         s.st.logged.last_reason = "apr_below_min";
       },
       std::nullopt, "", Step::None},
      {"repeats_a_hold_when_the_log_interval_passed",
       [](Scene& s) {
         s.rate("0.0001");
         s.p.decision_log_interval_s = 60;
         s.st.logged.last_kind = K::Hold;
         s.st.logged.last_reason = "apr_below_min";
         s.st.logged.last_logged = s.now.mono - 61s;
       },
       K::Hold, "apr_below_min", Step::None},
      {"zero_forecast_pays_no_side", [](Scene& s) { s.rate("0"); }, K::Hold, "zero_funding", Step::None},
      {"funding_of_a_past_settlement_is_stale", [](Scene& s) { s.st.funding.next = s.now.wall - 1s; }, K::Hold,
       "funding_stale", Step::None},
      {"old_quotes_block_an_open",
       [](Scene& s) {
         s.p.market_data_stale_s = 5;
         s.st.spot.quote.received = s.now.mono - 10s;
       },
       K::Hold, "quote_stale", Step::None},
      {"opens_only_close_to_the_event_when_not_holding_across", [](Scene& s) { s.p.hold_across_events = false; },
       K::Hold, "outside_pre_event_window", Step::None},
      {"no_reopen_within_the_cooldown", [](Scene& s) { s.st.last_close = s.now.mono - 60s; }, K::Hold,
       "reopen_cooldown", Step::None},
      {"sizing_refuses_without_a_spot_balance", [](Scene& s) { s.book.balances.spot.clear(); }, K::Hold,
       "spot_balance_unknown", Step::None},
      {"reducing_never_opens", [](Scene& s) { s.st.mode = SymbolMode::Reducing; }, K::Hold, "reducing", Step::None},
      // ---- not enough to decide on
      {"flattening_only_holds", [](Scene& s) { s.st.mode = SymbolMode::Flattening; }, K::Hold, "flattening",
       Step::None},
      {"instrument_unknown", [](Scene& s) { s.st.perp.inst.reset(); }, K::Hold, "instrument_unknown", Step::None},
      {"no_quote", [](Scene& s) { s.st.perp.has_quote = false; }, K::Hold, "no_quote", Step::None},
      {"funding_unknown", [](Scene& s) { s.st.funding.known = false; }, K::Hold, "funding_unknown", Step::None},
      {"funding_interval_unknown", [](Scene& s) { s.st.funding.interval_hours = 0; }, K::Hold,
       "funding_interval_unknown", Step::None},
      {"a_hedge_is_restored_without_funding",
       [](Scene& s) {
         s.held("10", "-5");
         s.st.funding.known = false;
       },
       K::Rebalance, "net_delta_beyond_band", Step::Rebalance},
      // ---- held: close, rebalance or hold
      {"holds_while_the_carry_pays", [](Scene& s) { s.held(); }, K::Hold, "holding", Step::None},
      {"a_low_forecast_waits_for_persistence",
       [](Scene& s) {
         s.held();
         s.rate("0.00001");
       },
       K::Hold, "close_pending", Step::None},
      {"closes_on_persistence",
       [](Scene& s) {
         s.held();
         s.rate("0.00001");
         s.st.confirm = {2, s.st.funding.next - 8h};
       },
       K::Close, "apr_below_close", Step::Close},
      {"closes_on_a_sign_flip",
       [](Scene& s) {
         s.held();
         s.rate("-0.001");
       },
       K::Close, "funding_sign_flip", Step::Close},
      {"closes_when_the_adverse_stretch_costs_more_than_a_round_trip",
       [](Scene& s) {
         s.held();
         s.rate("-0.001");
         s.p.adverse_horizon_hours = 72;  // 9 x 10 bps against ~28 bps of a round trip
       },
       K::Close, "funding_sign_flip", Step::Close},
      {"holds_through_an_adverse_stretch_within_tolerance",
       [](Scene& s) {
         s.held();
         s.rate("-0.00001");
         s.p.adverse_horizon_hours = 24;
         s.p.close_apr = -0.05;
       },
       K::Hold, "adverse_tolerated", Step::None},
      {"closes_on_the_basis_stop",
       [](Scene& s) {
         s.held();
         s.st.entry_basis_bps = -60.0;  // basis now 6: 66 bps against the short perp
       },
       K::Close, "basis_stop", Step::Close},
      {"closes_after_the_captured_event",
       [](Scene& s) {
         s.held();
         s.p.hold_across_events = false;
         s.st.opened_for_settlement = s.st.funding.next - 8h;
       },
       K::Close, "event_captured", Step::Close},
      {"completes_the_lagging_leg_while_the_carry_is_wanted", [](Scene& s) { s.held("9.995", "-5"); }, K::Rebalance,
       "net_delta_beyond_band", Step::Rebalance},
      {"reducing_shrinks_the_larger_leg",
       [](Scene& s) {
         s.held("9.995", "-5");
         s.st.mode = SymbolMode::Reducing;
       },
       K::Rebalance, "reducing_rebalance", Step::Rebalance},
      {"a_gap_no_order_can_trade_holds",
       [](Scene& s) { s.held("0.02", "-0.01"); },  // 0.01 is under both legs' minimum notional
       K::Hold, "delta_below_min_size", Step::None},
      {"reducing_holds_a_hedged_position",
       [](Scene& s) {
         s.held();
         s.st.mode = SymbolMode::Reducing;
       },
       K::Hold, "reducing", Step::None},
  };
  return table;
}

class Decide : public ::testing::TestWithParam<Case> {};

TEST_P(Decide, DecisionAndReason) {
  const Case& c = GetParam();
  Scene s;
  c.given(s);
  const Verdict v = s.decide();
  ASSERT_EQ(v.decision.has_value(), c.kind.has_value());
  if (c.kind) {
    EXPECT_EQ(v.decision->kind, *c.kind);
    EXPECT_EQ(v.decision->reason, c.reason);
    EXPECT_EQ(v.decision->symbol, "ETHUSDT");
    EXPECT_EQ(v.decision->ts, s.now.wall);
  }
  EXPECT_EQ(v.step, c.step);
}

INSTANTIATE_TEST_SUITE_P(Table, Decide, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(DecideDetail, OpenCarriesDirectionSizeAndNumbers) {
  Scene s;
  const Verdict v = s.decide();
  ASSERT_TRUE(v.decision);
  EXPECT_EQ(v.direction, 1);
  EXPECT_EQ(v.open_size, "9.995"_dec);
  EXPECT_EQ(v.decision->direction, 1);
  EXPECT_EQ(v.decision->target_spot, "9.995"_dec);
  EXPECT_EQ(v.decision->target_perp, "-9.995"_dec);
  EXPECT_EQ(v.decision->limited_by, "target");
  EXPECT_NEAR(v.decision->expected_apr, 0.0064 * 8760 / 72, 1e-6);
  EXPECT_EQ(v.mode, SymbolMode::Flat);
  EXPECT_FALSE(v.opened_for_settlement);  // held across events: no event to hold for
}

TEST(DecideDetail, NegativeOpenSellsSpot) {
  Scene s;
  s.rate("-0.001");
  s.p.adopt_foreign_positions = true;
  s.book.balances.spot["ETH"] = "20"_dec;
  const Verdict v = s.decide();
  ASSERT_TRUE(v.decision);
  EXPECT_EQ(v.direction, -1);
  EXPECT_EQ(v.decision->target_spot, -v.open_size);
  EXPECT_EQ(v.decision->target_perp, v.open_size);
}

TEST(DecideDetail, TheTotalLimitSizesTheOpen) {
  Scene s;
  s.gross = "19500"_dec;  // 500 USDT left for both legs
  const Verdict v = s.decide();
  ASSERT_TRUE(v.decision);
  EXPECT_EQ(v.decision->kind, DecisionKind::Open);
  EXPECT_EQ(v.decision->limited_by, "total_limit");
  EXPECT_LT(v.open_size, "2.5"_dec);
}

TEST(DecideDetail, AnOpenForOneEventRemembersIt) {
  Scene s;
  s.p.hold_across_events = false;
  s.rate("0.01");                          // one settlement must pay for a whole round trip
  s.st.funding.next = s.now.wall + 30min;  // inside the 60 min pre-event window
  const Verdict v = s.decide();
  ASSERT_TRUE(v.decision);
  EXPECT_EQ(v.decision->kind, DecisionKind::Open);
  EXPECT_EQ(v.opened_for_settlement, s.st.funding.next);
}

TEST(DecideDetail, FlatLegsUnderOpenReturnToFlatAndForgetConfirmations) {
  Scene s;
  s.st.mode = SymbolMode::Open;
  s.st.confirm = {2, s.st.funding.next};
  s.rate("0.0001");
  const Verdict v = s.decide();
  EXPECT_EQ(v.mode, SymbolMode::Flat);
  EXPECT_EQ(v.confirm.count, 0);
  ASSERT_TRUE(v.decision);
  EXPECT_EQ(v.decision->close_confirmations, 0);
}

TEST(DecideDetail, PersistenceCountsOncePerFundingPeriod) {
  Scene s;
  s.held();
  s.rate("0.00001");
  Verdict v = s.decide();
  EXPECT_EQ(v.confirm.count, 1);
  EXPECT_EQ(v.decision->close_confirmations, 1);
  s.st.confirm = v.confirm;
  v = s.decide();  // the same period again: no second count
  EXPECT_EQ(v.confirm.count, 1);
  s.st.funding.next = s.st.funding.next + 8h;  // the next period
  v = s.decide();
  EXPECT_EQ(v.confirm.count, 2);
  EXPECT_EQ(v.decision->reason, "close_pending");
}

TEST(DecideDetail, ACloseForgetsConfirmations) {
  Scene s;
  s.held();
  s.rate("0.00001");
  s.st.confirm = {2, s.st.funding.next - 8h};
  const Verdict v = s.decide();
  ASSERT_TRUE(v.decision);
  EXPECT_EQ(v.decision->close_confirmations, 3);  // the count that closed it is logged
  EXPECT_EQ(v.confirm.count, 0);
  EXPECT_EQ(v.decision->target_spot, Decimal{});
  EXPECT_EQ(v.decision->target_perp, Decimal{});
}

TEST(DecideDetail, AHeldPositionWithoutEntryBasisAnchorsTheStopAtTheCurrentBasis) {
  Scene s;
  s.held();
  s.st.entry_basis_bps.reset();
  const Verdict v = s.decide();
  EXPECT_TRUE(v.entry_basis_assumed);
  ASSERT_TRUE(v.entry_basis_bps);
  EXPECT_NEAR(*v.entry_basis_bps, 6.0, 1e-6);
  EXPECT_NEAR(v.decision->entry_basis_bps, 6.0, 1e-6);
  EXPECT_EQ(v.decision->reason, "holding");
}

TEST(DecideDetail, RebalanceNamesTheLegAndItsTarget) {
  Scene s;
  s.held("9.995", "-5");
  Verdict v = s.decide();
  EXPECT_EQ(v.rebalance_leg, MarketType::Perp);  // the lagging leg while the carry is wanted
  EXPECT_EQ(v.decision->target_perp, "-9.995"_dec);
  s.st.mode = SymbolMode::Reducing;
  v = s.decide();
  EXPECT_EQ(v.rebalance_leg, MarketType::Spot);  // the larger leg shrinks
  EXPECT_EQ(v.decision->target_spot, "5"_dec);
}

TEST(DecideDetail, TheSameInputGivesTheSameVerdict) {
  Scene s;
  const Verdict a = s.decide();
  const Verdict b = s.decide();
  ASSERT_TRUE(a.decision && b.decision);
  EXPECT_EQ(to_json(*a.decision), to_json(*b.decision));
  EXPECT_EQ(a.open_size, b.open_size);
}

TEST(IsNews, AnUnchangedHoldIsNotNewsUnlessAPeriodWasConfirmed) {
  FundingBasisParams p;
  DecisionMemory m;
  const MonoNanos t = MonoNanos::from_seconds(100);
  EXPECT_TRUE(is_news(m, 0, DecisionKind::Hold, "holding", t, p));  // nothing logged yet
  m.last_kind = DecisionKind::Hold;
  m.last_reason = "close_pending";
  m.logged_confirmations = 1;
  EXPECT_FALSE(is_news(m, 1, DecisionKind::Hold, "close_pending", t, p));
  EXPECT_TRUE(is_news(m, 2, DecisionKind::Hold, "close_pending", t, p));
  EXPECT_TRUE(is_news(m, 1, DecisionKind::Hold, "holding", t, p));
  EXPECT_TRUE(is_news(m, 1, DecisionKind::Close, "close_pending", t, p));  // every other kind is
}

}  // namespace
}  // namespace carry::strategy::test
