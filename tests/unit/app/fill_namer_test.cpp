// FillNamer: a fill pushed without its client id is named by the OMS or by a lookup of its order
// id, and is called someone else's only when the venue says so or nothing named it in a minute.
#include "fill_namer.hpp"

#include <gtest/gtest.h>

namespace carry::app {
namespace {

using namespace std::chrono_literals;
using Tp = FillNamer::Clock::time_point;

Fill spot_fill(std::string order_id, std::string trade_id) {
  Fill f;
  f.symbol = "BTCUSDT";
  f.market = MarketType::Spot;
  f.order_id = std::move(order_id);
  f.trade_id = std::move(trade_id);
  return f;
}

const FillNamer::Known kNobody = [](const std::string&) { return std::optional<std::string>{}; };

TEST(FillNamer, TheOmsNamesAFillOnceItLearnsTheOrderId) {
  FillNamer n;
  const Tp t0{};
  n.hold(spot_fill("O1", "T1"), t0);
  EXPECT_TRUE(n.step(t0 + 100ms, kNobody).empty());
  auto plan = n.step(t0 + 200ms, [](const std::string& id) {
    return id == "O1" ? std::optional<std::string>("cry-1") : std::nullopt;
  });
  ASSERT_EQ(plan.named.size(), 1u);
  EXPECT_EQ(plan.named[0].client_oid, "cry-1");
  EXPECT_EQ(n.waiting(), 0u);
}

TEST(FillNamer, AnOrderTheOmsDoesNotKnowIsLookedUpOnceAndNamedByTheVenue) {
  FillNamer n;
  const Tp t0{};
  n.hold(spot_fill("O1", "T1"), t0);
  n.hold(spot_fill("O1", "T2"), t0);
  auto plan = n.step(t0 + 1s, kNobody);
  ASSERT_EQ(plan.lookups.size(), 1u);  // one order, one request, however many fills
  EXPECT_EQ(plan.lookups[0].order_id, "O1");
  EXPECT_EQ(plan.lookups[0].market, MarketType::Spot);
  EXPECT_TRUE(n.step(t0 + 2s, kNobody).lookups.empty());  // already asking
  n.on_lookup("O1", "cry-7", false, t0 + 2s);
  plan = n.step(t0 + 2s, kNobody);
  ASSERT_EQ(plan.named.size(), 2u);
  EXPECT_EQ(plan.named[1].client_oid, "cry-7");
  EXPECT_TRUE(plan.foreign.empty());
}

TEST(FillNamer, AFailedLookupIsRetriedAndTheFillIsNeverCalledForeignMeanwhile) {
  FillNamer n;
  const Tp t0{};
  n.hold(spot_fill("O1", "T1"), t0);
  ASSERT_EQ(n.step(t0 + 1s, kNobody).lookups.size(), 1u);
  n.on_lookup("O1", std::nullopt, true, t0 + 2s);
  auto plan = n.step(t0 + 5s, kNobody);
  EXPECT_TRUE(plan.lookups.empty());
  EXPECT_TRUE(plan.foreign.empty());
  EXPECT_EQ(n.step(t0 + 7s, kNobody).lookups.size(), 1u);
  n.on_lookup("O1", std::nullopt, true, t0 + 8s);
  plan = n.step(t0 + 60s, kNobody);  // nothing could name it in a minute
  ASSERT_EQ(plan.foreign.size(), 1u);
  EXPECT_EQ(plan.foreign[0].client_oid, "venue-O1");
}

TEST(FillNamer, AnOrderTheVenueDoesNotHaveIsSomeoneElses) {
  FillNamer n;
  const Tp t0{};
  n.hold(spot_fill("O9", "T1"), t0);
  ASSERT_EQ(n.step(t0 + 1s, kNobody).lookups.size(), 1u);
  n.on_lookup("O9", std::nullopt, false, t0 + 1s);
  auto plan = n.step(t0 + 1s, kNobody);
  ASSERT_EQ(plan.foreign.size(), 1u);
  EXPECT_EQ(plan.foreign[0].client_oid, "venue-O9");
  EXPECT_EQ(n.waiting(), 0u);
}

}  // namespace
}  // namespace carry::app
