#include <carry/strategy/sizing.hpp>

#include <carry_test/strategy_fixture.hpp>

#include <gtest/gtest.h>

namespace carry::strategy {
namespace {

using test::perp_instrument;
using test::spot_instrument;

struct SizingCase : ::testing::Test {
  Instrument spot = spot_instrument();
  Instrument perp = perp_instrument();
  SizingInput in;
  void SetUp() override {
    in.direction = 1;
    in.spot = &spot;
    in.perp = &perp;
    in.spot_price = "100.01"_dec;  // spot ask (buy)
    in.perp_price = "100.05"_dec;  // perp bid (sell)
    in.target_notional = "1000"_dec;
    in.max_order_notional = "2000"_dec;
    in.spot_quote_available = "100000"_dec;
    in.spot_base_available = "0"_dec;
    in.perp_margin_available = "100000"_dec;
    in.leverage = 2;
  }
};

TEST(Sizing, CommonStepIsTheLeastCommonMultipleOfBothLots) {
  EXPECT_EQ(common_step("0.0001"_dec, "0.001"_dec), "0.001"_dec);
  EXPECT_EQ(common_step("0.0002"_dec, "0.0003"_dec), "0.0006"_dec);
  EXPECT_EQ(common_step("0.01"_dec, "0.01"_dec), "0.01"_dec);
  EXPECT_FALSE(common_step(Decimal{}, "0.01"_dec));
  EXPECT_FALSE(common_step("-0.1"_dec, "0.01"_dec));
}

TEST_F(SizingCase, TargetNotionalAtTheDearerLegRoundedDownToBothLots) {
  // 1000 / 100.05 = 9.99500249... -> 9.995 on the 0.001 grid (a multiple of 0.0001 too).
  const SizingResult r = size_pair(in);
  ASSERT_TRUE(r.ok()) << r.rejected;
  EXPECT_EQ(r.size, "9.995"_dec);
  EXPECT_EQ(r.limited_by, "target");
}

TEST_F(SizingCase, EachLimitBindsWhenItIsTheSmallest) {
  struct Row {
    const char* name;
    std::function<void(SizingInput&)> set;
    const char* size;
    const char* limited_by;
  };
  const Row rows[] = {
      {"order limit", [](SizingInput& i) { i.max_order_notional = "500"_dec; }, "4.997", "order_limit"},
      {"symbol limit",
       [](SizingInput& i) {
         i.symbol_limited = true;
         i.symbol_room = "300"_dec;
       },
       "2.998", "symbol_limit"},
      // Both legs count against the total: 600 / (2 x 100.05) = 2.9985 -> 2.998.
      {"total limit",
       [](SizingInput& i) {
         i.total_limited = true;
         i.total_room = "600"_dec;
       },
       "2.998", "total_limit"},
      // 500 / (100.01 x 1.001) = 4.99450... -> 4.994.
      {"spot quote balance", [](SizingInput& i) { i.spot_quote_available = "500"_dec; }, "4.994", "spot_quote_balance"},
      // 200 / (100.05 x (1/2 + 0.0006)) = 3.99321... -> 3.993.
      {"perp margin", [](SizingInput& i) { i.perp_margin_available = "200"_dec; }, "3.993", "perp_margin"},
      {"negative funding: inventory",
       [](SizingInput& i) {
         i.direction = -1;
         i.spot_base_available = "3.5004"_dec;
       },
       "3.5", "spot_inventory"},
  };
  for (const Row& r : rows) {
    SizingInput i = in;
    r.set(i);
    const SizingResult res = size_pair(i);
    ASSERT_TRUE(res.ok()) << r.name << ": " << res.rejected;
    EXPECT_EQ(res.size, Decimal::parse(r.size).value()) << r.name;
    EXPECT_EQ(res.limited_by, r.limited_by) << r.name;
  }
}

TEST_F(SizingCase, RejectionsNameTheCause) {
  struct Row {
    const char* name;
    std::function<void(SizingInput&)> set;
    const char* rejected;
  };
  const Row rows[] = {
      // 3 USDT -> 0.029 units: 2.9 USDT on the perp is under its 5 USDT minimum notional.
      {"min notional", [](SizingInput& i) { i.target_notional = "3"_dec; }, "below_min_notional"},
      // 0.05 USDT -> 0.0004 units -> 0 on the 0.001 grid.
      {"min size", [](SizingInput& i) { i.target_notional = "0.05"_dec; }, "below_min_size"},
      {"symbol full",
       [](SizingInput& i) {
         i.symbol_limited = true;
         i.symbol_room = "-10"_dec;
       },
       "below_min_size"},
      {"negative funding: no inventory",
       [](SizingInput& i) {
         i.direction = -1;
         i.spot_base_available = "0"_dec;
       },
       "no_spot_inventory"},
      {"negative funding: inventory unknown",
       [](SizingInput& i) {
         i.direction = -1;
         i.spot_base_available.reset();
       },
       "spot_inventory_unknown"},
      {"spot balance unknown", [](SizingInput& i) { i.spot_quote_available.reset(); }, "spot_balance_unknown"},
      {"perp balance unknown", [](SizingInput& i) { i.perp_margin_available.reset(); }, "perp_balance_unknown"},
      {"no price", [](SizingInput& i) { i.perp_price = Decimal{}; }, "no_price"},
      {"no instrument", [](SizingInput& i) { i.perp = nullptr; }, "instrument_unknown"},
  };
  for (const Row& r : rows) {
    SizingInput i = in;
    r.set(i);
    const SizingResult res = size_pair(i);
    EXPECT_EQ(res.rejected, r.rejected) << r.name;
    EXPECT_TRUE(res.size.is_zero()) << r.name;
  }
}

TEST_F(SizingCase, CoarseCommonStepRoundsDown) {
  spot.lot = "0.0002"_dec;
  perp.lot = "0.0003"_dec;
  in.target_notional = "1"_dec;  // 1 / 100.05 = 0.009995 -> 0.0096 on the 0.0006 grid
  spot.min_notional = "0.5"_dec;
  perp.min_notional = "0.5"_dec;
  const SizingResult r = size_pair(in);
  ASSERT_TRUE(r.ok()) << r.rejected;
  EXPECT_EQ(r.size, "0.0096"_dec);
}

// A Unified Trading Account reports one USDT balance as both the spot wallet and the futures
// margin: the spot buy and the short's margin must fit it together, not each on its own.
TEST_F(SizingCase, OneSharedWalletPaysTheSpotBuyAndThePerpMarginTogether) {
  in.spot_quote_available = "1200"_dec;
  in.perp_margin_available = "1200"_dec;
  const SizingResult separate = size_pair(in);
  ASSERT_TRUE(separate.ok()) << separate.rejected;
  EXPECT_EQ(separate.size, "9.995"_dec);  // two wallets: each leg fits its own 1200
  EXPECT_EQ(separate.limited_by, "target");

  in.shared_wallet = true;
  // 1200 / (100.01 x 1.001 + 100.05 x (1/2 + 0.0006)) = 1200 / 150.19504 = 7.9896... -> 7.989
  const SizingResult shared = size_pair(in);
  ASSERT_TRUE(shared.ok()) << shared.rejected;
  EXPECT_EQ(shared.size, "7.989"_dec);
  EXPECT_EQ(shared.limited_by, "shared_wallet");
}

TEST_F(SizingCase, ASharedWalletDoesNotCapTheInventorySideTwice) {
  // Negative funding sells spot from inventory: only the perp's margin is paid from the wallet.
  in.direction = -1;
  in.spot_base_available = "50"_dec;
  in.perp_margin_available = "1200"_dec;
  in.spot_quote_available = "1200"_dec;
  in.shared_wallet = true;
  const SizingResult r = size_pair(in);
  ASSERT_TRUE(r.ok()) << r.rejected;
  EXPECT_EQ(r.limited_by, "target");
}

}  // namespace
}  // namespace carry::strategy
