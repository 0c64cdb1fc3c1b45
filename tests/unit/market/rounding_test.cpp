#include <carry/market/rounding.hpp>

#include <gtest/gtest.h>

namespace carry::market {
namespace {

Instrument btc() {
  Instrument i;
  i.symbol = "BTCUSDT";
  i.market = MarketType::Perp;
  i.tick = "0.5"_dec;
  i.lot = "0.001"_dec;
  i.min_size = "0.002"_dec;
  i.min_notional = "5"_dec;
  return i;
}

TEST(Rounding, PriceToTickAndPassiveDirection) {
  EXPECT_EQ(round_price(btc(), "30000.7"_dec).value(), "30000.5"_dec);
  EXPECT_EQ(round_price(btc(), "30000.8"_dec).value(), "30001"_dec);
  EXPECT_EQ(passive_price(btc(), "30000.9"_dec, Side::Buy).value(), "30000.5"_dec);
  EXPECT_EQ(passive_price(btc(), "30000.1"_dec, Side::Sell).value(), "30000.5"_dec);
  EXPECT_EQ(passive_price(btc(), "30000.5"_dec, Side::Sell).value(), "30000.5"_dec);
}

TEST(Rounding, SizeToLotNeverUp) {
  EXPECT_EQ(round_size(btc(), "0.0029"_dec).value(), "0.002"_dec);
  EXPECT_EQ(round_size(btc(), "0.003"_dec).value(), "0.003"_dec);
  Instrument bad = btc();
  bad.lot = Decimal{};
  EXPECT_FALSE(round_size(bad, "1"_dec));
}

TEST(Rounding, RuleViolations) {
  EXPECT_EQ(order_rule_violation(btc(), "30000"_dec, "0.002"_dec), "");
  EXPECT_NE(order_rule_violation(btc(), "30000.2"_dec, "0.002"_dec).find("tick"), std::string::npos);
  EXPECT_NE(order_rule_violation(btc(), "30000"_dec, "0.0025"_dec).find("lot"), std::string::npos);
  EXPECT_NE(order_rule_violation(btc(), "30000"_dec, "0.001"_dec).find("below the minimum 0.002"), std::string::npos);
  EXPECT_NE(order_rule_violation(btc(), "1000"_dec, "0.002"_dec).find("notional 2"), std::string::npos);
  EXPECT_NE(order_rule_violation(btc(), "30000"_dec, "0"_dec).find("not positive"), std::string::npos);
}

}  // namespace
}  // namespace carry::market
