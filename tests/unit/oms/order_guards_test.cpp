// The pre-trade guards that submit and amend share: an amend is judged by the same guards as a new
// order for what it changes (price, size).
#include <carry_test/oms_fixture.hpp>

using namespace carry;
using namespace carry::oms;
using namespace carry::oms::test;

class OrderGuardsTest : public OmsTest {
 protected:
  // A resting post-only buy, acknowledged: what the amend tests replace.
  std::string resting_post_only_buy(const char* price) {
    auto id = submit_ok(limit(MarketType::Spot, Side::Buy, price, "1", TimeInForce::PostOnly));
    oms->on_place_result(id, ack(id));
    commands();
    return id;
  }
};

TEST_F(OrderGuardsTest, PostOnlyWithNoRoomInsideTheSpreadIsRefusedBySubmitAndAmendAlike) {
  params.price_dev_bps_limit = 0;  // only the post-only guard has a say
  rebuild();
  bbo(MarketType::Spot, "0.1", "0.2");
  const auto id = resting_post_only_buy("0.1");
  // The ask falls to one tick: a buy at the ask has no room below it.
  bbo(MarketType::Spot, "0", "0.1");
  auto crossing = limit(MarketType::Spot, Side::Buy, "0.1", "1", TimeInForce::PostOnly);
  const auto s = oms->submit(crossing);
  EXPECT_EQ(s.blocked_by, Guard::Invalid);
  EXPECT_EQ(s.reason, "post_only_no_room");

  const auto a = oms->amend(id, "0.1"_dec);
  EXPECT_EQ(a.blocked_by, Guard::Invalid);
  EXPECT_EQ(a.reason, "post_only_no_room");
  EXPECT_TRUE(commands().empty());
  EXPECT_FALSE(oms->find(id)->amend_pending);
  EXPECT_EQ(sink.count("order.invalid"), 2u);
}

TEST_F(OrderGuardsTest, AmendOfAnOpeningOrderWithNoQuoteIsRefusedLikeASubmit) {
  // An ETH order found on the venue at start-up, before any ETH quote.
  auto eth = make_instrument(MarketType::Perp);
  eth.symbol = "ETHUSDT";
  oms->add_instrument(eth);
  OrderUpdate u;
  u.symbol = "ETHUSDT";
  u.market = MarketType::Perp;
  u.client_oid = "cry-eth-1";
  u.order_id = "Xeth1";
  u.side = Side::Buy;
  u.price = "10"_dec;
  u.size = "0.01"_dec;
  u.status = OrderStatus::Acked;
  u.ts_event = UnixNanos::from_ms(venue_ms);
  oms->adopt(u);
  commands();

  auto blind = limit(MarketType::Perp, Side::Buy, "10.1", "0.01");
  blind.symbol = "ETHUSDT";
  EXPECT_EQ(oms->submit(blind).reason, "no_mid");
  const auto a = oms->amend("cry-eth-1", "10.1"_dec);
  EXPECT_EQ(a.blocked_by, Guard::PriceDeviation);
  EXPECT_EQ(a.reason, "no_mid");
  EXPECT_TRUE(commands().empty());
  EXPECT_EQ(oms->metrics().total.blocks_price_deviation, 2u);
}

TEST_F(OrderGuardsTest, TheMinimumSizeBindsAnAmendThatGrowsNotOneThatKeepsWhatIsLeft) {
  auto perp = make_instrument(MarketType::Perp);
  perp.min_size = "0.01"_dec;
  oms->add_instrument(perp);
  const auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.02"));
  oms->on_place_result(id, ack(id));
  oms->on_exec(fill(id, "t1", "100", "0.015"));  // 0.005 left: under the minimum
  commands();

  const auto grown = oms->amend(id, "100"_dec, "0.008"_dec);
  EXPECT_EQ(grown.blocked_by, Guard::Invalid);
  EXPECT_EQ(grown.reason, "below_min_size");
  const auto moved = oms->amend(id, "100.1"_dec);  // the 0.005 left, one tick up
  ASSERT_TRUE(moved.accepted()) << moved.reason;
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(std::get<AmendOrderRequest>(cmds[0]).new_size, "0.005"_dec);
}

TEST_F(OrderGuardsTest, StaleStreamRefusesAnAmendThatOpensButNotOneThatReduces) {
  params.ws_stale_block_ms = 15'000;
  rebuild();
  oms->on_private_activity();
  oms->set_position("BTCUSDT", MarketType::Perp, "-0.05"_dec, Decimal::from_units(100));
  const auto reducing = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  const auto opening = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "0.01"));
  oms->on_place_result(reducing, ack(reducing));
  oms->on_place_result(opening, ack(opening));
  commands();
  clock.advance(std::chrono::seconds(16));

  const auto more_short = oms->amend(opening, "100.2"_dec, "0.02"_dec);
  EXPECT_EQ(more_short.blocked_by, Guard::WsStale);
  ASSERT_NE(sink.last("guard.ws_stale"), nullptr);
  EXPECT_EQ(sink.last("guard.ws_stale")->fields["silent_ms"], 16'000);  // as a submit reports it
  // Growing a buy that still only brings the short towards flat is a reduction, as for a submit.
  const auto more_cover = oms->amend(reducing, "100"_dec, "0.02"_dec);
  EXPECT_TRUE(more_cover.accepted()) << more_cover.reason;
  EXPECT_TRUE(oms->submit(limit(MarketType::Perp, Side::Buy, "100", "0.01")).accepted());
  EXPECT_EQ(oms->metrics().total.blocks_ws_stale, 1u);
}

TEST_F(OrderGuardsTest, CooldownRefusesAGrowingAmendWithTheSameFieldsAsASubmit) {
  params.reject_burst_threshold = 1;
  params.symbol_cooldown_s = 60;
  rebuild();
  const auto resting = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "0.01"));
  oms->on_place_result(resting, ack(resting));
  const auto refused = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "0.01"));
  oms->on_place_result(refused, make_error_code(Errc::exchange_rejected));
  commands();
  ASSERT_TRUE(oms->in_cooldown("BTCUSDT"));

  EXPECT_EQ(oms->submit(limit(MarketType::Perp, Side::Sell, "100.2", "0.01")).reason, "symbol_cooldown");
  const auto submit_until = sink.last("guard.cooldown")->fields["until"];
  const auto grown = oms->amend(resting, "100.2"_dec, "0.02"_dec);
  EXPECT_EQ(grown.blocked_by, Guard::Cooldown);
  EXPECT_EQ(sink.last("guard.cooldown")->fields["until"], submit_until);
  // Moving the order without adding to it stays possible.
  EXPECT_TRUE(oms->amend(resting, "100.3"_dec).accepted());
}

namespace {

class RecordingCheck : public PreTradeCheck {
 public:
  std::optional<std::string> check(const PlaceOrderRequest& req, const PreTradeContext& ctx) override {
    seen.push_back(ctx);
    prices.push_back(*req.price);
    return std::nullopt;
  }
  std::vector<PreTradeContext> seen;
  std::vector<Decimal> prices;
};

}  // namespace

TEST_F(OrderGuardsTest, RiskSeesAnAmendAsAReplacementAfterThePostOnlyMove) {
  RecordingCheck risk;
  oms->set_pre_trade_check(&risk);
  const auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01", TimeInForce::PostOnly));
  oms->on_place_result(id, ack(id));
  ASSERT_TRUE(oms->amend(id, "100.2"_dec).accepted());  // crosses the ask: sent at 100.1
  ASSERT_EQ(risk.seen.size(), 2u);
  EXPECT_FALSE(risk.seen[0].amend);
  EXPECT_TRUE(risk.seen[0].adds);
  EXPECT_TRUE(risk.seen[1].amend);
  EXPECT_FALSE(risk.seen[1].adds);  // same size: nothing added
  EXPECT_EQ(risk.prices[1], "100.1"_dec);
  EXPECT_EQ(sink.count("postonly.adjust"), 1u);
}
