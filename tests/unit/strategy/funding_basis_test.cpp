// Decisions of FundingBasis: OPEN / CLOSE / REBALANCE / HOLD with their numbers and reasons.
#include "funding_basis_fixture.hpp"

#include <chrono>
#include <random>
#include <set>

namespace carry::strategy::test {
namespace {

using namespace std::chrono_literals;

TEST_F(FundingBasisTest, OpensWhenExpectedAprReachesMinimumWithHandComputedNumbers) {
  make();
  const Actions a = funding("0.001");
  ASSERT_EQ(a.decisions.size(), 1u);
  const Decision& d = a.decisions[0];
  EXPECT_EQ(d.kind, DecisionKind::Open);
  EXPECT_EQ(d.reason, "funding_positive");
  EXPECT_EQ(d.direction, 1);
  EXPECT_EQ(d.interval_hours, 8);
  EXPECT_EQ(d.next_settlement, now() + 8h);
  // 72 h / 8 h = 9 settlements x 10 bps; fees 2 x (perp maker 2 + spot taker 10) bps; follower
  // (spot) slippage 1 bps each way; basis +6 bps is in our favour (short perp): no basis cost.
  EXPECT_NEAR(d.funding_bps, 90.0, 1e-6);
  EXPECT_NEAR(d.fees_bps, 24.0, 1e-6);
  EXPECT_NEAR(d.slippage_bps, 2.0, 1e-6);
  EXPECT_NEAR(d.basis_bps, 6.0, 1e-6);
  EXPECT_NEAR(d.basis_cost_bps, 0.0, 1e-9);
  EXPECT_NEAR(d.expected_apr, 0.0064 * 8760 / 72, 1e-6);
  EXPECT_EQ(d.target_spot, "9.995"_dec);
  EXPECT_EQ(d.target_perp, "-9.995"_dec);
  EXPECT_EQ(d.limited_by, "target");
  // Logged with the same numbers.
  ASSERT_EQ(sink.count("strategy.decision"), 1u);
  EXPECT_EQ(sink.last("strategy.decision")->fields.at("kind"), "OPEN");
  EXPECT_NEAR(sink.last("strategy.decision")->fields.at("expected_apr").get<double>(), d.expected_apr, 1e-12);
  // The perp (larger maker saving) leads: post-only sell at its own touch, chased.
  ASSERT_EQ(a.orders.size(), 1u);
  const OrderIntent& o = a.orders[0];
  EXPECT_EQ(o.market, MarketType::Perp);
  EXPECT_EQ(o.side, Side::Sell);
  EXPECT_TRUE(o.post_only());
  EXPECT_TRUE(o.chase);
  EXPECT_FALSE(o.reduce_only);
  EXPECT_EQ(o.role, LegRole::Leader);
  EXPECT_EQ(o.price, "100.07"_dec);
  EXPECT_EQ(o.size, "9.995"_dec);
  EXPECT_TRUE(ids.owns(o.client_oid));
  EXPECT_EQ(view().mode, SymbolMode::Opening);
}

TEST_F(FundingBasisTest, HoldsWhenAprBelowMinimum) {
  make();
  const Actions a = funding("0.0001");  // 9 bps of funding cannot pay 26 bps of costs
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Hold);
  EXPECT_EQ(a.decisions[0].reason, "apr_below_min");
  EXPECT_NEAR(a.decisions[0].expected_apr, (9.0 - 26.0) / 1e4 * 8760 / 72, 1e-6);
  EXPECT_TRUE(a.orders.empty());
}

TEST_F(FundingBasisTest, OpensOnlyInsidePreEventWindowWhenNotHoldingAcrossEvents) {
  params.hold_across_events = false;
  params.pre_event_open_minutes = 60;
  struct Row {
    int minutes_before;
    DecisionKind kind;
    const char* reason;
  };
  for (const Row& r :
       {Row{480, DecisionKind::Hold, "outside_pre_event_window"},
        Row{61, DecisionKind::Hold, "outside_pre_event_window"}, Row{60, DecisionKind::Open, "funding_positive"},
        Row{5, DecisionKind::Open, "funding_positive"}}) {
    make();
    // One settlement of 30 bps over a 1 h window: (30 - 26) bps x 8760 = 3.504 APR.
    const Actions a = funding("0.003", std::chrono::minutes(r.minutes_before));
    ASSERT_EQ(a.decisions.size(), 1u) << r.minutes_before;
    EXPECT_EQ(a.decisions[0].kind, r.kind) << r.minutes_before;
    EXPECT_EQ(a.decisions[0].reason, r.reason) << r.minutes_before;
    EXPECT_NEAR(a.decisions[0].expected_apr, 0.0004 * 8760, 1e-6) << r.minutes_before;
    EXPECT_EQ(a.orders.size(), r.kind == DecisionKind::Open ? 1u : 0u) << r.minutes_before;
  }
}

TEST_F(FundingBasisTest, WindowOpensAsTimePassesOnTheCadence) {
  params.hold_across_events = false;
  params.pre_event_open_minutes = 60;
  make();
  EXPECT_EQ(funding("0.003", 2h).decisions.at(0).reason, "outside_pre_event_window");
  advance(59min);
  EXPECT_TRUE(timer().orders.empty());
  advance(1min);  // exactly 60 min before the settlement
  const Actions a = timer();
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Open);
  EXPECT_EQ(a.orders.size(), 1u);
}

TEST_F(FundingBasisTest, OpensAnyTimeWhenHoldingAcrossEvents) {
  params.hold_across_events = true;
  params.pre_event_open_minutes = 60;
  make();
  const Actions a = funding("0.001", 8h);  // 8 h before the settlement
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Open);
}

TEST_F(FundingBasisTest, ClosesAfterTheCapturedEventWhenNotHoldingAcrossEvents) {
  params.hold_across_events = false;
  make();
  const UnixNanos settlement = now() + 30min;
  Actions a = funding("0.003", 30min);
  ASSERT_EQ(a.orders.size(), 1u);
  const OrderIntent leader = a.orders[0];
  const OrderIntent follower = fill(leader, "9.995").orders.at(0);
  update(leader, OrderStatus::Filled, "9.995");
  fill(follower, "9.995");
  update(follower, OrderStatus::Filled, "9.995");
  EXPECT_EQ(view().mode, SymbolMode::Open);
  advance(31min);  // the settlement passed; the venue announces the next one
  FundingRateUpdate f{"ETHUSDT", "0.003"_dec, settlement + 8h, 8, {}, {}, {}, {}, now(), now()};
  a = market(f);
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Close);
  EXPECT_EQ(a.decisions[0].reason, "event_captured");
}

TEST_F(FundingBasisTest, ClosesOnSignFlipAndLowApr) {
  struct Row {
    const char* rate;
    const char* reason;
  };
  // One confirmation: a low APR closes at the first print (the persistence over funding periods is
  // in funding_basis_forecast_test.cpp).
  params.close_confirmations = 1;
  for (const Row& r :
       {Row{"-0.0005", "funding_sign_flip"}, Row{"0.00001", "apr_below_close"}, Row{"0", "apr_below_close"}}) {
    make();
    open_hedged();
    ASSERT_EQ(view().mode, SymbolMode::Open) << r.reason;
    const Actions a = funding(r.rate);
    ASSERT_EQ(a.decisions.size(), 1u) << r.rate;
    EXPECT_EQ(a.decisions[0].kind, DecisionKind::Close) << r.rate;
    EXPECT_EQ(a.decisions[0].reason, r.reason) << r.rate;
    EXPECT_TRUE(a.decisions[0].target_spot.is_zero());
    // The perp leads the close: a reduce-only post-only buy of the whole short.
    ASSERT_EQ(a.orders.size(), 1u) << r.rate;
    EXPECT_EQ(a.orders[0].market, MarketType::Perp);
    EXPECT_EQ(a.orders[0].side, Side::Buy);
    EXPECT_TRUE(a.orders[0].reduce_only);
    EXPECT_TRUE(a.orders[0].post_only());
    EXPECT_EQ(a.orders[0].size, "9.995"_dec);
    EXPECT_EQ(view().mode, SymbolMode::Closing);
  }
}

TEST_F(FundingBasisTest, ClosesWhenBasisMovesAgainstThePositionBeyondTheStop) {
  make();
  open_hedged();  // perp sold at 100.07, spot bought at 100.10: entry basis -3.0 bps
  ASSERT_TRUE(view().entry_basis_bps.has_value());
  EXPECT_NEAR(*view().entry_basis_bps, (100.07 - 100.10) / 100.10 * 1e4, 1e-6);
  // Basis 51 bps: 54 bps against the short-perp position, inside the 60 bps stop.
  Actions a = quote("ETHUSDT", MarketType::Perp, "100.50", "100.52");
  EXPECT_TRUE(a.decisions.empty());
  advance(10s);
  a = timer();
  EXPECT_EQ(count(a, DecisionKind::Close), 0u);
  EXPECT_EQ(view().mode, SymbolMode::Open);
  // Basis 71 bps: 74 bps against us. Acted on at the quote, not at the next cadence.
  a = quote("ETHUSDT", MarketType::Perp, "100.70", "100.72");
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Close);
  EXPECT_EQ(a.decisions[0].reason, "basis_stop");
  EXPECT_NEAR(a.decisions[0].basis_bps, 71.0, 1e-6);
}

// Both legs move 1 % together (a replayed candle): the basis is unchanged. Delivered one by one,
// the new spot against the old perp looks like a 100 bps basis move and trips the stop; inside
// an instant the strategy reacts once, to both.
TEST_F(FundingBasisTest, AnInstantIsReactedToOnceWithAllOfItsQuotes) {
  make();
  open_hedged();
  advance(5s);  // within an evaluation period of the last quotes: the hot path is armed
  fb->begin_instant();
  EXPECT_TRUE(quote("ETHUSDT", MarketType::Spot, "98.99", "99.01").empty());
  EXPECT_TRUE(quote("ETHUSDT", MarketType::Perp, "99.05", "99.07").empty());
  Actions a;
  fb->end_instant(a);
  EXPECT_EQ(count(a, DecisionKind::Close), 0u);
  EXPECT_EQ(view().mode, SymbolMode::Open);

  // The same move one quote at a time: the spot alone is a 100 bps move against the short perp.
  advance(5s);
  a = quote("ETHUSDT", MarketType::Spot, "97.99", "98.01");
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].reason, "basis_stop");
}

TEST_F(FundingBasisTest, AFundingChangeInsideAnInstantIsActedOnAtItsEnd) {
  make();
  fb->begin_instant();
  EXPECT_TRUE(funding("0.001").empty());  // would open at once outside an instant
  quotes();
  Actions a;
  fb->end_instant(a);
  EXPECT_EQ(count(a, DecisionKind::Open), 1u);
  EXPECT_EQ(a.orders.size(), 1u);
}

// A basis made of a fresh quote and one a minute old is mostly the minute: not a reason to stop
// off the cadence. The next evaluation, with both legs current, decides.
TEST_F(FundingBasisTest, NoBasisStopOffTheCadenceAgainstALegQuotedLongBefore) {
  make();
  open_hedged();
  advance(60s);
  Actions a = quote("ETHUSDT", MarketType::Spot, "98.99", "99.01");  // 100 bps against us... if the perp still held
  EXPECT_EQ(count(a, DecisionKind::Close), 0u);
  a = quote("ETHUSDT", MarketType::Perp, "99.05", "99.07");  // it did not: the basis is 6 bps
  EXPECT_EQ(count(a, DecisionKind::Close), 0u);
  a = timer();
  EXPECT_EQ(count(a, DecisionKind::Close), 0u);
  EXPECT_EQ(view().mode, SymbolMode::Open);
}

// Quotes older than market_data_stale_s (carryd: risk.market_data_stale_s) never open a position.
TEST_F(FundingBasisTest, NoOpenOnQuotesOlderThanTheMaximumAge) {
  params.market_data_stale_s = 30;
  make();
  advance(31s);
  Actions a = funding("0.001");
  EXPECT_EQ(count(a, DecisionKind::Open), 0u);
  EXPECT_TRUE(a.orders.empty());
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].reason, "quote_stale");
  quotes();
  advance(10s);  // the next evaluation
  a = timer();
  EXPECT_EQ(count(a, DecisionKind::Open), 1u);
}

TEST_F(FundingBasisTest, RebalancesBeyondTheBandAndHoldsInsideIt) {
  struct Row {
    const char* spot;
    const char* perp;
    DecisionKind kind;
    MarketType leg;
    Side side;
    const char* size;
  };
  const Row rows[] = {
      // 1 / 19 = 526 bps: the lagging perp completes the hedge.
      {"10", "-9", DecisionKind::Rebalance, MarketType::Perp, Side::Sell, "1"},
      // Start-up remainder: spot without its hedge.
      {"5", "0", DecisionKind::Rebalance, MarketType::Perp, Side::Sell, "5"},
      // Perp short without spot: buy the spot.
      {"0", "-5", DecisionKind::Rebalance, MarketType::Spot, Side::Buy, "5"},
      {"9.8", "-10", DecisionKind::Rebalance, MarketType::Spot, Side::Buy, "0.2"},
      // Completing the hedge would put 15000 USDT on the perp (limit 10000): the spot is reduced.
      {"150", "0", DecisionKind::Rebalance, MarketType::Spot, Side::Sell, "150"},
      // 0.01 / 19.99 = 5 bps: inside the 50 bps band.
      {"10", "-9.99", DecisionKind::Hold, MarketType::Spot, Side::Buy, "0"},
  };
  for (const Row& r : rows) {
    make();
    fb->adopt_positions("ETHUSDT", Decimal::parse(r.spot).value(), Decimal::parse(r.perp).value());
    const Actions a = funding("0.001");
    ASSERT_EQ(a.decisions.size(), 1u) << r.spot << "/" << r.perp;
    EXPECT_EQ(a.decisions[0].kind, r.kind) << r.spot << "/" << r.perp;
    if (r.kind == DecisionKind::Hold) {
      EXPECT_EQ(a.decisions[0].reason, "holding");
      EXPECT_TRUE(a.orders.empty());
      continue;
    }
    EXPECT_EQ(a.decisions[0].reason, "net_delta_beyond_band");
    ASSERT_EQ(a.orders.size(), 1u) << r.spot << "/" << r.perp;
    EXPECT_EQ(a.orders[0].market, r.leg);
    EXPECT_EQ(a.orders[0].side, r.side);
    EXPECT_EQ(a.orders[0].size, Decimal::parse(r.size).value());
    EXPECT_EQ(a.orders[0].tif, TimeInForce::Ioc);
    EXPECT_EQ(a.orders[0].role, LegRole::Rebalance);
    EXPECT_EQ(view().mode, SymbolMode::Rebalancing);
    // Filled: the program ends hedged and the symbol holds.
    fill(a.orders[0], r.size);
    update(a.orders[0], OrderStatus::Filled, r.size);
    EXPECT_LT(view().net_delta_bps, params.rebalance_band_bps);
    if (view().spot_position.is_zero() && view().perp_position.is_zero()) continue;  // reduced to flat
    EXPECT_EQ(view().mode, SymbolMode::Open);
  }
}

TEST_F(FundingBasisTest, UnhedgedRemainderWithFundingGoneIsClosedNotRebalanced) {
  make();
  fb->adopt_positions("ETHUSDT", "5"_dec, "-2"_dec);
  const Actions a = funding("-0.001");
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Close);
  EXPECT_EQ(a.decisions[0].reason, "funding_sign_flip");
  // Leader perp buys back its 2 (reduce-only); the follower sells spot down to the perp: 3 now.
  ASSERT_EQ(a.orders.size(), 2u);
  EXPECT_EQ(a.orders[0].role, LegRole::Leader);
  EXPECT_EQ(a.orders[0].size, "2"_dec);
  EXPECT_TRUE(a.orders[0].reduce_only);
  EXPECT_EQ(a.orders[1].role, LegRole::Follower);
  EXPECT_EQ(a.orders[1].market, MarketType::Spot);
  EXPECT_EQ(a.orders[1].side, Side::Sell);
  EXPECT_EQ(a.orders[1].size, "3"_dec);
}

TEST_F(FundingBasisTest, DoesNotRedecideTheSameThingEveryTick) {
  make();
  funding("0.0001");  // HOLD apr_below_min, logged once
  EXPECT_EQ(sink.count("strategy.decision"), 1u);
  for (int i = 0; i < 290; ++i) {  // quotes every second for ~5 min
    advance(1s);
    quotes();
    timer();
  }
  EXPECT_EQ(sink.count("strategy.decision"), 1u);
  EXPECT_GE(fb->counters().evaluations, 28u);  // evaluated on the 10 s cadence all along
}

TEST_F(FundingBasisTest, AnUnchangedHoldIsLoggedOnceAChangedReasonAgain) {
  make();
  const Actions first = funding("0.0001");
  ASSERT_EQ(first.decisions.size(), 1u);
  EXPECT_EQ(first.decisions[0].reason, "apr_below_min");
  // Seven hours of quotes and timer ticks (the settlement is 8 h away): evaluated all along, never
  // news again.
  for (int i = 0; i < 7 * 60; ++i) {
    advance(1min);
    quotes();
    EXPECT_TRUE(timer().decisions.empty()) << i;
  }
  EXPECT_EQ(sink.count("strategy.decision"), 1u);
  EXPECT_EQ(fb->counters().decisions_logged, 1u);
  EXPECT_GE(fb->counters().evaluations, 7u * 60);
  // A new reason is news: logged (event and table row) once, then quiet again.
  const Actions zero = funding("0");
  ASSERT_EQ(zero.decisions.size(), 1u);
  EXPECT_EQ(zero.decisions[0].kind, DecisionKind::Hold);
  EXPECT_EQ(zero.decisions[0].reason, "zero_funding");
  EXPECT_EQ(sink.last("strategy.decision")->fields.at("reason"), "zero_funding");
  advance(10min);
  EXPECT_TRUE(timer().decisions.empty());
  // Back to the first reason: logged again.
  const Actions back = funding("0.0001");
  ASSERT_EQ(back.decisions.size(), 1u);
  EXPECT_EQ(back.decisions[0].reason, "apr_below_min");
  EXPECT_EQ(sink.count("strategy.decision"), 3u);
  EXPECT_EQ(view().last_reason, "apr_below_min");
}

// Skipping the sizing of a HOLD that is not news must not change any decision or order: the same
// random minute-by-minute market (spreads, top-of-book sizes below and above the order size,
// funding around the entry threshold, negative funding without inventory) through a strategy
// that records only news and one that records every evaluation (the full computation each
// time) gives the same orders, and the first one's decisions are exactly the second one's news.
TEST(FundingBasisNews, SkippingUnchangedHoldsChangesNoDecisionOrOrder) {
  std::set<std::string> all_reasons;
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    std::mt19937_64 rng(seed);
    ManualClock clock{UnixNanos::from_seconds(kT0)};
    RecordingEventSink sink_a, sink_b;
    ClientOidGenerator ids_a{"cry", 0}, ids_b{"cry", 0};
    FundingBasisParams pa;
    pa.symbols = {"ETHUSDT"};
    FundingBasisParams pb = pa;
    pb.decision_log_interval_s = 1;  // every evaluation a minute apart is recorded in full
    FundingBasis a(pa, ids_a, sink_a, clock), b(pb, ids_b, sink_b, clock);
    std::vector<Decision> da, db;
    std::vector<OrderIntent> oa, ob;
    auto both = [&](auto&& call) {
      Actions x = call(a), y = call(b);
      da.insert(da.end(), x.decisions.begin(), x.decisions.end());
      db.insert(db.end(), y.decisions.begin(), y.decisions.end());
      oa.insert(oa.end(), x.orders.begin(), x.orders.end());
      ob.insert(ob.end(), y.orders.begin(), y.orders.end());
    };
    const auto now = [&] { return clock.now(); };
    both([&](FundingBasis& s) { return s.on_market(InstrumentUpdate{spot_instrument(), now(), now()}); });
    both([&](FundingBasis& s) { return s.on_market(InstrumentUpdate{perp_instrument(), now(), now()}); });
    for (const char* coin : {"USDT", "ETH"})
      both([&](FundingBasis& s) {
        return s.on_exec(BalanceUpdate{
            MarketType::Spot, coin, coin == std::string("USDT") ? "100000"_dec : Decimal{}, {}, {}, now(), now()});
      });
    both([&](FundingBasis& s) {
      return s.on_exec(BalanceUpdate{MarketType::Perp, "USDT", "100000"_dec, {}, {}, now(), now()});
    });
    const char* rates[] = {"0.0001", "0.0003", "0.0004", "0.0005", "0.0008", "-0.0004"};
    const char* tops[] = {"0.5", "2", "8", "50"};
    for (int minute = 0; minute < 600; ++minute) {
      clock.advance(1min);
      if (minute % 40 == 0) {
        FundingRateUpdate f;
        f.symbol = "ETHUSDT";
        f.rate = Decimal::parse(rates[rng() % std::size(rates)]).value();
        f.next_settlement = now() + 8h;
        f.interval_hours = 8;
        f.ts_event = f.ts_init = now();
        both([&](FundingBasis& s) { return s.on_market(f); });
      }
      for (MarketType m : {MarketType::Spot, MarketType::Perp}) {
        Bbo q;
        q.symbol = "ETHUSDT";
        q.market = m;
        const std::int64_t mid = 100'000 + static_cast<std::int64_t>(rng() % 20) * 10;  // in 1/1000 USDT
        const std::int64_t half = 10 * (1 + static_cast<std::int64_t>(rng() % 8));
        q.bid_price = Decimal::from_raw((mid - half) * 1'000'000);
        q.ask_price = Decimal::from_raw((mid + half) * 1'000'000);
        q.bid_size = Decimal::parse(tops[rng() % std::size(tops)]).value();
        q.ask_size = Decimal::parse(tops[rng() % std::size(tops)]).value();
        q.ts_event = q.ts_init = now();
        both([&](FundingBasis& s) { return s.on_market(q); });
      }
      both([&](FundingBasis& s) { return s.on_timer(); });
    }
    // B's news: every non-HOLD, and a HOLD whose (kind, reason) differs from the previous one.
    std::vector<const Decision*> news;
    for (std::size_t i = 0; i < db.size(); ++i)
      if (db[i].kind != DecisionKind::Hold || news.empty() || news.back()->kind != db[i].kind ||
          news.back()->reason != db[i].reason)
        news.push_back(&db[i]);
    EXPECT_GT(db.size(), da.size()) << seed;
    ASSERT_EQ(da.size(), news.size()) << seed;
    std::set<std::string> reasons;
    for (std::size_t i = 0; i < da.size(); ++i) {
      const Decision& x = da[i];
      const Decision& y = *news[i];
      reasons.insert(x.reason);
      ASSERT_EQ(x.ts, y.ts) << seed << " " << i;
      EXPECT_EQ(x.kind, y.kind) << seed << " " << i;
      EXPECT_EQ(x.reason, y.reason) << seed << " " << i;
      EXPECT_EQ(x.expected_apr, y.expected_apr) << seed << " " << i;
      EXPECT_EQ(x.slippage_bps, y.slippage_bps) << seed << " " << i;
      EXPECT_EQ(x.target_spot, y.target_spot) << seed << " " << i;
      EXPECT_EQ(x.limited_by, y.limited_by) << seed << " " << i;
    }
    EXPECT_TRUE(reasons.count("apr_below_min")) << seed;
    all_reasons.insert(reasons.begin(), reasons.end());
    ASSERT_EQ(oa.size(), ob.size()) << seed;
    for (std::size_t i = 0; i < oa.size(); ++i) {
      EXPECT_EQ(oa[i].client_oid, ob[i].client_oid);
      EXPECT_EQ(oa[i].side, ob[i].side);
      EXPECT_EQ(oa[i].price, ob[i].price);
      EXPECT_EQ(oa[i].size, ob[i].size);
    }
  }
  // The market crossed the threshold both ways: openings (sized in full) and refusals.
  EXPECT_TRUE(all_reasons.count("funding_positive"));
  EXPECT_TRUE(all_reasons.count("negative_funding_no_spot_inventory"));
}

TEST_F(FundingBasisTest, AConfiguredRepeatPeriodLogsAnUnchangedHoldAgain) {
  params.decision_log_interval_s = 300;
  make();
  funding("0.0001");
  EXPECT_EQ(sink.count("strategy.decision"), 1u);
  for (int i = 0; i < 29; ++i) {  // 290 s
    advance(10s);
    timer();
  }
  EXPECT_EQ(sink.count("strategy.decision"), 1u);
  advance(10s);  // 300 s after the first: repeated
  EXPECT_EQ(timer().decisions.size(), 1u);
  EXPECT_EQ(sink.count("strategy.decision"), 2u);
}

TEST_F(FundingBasisTest, DecisionsAreStillReturnedWhenTheLogIsOff) {
  // Nobody listens to the log: the decision JSON is not built, the table still gets its row.
  struct OffSink final : EventSink {
    void emit(LogLevel, std::string_view, nlohmann::json) override { ++emitted; }
    bool enabled(LogLevel) const noexcept override { return false; }
    int emitted = 0;
  } off;
  params.symbols = {"ETHUSDT"};
  FundingBasis quiet(params, ids, off, clock);
  quiet.on_market(InstrumentUpdate{spot_instrument("ETHUSDT"), now(), now()});
  quiet.on_market(InstrumentUpdate{perp_instrument("ETHUSDT", 8), now(), now()});
  FundingRateUpdate f;
  f.symbol = "ETHUSDT";
  f.rate = "0.0001"_dec;
  f.next_settlement = now() + 8h;
  f.interval_hours = 8;
  const Actions a = quiet.on_market(f);
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].reason, "no_quote");
  EXPECT_EQ(off.emitted, 0);
  EXPECT_EQ(quiet.counters().decisions_logged, 1u);
}

TEST_F(FundingBasisTest, NoFlappingAroundTheThresholds) {
  params.close_confirmations = 1;  // the hysteresis alone, without the persistence
  make();
  open_hedged("0.001");
  // Hold APR 5.5 %: below the 10 % open threshold, above the 2 % close threshold. Stays open.
  for (int i = 0; i < 10; ++i) {
    advance(1min);
    funding(i % 2 == 0 ? "0.00005" : "0.001");
  }
  std::size_t opens = 0, closes = 0;
  for (const auto& e : sink.entries) {
    if (e.event != "strategy.decision") continue;
    opens += e.fields.at("kind") == "OPEN";
    closes += e.fields.at("kind") == "CLOSE";
  }
  EXPECT_EQ(opens, 1u);
  EXPECT_EQ(closes, 0u);
  EXPECT_EQ(view().mode, SymbolMode::Open);
  // Below the close threshold: closes once.
  const Actions a = funding("0.00001");
  EXPECT_EQ(count(a, DecisionKind::Close), 1u);
  advance(10s);
  EXPECT_EQ(count(timer(), DecisionKind::Close), 0u);  // closing is in progress, not re-decided
}

TEST_F(FundingBasisTest, EveryFundingIntervalIsHandled) {
  for (int h : {1, 2, 4, 8}) {
    make({"ETHUSDT"}, h);
    const Actions a = funding("0.0002", std::chrono::hours(h), h);
    ASSERT_EQ(a.decisions.size(), 1u) << h;
    const Decision& d = a.decisions[0];
    EXPECT_EQ(d.interval_hours, h);
    const double funding_bps = 2.0 * 72 / h;
    EXPECT_NEAR(d.funding_bps, funding_bps, 1e-6) << h;
    EXPECT_NEAR(d.expected_apr, (funding_bps - 26.0) / 1e4 * 8760 / 72, 1e-6) << h;
    EXPECT_EQ(d.kind, d.expected_apr >= params.min_expected_apr ? DecisionKind::Open : DecisionKind::Hold) << h;
  }
}

TEST_F(FundingBasisTest, IntervalFallsBackToTheInstrumentAndIsNeverAssumed) {
  make({"ETHUSDT"}, 4);
  Actions a = funding("0.0002", 4h, 0);  // the update does not say; the contract does
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].interval_hours, 4);

  make({"ETHUSDT"}, 0);
  a = funding("0.01", 4h, 0);  // nobody says: no decision on a guessed interval
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Hold);
  EXPECT_EQ(a.decisions[0].reason, "funding_interval_unknown");
  EXPECT_TRUE(a.orders.empty());
}

TEST_F(FundingBasisTest, NegativeFundingNeverSellsSpotWeDoNotHold) {
  make();
  Actions a = funding("-0.001");
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Hold);
  EXPECT_EQ(a.decisions[0].reason, "negative_funding_no_spot_inventory");
  EXPECT_TRUE(a.orders.empty());

  // 4 ETH in the wallet that our fills did not buy are somebody else's: never sold.
  make();
  balances("100000", "4");
  a = funding("-0.001");
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Hold);
  EXPECT_EQ(a.decisions[0].reason, "negative_funding_no_spot_inventory");
  EXPECT_TRUE(a.orders.empty());

  // Adopted (strategy.funding.adopt_foreign_positions): open 4, leader perp buy, follower spot sell.
  params.adopt_foreign_positions = true;
  make();
  balances("100000", "4");
  a = funding("-0.001");
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Open);
  EXPECT_EQ(a.decisions[0].reason, "funding_negative");
  EXPECT_EQ(a.decisions[0].limited_by, "spot_inventory");
  EXPECT_EQ(a.decisions[0].target_spot, "-4"_dec);
  ASSERT_EQ(a.orders.size(), 1u);
  const OrderIntent leader = a.orders[0];
  EXPECT_EQ(leader.market, MarketType::Perp);
  EXPECT_EQ(leader.side, Side::Buy);
  EXPECT_EQ(leader.size, "4"_dec);
  // The inventory shrinks to 1 before the leader fills: the follower sells 1, never 4.
  exec(BalanceUpdate{MarketType::Spot, "ETH", "1"_dec, {}, {}, now(), now()});
  a = fill(leader, "4");
  Decimal sold;
  for (const auto& o : a.orders)
    if (o.market == MarketType::Spot && o.side == Side::Sell) sold += o.size;
  EXPECT_EQ(sold, "1"_dec);
  // And no retry sells more while that 1 is in flight.
  for (int i = 0; i < 5; ++i) {
    advance(1s);
    for (const auto& o : timer().orders) EXPECT_FALSE(o.market == MarketType::Spot && o.side == Side::Sell);
  }
}

TEST_F(FundingBasisTest, TotalNotionalCapSizesTheSecondSymbol) {
  params.max_total_notional = Decimal::from_units(2500);
  make({"ETHUSDT", "SOLUSDT"});
  Actions a = funding("0.001", 8h, 8, "ETHUSDT");
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].target_spot, "9.995"_dec);
  // ETH reserves 9.995 x (100 + 100.06) = 1999.6 of the 2500: SOL gets 500.4 / (2 x 100.05).
  a = funding("0.001", 8h, 8, "SOLUSDT");
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Open);
  EXPECT_EQ(a.decisions[0].limited_by, "total_limit");
  EXPECT_EQ(a.decisions[0].target_spot, "2.5"_dec);
}

TEST_F(FundingBasisTest, MissingInputsHoldWithTheReason) {
  params.symbols = {"ETHUSDT"};
  fb = std::make_unique<FundingBasis>(params, ids, sink, clock);
  Actions a = funding("0.001");
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].reason, "instrument_unknown");
  market(InstrumentUpdate{spot_instrument(), now(), now()});
  market(InstrumentUpdate{perp_instrument(), now(), now()});
  advance(10s);
  a = timer();
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].reason, "no_quote");
  quotes();
  advance(10s);
  a = timer();
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].reason, "spot_balance_unknown");
  EXPECT_TRUE(a.orders.empty());
}

TEST_F(FundingBasisTest, MalformedMarketDataIsCountedAndIgnored) {
  make();
  quote("ETHUSDT", MarketType::Spot, "100.02", "100.01");  // crossed
  quote("ETHUSDT", MarketType::Perp, "0", "100.07");       // empty bid
  EXPECT_EQ(fb->counters().rejected_events, 2u);
  EXPECT_NEAR(*view().basis_bps, 6.0, 1e-6);  // the last good quotes stand
  FundingRateUpdate bad{"ETHUSDT", "0.001"_dec, UnixNanos{}, 8, {}, {}, {}, {}, now(), now()};
  EXPECT_TRUE(market(bad).empty());
  EXPECT_EQ(fb->counters().rejected_events, 3u);
  EXPECT_EQ(sink.count("strategy.bad_funding"), 1u);
}

TEST_F(FundingBasisTest, NoReopenRightAfterACloseUntilTheCooldownPasses) {
  make();
  const auto [leader, follower] = open_hedged();
  // Basis stop closes it ...
  Actions a = quote("ETHUSDT", MarketType::Perp, "100.70", "100.72");
  ASSERT_EQ(count(a, DecisionKind::Close), 1u);
  const OrderIntent close_leader = a.orders.at(0);
  const OrderIntent close_follower = fill(close_leader, "9.995").orders.at(0);
  update(close_leader, OrderStatus::Filled, "9.995");
  a = fill(close_follower, "9.995");  // the last fill ends the close and re-evaluates
  update(close_follower, OrderStatus::Filled, "9.995");
  EXPECT_EQ(view().mode, SymbolMode::Flat);
  // ... and the wide basis now looks attractive, but not yet.
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Hold);
  EXPECT_EQ(a.decisions[0].reason, "reopen_cooldown");
  advance(std::chrono::seconds(params.reopen_cooldown_s));
  a = timer();
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Open);
}

TEST_F(FundingBasisTest, UnhedgedRemainderIsReducedEvenWithoutFunding) {
  make();
  fb->adopt_positions("ETHUSDT", "5"_dec, "-2"_dec);
  const Actions a = timer();  // no funding known yet
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Rebalance);
  // Not knowing whether the carry is wanted, it shrinks the larger leg: sell 3 spot.
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_EQ(a.orders[0].market, MarketType::Spot);
  EXPECT_EQ(a.orders[0].side, Side::Sell);
  EXPECT_EQ(a.orders[0].size, "3"_dec);
}

TEST(FundingBasisParamsTest, HysteresisIsRequired) {
  ManualClock clock;
  NullEventSink sink;
  ClientOidGenerator ids{"cry", 0};
  FundingBasisParams p;
  p.close_apr = 0.10;
  p.min_expected_apr = 0.10;
  EXPECT_THROW((void)FundingBasis(p, ids, sink, clock), std::invalid_argument);
  p.close_apr = 0.02;
  p.symbols = {"BTCUSDT", "BTCUSDT"};
  EXPECT_THROW((void)FundingBasis(p, ids, sink, clock), std::invalid_argument);
}

}  // namespace
}  // namespace carry::strategy::test
