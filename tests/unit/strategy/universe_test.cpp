#include <carry/strategy/universe.hpp>
#include <carry_test/strategy_fixture.hpp>

#include <gtest/gtest.h>

namespace carry::strategy {
namespace {

// bid 99.99 / ask 100.01 on both legs (basis 0, half spread 1 bp), 1,000 base coin at the touch.
UniverseCandidate cand(const std::string& symbol, double rate) {
  UniverseCandidate c;
  c.symbol = symbol;
  c.spot = test::spot_instrument(symbol);
  c.perp = test::perp_instrument(symbol);
  c.spot_quote = c.perp_quote = QuoteSide{"99.99"_dec, "1000"_dec, "100.01"_dec, "1000"_dec};
  c.funding_rate = rate;
  c.perp_quote_volume_24h = c.spot_quote_volume_24h = 50e6;
  return c;
}

UniverseParams params() {
  UniverseParams p;
  p.max_symbols = 2;
  p.min_quote_volume_24h = 10e6;
  p.min_rank_apr = 0.10;
  p.holding_horizon_hours = 720;
  p.depth_penalty_bps = 5;
  p.notional_per_symbol = "1000"_dec;
  return p;
}

TEST(Universe, RanksByTheEntrysOwnNetAprWorkedByHand) {
  // Spot's taker-maker gap (0) is below the perp's (0.0004): the perp leads as maker (0.0002),
  // spot follows as taker (0.001). 720 h / 8 h = 90 settlements x 3 bp = 270 bp of funding;
  // fees 2 x (2 + 10) = 24 bp; slippage 2 x 1 bp half spread = 2 bp; basis 0.
  const double net_bps = 270 - 24 - 2;
  const RankedCandidate r = rank_candidate(cand("AAAUSDT", 0.0003), params());
  EXPECT_EQ(r.excluded, "");
  EXPECT_NEAR(r.net_apr, net_bps / 1e4 * 8760.0 / 720.0, 1e-9);
}

TEST(Universe, ExcludesWhatCannotOrShouldNotBeCarried) {
  struct Row {
    const char* name;
    UniverseCandidate c;
    std::string_view reason;
  };
  auto no_spot = cand("NOSPOTUSDT", 0.001);
  no_spot.spot.reset();
  auto no_quote = cand("NOQUOTEUSDT", 0.001);
  no_quote.spot_quote = {};
  auto thin_spot = cand("THINUSDT", 0.001);
  thin_spot.spot_quote_volume_24h = 9e6;
  auto negative = cand("NEGUSDT", -0.001);
  auto low = cand("LOWUSDT", 0.00005);  // 4.5 bp of funding does not pay 26 bp of costs
  auto no_interval = cand("NOINTUSDT", 0.001);
  no_interval.perp->funding_interval_hours = 0;
  auto unknown_volume = cand("UNKNOWNVOLUSDT", 0.001);  // no volume from the source: not a filter
  unknown_volume.perp_quote_volume_24h.reset();
  unknown_volume.spot_quote_volume_24h.reset();
  for (const Row& r : {Row{"no spot", no_spot, "no_spot_market"}, Row{"no quote", no_quote, "no_quote"},
                       Row{"thin", thin_spot, "low_volume"}, Row{"negative", negative, "funding_not_positive"},
                       Row{"low", low, "below_min_rank_apr"}, Row{"no interval", no_interval, "no_funding_interval"},
                       Row{"unknown volume", unknown_volume, ""}})
    EXPECT_EQ(rank_candidate(r.c, params()).excluded, r.reason) << r.name;
}

TEST(Universe, DepthBeyondTheTouchAndAdverseBasisLowerTheRank) {
  const double base = rank_candidate(cand("AUSDT", 0.0003), params()).net_apr;
  auto shallow = cand("BUSDT", 0.0003);
  shallow.spot_quote.ask_size = "5"_dec;  // 1,000 USDT is ~10 coins: half beyond the touch
  auto backwardated = cand("CUSDT", 0.0003);
  backwardated.perp_quote = QuoteSide{"99.89"_dec, "1000"_dec, "99.91"_dec, "1000"_dec};  // perp 10 bp under
  EXPECT_LT(rank_candidate(shallow, params()).net_apr, base);
  EXPECT_LT(rank_candidate(backwardated, params()).net_apr, base);
}

TEST(Universe, ChoosesTheBestUpToMaxSymbolsDeterministically) {
  const std::vector<UniverseCandidate> cs{cand("DDDUSDT", 0.0002), cand("AAAUSDT", 0.0005), cand("CCCUSDT", 0.0004),
                                          cand("BBBUSDT", 0.0004), cand("EEEUSDT", 0.00001)};
  const UniverseChoice c = choose_universe(cs, {}, {}, params());
  EXPECT_EQ(c.members, (std::vector<std::string>{"AAAUSDT", "BBBUSDT"}));  // tie at 0.0004: by name
  EXPECT_EQ(c.added, c.members);
  EXPECT_TRUE(c.removed.empty());
  ASSERT_EQ(c.ranking.size(), 5U);
  EXPECT_EQ(c.ranking.back().symbol, "EEEUSDT");
  EXPECT_EQ(c.ranking.back().excluded, "below_min_rank_apr");
}

TEST(Universe, AHeldSymbolStaysUntilItsOwnCloseRuleAndTakesItsPlace) {
  const std::vector<UniverseCandidate> cs{cand("AAAUSDT", 0.0005), cand("BBBUSDT", 0.0004), cand("CCCUSDT", 0.00001),
                                          cand("DDDUSDT", 0.0003)};
  // CCC is held though it no longer ranks; DDD is flat and outranked: it goes.
  const UniverseChoice c = choose_universe(cs, {"CCCUSDT", "DDDUSDT"}, {"CCCUSDT"}, params());
  EXPECT_EQ(c.members, (std::vector<std::string>{"CCCUSDT", "AAAUSDT"}));
  EXPECT_EQ(c.added, (std::vector<std::string>{"AAAUSDT"}));
  EXPECT_EQ(c.removed, (std::vector<std::string>{"DDDUSDT"}));
  // A held symbol missing from the tickers altogether also stays.
  const UniverseChoice gone = choose_universe({cand("AAAUSDT", 0.0005)}, {"ZZZUSDT"}, {"ZZZUSDT"}, params());
  EXPECT_EQ(gone.members, (std::vector<std::string>{"ZZZUSDT", "AAAUSDT"}));
  EXPECT_TRUE(gone.removed.empty());
}

TEST(Universe, AFlatMemberThatStillRanksIsKeptWithoutChurn) {
  const std::vector<UniverseCandidate> cs{cand("AAAUSDT", 0.0005), cand("BBBUSDT", 0.0004)};
  const UniverseChoice c = choose_universe(cs, {"BBBUSDT", "AAAUSDT"}, {}, params());
  EXPECT_TRUE(c.added.empty());
  EXPECT_TRUE(c.removed.empty());
}

}  // namespace
}  // namespace carry::strategy
