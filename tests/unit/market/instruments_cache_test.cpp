#include <carry/market/instruments_cache.hpp>

#include <gtest/gtest.h>

namespace carry::market {
namespace {

using namespace std::chrono_literals;

Instrument perp(std::string sym) {
  Instrument i;
  i.symbol = std::move(sym);
  i.market = MarketType::Perp;
  i.tick = "0.1"_dec;
  i.lot = "0.001"_dec;
  return i;
}

TEST(InstrumentsCache, TtlDrivesRefresh) {
  RecordingEventSink ev;
  InstrumentsCache c({3600s, 30s}, ev);
  const auto t0 = UnixNanos::from_seconds(1000);
  EXPECT_TRUE(c.needs_refresh(MarketType::Perp, t0));
  c.on_refreshed(MarketType::Perp, {perp("BTCUSDT"), perp("ETHUSDT")}, t0);
  EXPECT_EQ(c.size(MarketType::Perp), 2u);
  EXPECT_FALSE(c.needs_refresh(MarketType::Perp, t0 + 3599s));
  EXPECT_TRUE(c.needs_refresh(MarketType::Perp, t0 + 3600s));
  EXPECT_TRUE(c.needs_refresh(MarketType::Spot, t0));  // spot never loaded
  ASSERT_NE(c.find(MarketType::Perp, "BTCUSDT"), nullptr);
  EXPECT_EQ(c.find(MarketType::Perp, "BTCUSDT")->tick, "0.1"_dec);
  EXPECT_EQ(c.find(MarketType::Spot, "BTCUSDT"), nullptr);
}

TEST(InstrumentsCache, FailureKeepsLastGoodCopyAndReports) {
  RecordingEventSink ev;
  InstrumentsCache c({3600s, 30s}, ev);
  const auto t0 = UnixNanos::from_seconds(1000);
  c.on_refreshed(MarketType::Perp, {perp("BTCUSDT")}, t0);
  const auto t1 = t0 + 3600s;
  c.on_refresh_failed(MarketType::Perp, "timeout", t1);
  ASSERT_NE(c.find(MarketType::Perp, "BTCUSDT"), nullptr);
  ASSERT_EQ(ev.count("instruments.refresh_failed"), 1u);
  EXPECT_EQ(ev.last("instruments.refresh_failed")->fields["error"], "timeout");
  EXPECT_EQ(ev.last("instruments.refresh_failed")->fields["kept"], 1);
  EXPECT_FALSE(c.needs_refresh(MarketType::Perp, t1 + 29s));  // retry later, not every tick
  EXPECT_TRUE(c.needs_refresh(MarketType::Perp, t1 + 30s));
  c.on_refreshed(MarketType::Perp, {}, t1 + 30s);  // empty answer = failure
  EXPECT_EQ(ev.count("instruments.refresh_failed"), 2u);
  EXPECT_EQ(ev.last("instruments.refresh_failed")->fields["consecutive_failures"], 2);
  EXPECT_EQ(c.size(MarketType::Perp), 1u);
  c.on_refreshed(MarketType::Perp, {perp("ETHUSDT")}, t1 + 60s);
  EXPECT_EQ(c.find(MarketType::Perp, "BTCUSDT"), nullptr);  // delisted symbols disappear
  EXPECT_EQ(*c.loaded_at(MarketType::Perp), t1 + 60s);
}

}  // namespace
}  // namespace carry::market
