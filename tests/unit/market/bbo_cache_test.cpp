#include <carry/market/bbo_cache.hpp>

#include <gtest/gtest.h>

namespace carry::market {
namespace {

using namespace std::chrono_literals;

Bbo quote(std::string sym, const char* bid, const char* ask, std::int64_t ts_ms, std::int64_t init_ms) {
  Bbo b;
  b.symbol = std::move(sym);
  b.market = MarketType::Perp;
  b.bid_price = Decimal::parse(bid).value();
  b.ask_price = Decimal::parse(ask).value();
  b.bid_size = "1"_dec;
  b.ask_size = "2"_dec;
  b.ts_event = UnixNanos::from_ms(ts_ms);
  b.ts_init = UnixNanos::from_ms(init_ms);
  return b;
}

TEST(BboCache, FreshThenStaleFallsBackToRest) {
  RecordingEventSink ev;
  BboCache c({2000ms}, ev);
  EXPECT_EQ(c.freshness(MarketType::Perp, "BTCUSDT", UnixNanos::from_ms(0)), BboCache::Freshness::Missing);
  EXPECT_EQ(c.update(quote("BTCUSDT", "100", "101", 1000, 1000)), BboCache::UpdateResult::Applied);
  auto f = c.fresh(MarketType::Perp, "BTCUSDT", UnixNanos::from_ms(2500));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->bid_price, "100"_dec);
  EXPECT_EQ(c.freshness(MarketType::Perp, "BTCUSDT", UnixNanos::from_ms(3001)), BboCache::Freshness::Stale);
  EXPECT_FALSE(c.fresh(MarketType::Perp, "BTCUSDT", UnixNanos::from_ms(3001)));
  ASSERT_EQ(ev.count("bbo.rest_fallback"), 1u);
  EXPECT_EQ(ev.last("bbo.rest_fallback")->fields["reason"], "stale");
  EXPECT_EQ(ev.last("bbo.rest_fallback")->fields["age_ms"], 2001);
  // The REST ticker result goes back in and the quote is fresh again.
  c.update(quote("BTCUSDT", "100.5", "101", 3000, 3001));
  EXPECT_TRUE(c.fresh(MarketType::Perp, "BTCUSDT", UnixNanos::from_ms(3002)));
  EXPECT_FALSE(c.fresh(MarketType::Spot, "BTCUSDT", UnixNanos::from_ms(3002)));  // separate namespace
  EXPECT_EQ(ev.last("bbo.rest_fallback")->fields["reason"], "missing");
}

TEST(BboCache, OlderExchangeTimeIsDroppedAndCrossedRejected) {
  RecordingEventSink ev;
  BboCache c({2000ms}, ev);
  c.update(quote("X", "10", "11", 2000, 2000));
  EXPECT_EQ(c.update(quote("X", "9", "11", 1999, 2001)), BboCache::UpdateResult::OutOfOrder);
  EXPECT_EQ(c.peek(MarketType::Perp, "X")->bid_price, "10"_dec);
  EXPECT_EQ(c.update(quote("X", "11", "11", 2001, 2001)), BboCache::UpdateResult::Rejected);
  EXPECT_EQ(c.update(quote("X", "0", "11", 2001, 2001)), BboCache::UpdateResult::Rejected);
  EXPECT_EQ(c.out_of_order(), 1u);
  EXPECT_EQ(c.rejected(), 2u);
  EXPECT_EQ(c.applied(), 1u);
}

}  // namespace
}  // namespace carry::market
