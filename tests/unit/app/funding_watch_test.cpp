// FundingWatch: the interval and caps the REST read brings survive the ticker's updates, the
// settlement's passing asks for a re-read, and a rate at its cap is noted once per settlement.
#include "funding_watch.hpp"

#include <gtest/gtest.h>

namespace carry::app {
namespace {

using namespace std::chrono_literals;

constexpr UnixNanos kT0 = UnixNanos::from_seconds(1'735'689'600);

FundingRateUpdate rest_read(const char* rate, UnixNanos next) {
  FundingRateUpdate f;
  f.symbol = "BTCUSDT";
  f.rate = Decimal::parse(rate).value();
  f.next_settlement = next;
  f.interval_hours = 4;
  f.min_rate = Decimal::parse("-0.003").value();
  f.max_rate = Decimal::parse("0.003").value();
  return f;
}

FundingRateUpdate ticker(const char* rate, UnixNanos next) {
  FundingRateUpdate f;
  f.symbol = "BTCUSDT";
  f.rate = Decimal::parse(rate).value();
  f.next_settlement = next;
  f.mark_price = Decimal::parse("100000").value();
  return f;
}

TEST(FundingWatch, TheTickersUpdatesKeepTheIntervalAndCapsOfTheRestRead) {
  FundingWatch w;
  const UnixNanos next = kT0 + 4h;
  w.merge(rest_read("0.0001", next));
  const FundingRateUpdate m = w.merge(ticker("0.0002", next));
  EXPECT_EQ(m.rate, Decimal::parse("0.0002").value());
  EXPECT_EQ(m.interval_hours, 4);
  ASSERT_TRUE(m.max_rate);
  EXPECT_EQ(*m.max_rate, Decimal::parse("0.003").value());
  EXPECT_EQ(m.mark_price, Decimal::parse("100000").value());
  // A new REST read with other caps replaces them (Bitget changes them by announcement).
  FundingRateUpdate r = rest_read("0.0002", next);
  r.max_rate = Decimal::parse("0.02").value();
  r.interval_hours = 1;
  const FundingRateUpdate m2 = w.merge(r);
  EXPECT_EQ(*m2.max_rate, Decimal::parse("0.02").value());
  EXPECT_EQ(m2.interval_hours, 1);
  EXPECT_EQ(m2.mark_price, Decimal::parse("100000").value());  // kept from the ticker
}

TEST(FundingWatch, ASettlementThatHasPassedAsksForAReread) {
  FundingWatch w;
  EXPECT_FALSE(w.reread_due(kT0));
  const UnixNanos next = kT0 + 4h;
  w.merge(ticker("0.0001", next));
  EXPECT_FALSE(w.reread_due(next - 1s));
  EXPECT_TRUE(w.reread_due(next));
  w.merge(rest_read("0.0001", next + 4h));  // the read saw the next one
  EXPECT_FALSE(w.reread_due(next + 1s));
}

TEST(FundingWatch, ARateAtItsCapIsNotedOncePerSettlement) {
  FundingWatch w;
  const UnixNanos next = kT0 + 4h;
  w.merge(rest_read("0.0029", next));
  EXPECT_FALSE(w.newly_at_cap());
  w.merge(ticker("0.003", next));
  EXPECT_TRUE(w.newly_at_cap());
  w.merge(ticker("0.003", next));
  EXPECT_FALSE(w.newly_at_cap());  // the same settlement: once
  w.merge(ticker("-0.003", next + 4h));
  EXPECT_TRUE(w.newly_at_cap());  // the floor, at the next one
  FundingWatch bare;              // no caps known: never "at cap"
  bare.merge(ticker("0.05", next));
  EXPECT_FALSE(bare.newly_at_cap());
}

}  // namespace
}  // namespace carry::app
