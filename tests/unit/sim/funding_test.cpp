#include "funding.hpp"

#include <gtest/gtest.h>

namespace carry::sim {
namespace {

TEST(Funding, ShortReceivesWhenRatePositive) {
  // 0.0001 x 0.5 BTC x 100000 = 5 USDT, paid by the long to the short.
  EXPECT_EQ(funding_amount("0.0001"_dec, "-0.5"_dec, "100000"_dec), "5"_dec);
  EXPECT_EQ(funding_amount("0.0001"_dec, "0.5"_dec, "100000"_dec), "-5"_dec);
  EXPECT_EQ(funding_amount("-0.0002"_dec, "-0.5"_dec, "100000"_dec), "-10"_dec);
}

TEST(Funding, KeepsPrecisionOfSmallRates) {
  EXPECT_EQ(funding_amount("0.0000135"_dec, "-0.001"_dec, "105531.6"_dec), "0.001424677"_dec);
}

TEST(Funding, SettlementsOnIntervalMultiples) {
  FundingConfig cfg;
  cfg.interval_ms = 8LL * 3600 * 1000;
  FundingSchedule s(cfg, 0);
  // 2025-04-24T13:03:06Z -> next 16:00Z (as Bitget's BTCUSDT).
  EXPECT_EQ(s.next_settlement_after(1745500986108), 1745510400000);
  EXPECT_EQ(s.next_settlement_after(1745510400000), 1745510400000 + cfg.interval_ms);
  cfg.interval_ms = 60'000;
  FundingSchedule fast(cfg, 0);
  EXPECT_EQ(fast.next_settlement_after(1'000'030'500), 1'000'080'000);
}

TEST(Funding, RatePrecedence) {
  FundingConfig cfg;
  cfg.rate = "0.0001"_dec;
  cfg.symbol_rate["ETHUSDT"] = "0.0002"_dec;
  cfg.schedule = {{60'000, "-0.0003"_dec}};
  FundingSchedule s(cfg, 1'000'000);
  EXPECT_EQ(s.rate_at("BTCUSDT", 1'000'000), "0.0001"_dec);
  EXPECT_EQ(s.rate_at("ETHUSDT", 1'000'000), "0.0002"_dec);
  EXPECT_EQ(s.rate_at("BTCUSDT", 1'060'000), "-0.0003"_dec);  // the schedule flips every symbol
  EXPECT_EQ(s.rate_at("ETHUSDT", 1'059'999), "0.0002"_dec);
  s.set_override("", "0.0005"_dec);
  EXPECT_EQ(s.rate_at("ETHUSDT", 1'060'000), "0.0005"_dec);
  s.set_override("BTCUSDT", "0.0007"_dec);
  EXPECT_EQ(s.rate_at("BTCUSDT", 1'060'000), "0.0007"_dec);
  s.clear_overrides();
  EXPECT_EQ(s.rate_at("BTCUSDT", 1'060'000), "-0.0003"_dec);
}

}  // namespace
}  // namespace carry::sim
