// Execution of FundingBasis: leader/follower leg-risk control, hedge deviation halt, leader
// timeouts and requotes, amend replacements, duplicate and foreign fills, flatten_all.
#include "funding_basis_fixture.hpp"

#include <chrono>

namespace carry::strategy::test {
namespace {

using namespace std::chrono_literals;

TEST_F(FundingBasisTest, EachLeaderFillProducesAFollowerOfTheSameSize) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  struct Row {
    const char* fill;
    const char* follower;  // "" = nothing yet: 0.5 USDT is under the spot minimum notional
  };
  Decimal leader_filled;
  for (const Row& r : {Row{"3", "3"}, Row{"2.5", "2.5"}, Row{"0.005", ""}, Row{"0.01", "0.015"}, Row{"4.48", "4.48"}}) {
    advance(100ms);
    const Actions a = fill(leader, r.fill);
    leader_filled += Decimal::parse(r.fill).value();
    if (*r.follower == 0) {
      EXPECT_TRUE(a.orders.empty()) << r.fill;
      continue;
    }
    ASSERT_EQ(a.orders.size(), 1u) << r.fill;
    const OrderIntent& f = a.orders[0];
    EXPECT_EQ(f.role, LegRole::Follower);
    EXPECT_EQ(f.market, MarketType::Spot);
    EXPECT_EQ(f.side, Side::Buy);
    EXPECT_EQ(f.size, Decimal::parse(r.follower).value()) << r.fill;
    EXPECT_EQ(f.tif, TimeInForce::Ioc);
    EXPECT_EQ(f.price, "100.1"_dec);  // mid 100.00 + 10 bps, on the tick
    EXPECT_FALSE(f.post_only());
    fill(f, r.follower);
    update(f, OrderStatus::Filled, r.follower);
    EXPECT_EQ(view().spot_position + view().perp_position, Decimal{}) << r.fill;
  }
  EXPECT_EQ(leader_filled, "9.995"_dec);
  update(leader, OrderStatus::Filled, "9.995");
  EXPECT_EQ(view().mode, SymbolMode::Open);
  EXPECT_EQ(view().orders_in_flight, 0u);
}

TEST_F(FundingBasisTest, AHedgeIsNeverPricedOffAStaleQuoteAndGoesOutOnTheNextFreshOne) {
  params.market_data_stale_s = 30;
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  advance(31s);  // the spot stream went quiet for longer than the staleness threshold
  quote("ETHUSDT", MarketType::Perp, "100.05", "100.07");
  EXPECT_TRUE(fill(leader, "3").orders.empty());
  EXPECT_TRUE(timer().orders.empty());
  EXPECT_GE(fb->counters().stale_quote_waits, 2u);
  EXPECT_EQ(sink.count("strategy.taker_waits_for_quote"), 1u);  // once per episode
  const Actions a = quote("ETHUSDT", MarketType::Spot, "99.99", "100.01");
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_EQ(a.orders[0].role, LegRole::Follower);
  EXPECT_EQ(a.orders[0].market, MarketType::Spot);
  EXPECT_EQ(a.orders[0].size, "3"_dec);
}

TEST_F(FundingBasisTest, AHedgeReportedFilledBeforeItsFillArrivesIsNotSentAgain) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  const Actions a = fill(leader, "3");
  ASSERT_EQ(a.orders.size(), 1u);
  const OrderIntent follower = a.orders[0];
  // The venue says the hedge filled; its fill push was lost (or is still on its way).
  EXPECT_TRUE(update(follower, OrderStatus::Filled, "3").orders.empty());
  for (int i = 0; i < 5; ++i) {
    advance(2s);
    EXPECT_TRUE(timer().orders.empty()) << "a second hedge for a fill already made";
  }
  EXPECT_EQ(view().orders_in_flight, 2u);  // the leader, and the hedge's fill still to come
  fill(follower, "3");
  EXPECT_EQ(view().spot_position + view().perp_position, Decimal{});
  EXPECT_EQ(view().orders_in_flight, 1u);
}

TEST_F(FundingBasisTest, FollowerOnACoarserLotStaysWithinOneLot) {
  make();
  // Spot leads (its maker saving is larger here); the perp follows on a 0.001 lot.
  Instrument spot = spot_instrument();
  spot.maker_fee = "0.0005"_dec;
  spot.taker_fee = "0.002"_dec;
  Instrument perp = perp_instrument();
  perp.min_notional = "0.05"_dec;
  market(InstrumentUpdate{spot, now(), now()});
  market(InstrumentUpdate{perp, now(), now()});
  Actions a = funding("0.002");
  ASSERT_EQ(a.orders.size(), 1u);
  const OrderIntent leader = a.orders[0];
  ASSERT_EQ(leader.market, MarketType::Spot);
  EXPECT_EQ(leader.side, Side::Buy);
  EXPECT_EQ(leader.price, "99.99"_dec);

  struct Row {
    const char* fill;
    const char* follower;  // "" = nothing yet (below one perp lot)
  };
  Decimal hedged_in_flight;
  for (const Row& r :
       {Row{"0.0004", ""}, Row{"0.0003", "0.001"}, Row{"0.0012", "0.001"}, Row{"0.0001", ""}, Row{"0.0030", "0.003"}}) {
    a = fill(leader, r.fill);
    if (*r.follower == 0) {
      EXPECT_TRUE(a.orders.empty()) << r.fill;
    } else {
      ASSERT_EQ(a.orders.size(), 1u) << r.fill;
      EXPECT_EQ(a.orders[0].market, MarketType::Perp);
      EXPECT_EQ(a.orders[0].side, Side::Sell);
      EXPECT_EQ(a.orders[0].size, Decimal::parse(r.follower).value()) << r.fill;
      hedged_in_flight += a.orders[0].size;
    }
    // spot - (perp sold + in flight) never differs by a lot or more.
    EXPECT_LT((view().spot_position - hedged_in_flight).abs(), perp.lot) << r.fill;
  }
}

TEST_F(FundingBasisTest, HedgeDeviationBeyondTimeoutGoesReducingAndLogs) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  Actions a = fill(leader, "5");
  ASSERT_EQ(a.orders.size(), 1u);
  // Every follower is refused (say the spot market is in cooldown); retries are paced.
  std::size_t followers = 1;
  fb->on_submit_rejected(a.orders[0].client_oid, "cooldown", a);
  bool halted = false;
  Actions halt;
  for (int s = 1; s <= 40 && !halted; ++s) {
    advance(1s);
    Actions t = timer();
    for (const auto& o : t.orders)
      if (o.role == LegRole::Follower) {
        ++followers;
        Actions ignored;
        fb->on_submit_rejected(o.client_oid, "cooldown", ignored);
      }
    if (sink.count("hedge.deviation_halt") > 0) {
      halted = true;
      halt = t;
      EXPECT_EQ(s, params.hedge_timeout_s) << "halts at the timeout, not before";
    }
  }
  ASSERT_TRUE(halted);
  EXPECT_LE(followers, 32u);  // retried about once a second, not every tick
  EXPECT_EQ(view().mode, SymbolMode::Reducing);
  const auto* ev = sink.last("hedge.deviation_halt");
  EXPECT_EQ(ev->level, LogLevel::Error);
  EXPECT_EQ(ev->fields.at("perp"), "-5");
  EXPECT_EQ(ev->fields.at("spot"), "0");
  // The leader is canceled and the larger leg (the perp short) is reduced to the spot: reduce-only.
  bool leader_canceled = false;
  for (const auto& c : halt.cancels) leader_canceled |= c.client_oid == leader.client_oid;
  EXPECT_TRUE(leader_canceled);
  ASSERT_EQ(halt.orders.size(), 1u);
  EXPECT_EQ(halt.orders[0].role, LegRole::Rebalance);
  EXPECT_EQ(halt.orders[0].market, MarketType::Perp);
  EXPECT_EQ(halt.orders[0].side, Side::Buy);
  EXPECT_EQ(halt.orders[0].size, "5"_dec);
  EXPECT_TRUE(halt.orders[0].reduce_only);
  ASSERT_EQ(halt.decisions.size(), 1u);
  EXPECT_EQ(halt.decisions[0].kind, DecisionKind::Rebalance);
  EXPECT_EQ(halt.decisions[0].reason, "hedge_deviation_halt");
  // Reducing is sticky: attractive funding does not reopen.
  fill(halt.orders[0], "5");
  update(halt.orders[0], OrderStatus::Filled, "5");
  update(leader, OrderStatus::Canceled, "5");
  advance(1min);
  a = funding("0.005");
  EXPECT_EQ(count(a, DecisionKind::Open), 0u);
  EXPECT_TRUE(a.orders.empty());
  EXPECT_EQ(view().mode, SymbolMode::Reducing);
  EXPECT_TRUE(fb->reset_symbol("ETHUSDT"));
  EXPECT_EQ(view().mode, SymbolMode::Flat);
}

TEST_F(FundingBasisTest, TimelyFollowerNeverTripsTheDeviationHalt) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  for (int i = 0; i < 9; ++i) {
    advance(10s);
    const Actions a = fill(leader, "1");
    ASSERT_EQ(a.orders.size(), 1u);
    advance(500ms);
    fill(a.orders[0], "1");
    update(a.orders[0], OrderStatus::Filled, "1");
  }
  EXPECT_EQ(sink.count("hedge.deviation_halt"), 0u);
  EXPECT_EQ(view().mode, SymbolMode::Opening);
}

TEST_F(FundingBasisTest, LeaderTimeoutCancelsTheOpenAndSettles) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  const OrderIntent follower = fill(leader, "2").orders.at(0);  // partially filled ...
  fill(follower, "2");                                          // ... and hedged
  update(follower, OrderStatus::Filled, "2");
  advance(std::chrono::seconds(params.leader_timeout_s));
  Actions a = timer();
  ASSERT_EQ(a.cancels.size(), 1u);
  EXPECT_EQ(a.cancels[0].client_oid, leader.client_oid);
  EXPECT_EQ(a.cancels[0].reason, "leader_timeout");
  EXPECT_EQ(sink.count("strategy.leader_timeout"), 1u);
  update(leader, OrderStatus::Canceled, "2");
  EXPECT_EQ(view().mode, SymbolMode::Opening);  // settling: a late amend replacement may still show
  advance(std::chrono::milliseconds(params.leader_requote_ms));
  a = timer();
  EXPECT_EQ(view().mode, SymbolMode::Open);  // the partial, hedged position is held
  EXPECT_EQ(sink.count("strategy.program_done"), 1u);
}

TEST_F(FundingBasisTest, RejectedPostOnlyLeaderIsRequoted) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  EXPECT_TRUE(update(leader, OrderStatus::Rejected).orders.empty());
  advance(1s);
  EXPECT_TRUE(timer().orders.empty());  // pauses first (an amend replacement may be on its way)
  advance(std::chrono::milliseconds(params.leader_requote_ms) - 1s);
  const Actions a = timer();
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_EQ(a.orders[0].role, LegRole::Leader);
  EXPECT_NE(a.orders[0].client_oid, leader.client_oid);
  EXPECT_EQ(a.orders[0].size, "9.995"_dec);
}

TEST_F(FundingBasisTest, AmendReplacementIsTrackedAsTheLeaderAndStraysAreCanceled) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  // The OMS chaser replaced the leader: the old one is canceled, the new id is live.
  const std::string replacement = ids.next();
  update(leader, OrderStatus::Canceled);
  Actions a = update(leader, OrderStatus::Acked, "0", replacement);
  EXPECT_TRUE(a.cancels.empty());
  OrderIntent repl = leader;
  repl.client_oid = replacement;
  a = fill(repl, "2");
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_EQ(a.orders[0].role, LegRole::Follower);
  EXPECT_EQ(a.orders[0].size, "2"_dec);
  advance(3s);
  EXPECT_TRUE(timer().orders.empty()) << "the replacement is live: no requote";

  // A stray order of ours (from before a restart) on a symbol with nothing running: canceled.
  make();
  funding("0.0001");  // HOLD
  OrderIntent stray;
  stray.symbol = "ETHUSDT";
  stray.market = MarketType::Spot;
  stray.client_oid = ids.next();
  stray.size = "1"_dec;
  a = update(stray, OrderStatus::Acked);
  ASSERT_EQ(a.cancels.size(), 1u);
  EXPECT_EQ(a.cancels[0].client_oid, stray.client_oid);
  EXPECT_EQ(a.cancels[0].reason, "stray_order");
}

TEST_F(FundingBasisTest, ForeignFillsDoNotMovePositions) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  Fill f;
  f.symbol = "ETHUSDT";
  f.market = MarketType::Perp;
  f.client_oid = leader.client_oid;
  f.trade_id = "T1";
  f.side = Side::Sell;
  f.price = "100.07"_dec;
  f.size = "1"_dec;
  EXPECT_EQ(exec(f).orders.size(), 1u);
  EXPECT_EQ(view().perp_position, "-1"_dec);
  f.client_oid = "manual-7";  // someone else's order on the account
  f.trade_id = "T2";
  EXPECT_TRUE(exec(f).orders.empty());
  EXPECT_EQ(fb->counters().foreign_events, 1u);
  EXPECT_EQ(view().perp_position, "-1"_dec);
}

TEST_F(FundingBasisTest, SpotFeeChargedInBaseCoinShrinksTheHolding) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  const OrderIntent follower = fill(leader, "9.995").orders.at(0);
  Fill f;
  f.symbol = "ETHUSDT";
  f.market = MarketType::Spot;
  f.client_oid = follower.client_oid;
  f.trade_id = "S1";
  f.side = Side::Buy;
  f.price = "100.01"_dec;
  f.size = "9.995"_dec;
  f.fee = "0.009995"_dec;  // 0.1 % in ETH
  f.fee_coin = "ETH";
  exec(f);
  EXPECT_EQ(view().spot_position, "9.985005"_dec);
  // 0.009995 short of the perp (10 bps of the pair... 5 bps by |s+p| / (|s|+|p|)): inside the band.
  EXPECT_LT(view().net_delta_bps, params.rebalance_band_bps);
}

TEST_F(FundingBasisTest, CloseRunsLeaderAndFollowerToFlat) {
  make();
  open_hedged();
  const Actions a = funding("-0.001");
  const OrderIntent leader = a.orders.at(0);
  ASSERT_EQ(leader.role, LegRole::Leader);
  const Actions f = fill(leader, "9.995");
  ASSERT_EQ(f.orders.size(), 1u);
  EXPECT_EQ(f.orders[0].market, MarketType::Spot);
  EXPECT_EQ(f.orders[0].side, Side::Sell);
  EXPECT_EQ(f.orders[0].size, "9.995"_dec);
  update(leader, OrderStatus::Filled, "9.995");
  fill(f.orders[0], "9.995");
  update(f.orders[0], OrderStatus::Filled, "9.995");
  EXPECT_EQ(view().mode, SymbolMode::Flat);
  EXPECT_TRUE(view().spot_position.is_zero());
  EXPECT_TRUE(view().perp_position.is_zero());
}

TEST_F(FundingBasisTest, CloseFallsBackToTakerAfterLeaderTimeout) {
  make();
  open_hedged();
  const OrderIntent leader = funding("-0.001").orders.at(0);
  advance(std::chrono::seconds(params.leader_timeout_s));
  Actions a = timer();
  ASSERT_EQ(a.cancels.size(), 1u);
  a = update(leader, OrderStatus::Canceled);
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_EQ(a.orders[0].reason, "close_taker_fallback");
  EXPECT_EQ(a.orders[0].market, MarketType::Perp);
  EXPECT_EQ(a.orders[0].side, Side::Buy);
  EXPECT_TRUE(a.orders[0].reduce_only);
  EXPECT_EQ(a.orders[0].tif, TimeInForce::Ioc);
  EXPECT_EQ(a.orders[0].size, "9.995"_dec);
  const Actions f = fill(a.orders[0], "9.995");
  ASSERT_EQ(f.orders.size(), 1u);  // and the follower sells the spot
  EXPECT_EQ(f.orders[0].side, Side::Sell);
  update(a.orders[0], OrderStatus::Filled, "9.995");
  fill(f.orders[0], "9.995");
  update(f.orders[0], OrderStatus::Filled, "9.995");
  advance(std::chrono::milliseconds(params.leader_requote_ms));
  timer();
  EXPECT_EQ(view().mode, SymbolMode::Flat);
}

TEST_F(FundingBasisTest, FlattenAllBringsBothLegsToZeroWithReducingOrders) {
  make();
  open_hedged();
  Actions a = fb->flatten_all("kill_switch");
  ASSERT_EQ(a.orders.size(), 2u);
  const OrderIntent* spot = nullptr;
  const OrderIntent* perp = nullptr;
  for (const auto& o : a.orders) (o.market == MarketType::Spot ? spot : perp) = &o;
  ASSERT_TRUE(spot && perp);
  EXPECT_EQ(spot->side, Side::Sell);
  EXPECT_EQ(spot->size, "9.995"_dec);
  EXPECT_EQ(spot->role, LegRole::Flatten);
  EXPECT_EQ(spot->tif, TimeInForce::Ioc);
  EXPECT_EQ(perp->side, Side::Buy);
  EXPECT_EQ(perp->size, "9.995"_dec);
  EXPECT_TRUE(perp->reduce_only);
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Close);
  EXPECT_EQ(a.decisions[0].reason, "flatten:kill_switch");
  // Partial fills: the remainder is retried until flat.
  const OrderIntent s = *spot, p = *perp;
  fill(s, "6");
  update(s, OrderStatus::Canceled, "6");
  fill(p, "9.995");
  update(p, OrderStatus::Filled, "9.995");
  advance(std::chrono::milliseconds(params.follower_retry_ms));
  a = timer();
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_EQ(a.orders[0].market, MarketType::Spot);
  EXPECT_EQ(a.orders[0].size, "3.995"_dec);
  fill(a.orders[0], "3.995");
  update(a.orders[0], OrderStatus::Filled, "3.995");
  EXPECT_TRUE(view().spot_position.is_zero());
  EXPECT_TRUE(view().perp_position.is_zero());
  for (int i = 0; i < 5; ++i) {
    advance(10s);
    EXPECT_TRUE(timer().orders.empty());
  }
  EXPECT_EQ(view().mode, SymbolMode::Flattening);
  EXPECT_TRUE(funding("0.005").orders.empty()) << "no new exposure after a flatten";
}

TEST_F(FundingBasisTest, FlattenDuringOpeningCancelsTheLeaderAndBuysBackSoldInventory) {
  params.adopt_foreign_positions = true;  // the wallet's ETH adopted as Carry's inventory
  make();
  balances("100000", "4");
  const OrderIntent leader = funding("-0.001").orders.at(0);    // perp buy 4 leads
  const OrderIntent follower = fill(leader, "1").orders.at(0);  // spot sell 1 follows
  fill(follower, "1");
  update(follower, OrderStatus::Filled, "1");
  const Actions a = fb->flatten_all("shutdown");
  ASSERT_EQ(a.cancels.size(), 1u);
  EXPECT_EQ(a.cancels[0].client_oid, leader.client_oid);
  ASSERT_EQ(a.orders.size(), 2u);
  for (const auto& o : a.orders) {
    EXPECT_EQ(o.size, "1"_dec);
    if (o.market == MarketType::Spot) {
      EXPECT_EQ(o.side, Side::Buy);  // buy back the inventory we sold
    } else {
      EXPECT_EQ(o.side, Side::Sell);
      EXPECT_TRUE(o.reduce_only);
    }
  }
}

TEST_F(FundingBasisTest, KillSwitchReducingStopsAnOpeningAndNeverReopens) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  const OrderIntent follower = fill(leader, "4").orders.at(0);
  Actions a = fb->enter_reducing("daily_loss");
  ASSERT_EQ(a.cancels.size(), 1u);
  EXPECT_EQ(a.cancels[0].client_oid, leader.client_oid);
  EXPECT_EQ(view().mode, SymbolMode::Reducing);
  // The follower still hedges what the leader filled (it shrinks the net delta).
  fill(follower, "4");
  update(follower, OrderStatus::Filled, "4");
  update(leader, OrderStatus::Canceled, "4");
  advance(std::chrono::milliseconds(params.leader_requote_ms));
  timer();
  EXPECT_EQ(view().spot_position, "4"_dec);
  EXPECT_EQ(view().perp_position, "-4"_dec);
  advance(1h);
  a = funding("0.005");
  EXPECT_EQ(count(a, DecisionKind::Open), 0u);
  EXPECT_TRUE(a.orders.empty());
  // Closing is still allowed.
  a = funding("-0.001");
  EXPECT_EQ(count(a, DecisionKind::Close), 1u);
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_TRUE(a.orders[0].reduce_only);
}

TEST_F(FundingBasisTest, DustBelowTheFollowerMinimumDoesNotStallTheOpening) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  const OrderIntent follower = fill(leader, "9.99").orders.at(0);
  fill(follower, "9.99");
  update(follower, OrderStatus::Filled, "9.99");
  // The last 0.005 (0.5 USDT) cannot be bought on spot (1 USDT minimum): it stays as dust.
  EXPECT_TRUE(fill(leader, "0.005").orders.empty());
  update(leader, OrderStatus::Filled, "9.995");
  EXPECT_EQ(view().mode, SymbolMode::Open);
  EXPECT_EQ(view().spot_position + view().perp_position, "-0.005"_dec);
  EXPECT_LT(view().net_delta_bps, params.rebalance_band_bps);
}

TEST_F(FundingBasisTest, OrdersWhoseFinalUpdateWasLostExpireSoProgramsGoOn) {
  make();
  open_hedged();
  const OrderIntent leader = funding("-0.001").orders.at(0);  // close
  advance(std::chrono::seconds(params.leader_timeout_s));
  ASSERT_EQ(timer().cancels.size(), 1u);
  // The cancel's final update never arrives (lost in a private stream gap).
  Actions a;
  for (int i = 0; i < params.order_expiry_s && a.orders.empty(); ++i) {
    advance(1s);
    a = timer();
  }
  EXPECT_EQ(sink.count("strategy.order_expired"), 1u);
  EXPECT_EQ(sink.last("strategy.order_expired")->fields.at("client_oid"), leader.client_oid);
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_EQ(a.orders[0].reason, "close_taker_fallback");
}

TEST_F(FundingBasisTest, TakerPriceIsMidPlusSlippageButAtLeastTheTouch) {
  struct Row {
    const char* bid;
    const char* ask;
    const char* price;
  };
  // taker_max_slippage_bps = 10: buy limit = mid x 1.001 rounded down to the 0.01 tick.
  for (const Row& r : {Row{"99.99", "100.01", "100.1"}, Row{"199.98", "200.02", "200.2"},
                       Row{"99.5", "100.5", "100.5"}}) {  // wide book: the touch itself
    make();
    const OrderIntent leader = funding("0.001").orders.at(0);
    quote("ETHUSDT", MarketType::Spot, r.bid, r.ask);
    const Actions a = fill(leader, "1");
    ASSERT_EQ(a.orders.size(), 1u) << r.ask;
    EXPECT_EQ(a.orders[0].price, Decimal::parse(r.price).value()) << r.ask;
  }
}

TEST_F(FundingBasisTest, BlockedLeaderAbortsTheOpeningInsteadOfRequotingIntoTheRefusal) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  Actions a;
  fb->on_submit_rejected(leader.client_oid, "kill_switch.halted", a);
  EXPECT_TRUE(a.orders.empty());
  EXPECT_EQ(sink.count("strategy.open_aborted"), 1u);
  advance(std::chrono::seconds(params.eval_interval_s));
  a = timer();
  EXPECT_TRUE(a.orders.empty());
  EXPECT_EQ(view().mode, SymbolMode::Flat);
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].reason, "reopen_cooldown");
}

TEST_F(FundingBasisTest, DustThatNoOrderCanCloseCountsAsFlat) {
  make();
  // 0.005 spot (0.5 USDT, under the 1 USDT minimum) and nothing on the perp, funding against it.
  fb->adopt_positions("ETHUSDT", "0.005"_dec, Decimal{});
  EXPECT_EQ(view().mode, SymbolMode::Flat);
  Actions a = funding("-0.001");
  EXPECT_EQ(count(a, DecisionKind::Close), 0u);
  EXPECT_TRUE(a.orders.empty());
  // Nor is anything re-decided on every tick.
  std::size_t decisions = 0;
  for (int i = 0; i < 60; ++i) {
    advance(1s);
    for (const auto& d : timer().decisions) {
      ++decisions;
      ADD_FAILURE() << to_json(d).dump();
    }
  }
  EXPECT_EQ(decisions, 0u);
}

}  // namespace
}  // namespace carry::strategy::test
