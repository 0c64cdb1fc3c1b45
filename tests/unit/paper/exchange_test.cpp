#include <carry_test/paper_fixture.hpp>

#include <set>

using namespace carry;
using namespace carry::paper;
using namespace carry::paper::test;
using namespace std::chrono_literals;

TEST_F(ExchangeTest, RestingLimitBuyFillsAsMakerWhenTheAskComesDown) {
  bbo(MarketType::Spot, "100", "100.2");
  auto ack = ex->place(limit(MarketType::Spot, Side::Buy, "100", "0.5"));
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->client_oid, "t-1");
  auto updates = take<OrderUpdate>();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].status, OrderStatus::Acked);
  EXPECT_EQ(ex->spot_balance("USDT").frozen, "50.03"_dec);  // 100 x 0.5 x (1 + taker fee)
  bbo(MarketType::Spot, "99.8", "100.1");                   // not yet
  EXPECT_TRUE(take<Fill>().empty());
  bbo(MarketType::Spot, "99.8", "100");
  events.clear();
  ex->drain_events(events);
  ASSERT_GE(events.size(), 2u);
  const Fill& f = std::get<Fill>(events[0]);  // the fill comes first, then the order update
  EXPECT_EQ(f.price, Decimal::from_units(100));
  EXPECT_EQ(f.size, "0.5"_dec);
  EXPECT_TRUE(f.maker);
  EXPECT_EQ(f.fee, "0.01"_dec);  // 50 x 0.0002
  EXPECT_EQ(f.fee_coin, "USDT");
  EXPECT_EQ(f.client_oid, "t-1");
  const OrderUpdate& u = std::get<OrderUpdate>(events[1]);
  EXPECT_EQ(u.status, OrderStatus::Filled);
  EXPECT_EQ(u.filled_size, "0.5"_dec);
  EXPECT_EQ(*u.avg_price, Decimal::from_units(100));
  EXPECT_EQ(ex->spot_balance("USDT").available, "9949.99"_dec);
  EXPECT_EQ(ex->spot_balance("USDT").frozen, Decimal{});
  EXPECT_EQ(ex->spot_balance("BTC").available, "0.5"_dec);
  EXPECT_EQ(ex->open_order_count(), 0u);
}

TEST_F(ExchangeTest, PartialFillsLimitedByTheTopOfBook) {
  bbo(MarketType::Perp, "100", "100.4");
  ASSERT_TRUE(ex->place(limit(MarketType::Perp, Side::Sell, "100.2", "1")).has_value());
  take<Fill>();
  bbo(MarketType::Perp, "100.2", "100.4", "0.4");
  auto fills = take<Fill>();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].size, "0.4"_dec);
  auto o = ex->order_by_client_oid("BTCUSDT", MarketType::Perp, "t-1");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->status, OrderStatus::PartiallyFilled);
  EXPECT_EQ(o->filled_size, "0.4"_dec);
  EXPECT_EQ(ex->position("BTCUSDT"), "-0.4"_dec);
  bbo(MarketType::Perp, "100.3", "100.5", "5");
  fills = take<Fill>();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].size, "0.6"_dec);
  EXPECT_EQ(fills[0].price, "100.2"_dec);  // our price, not the better bid
  EXPECT_EQ(ex->position("BTCUSDT"), Decimal::from_units(-1));
  EXPECT_EQ(*ex->entry_price("BTCUSDT"), "100.2"_dec);
  auto positions = ex->positions();
  ASSERT_EQ(positions.size(), 1u);
  EXPECT_EQ(positions[0].size, Decimal::from_units(-1));
  // Maker fee 100.2 x 1 x 0.0002 came out of the futures wallet.
  EXPECT_EQ(ex->futures_wallet(), Decimal::from_units(10'000) - "0.02004"_dec);
}

TEST_F(ExchangeTest, MarketOrderTakesTheTouchWithSlippageAndTakerFee) {
  params.market_slippage_bps = 10;
  rebuild();
  bbo(MarketType::Perp, "100", "100.2", "5", "0.3");
  ASSERT_TRUE(ex->place(market(MarketType::Perp, Side::Buy, "0.5")).has_value());
  events.clear();
  ex->drain_events(events);
  std::vector<Fill> fills;
  std::vector<OrderUpdate> updates;
  for (const auto& e : events) {
    if (auto* f = std::get_if<Fill>(&e)) fills.push_back(*f);
    if (auto* u = std::get_if<OrderUpdate>(&e)) updates.push_back(*u);
  }
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].size, "0.3"_dec);     // only what the top of book offered
  EXPECT_EQ(fills[0].price, "100.4"_dec);  // 100.2 + 10 bps = 100.3002, up to the tick
  EXPECT_FALSE(fills[0].maker);
  EXPECT_EQ(fills[0].fee, "0.018072"_dec);  // 100.4 x 0.3 x 0.0006
  ASSERT_EQ(updates.size(), 3u);            // live, partially filled, canceled remainder
  EXPECT_EQ(updates.back().status, OrderStatus::Canceled);
  EXPECT_EQ(updates.back().filled_size, "0.3"_dec);
  // The liquidity is gone until the next BBO.
  ASSERT_TRUE(ex->place(market(MarketType::Perp, Side::Buy, "0.1")).has_value());
  EXPECT_TRUE(take<Fill>().empty());
  bbo(MarketType::Perp, "100", "100.2", "5", "0.3");
  ASSERT_TRUE(ex->place(market(MarketType::Perp, Side::Buy, "0.1")).has_value());
  EXPECT_EQ(take<Fill>().size(), 1u);
  EXPECT_EQ(ex->position("BTCUSDT"), "0.4"_dec);
}

TEST_F(ExchangeTest, TradesThroughARestingPriceFillIt) {
  bbo(MarketType::Spot, "100", "100.2");
  ASSERT_TRUE(ex->place(limit(MarketType::Spot, Side::Buy, "99.9", "0.5")).has_value());
  take<Fill>();
  trade(MarketType::Spot, "99.9", "1", Side::Buy);  // a buyer lifting at our price does not reach a bid
  EXPECT_TRUE(take<Fill>().empty());
  trade(MarketType::Spot, "99.9", "0.2", Side::Sell);
  auto fills = take<Fill>();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].size, "0.2"_dec);
  trade(MarketType::Spot, "99.7", "3", Side::Buy);  // through our price: the rest fills
  fills = take<Fill>();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].size, "0.3"_dec);
  EXPECT_EQ(fills[0].price, "99.9"_dec);
}

TEST_F(ExchangeTest, PostOnlyThatWouldCrossIsRejected) {
  bbo(MarketType::Perp, "100", "100.2");
  auto r = ex->place(limit(MarketType::Perp, Side::Buy, "100.2", "0.1", TimeInForce::PostOnly));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), make_error_code(Errc::exchange_rejected));
  auto s = ex->place(limit(MarketType::Perp, Side::Sell, "99.9", "0.1", TimeInForce::PostOnly));
  EXPECT_FALSE(s.has_value());
  EXPECT_EQ(ex->orders_accepted(), 0u);
  EXPECT_TRUE(take<OrderUpdate>().empty());
  EXPECT_TRUE(ex->place(limit(MarketType::Perp, Side::Buy, "100.1", "0.1", TimeInForce::PostOnly)).has_value());
  EXPECT_EQ(ex->open_order_count(), 1u);
}

TEST_F(ExchangeTest, CrossingLimitTakesThenRestsIocCancelsFokIsAllOrNothing) {
  bbo(MarketType::Perp, "100", "100.2", "5", "0.3");
  ASSERT_TRUE(ex->place(limit(MarketType::Perp, Side::Buy, "100.3", "0.5")).has_value());  // GTC
  auto fills = take<Fill>();
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].price, "100.2"_dec);  // at the touch, not at our limit
  EXPECT_FALSE(fills[0].maker);
  EXPECT_EQ(ex->open_order_count(), 1u);  // 0.2 rests at 100.3
  bbo(MarketType::Perp, "100", "100.2", "5", "0.3");
  EXPECT_EQ(take<Fill>().size(), 1u);  // ... and fills at its price once the ask is back
  EXPECT_EQ(ex->position("BTCUSDT"), "0.5"_dec);

  bbo(MarketType::Perp, "100", "100.2", "5", "0.3");
  ASSERT_TRUE(ex->place(limit(MarketType::Perp, Side::Buy, "100.2", "0.5", TimeInForce::Ioc)).has_value());
  auto ioc = take<OrderUpdate>();
  EXPECT_EQ(ioc.back().status, OrderStatus::Canceled);
  EXPECT_EQ(ioc.back().filled_size, "0.3"_dec);

  bbo(MarketType::Perp, "100", "100.2", "5", "0.3");
  ASSERT_TRUE(ex->place(limit(MarketType::Perp, Side::Buy, "100.2", "0.5", TimeInForce::Fok)).has_value());
  auto fok = take<OrderUpdate>();
  EXPECT_EQ(fok.back().status, OrderStatus::Canceled);
  EXPECT_EQ(fok.back().filled_size, Decimal{});
  EXPECT_EQ(ex->position("BTCUSDT"), "0.8"_dec);
}

TEST_F(ExchangeTest, AmendReplacesUnderANewClientIdAndCancelReleasesFunds) {
  bbo(MarketType::Spot, "100", "100.2");
  ASSERT_TRUE(ex->place(limit(MarketType::Spot, Side::Buy, "100", "1")).has_value());
  take<OrderUpdate>();
  AmendOrderRequest am{"BTCUSDT", MarketType::Spot, "t-1", "", "t-new", "99"_dec, "0.5"_dec};
  auto r = ex->amend(am);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->client_oid, "t-new");
  auto updates = take<OrderUpdate>();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].client_oid, "t-1");
  EXPECT_EQ(updates[0].status, OrderStatus::Canceled);
  EXPECT_EQ(updates[1].client_oid, "t-new");
  EXPECT_EQ(updates[1].status, OrderStatus::Acked);
  EXPECT_EQ(*updates[1].price, "99"_dec);
  EXPECT_EQ(ex->spot_balance("USDT").frozen, "49.5297"_dec);  // 99 x 0.5 x 1.0006
  EXPECT_FALSE(ex->amend(am).has_value());                    // the old one is gone
  CancelOrderRequest c{"BTCUSDT", MarketType::Spot, "t-new", ""};
  ASSERT_TRUE(ex->cancel(c).has_value());
  EXPECT_EQ(ex->spot_balance("USDT").frozen, Decimal{});
  EXPECT_EQ(ex->spot_balance("USDT").available, Decimal::from_units(10'000));
  EXPECT_EQ(ex->cancel(c).error(), make_error_code(Errc::exchange_rejected));  // already canceled
  c.client_oid = "nope";
  EXPECT_EQ(ex->cancel(c).error(), make_error_code(Errc::not_found));
}

TEST_F(ExchangeTest, AmendIntoACrossWithPostOnlyPushesTheReplacementRejected) {
  bbo(MarketType::Perp, "100", "100.2");
  ASSERT_TRUE(ex->place(limit(MarketType::Perp, Side::Buy, "100", "0.1", TimeInForce::PostOnly)).has_value());
  take<OrderUpdate>();
  ASSERT_TRUE(ex->amend({"BTCUSDT", MarketType::Perp, "t-1", "", "t-2", "100.3"_dec, "0.1"_dec}).has_value());
  auto updates = take<OrderUpdate>();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[1].client_oid, "t-2");
  EXPECT_EQ(updates[1].status, OrderStatus::Rejected);
  EXPECT_EQ(ex->open_order_count(), 0u);
}

TEST_F(ExchangeTest, FundingPositiveRateShortsReceiveLongsPay) {
  bbo(MarketType::Perp, "100", "100.2");
  ASSERT_TRUE(ex->place(market(MarketType::Perp, Side::Sell, "2")).has_value());  // short 2 at 100
  const Decimal wallet_before = ex->futures_wallet();
  take<Fill>();
  FundingRateUpdate f;
  f.symbol = "BTCUSDT";
  f.rate = "0.0001"_dec;
  f.next_settlement = clock.now() + 1h;
  f.interval_hours = 8;
  f.mark_price = Decimal::from_units(105);
  f.ts_event = clock.now();
  ex->on_market(f);
  clock.advance(30min);
  bbo(MarketType::Perp, "100", "100.2");
  EXPECT_TRUE(take<FundingPayment>().empty());
  clock.advance(31min);
  bbo(MarketType::Perp, "100", "100.2");
  auto pays = take<FundingPayment>();
  ASSERT_EQ(pays.size(), 1u);
  EXPECT_EQ(pays[0].amount, "0.021"_dec);  // + 0.0001 x 2 x 105: the short receives
  EXPECT_EQ(*pays[0].position_size, Decimal::from_units(-2));
  EXPECT_EQ(*pays[0].mark_price, Decimal::from_units(105));
  EXPECT_EQ(pays[0].ts_event, f.next_settlement);
  EXPECT_EQ(ex->futures_wallet(), wallet_before + "0.021"_dec);
  // Next settlement one interval later; flip to long 2: the long pays.
  ASSERT_TRUE(ex->place(market(MarketType::Perp, Side::Buy, "4")).has_value());
  clock.advance(8h);
  bbo(MarketType::Perp, "100", "100.2");
  pays = take<FundingPayment>();
  ASSERT_EQ(pays.size(), 1u);
  EXPECT_EQ(pays[0].amount, "-0.021"_dec);
  // A negative rate: the long receives.
  f.rate = "-0.0002"_dec;
  f.next_settlement = clock.now() + 1h;
  f.ts_event = clock.now();
  ex->on_market(f);
  clock.advance(1h);
  bbo(MarketType::Perp, "100", "100.2");
  pays = take<FundingPayment>();
  ASSERT_EQ(pays.size(), 1u);
  EXPECT_EQ(pays[0].amount, "0.042"_dec);
}

TEST_F(ExchangeTest, NoPositionNoFundingAndNoDoubleSettlement) {
  FundingRateUpdate f;
  f.symbol = "BTCUSDT";
  f.rate = "0.0001"_dec;
  f.next_settlement = clock.now() + 1h;
  f.ts_event = clock.now();
  ex->on_market(f);
  clock.advance(2h);
  bbo(MarketType::Perp, "100", "100.2");
  EXPECT_TRUE(take<FundingPayment>().empty());
  ASSERT_TRUE(ex->place(market(MarketType::Perp, Side::Sell, "1")).has_value());
  f.ts_event = clock.now();  // a late update repeating the settled time
  ex->on_market(f);
  clock.advance(1h);
  bbo(MarketType::Perp, "100", "100.2");
  EXPECT_TRUE(take<FundingPayment>().empty());
}

TEST_F(ExchangeTest, RefusesWhatTheAccountCannotCover) {
  params.spot_balances["USDT"] = Decimal::from_units(10);
  params.futures_usdt = Decimal::from_units(10);
  rebuild();
  bbo(MarketType::Spot, "100", "100.2");
  bbo(MarketType::Perp, "100", "100.2");
  EXPECT_EQ(ex->place(limit(MarketType::Spot, Side::Buy, "100", "0.5")).error(),
            make_error_code(Errc::exchange_rejected));
  EXPECT_EQ(ex->place(limit(MarketType::Spot, Side::Sell, "100.2", "0.5")).error(),
            make_error_code(Errc::exchange_rejected));
  EXPECT_EQ(ex->place(market(MarketType::Perp, Side::Sell, "0.5")).error(), make_error_code(Errc::exchange_rejected));
  EXPECT_EQ(ex->place(market(MarketType::Perp, Side::Buy, "0.05", true)).error(),
            make_error_code(Errc::exchange_rejected));
  auto off_grid = limit(MarketType::Spot, Side::Buy, "100.05", "0.01");
  EXPECT_EQ(ex->place(off_grid).error(), make_error_code(Errc::invalid_argument));
  EXPECT_TRUE(ex->place(market(MarketType::Perp, Side::Sell, "0.09")).has_value());  // 9 USDT margin fits
  EXPECT_EQ(ex->orders_accepted(), 1u);
}

TEST_F(ExchangeTest, ReduceOnlyNeverFlipsThePosition) {
  bbo(MarketType::Perp, "100", "100.2");
  ASSERT_TRUE(ex->place(market(MarketType::Perp, Side::Sell, "0.3")).has_value());
  ASSERT_TRUE(ex->place(limit(MarketType::Perp, Side::Buy, "99", "0.5")).has_value());  // plain bid
  auto ro = limit(MarketType::Perp, Side::Buy, "99", "0.5");
  ro.reduce_only = true;
  ASSERT_TRUE(ex->place(ro).has_value());
  take<Fill>();
  bbo(MarketType::Perp, "98", "98.5", "5", "5");
  EXPECT_EQ(ex->position("BTCUSDT"), "0.2"_dec);  // -0.3 + 0.5 (plain); the reduce-only found nothing left
  auto o = ex->order_by_client_oid("BTCUSDT", MarketType::Perp, ro.client_oid);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->status, OrderStatus::Canceled);
  EXPECT_EQ(o->filled_size, Decimal{});
}

TEST_F(ExchangeTest, QueriesReportOpenOrdersPositionsAndBalances) {
  bbo(MarketType::Perp, "100", "100.2");
  bbo(MarketType::Spot, "100", "100.2");
  ASSERT_TRUE(ex->place(limit(MarketType::Spot, Side::Buy, "99", "0.1")).has_value());
  ASSERT_TRUE(ex->place(limit(MarketType::Perp, Side::Sell, "101", "0.1")).has_value());
  ASSERT_TRUE(ex->place(market(MarketType::Perp, Side::Sell, "0.2")).has_value());
  EXPECT_EQ(ex->open_orders("BTCUSDT").size(), 2u);
  EXPECT_EQ(ex->open_orders("ETHUSDT").size(), 0u);
  EXPECT_FALSE(ex->order_by_client_oid("BTCUSDT", MarketType::Spot, "t-2"));  // wrong market
  EXPECT_TRUE(ex->order_by_client_oid("BTCUSDT", MarketType::Perp, "t-2"));
  auto positions = ex->positions();
  ASSERT_EQ(positions.size(), 1u);
  EXPECT_EQ(positions[0].size, "-0.2"_dec);
  auto balances = ex->balances();
  ASSERT_EQ(balances.size(), 3u);  // spot BTC, spot USDT, futures USDT
  EXPECT_EQ(balances[0].coin, "BTC");
  EXPECT_EQ(balances[1].account, MarketType::Spot);
  EXPECT_EQ(balances[1].coin, "USDT");
  EXPECT_EQ(balances[1].frozen, "9.905940"_dec);  // 99 x 0.1 x 1.0006
  EXPECT_EQ(balances[2].account, MarketType::Perp);
  EXPECT_EQ(balances[2].frozen, "10.1"_dec);  // margin of the resting sell at leverage 1
  ASSERT_TRUE(balances[2].equity);
}

TEST_F(ExchangeTest, IdPrefixKeepsOrderAndTradeIdsUniqueAcrossRuns) {
  // The paper store keys fills on (market, trade_id): a second run must not reuse "T1".
  std::set<std::string> trades, orders;
  for (const char* run : {"ab12c1700000000000", "ab12c1700000060000"}) {
    params.id_prefix = run;
    rebuild();
    bbo(MarketType::Spot, "100", "100.2");
    auto ack = ex->place(market(MarketType::Spot, Side::Buy, "0.1"));
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->order_id.rfind(std::string("P") + run + "-", 0), 0u) << ack->order_id;
    orders.insert(ack->order_id);
    const auto fills = take<Fill>();
    ASSERT_FALSE(fills.empty());
    for (const auto& f : fills) EXPECT_TRUE(trades.insert(f.trade_id).second) << f.trade_id;
  }
  EXPECT_EQ(orders.size(), 2u);
}
