// What a general Bitget client (ccxt's bitget) calls at start must answer, in Bitget's shapes:
// the coin list, the margin pairs, and the contracts of every futures kind, empty where the
// simulator trades nothing.
#include "sim_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace carry::sim {
namespace {

using nlohmann::json;
using test_support::SimFixture;

TEST_F(SimFixture, SpotCoinsListTheInstrumentsAndBalancesCoins) {
  auto r = get("/api/v2/spot/public/coins");
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> coins;
  const json all = body(r);
  for (const auto& c : all["data"]) {
    coins.insert(c["coin"].get<std::string>());
    EXPECT_TRUE(c["chains"].is_array());
    EXPECT_FALSE(c["coinId"].get<std::string>().empty());
  }
  EXPECT_EQ(coins, (std::set<std::string>{"BTC", "ETH", "USDT"}));
  auto one = body(get("/api/v2/spot/public/coins?coin=ETH"));
  ASSERT_EQ(one["data"].size(), 1u);
  EXPECT_EQ(one["data"][0]["coin"], "ETH");
  EXPECT_EQ(body(get("/api/v2/spot/public/coins?coin=NOPE"))["code"], "40034");
}

TEST_F(SimFixture, MarginCurrenciesAreAnEmptyList) {
  auto r = get("/api/v2/margin/currencies");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r)["code"], "00000");
  EXPECT_TRUE(body(r)["data"].is_array());
  EXPECT_TRUE(body(r)["data"].empty());
}

TEST_F(SimFixture, ContractsOfEveryFuturesKindAnswerEmptyOnlyUsdtMIsListed) {
  for (const char* kind : {"COIN-FUTURES", "USDC-FUTURES", "SUSDT-FUTURES", "SCOIN-FUTURES", "SUSDC-FUTURES"}) {
    auto r = get(std::string("/api/v2/mix/market/contracts?productType=") + kind);
    ASSERT_EQ(r.status, 200) << kind << " " << r.body;
    EXPECT_TRUE(body(r)["data"].empty()) << kind;
  }
  EXPECT_EQ(body(get("/api/v2/mix/market/contracts?productType=USDT-FUTURES"))["data"].size(), 2u);
  EXPECT_EQ(body(get("/api/v2/mix/market/contracts?productType=NOPE"))["code"], "40034");
  EXPECT_EQ(body(get("/api/v2/mix/market/contracts"))["code"], "40019");
  // Other futures routes still refuse the kinds the simulator does not trade.
  EXPECT_EQ(body(get("/api/v2/mix/market/tickers?productType=COIN-FUTURES"))["code"], "40034");
  EXPECT_EQ(body(get("/api/v2/mix/market/tickers?productType=SUSDT-FUTURES"))["code"], "40099");
}

}  // namespace
}  // namespace carry::sim
