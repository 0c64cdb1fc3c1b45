// The maker chaser alone: its decision for one order on a quote, and its list of chases driven
// through a recording host.
#include <carry/oms/maker_chaser.hpp>

#include <gtest/gtest.h>

#include <map>

using namespace carry;
using namespace carry::oms;
using namespace std::chrono_literals;

namespace {

const MonoNanos kStart = MonoNanos::from_seconds(10);

OmsParams chase_params() {
  OmsParams p;
  p.chase_interval_ms = 1'000;
  p.chase_max_amends = 2;
  p.chase_max_distance_bps = 100;
  return p;
}

Order resting(Side side, const char* price) {
  Order o;
  o.client_oid = "cry-1";
  o.side = side;
  o.status = OrderStatus::Acked;
  o.price = Decimal::parse(price).value();
  o.size = "0.01"_dec;
  return o;
}

TopOfBook quote(const char* bid, const char* ask) {
  TopOfBook t;
  t.bid = Decimal::parse(bid).value();
  t.ask = Decimal::parse(ask).value();
  return t;
}

ChaseState chase_from(const char* price, int amends = 0) {
  ChaseState c;
  c.chain = "cry-1";
  c.original_price = Decimal::parse(price).value();
  c.amends = amends;
  c.last = kStart;
  return c;
}

const Decimal kTick = "0.1"_dec;

}  // namespace

TEST(NextChaseStep, WaitsUntilTheIntervalHasPassedAndWhileAnOperationIsPending) {
  const auto params = chase_params();
  Order o = resting(Side::Buy, "100");
  const auto away = quote("100.3", "100.5");
  EXPECT_EQ(next_chase_step(chase_from("100"), o, away, kTick, params, kStart + 999ms).kind, ChaseStep::Kind::Wait);
  EXPECT_EQ(next_chase_step(chase_from("100"), o, away, kTick, params, kStart + 1s).kind, ChaseStep::Kind::Amend);
  o.amend_pending = true;
  EXPECT_EQ(next_chase_step(chase_from("100"), o, away, kTick, params, kStart + 1s).kind, ChaseStep::Kind::Wait);
  o.amend_pending = false;
  o.status = OrderStatus::Sent;  // not acknowledged yet
  EXPECT_EQ(next_chase_step(chase_from("100"), o, away, kTick, params, kStart + 1s).kind, ChaseStep::Kind::Wait);
}

TEST(NextChaseStep, FollowsOnlyAMarketMovingAway) {
  const auto params = chase_params();
  const auto later = kStart + 1s;
  const Order buy = resting(Side::Buy, "100");
  EXPECT_EQ(next_chase_step(chase_from("100"), buy, quote("100", "100.2"), kTick, params, later).kind,
            ChaseStep::Kind::Wait);  // still at the touch
  EXPECT_EQ(next_chase_step(chase_from("100"), buy, quote("99.8", "100"), kTick, params, later).kind,
            ChaseStep::Kind::Wait);  // coming to us
  EXPECT_EQ(next_chase_step(chase_from("100"), buy, quote("0", "100"), kTick, params, later).kind,
            ChaseStep::Kind::Wait);  // no bid
  const auto up = next_chase_step(chase_from("100"), buy, quote("100.3", "100.5"), kTick, params, later);
  EXPECT_EQ(up.kind, ChaseStep::Kind::Amend);
  EXPECT_EQ(up.price, "100.3"_dec);
  const auto down =
      next_chase_step(chase_from("100"), resting(Side::Sell, "100"), quote("99.5", "99.7"), kTick, params, later);
  EXPECT_EQ(down.kind, ChaseStep::Kind::Amend);
  EXPECT_EQ(down.price, "99.7"_dec);
}

TEST(NextChaseStep, CapsAtTheDistanceFromTheOriginalPriceThenStops) {
  const auto params = chase_params();
  const auto later = kStart + 1s;
  // 100 bps above 100 is 101.0: the buy goes there, not to the bid.
  const auto capped =
      next_chase_step(chase_from("100"), resting(Side::Buy, "100.5"), quote("101.5", "101.7"), kTick, params, later);
  EXPECT_EQ(capped.kind, ChaseStep::Kind::Amend);
  EXPECT_EQ(capped.price, "101"_dec);
  const auto done =
      next_chase_step(chase_from("100"), resting(Side::Buy, "101"), quote("101.5", "101.7"), kTick, params, later);
  EXPECT_EQ(done.kind, ChaseStep::Kind::Stop);
  EXPECT_EQ(done.reason, "max_distance");
  const auto spent =
      next_chase_step(chase_from("100", 2), resting(Side::Buy, "100.5"), quote("100.7", "100.9"), kTick, params, later);
  EXPECT_EQ(spent.kind, ChaseStep::Kind::Stop);
  EXPECT_EQ(spent.reason, "max_amends");
}

namespace {

class FakeHost : public ChaseHost {
 public:
  const Order* chase_head(std::string_view chain) override {
    auto it = heads.find(std::string(chain));
    return it == heads.end() ? nullptr : &it->second;
  }
  bool chase_amend(const Order& head, Decimal price, const ChaseState& chase) override {
    amends.push_back(head.client_oid + "@" + price.to_string() + "#" + std::to_string(chase.amends));
    if (refuse) return false;
    heads[chase.chain].price = price;
    return true;
  }
  void chase_done(const Order& head, const ChaseState& chase, std::string_view reason) override {
    done.push_back(head.client_oid + ":" + std::string(reason) + "#" + std::to_string(chase.amends));
  }
  std::map<std::string, Order> heads;
  std::vector<std::string> amends, done;
  bool refuse = false;
};

}  // namespace

TEST(MakerChaser, AmendsSpacedByTheIntervalUntilMaxAmends) {
  const auto params = chase_params();
  FakeHost host;
  host.heads["cry-1"] = resting(Side::Buy, "100");
  MakerChaser chaser;
  chaser.start("cry-1", "100"_dec, kStart);
  chaser.on_quote(quote("100.2", "100.4"), kTick, params, kStart + 1s, host);
  chaser.on_quote(quote("100.3", "100.5"), kTick, params, kStart + 1500ms, host);  // too soon
  chaser.on_quote(quote("100.3", "100.5"), kTick, params, kStart + 2s, host);
  EXPECT_EQ(host.amends, (std::vector<std::string>{"cry-1@100.2#0", "cry-1@100.3#1"}));
  chaser.on_quote(quote("100.4", "100.6"), kTick, params, kStart + 3s, host);
  EXPECT_EQ(host.done, std::vector<std::string>{"cry-1:max_amends#2"});
  EXPECT_TRUE(chaser.empty());
}

TEST(MakerChaser, ARefusedAmendEndsTheChaseAsBlocked) {
  const auto params = chase_params();
  FakeHost host;
  host.refuse = true;
  host.heads["cry-1"] = resting(Side::Buy, "100");
  host.heads["cry-2"] = resting(Side::Buy, "100");
  host.heads["cry-2"].client_oid = "cry-2";
  MakerChaser chaser;
  chaser.start("cry-1", "100"_dec, kStart);
  chaser.start("cry-2", "100"_dec, kStart);
  chaser.on_quote(quote("100.2", "100.4"), kTick, params, kStart + 1s, host);
  EXPECT_EQ(host.amends.size(), 2u);  // the second chase still gets its turn
  EXPECT_EQ(host.done, (std::vector<std::string>{"cry-1:blocked#0", "cry-2:blocked#0"}));
  EXPECT_TRUE(chaser.empty());
}

TEST(MakerChaser, ClosedOrGoneOrdersAndStoppedChasesLeaveSilently) {
  const auto params = chase_params();
  FakeHost host;
  host.heads["cry-1"] = resting(Side::Buy, "100");
  host.heads["cry-1"].status = OrderStatus::Filled;
  MakerChaser chaser;
  chaser.start("cry-1", "100"_dec, kStart);
  chaser.start("cry-gone", "100"_dec, kStart);
  chaser.start("cry-3", "100"_dec, kStart);
  EXPECT_TRUE(chaser.stop("cry-3"));
  EXPECT_FALSE(chaser.stop("cry-3"));
  chaser.on_quote(quote("100.2", "100.4"), kTick, params, kStart + 1s, host);
  EXPECT_TRUE(chaser.empty());
  EXPECT_TRUE(host.amends.empty());
  EXPECT_TRUE(host.done.empty());
}
