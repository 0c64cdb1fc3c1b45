// FundingBasis with a symbol set that changes at run time (symbols: auto).
#include "funding_basis_fixture.hpp"

namespace carry::strategy::test {
namespace {

TEST_F(FundingBasisTest, AnAddedSymbolTradesLikeAConfiguredOne) {
  make({});
  EXPECT_TRUE(fb->symbols().empty());
  // Events of a symbol the strategy does not track are not acted on.
  market(InstrumentUpdate{spot_instrument("ETHUSDT"), now(), now()});
  EXPECT_TRUE(funding("0.001").orders.empty());

  ASSERT_TRUE(fb->add_symbol("ETHUSDT"));
  EXPECT_FALSE(fb->add_symbol("ETHUSDT"));  // once
  market(InstrumentUpdate{spot_instrument("ETHUSDT"), now(), now()});
  market(InstrumentUpdate{perp_instrument("ETHUSDT", 8), now(), now()});
  quotes();
  const Actions a = funding("0.001");
  ASSERT_EQ(a.decisions.size(), 1u);
  EXPECT_EQ(a.decisions[0].kind, DecisionKind::Open);
  EXPECT_EQ(fb->symbols(), (std::vector<std::string>{"ETHUSDT"}));
}

TEST_F(FundingBasisTest, OnlyAnIdleSymbolCanBeRemoved) {
  make();
  auto [leader, follower] = open_hedged();
  EXPECT_FALSE(fb->idle("ETHUSDT"));
  EXPECT_FALSE(fb->remove_symbol("ETHUSDT"));  // holds a hedge: leaves by its own close rule
  EXPECT_EQ(view().spot_position, "9.995"_dec);
}

TEST_F(FundingBasisTest, AnOpeningSymbolIsRemovedOnlyOnceItsProgramEnded) {
  make();
  const Actions a = funding("0.001");
  ASSERT_EQ(a.orders.size(), 1u);
  EXPECT_FALSE(fb->remove_symbol("ETHUSDT"));  // an order out, nothing filled yet
  // Funding fades: the opening is given up once its leader is gone, and nothing was filled.
  funding("0.00001");
  update(a.orders[0], OrderStatus::Canceled);
  for (int i = 0; i < 20 && !fb->idle("ETHUSDT"); ++i) {
    advance(std::chrono::seconds(30));
    timer();
  }
  ASSERT_TRUE(fb->idle("ETHUSDT")) << to_string(view().mode);
  EXPECT_TRUE(fb->remove_symbol("ETHUSDT"));
  EXPECT_FALSE(fb->view("ETHUSDT").has_value());
  EXPECT_FALSE(fb->remove_symbol("ETHUSDT"));
}

TEST_F(FundingBasisTest, TheUniversesForecastIsTheEntrysBlend) {
  make();
  EXPECT_DOUBLE_EQ(fb->forecast_rate("BTCUSDT", 0.0004, 8), 0.0004);  // not tracked: the current rate
  ASSERT_EQ(fb->seed_settled_funding("ETHUSDT", {0.0001, 0.0001, 0.0001}, 8), 3);
  // current_weight 0.5: half the current rate, half the settled mean.
  EXPECT_NEAR(fb->forecast_rate("ETHUSDT", 0.0005, 8), 0.5 * 0.0005 + 0.5 * 0.0001, 1e-12);
}

}  // namespace
}  // namespace carry::strategy::test
