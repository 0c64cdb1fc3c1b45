#include <carry/strategy/carry_economics.hpp>

#include <gtest/gtest.h>

namespace carry::strategy {
namespace {

TEST(CarryEconomics, BasisBpsIsPerpOverSpot) {
  EXPECT_NEAR(basis_bps("100"_dec, "100.06"_dec), 6.0, 1e-9);
  EXPECT_NEAR(basis_bps("100"_dec, "99.95"_dec), -5.0, 1e-9);
  EXPECT_EQ(basis_bps(Decimal{}, "100"_dec), 0.0);
}

TEST(CarryEconomics, SlippageIsHalfSpreadPlusPenaltyBeyondTopOfBook) {
  struct Row {
    const char* top;
    const char* size;
    double expected;
  };
  // bid 99.99 / ask 100.01: half spread = 0.01 / 100 = 1 bps; penalty 5 bps on the part beyond top.
  for (const Row& r :
       {Row{"50", "10", 1.0}, Row{"10", "10", 1.0}, Row{"5", "10", 3.5}, Row{"0", "10", 6.0}, Row{"7.5", "10", 2.25}}) {
    EXPECT_NEAR(
        slippage_bps("99.99"_dec, "100.01"_dec, Decimal::parse(r.top).value(), Decimal::parse(r.size).value(), 5.0),
        r.expected, 1e-9)
        << "top " << r.top << " size " << r.size;
  }
}

TEST(CarryEconomics, HorizonCountsSettlementsPerIntervalNeverAssumingEight) {
  struct Row {
    int interval;
    double settlements;
  };
  for (const Row& r : {Row{1, 72}, Row{2, 36}, Row{4, 18}, Row{8, 9}}) {
    const Horizon h = horizon_for(true, 72, 60, r.interval);
    EXPECT_DOUBLE_EQ(h.hours, 72);
    EXPECT_DOUBLE_EQ(h.settlements, r.settlements) << "interval " << r.interval;
  }
  // One event: the pre-event window, one settlement, whatever the interval.
  const Horizon ev = horizon_for(false, 72, 30, 4);
  EXPECT_DOUBLE_EQ(ev.hours, 0.5);
  EXPECT_DOUBLE_EQ(ev.settlements, 1);
  // Unknown interval: nothing to collect.
  EXPECT_DOUBLE_EQ(horizon_for(true, 72, 60, 0).settlements, 0);
}

TEST(CarryEconomics, OpenAprHandComputed) {
  struct Row {
    const char* name;
    double rate;
    int direction;
    double basis;
    bool hold;
    double funding_bps, fees_bps, slip_bps, basis_cost_bps, apr;
  };
  // Leader perp maker 0.02 %, follower spot taker 0.1 %: fees = 2 x (0.0002 + 0.001) = 24 bps.
  // Follower slippage 1 bps each way = 2 bps.
  const Row rows[] = {
      // 0.1 % per 8 h over 72 h = 9 x 10 = 90 bps; net 64 bps; x 8760 / 72 = 0.778666...
      {"positive, favourable basis", 0.001, 1, 6.0, true, 90, 24, 2, 0, 0.0064 * 8760.0 / 72.0},
      // Perp below spot while going short perp: 5 bps locked in against us; net 59 bps.
      {"positive, adverse basis", 0.001, 1, -5.0, true, 90, 24, 2, 5, 0.0059 * 8760.0 / 72.0},
      // Negative funding, long perp / short spot: a perp premium is the adverse basis now.
      {"negative, adverse basis", -0.001, -1, 6.0, true, 90, 24, 2, 6, 0.0058 * 8760.0 / 72.0},
      // One event within a 60 min window: 10 bps of funding cannot pay 26 bps of costs.
      {"one event", 0.001, 1, 0.0, false, 10, 24, 2, 0, -0.0016 * 8760.0 / 1.0},
  };
  for (const Row& r : rows) {
    OpenCostInput in;
    in.funding_rate = r.rate;
    in.horizon = horizon_for(r.hold, 72, 60, 8);
    in.leader_maker_fee = 0.0002;
    in.follower_taker_fee = 0.001;
    in.follower_slippage_bps = 1.0;
    in.basis_bps = r.basis;
    in.direction = r.direction;
    const OpenEconomics e = open_economics(in);
    EXPECT_NEAR(e.funding_bps, r.funding_bps, 1e-9) << r.name;
    EXPECT_NEAR(e.fees_bps, r.fees_bps, 1e-9) << r.name;
    EXPECT_NEAR(e.slippage_bps, r.slip_bps, 1e-9) << r.name;
    EXPECT_NEAR(e.basis_cost_bps, r.basis_cost_bps, 1e-9) << r.name;
    EXPECT_NEAR(e.net_bps, r.funding_bps - r.fees_bps - r.slip_bps - r.basis_cost_bps, 1e-9) << r.name;
    EXPECT_NEAR(e.expected_apr, r.apr, 1e-9) << r.name;
  }
}

TEST(CarryEconomics, HoldAprIsFundingAnnualisedPerInterval) {
  struct Row {
    int interval;
    double apr;
  };
  for (const Row& r : {Row{1, 0.876}, Row{2, 0.438}, Row{4, 0.219}, Row{8, 0.1095}})
    EXPECT_NEAR(hold_apr(0.0001, r.interval, 1), r.apr, 1e-12) << r.interval;
  EXPECT_NEAR(hold_apr(0.0001, 8, -1), -0.1095, 1e-12);  // position against the funding
  EXPECT_EQ(hold_apr(0.0001, 0, 1), 0.0);
}

TEST(CarryEconomics, LeaderIsTheLegWithTheLargerMakerSaving) {
  Instrument spot, perp;
  spot.maker_fee = "0.001"_dec;
  spot.taker_fee = "0.001"_dec;
  perp.maker_fee = "0.0002"_dec;
  perp.taker_fee = "0.0006"_dec;
  EXPECT_EQ(choose_leader(spot, perp), MarketType::Perp);
  spot.maker_fee = "0.0005"_dec;
  spot.taker_fee = "0.002"_dec;
  EXPECT_EQ(choose_leader(spot, perp), MarketType::Spot);
  spot.taker_fee = "0.0009"_dec;  // tie: perp
  EXPECT_EQ(choose_leader(spot, perp), MarketType::Perp);
}

TEST(CarryEconomics, RoundTripCountsBothWaysWithTheLeaderMakerOrTaker) {
  Instrument spot, perp;
  spot.maker_fee = "0.001"_dec;
  spot.taker_fee = "0.001"_dec;
  perp.maker_fee = "0.0002"_dec;
  perp.taker_fee = "0.0006"_dec;
  // Spot 99.99/100.01 (half spread 1 bp), perp 99.98/100.02 (2 bp); the perp leads.
  const Touch s{"99.99"_dec, "100.01"_dec}, p{"99.98"_dec, "100.02"_dec};
  struct Row {
    const char* name;
    bool leader_taker;
    double bps;  // by hand
  };
  const Row rows[] = {
      // 2 x (perp maker 2 + spot taker 10 + spot half spread 1)
      {"maker leader", false, 26.0},
      // 2 x (perp taker 6 + perp half spread 2 + spot taker 10 + spot half spread 1)
      {"taker leader", true, 38.0},
  };
  for (const Row& r : rows) EXPECT_NEAR(round_trip_bps(spot, perp, s, p, r.leader_taker), r.bps, 1e-9) << r.name;
}

}  // namespace
}  // namespace carry::strategy
