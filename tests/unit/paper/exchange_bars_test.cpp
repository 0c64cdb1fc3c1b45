// The bar fill rule of the paper venue (backtests on candles): each rule pinned on hand-made bars.
// A bar is one hour long and known at its end; the quote that follows it is the bar's close.
#include <carry_test/paper_fixture.hpp>

using namespace carry;
using namespace carry::paper;
using namespace carry::paper::test;
using namespace std::chrono_literals;

namespace {

class ExchangeBarsTest : public ExchangeTest {
 protected:
  // The next hourly bar, from now to now + 1 h: the clock moves to its end, then the venue hears
  // of its range (then, as in a backtest, of its closing quote when the test feeds one).
  void bar(MarketType m, const char* low, const char* high, const char* size = "5") {
    const UnixNanos start = clock.now() + 1ms;
    clock.advance(1h);
    ex->on_bar(Bar{"BTCUSDT", m, start, clock.now(), Decimal::parse(high).value(), Decimal::parse(low).value(),
                   Decimal::parse(size).value()});
  }
  void rest(MarketType m, Side side, const char* price, const char* size = "0.5") {
    ASSERT_TRUE(ex->place(limit(m, side, price, size, TimeInForce::PostOnly)).has_value());
    ASSERT_TRUE(take<Fill>().empty());
  }
};

TEST_F(ExchangeBarsTest, BuyBelowTheBarsLowDoesNotFillALaterBarThroughItDoesAtTheLimitAsMaker) {
  bbo(MarketType::Spot, "100", "100.2");
  rest(MarketType::Spot, Side::Buy, "99.5");
  bar(MarketType::Spot, "99.6", "101");
  EXPECT_TRUE(take<Fill>().empty());
  bar(MarketType::Spot, "99.4", "100.3");
  const auto fills = take<Fill>();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].price, "99.5"_dec);  // our price, not the bar's low
  EXPECT_EQ(fills[0].size, "0.5"_dec);
  EXPECT_TRUE(fills[0].maker);
  EXPECT_EQ(fills[0].fee, "0.00995"_dec);  // 49.75 x maker 0.0002
  EXPECT_EQ(ex->spot_balance("BTC").available, "0.5"_dec);
  EXPECT_EQ(ex->open_order_count(), 0u);
}

TEST_F(ExchangeBarsTest, AtExactlyThePriceNeverFills) {
  bbo(MarketType::Spot, "100", "100.2");
  bbo(MarketType::Perp, "100", "100.2");
  rest(MarketType::Spot, Side::Buy, "99.5");
  rest(MarketType::Perp, Side::Sell, "100.5");
  bar(MarketType::Spot, "99.5", "100.1");  // low touches the buy
  bar(MarketType::Perp, "99.9", "100.5");  // high touches the sell
  EXPECT_TRUE(take<Fill>().empty());
  EXPECT_EQ(ex->open_order_count(), 2u);
}

TEST_F(ExchangeBarsTest, SellAboveTheBarsHighDoesNotFillALaterBarThroughItDoes) {
  bbo(MarketType::Perp, "100", "100.2");
  rest(MarketType::Perp, Side::Sell, "100.5");
  bar(MarketType::Perp, "99", "100.4");
  EXPECT_TRUE(take<Fill>().empty());
  bar(MarketType::Perp, "100", "100.6");
  const auto fills = take<Fill>();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].price, "100.5"_dec);
  EXPECT_TRUE(fills[0].maker);
  EXPECT_EQ(fills[0].fee, "0.01005"_dec);  // 50.25 x 0.0002
  EXPECT_EQ(ex->position("BTCUSDT"), "-0.5"_dec);
}

TEST_F(ExchangeBarsTest, ABarThatBeganBeforeTheOrderCannotFillIt) {
  bbo(MarketType::Spot, "100", "100.2");
  clock.advance(30min);  // placed in the middle of the next bar: its low may have come before
  rest(MarketType::Spot, Side::Buy, "99.5");
  const UnixNanos placed = clock.now();
  clock.advance(30min);
  ex->on_bar(Bar{"BTCUSDT", MarketType::Spot, placed - 30min + 1ms, clock.now(), "100.1"_dec, "99"_dec, "5"_dec});
  EXPECT_TRUE(take<Fill>().empty());
  bar(MarketType::Spot, "99", "100.1");  // the first whole bar after it
  EXPECT_EQ(take<Fill>().size(), 1u);
}

TEST_F(ExchangeBarsTest, TheBarsSizeIsSharedByOurOrdersOnOneSide) {
  bbo(MarketType::Perp, "100", "100.2");
  rest(MarketType::Perp, Side::Buy, "99.5", "0.3");
  rest(MarketType::Perp, Side::Buy, "99.4", "0.3");
  bar(MarketType::Perp, "99", "100", "0.4");
  auto fills = take<Fill>();
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].size, "0.3"_dec);
  EXPECT_EQ(fills[1].size, "0.1"_dec);
  bar(MarketType::Perp, "99", "100", "0.4");  // the next bar trades again
  fills = take<Fill>();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].size, "0.2"_dec);
  EXPECT_EQ(ex->position("BTCUSDT"), "0.6"_dec);
}

TEST_F(ExchangeBarsTest, OnceBarsAreFedQuotesNoLongerFillRestingOrders) {
  bbo(MarketType::Spot, "100", "100.2");
  rest(MarketType::Spot, Side::Buy, "99.5");
  bar(MarketType::Spot, "99.6", "100.1");
  bbo(MarketType::Spot, "99.3", "99.5");  // a closing quote at our price: the bar above decides
  EXPECT_TRUE(take<Fill>().empty());
}

TEST_F(ExchangeBarsTest, PostOnlyThatWouldCrossIsStillRejected) {
  bar(MarketType::Perp, "99", "101");
  bbo(MarketType::Perp, "100", "100.2");
  EXPECT_FALSE(ex->place(limit(MarketType::Perp, Side::Buy, "100.2", "0.1", TimeInForce::PostOnly)).has_value());
  EXPECT_FALSE(ex->place(limit(MarketType::Perp, Side::Sell, "100", "0.1", TimeInForce::PostOnly)).has_value());
  EXPECT_EQ(ex->open_order_count(), 0u);
}

TEST_F(ExchangeBarsTest, MarketAndIocFillAtTheSyntheticTouchPlusSlippageAsTaker) {
  params.market_slippage_bps = 10;
  rebuild();
  bar(MarketType::Perp, "95", "105");
  bbo(MarketType::Perp, "100", "100.2");
  ASSERT_TRUE(ex->place(market(MarketType::Perp, Side::Buy, "0.5")).has_value());
  auto fills = take<Fill>();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].price, "100.4"_dec);  // 100.2 x 1.001 = 100.3002, up to the tick
  EXPECT_FALSE(fills[0].maker);
  EXPECT_EQ(fills[0].fee, "0.03012"_dec);  // 50.2 x taker 0.0006
  ASSERT_TRUE(ex->place(limit(MarketType::Perp, Side::Sell, "99.9", "0.2", TimeInForce::Ioc)).has_value());
  fills = take<Fill>();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].price, "100"_dec);  // the touch, not the bar's high
  EXPECT_FALSE(fills[0].maker);
}

}  // namespace
