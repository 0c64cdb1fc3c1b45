#include <carry/oms/position_book.hpp>

#include <gtest/gtest.h>

using namespace carry;
using namespace carry::oms;

namespace {
Fill fill(MarketType m, Side side, const char* price, const char* size, const char* fee = "0",
          std::string coin = "USDT") {
  Fill f;
  f.symbol = "BTCUSDT";
  f.market = m;
  f.side = side;
  f.price = Decimal::parse(price).value();
  f.size = Decimal::parse(size).value();
  f.fee = Decimal::parse(fee).value();
  f.fee_coin = std::move(coin);
  return f;
}
}  // namespace

TEST(PositionBook, AverageEntryRealizedPnlAndFlip) {
  PositionBook book;
  book.apply_fill(fill(MarketType::Perp, Side::Sell, "100", "1", "0.06"));
  book.apply_fill(fill(MarketType::Perp, Side::Sell, "110", "1", "0.066"));
  const Position* p = book.find("BTCUSDT", MarketType::Perp);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->size, Decimal::from_units(-2));
  EXPECT_EQ(p->avg_entry, Decimal::from_units(105));
  book.apply_fill(fill(MarketType::Perp, Side::Buy, "100", "3"));  // close 2 at +5 each, open 1 long
  EXPECT_EQ(p->realized_pnl, Decimal::from_units(10));
  EXPECT_EQ(p->size, Decimal::from_units(1));
  EXPECT_EQ(p->avg_entry, Decimal::from_units(100));
  EXPECT_EQ(p->fees, "0.126"_dec);
  EXPECT_EQ(p->unrealized(Decimal::from_units(90)), Decimal::from_units(-10));
  EXPECT_FALSE(book.flat());
}

TEST(PositionBook, SpotFeeInBaseCoinReducesHoldings) {
  PositionBook book;
  book.apply_fill(fill(MarketType::Spot, Side::Buy, "100", "1", "0.001", "BTC"), "BTC");
  const Position* p = book.find("BTCUSDT", MarketType::Spot);
  EXPECT_EQ(p->size, "0.999"_dec);
  EXPECT_EQ(p->fees, "0.1"_dec);
}

TEST(PositionBook, FundingAndReconciliation) {
  PositionBook book;
  FundingPayment fp;
  fp.symbol = "BTCUSDT";
  fp.amount = "1.5"_dec;
  book.apply_funding(fp);
  EXPECT_EQ(book.find("BTCUSDT", MarketType::Perp)->funding, "1.5"_dec);
  book.set("BTCUSDT", MarketType::Perp, Decimal::from_units(-3), Decimal::from_units(100), {});
  EXPECT_EQ(book.size("BTCUSDT", MarketType::Perp), Decimal::from_units(-3));
  EXPECT_EQ(book.size("ETHUSDT", MarketType::Perp), Decimal{});
}
