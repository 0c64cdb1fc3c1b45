// FundingBasis under a stepped host clock: every timer (leader timeout, requote, follower retry,
// order expiry, hedge deviation, reopen cooldown, quote age) runs on the monotonic reading, so an
// NTP step of the wall clock neither trips nor freezes one. Wall time is only for what the venue
// dates: the funding settlement and decision timestamps.
#include "funding_basis_fixture.hpp"

#include <chrono>

namespace carry::strategy::test {
namespace {

using namespace std::chrono_literals;

TEST_F(FundingBasisTest, AWallClockStepForwardTimesNothingOut) {
  params.market_data_stale_s = 30;
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  clock.step_wall(10min);  // more than leader_timeout_s, order_expiry_s and the quote age
  Actions a = timer();
  EXPECT_TRUE(a.cancels.empty());
  EXPECT_EQ(sink.count("strategy.leader_timeout"), 0u);
  EXPECT_EQ(sink.count("strategy.order_expired"), 0u);
  // The quotes are seconds old, not ten minutes: a leader fill is hedged at once.
  a = fill(leader, "3");
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_EQ(a.orders[0].role, LegRole::Follower);
  EXPECT_EQ(sink.count("strategy.taker_waits_for_quote"), 0u);
  EXPECT_EQ(fb->counters().stale_quote_waits, 0u);
}

TEST_F(FundingBasisTest, AWallClockStepBackwardsFreezesNoLeaderTimeout) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  clock.step_wall(-10min);
  advance(std::chrono::seconds(params.leader_timeout_s));
  const Actions a = timer();
  ASSERT_EQ(a.cancels.size(), 1u);
  EXPECT_EQ(a.cancels[0].client_oid, leader.client_oid);
  EXPECT_EQ(a.cancels[0].reason, "leader_timeout");
}

TEST_F(FundingBasisTest, AWallClockStepBackwardsFreezesNeitherFollowerRetriesNorTheDeviationHalt) {
  make();
  const OrderIntent leader = funding("0.001").orders.at(0);
  Actions a = fill(leader, "5");
  ASSERT_EQ(a.orders.size(), 1u);
  fb->on_submit_rejected(a.orders[0].client_oid, "cooldown", a);
  clock.step_wall(-1h);
  std::size_t retries = 0;
  int halted_at = 0;
  for (int s = 1; s <= 40 && halted_at == 0; ++s) {
    advance(1s);
    Actions t = timer();
    for (const auto& o : t.orders)
      if (o.role == LegRole::Follower) {
        ++retries;
        Actions ignored;
        fb->on_submit_rejected(o.client_oid, "cooldown", ignored);
      }
    if (sink.count("hedge.deviation_halt") > 0) halted_at = s;
  }
  EXPECT_GE(retries, 10u);
  EXPECT_EQ(halted_at, params.hedge_timeout_s);
  EXPECT_EQ(view().mode, SymbolMode::Reducing);
}

TEST_F(FundingBasisTest, AnOrderWhoseUpdatesStopExpiresOnMonotonicTimeAfterAWallStepBackwards) {
  make();
  open_hedged();
  const OrderIntent leader = funding("-0.001").orders.at(0);  // close
  advance(std::chrono::seconds(params.leader_timeout_s));
  ASSERT_EQ(timer().cancels.size(), 1u);
  clock.step_wall(-1h);
  Actions a;
  for (int i = 0; i < params.order_expiry_s && a.orders.empty(); ++i) {
    advance(1s);
    a = timer();
  }
  EXPECT_EQ(sink.count("strategy.order_expired"), 1u);
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_EQ(a.orders[0].reason, "close_taker_fallback");
  (void)leader;
}

TEST_F(FundingBasisTest, DecisionsAreStampedWithWallTime) {
  make();
  clock.step_wall(5min);
  const Actions a = funding("0.001");
  ASSERT_EQ(count(a, DecisionKind::Open), 1u);
  EXPECT_EQ(a.decisions.at(0).ts, now());
}

}  // namespace
}  // namespace carry::strategy::test
