// strategy.funding.symbols: auto against bitget-sim (classic and UTA): the daemon ranks the venue's
// tickers, holds the best-paying pair, and keeps a held pair when another outranks it (a symbol
// leaves the set only by its own close rule).
#include <carry_test/sim_fixture.hpp>

#include <carry_test/process.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <csignal>

namespace {

using carry::test::kClassic;
using carry::test::kOpenDeadline;
using carry::test::kUta;
using carry::test::SimAccount;
using carry::test::SimAccountName;
using carry::test::SimFixture;
using carry_test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

class UniverseSim : public ::testing::TestWithParam<SimAccount> {};

bool members_are(const json& e, const std::vector<std::string>& want) {
  return e.at("members").get<std::vector<std::string>>() == want;
}

TEST_P(UniverseSim, AutoHoldsTheBestPayingPairAndKeepsItWhenAnotherOutranksIt) {
  SimFixture f(GetParam(), 20, "0.00001");  // too little to rank on every symbol...
  ASSERT_TRUE(f.sim->is_ready());
  f.post("/sim/funding", {{"symbol", "ETHUSDT"}, {"rate", "0.0005"}});  // ... but ETH
  const double lot = f.perp_lot("ETHUSDT");
  auto env = f.keys();
  env["STRATEGY__FUNDING__SYMBOLS"] = "auto";
  env["STRATEGY__FUNDING__UNIVERSE__MAX_SYMBOLS"] = "1";
  env["STRATEGY__FUNDING__UNIVERSE__MIN_QUOTE_VOLUME_24H"] = "0";
  env["STRATEGY__FUNDING__UNIVERSE__REFRESH_S"] = "10";
  auto d = f.carryd({"--flatten-on-exit"}, env);

  auto eth_hedged = [&] {
    const double perp = f.perp_position("ETHUSDT"), spot = f.spot_holding("ETH");
    return perp < 0 && spot > 0 && std::abs(spot + perp) <= lot + 1e-12;
  };
  ASSERT_TRUE(wait_until(eth_hedged, kOpenDeadline)) << f.account().dump() << "\n" << d->err();
  EXPECT_EQ(f.perp_position("BTCUSDT"), 0.0);
  EXPECT_EQ(f.spot_holding("BTC"), 0.0);
  const auto first = f.log_events("universe.refresh");
  ASSERT_FALSE(first.empty());
  EXPECT_TRUE(members_are(first.front(), {"ETHUSDT"})) << first.front().dump();
  EXPECT_EQ(first.front().at("candidates").get<int>(), 2);
  EXPECT_GE(first.front().at("loop_us").get<int>(), 0);

  // BTC now pays more: it ranks first, but ETH is held, so it keeps the one place.
  f.post("/sim/funding", {{"symbol", "BTCUSDT"}, {"rate", "0.0009"}});
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& e : f.log_events("universe.refresh"))
          if (!e.at("top").empty() && e.at("top")[0].at("symbol") == "BTCUSDT") return true;
        return false;
      },
      60s))
      << "no refresh ranked BTCUSDT first";
  EXPECT_TRUE(eth_hedged());
  EXPECT_EQ(f.perp_position("BTCUSDT"), 0.0);
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

// kill -9 while holding ETH; at the restart ETH no longer ranks at all, BTC does: ETH joins first
// (the store holds it), is reconciled and stays hedged; BTC cannot take the one place.
TEST_P(UniverseSim, ARestartKeepsTheHeldPairWhateverItsRank) {
  SimFixture f(GetParam(), 20, "0.00001");
  ASSERT_TRUE(f.sim->is_ready());
  f.post("/sim/funding", {{"symbol", "ETHUSDT"}, {"rate", "0.0005"}});
  const double lot = f.perp_lot("ETHUSDT");
  auto env = f.keys();
  env["STRATEGY__FUNDING__SYMBOLS"] = "auto";
  env["STRATEGY__FUNDING__UNIVERSE__MAX_SYMBOLS"] = "1";
  env["STRATEGY__FUNDING__UNIVERSE__MIN_QUOTE_VOLUME_24H"] = "0";
  env["STRATEGY__FUNDING__UNIVERSE__REFRESH_S"] = "10";
  auto eth_hedged = [&] {
    const double perp = f.perp_position("ETHUSDT"), spot = f.spot_holding("ETH");
    return perp < 0 && spot > 0 && std::abs(spot + perp) <= lot + 1e-12;
  };
  {
    auto d = f.carryd({}, env);
    // Hedged and nothing working: a leader still resting could fill after the kill and move the
    // position the restart is measured against.
    ASSERT_TRUE(wait_until([&] { return eth_hedged() && f.open_orders() == 0; }, kOpenDeadline))
        << f.account().dump() << "\n"
        << d->err();
    d->signal(SIGKILL);
    (void)d->wait(30s);
  }
  const double eth_short = f.perp_position("ETHUSDT");
  f.post("/sim/funding", {{"symbol", "ETHUSDT"}, {"rate", "0.00001"}});
  f.post("/sim/funding", {{"symbol", "BTCUSDT"}, {"rate", "0.0009"}});
  auto d = f.carryd({}, env);
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& e : f.log_events("universe.refresh"))
          if (!e.at("top").empty() && e.at("top")[0].at("symbol") == "BTCUSDT") return true;
        return false;
      },
      60s))
      << d->err();
  bool joined_as_held = false;
  for (const auto& e : f.log_events("universe.join"))
    joined_as_held = joined_as_held || (e.at("symbol") == "ETHUSDT" && e.at("why") == "held_at_start");
  EXPECT_TRUE(joined_as_held);
  EXPECT_EQ(f.perp_position("ETHUSDT"), eth_short);  // neither abandoned nor doubled
  EXPECT_TRUE(eth_hedged());
  EXPECT_EQ(f.perp_position("BTCUSDT"), 0.0);
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

INSTANTIATE_TEST_SUITE_P(Accounts, UniverseSim, ::testing::Values(kClassic, kUta), SimAccountName());

}  // namespace
