#include <carry_test/oms_fixture.hpp>

using namespace carry;
using namespace carry::oms;
using namespace carry::oms::test;
using namespace std::chrono_literals;

namespace {

class RecordingListener : public OrderListener {
 public:
  void on_order_update(const Order& o) override {
    updates.push_back(o.client_oid + ":" + std::string(to_string(o.status)));
  }
  void on_fill(const Order& o, const Fill& f) override { fills.push_back(f.trade_id); }
  void on_chase_done(const Order& o, std::string_view reason) override {
    chase_done.push_back(o.client_oid + ":" + std::string(reason));
  }
  std::vector<std::string> updates, fills, chase_done;
};

class BlockAll : public PreTradeCheck {
 public:
  std::optional<std::string> check(const PlaceOrderRequest& req, const PreTradeContext& ctx) override {
    seen_reducing = ctx.reducing;
    seen_position = ctx.position;
    return "test_limit";
  }
  bool seen_reducing = false;
  Decimal seen_position;
};

}  // namespace

using OrderManagerTest = OmsTest;

TEST_F(OrderManagerTest, SubmitQueuesOnePlaceCommandWithAFreshClientId) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Sell, "100.1", "0.01"));
  EXPECT_EQ(id, "cry-1");
  EXPECT_EQ(status(id), OrderStatus::Sent);
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  const auto& req = std::get<PlaceOrderRequest>(cmds[0]);
  EXPECT_EQ(req.client_oid, id);
  EXPECT_EQ(req.market, MarketType::Perp);
  EXPECT_EQ(req.side, Side::Sell);
  EXPECT_EQ(*req.price, "100.1"_dec);
  EXPECT_EQ(req.size, "0.01"_dec);
  EXPECT_EQ(sink.count("order.submit"), 1u);
  EXPECT_TRUE(commands().empty());  // drained
  oms->on_place_result(id, ack(id));
  EXPECT_EQ(status(id), OrderStatus::Acked);
  EXPECT_EQ(oms->find(id)->order_id, "X" + id);
  EXPECT_EQ(sink.count("order.ack"), 1u);
}

TEST_F(OrderManagerTest, InvalidIntentsAreRefusedWithTheirReason) {
  struct Case {
    SubmitRequest in;
    std::string reason;
  };
  auto off_lot = limit(MarketType::Spot, Side::Buy, "100", "0.0015");
  auto off_tick = limit(MarketType::Spot, Side::Buy, "100.05", "0.01");
  auto no_price = limit(MarketType::Spot, Side::Buy, "100", "0.01");
  no_price.price.reset();
  auto po_market = market(MarketType::Perp, Side::Buy, "0.01");
  po_market.tif = TimeInForce::PostOnly;
  auto unknown = limit(MarketType::Spot, Side::Buy, "100", "0.01");
  unknown.symbol = "ETHUSDT";
  auto chase_gtc = limit(MarketType::Perp, Side::Buy, "100", "0.01");
  chase_gtc.chase = true;
  const std::vector<Case> cases = {{off_lot, "size_off_lot"},         {off_tick, "price_off_tick"},
                                   {no_price, "limit_without_price"}, {po_market, "post_only_market"},
                                   {unknown, "unknown_instrument"},   {chase_gtc, "chase_needs_post_only_limit"}};
  for (const auto& c : cases) {
    auto r = oms->submit(c.in);
    EXPECT_EQ(r.blocked_by, Guard::Invalid) << c.reason;
    EXPECT_EQ(r.reason, c.reason);
  }
  EXPECT_TRUE(commands().empty());
  EXPECT_EQ(sink.count("order.invalid"), cases.size());
  EXPECT_EQ(oms->metrics().total.blocks_invalid, cases.size());
}

TEST_F(OrderManagerTest, SecondSubmitWithALiveClientIdIsBlocked) {
  auto in = limit(MarketType::Perp, Side::Buy, "100", "0.01");
  in.client_oid = "cry-explicit-1";
  EXPECT_TRUE(oms->submit(in).accepted());
  auto again = oms->submit(in);
  EXPECT_EQ(again.blocked_by, Guard::Idempotency);
  EXPECT_EQ(again.reason, "client_oid_live");
  EXPECT_EQ(count<PlaceOrderRequest>(commands()), 1u);
  ASSERT_NE(sink.last("idempotent.block"), nullptr);
  EXPECT_EQ(sink.last("idempotent.block")->fields["client_oid"], "cry-explicit-1");
  // Terminal ids stay used forever.
  oms->on_place_result("cry-explicit-1", make_error_code(Errc::exchange_rejected));
  EXPECT_EQ(oms->submit(in).reason, "client_oid_used");
  EXPECT_EQ(oms->metrics().total.blocks_idempotent, 2u);
}

TEST_F(OrderManagerTest, PriceFarFromMidIsBlocked) {
  params.price_dev_bps_limit = 50;
  rebuild();
  auto r = oms->submit(limit(MarketType::Spot, Side::Buy, "99.4", "0.01"));  // ~60 bps below mid 100.1
  EXPECT_EQ(r.blocked_by, Guard::PriceDeviation);
  ASSERT_NE(sink.last("guard.price_deviation"), nullptr);
  EXPECT_EQ(sink.last("guard.price_deviation")->fields["mid"], "100.1");
  EXPECT_TRUE(oms->submit(limit(MarketType::Spot, Side::Buy, "99.8", "0.01")).accepted());  // 30 bps
  // No market data at all: an opening limit order has nothing to be checked against.
  auto eth = make_instrument(MarketType::Spot);
  eth.symbol = "ETHUSDT";
  oms->add_instrument(eth);
  auto blind = limit(MarketType::Spot, Side::Buy, "10", "0.01");
  blind.symbol = "ETHUSDT";
  EXPECT_EQ(oms->submit(blind).reason, "no_mid");
}

TEST_F(OrderManagerTest, CrossingPostOnlyIsMovedOneTickInside) {
  auto r = oms->submit(limit(MarketType::Perp, Side::Buy, "100.2", "0.01", TimeInForce::PostOnly));
  ASSERT_TRUE(r.accepted());
  EXPECT_EQ(*r.price, "100.1"_dec);  // ask 100.2 - tick
  auto cmds = commands();
  EXPECT_EQ(*std::get<PlaceOrderRequest>(cmds[0]).price, "100.1"_dec);
  auto s = oms->submit(limit(MarketType::Perp, Side::Sell, "99.9", "0.01", TimeInForce::PostOnly));
  EXPECT_EQ(*s.price, "100.1"_dec);  // bid 100 + tick
  EXPECT_EQ(sink.count("postonly.adjust"), 2u);
  EXPECT_EQ(sink.last("postonly.adjust")->fields["from"], "99.9");
  EXPECT_EQ(oms->metrics().total.postonly_adjusts, 2u);
  // A non-crossing post-only price is left alone.
  EXPECT_EQ(*oms->submit(limit(MarketType::Perp, Side::Buy, "99.9", "0.01", TimeInForce::PostOnly)).price, "99.9"_dec);
}

TEST_F(OrderManagerTest, PreTradeCheckSeesReducingFlagAndCanRefuse) {
  BlockAll risk;
  oms->set_pre_trade_check(&risk);
  oms->set_position("BTCUSDT", MarketType::Perp, "-0.05"_dec, Decimal::from_units(100));
  auto r = oms->submit(limit(MarketType::Perp, Side::Buy, "100", "0.02"));
  EXPECT_EQ(r.blocked_by, Guard::Risk);
  EXPECT_EQ(r.reason, "test_limit");
  EXPECT_TRUE(risk.seen_reducing);
  EXPECT_EQ(risk.seen_position, "-0.05"_dec);
  oms->submit(limit(MarketType::Perp, Side::Sell, "100.2", "0.02"));
  EXPECT_FALSE(risk.seen_reducing);  // adds to the short
  EXPECT_EQ(oms->metrics().total.blocks_risk, 2u);
  EXPECT_TRUE(commands().empty());
}

TEST_F(OrderManagerTest, RejectsThatAreNotTheVenuesDoNotCountTowardsCooldown) {
  for (int i = 0; i < 5; ++i) {
    auto id = submit_ok(limit(MarketType::Spot, Side::Buy, "100", "0.01"));
    oms->on_place_result(id, make_error_code(Errc::rate_limited));
    EXPECT_EQ(status(id), OrderStatus::Rejected);
  }
  EXPECT_FALSE(oms->in_cooldown("BTCUSDT"));
  EXPECT_EQ(oms->metrics().total.rejects, 5u);
}

TEST_F(OrderManagerTest, UpdatesOlderThanKnownAreDropped) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  oms->on_exec(update(id, OrderStatus::Acked, "0", 2000));
  oms->on_exec(update(id, OrderStatus::Canceled, "0", 3000));
  oms->on_exec(update(id, OrderStatus::Acked, "0", 2500));  // older than the cancel
  EXPECT_EQ(status(id), OrderStatus::Canceled);
  EXPECT_EQ(sink.count("guard.stale_event"), 1u);
  EXPECT_EQ(sink.last("guard.stale_event")->fields["reason"], "older_update");
  // Same timestamp but a forbidden step backwards is dropped too.
  oms->on_exec(update(id, OrderStatus::Acked, "0", 3000));
  EXPECT_EQ(status(id), OrderStatus::Canceled);
  EXPECT_EQ(oms->metrics().total.stale_events, 2u);
}

TEST_F(OrderManagerTest, AckTimeoutTurnsUnknownAndQueriesByClientId) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  commands();
  oms->on_request_written(id);
  clock.advance(4s);
  oms->on_timer();
  EXPECT_EQ(status(id), OrderStatus::Sent);
  clock.advance(2s);
  oms->on_timer();
  EXPECT_EQ(status(id), OrderStatus::Unknown);
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(std::get<QueryOrderRequest>(cmds[0]).client_oid, id);
  EXPECT_EQ(sink.count("order.timeout"), 1u);
  EXPECT_EQ(sink.count("order.unknown"), 1u);
  // A query that itself fails is retried after query_retry_ms.
  oms->on_query_result(id, make_error_code(Errc::timeout));
  oms->on_timer();
  EXPECT_TRUE(commands().empty());
  clock.advance(3s);
  oms->on_timer();
  EXPECT_EQ(count<QueryOrderRequest>(commands()), 1u);
}

TEST_F(OrderManagerTest, AckTimeoutStartsWhenTheRequestIsWrittenNotWhenItWasQueued) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  commands();
  clock.advance(30s);  // queued behind the rate limiter and the concurrency limit
  oms->on_timer();
  EXPECT_EQ(status(id), OrderStatus::Sent);
  EXPECT_EQ(sink.count("order.timeout"), 0u);
  oms->on_request_written(id);
  clock.advance(std::chrono::milliseconds(params.ack_timeout_ms - 100));
  oms->on_timer();
  EXPECT_EQ(status(id), OrderStatus::Sent);
  clock.advance(200ms);
  oms->on_timer();
  EXPECT_EQ(status(id), OrderStatus::Unknown);
  EXPECT_EQ(sink.count("order.timeout"), 1u);
}

TEST_F(OrderManagerTest, NotFoundAnswersCountOnlyOnceThePlaceRequestHasAnswered) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  commands();
  oms->on_request_written(id);
  clock.advance(std::chrono::milliseconds(params.ack_timeout_ms + 100));
  oms->on_timer();
  ASSERT_EQ(status(id), OrderStatus::Unknown);
  // The request is still out: the venue not knowing the order yet proves nothing.
  for (int i = 0; i < 4; ++i) oms->on_query_result(id, std::optional<OrderUpdate>{});
  EXPECT_EQ(status(id), OrderStatus::Unknown);
  oms->on_place_result(id, make_error_code(Errc::timeout));  // it has ended, its outcome unknown
  EXPECT_EQ(status(id), OrderStatus::Unknown);
  oms->on_query_result(id, std::optional<OrderUpdate>{});
  EXPECT_EQ(status(id), OrderStatus::Unknown);
  oms->on_query_result(id, std::optional<OrderUpdate>{});
  EXPECT_EQ(status(id), OrderStatus::Rejected);
}

TEST_F(OrderManagerTest, ADefiniteRefusalAfterTheAckTimeoutSettlesTheUnknownOrder) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  commands();
  oms->on_request_written(id);
  clock.advance(std::chrono::milliseconds(params.ack_timeout_ms + 100));
  oms->on_timer();
  ASSERT_EQ(status(id), OrderStatus::Unknown);
  oms->on_place_result(id, make_error_code(Errc::exchange_rejected));
  EXPECT_EQ(status(id), OrderStatus::Rejected);
}

// The host's wall clock is stepped back an hour while a place is on the wire: the ack timeout
// still fires after ack_timeout_ms of real (monotonic) time, and a step forward fakes none.
TEST_F(OrderManagerTest, AckTimeoutRunsOnMonotonicTimeAcrossWallClockSteps) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  commands();
  oms->on_request_written(id);
  clock.step_wall(-1h);
  clock.advance(6s);
  oms->on_timer();
  EXPECT_EQ(status(id), OrderStatus::Unknown);
  EXPECT_EQ(sink.last("order.timeout")->fields["waited_ms"], 6'000);
  auto other = submit_ok(limit(MarketType::Spot, Side::Buy, "100", "0.01"));
  commands();
  oms->on_request_written(other);
  clock.step_wall(2h);
  oms->on_timer();
  EXPECT_EQ(status(other), OrderStatus::Sent);
}

TEST_F(OrderManagerTest, UnknownNotFoundTwiceBecomesRejected) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  oms->on_place_result(id, make_error_code(Errc::timeout));
  oms->on_query_result(id, std::optional<OrderUpdate>{});
  EXPECT_EQ(status(id), OrderStatus::Unknown);  // one answer is not enough
  oms->on_query_result(id, std::optional<OrderUpdate>{});
  EXPECT_EQ(status(id), OrderStatus::Rejected);
  EXPECT_EQ(oms->find(id)->reason, "not_found_after_timeout");
  EXPECT_EQ(sink.last("idempotent.recover")->fields["found"], false);
  EXPECT_FALSE(oms->in_cooldown("BTCUSDT"));
}

TEST_F(OrderManagerTest, CancelIsQueuedOnceAndNeverBlocked) {
  params.ws_stale_block_ms = 1000;
  rebuild();
  oms->on_private_activity();
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  oms->on_place_result(id, ack(id));
  commands();
  clock.advance(10s);  // private stream silent
  ASSERT_TRUE(oms->cancel(id).has_value());
  EXPECT_EQ(oms->cancel(id).error(), make_error_code(Errc::duplicate));
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(std::get<CancelOrderRequest>(cmds[0]).order_id, "X" + id);
  EXPECT_EQ(oms->cancel("nope").error(), make_error_code(Errc::not_found));
  oms->on_cancel_result(id, ack(id));
  oms->on_exec(update(id, OrderStatus::Canceled));
  EXPECT_EQ(status(id), OrderStatus::Canceled);
  EXPECT_EQ(oms->cancel(id).error(), make_error_code(Errc::invalid_argument));
}

TEST_F(OrderManagerTest, CancelWithoutTerminalUpdateIsFollowedByAQuery) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  oms->on_place_result(id, ack(id));
  ASSERT_TRUE(oms->cancel(id).has_value());
  commands();
  oms->on_cancel_result(id, ack(id));
  clock.advance(6s);
  oms->on_timer();
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<QueryOrderRequest>(cmds[0]));
  oms->on_query_result(id, std::optional<OrderUpdate>{update(id, OrderStatus::Canceled)});
  EXPECT_EQ(status(id), OrderStatus::Canceled);
}

TEST_F(OrderManagerTest, OwnOrderSeenOnTheVenueIsAdoptedForeignIsCounted) {
  OrderUpdate u;
  u.symbol = "BTCUSDT";
  u.market = MarketType::Perp;
  u.client_oid = "cry-977";
  u.order_id = "V1";
  u.price = Decimal::from_units(100);
  u.size = "0.5"_dec;
  u.status = OrderStatus::Acked;
  u.ts_event = UnixNanos::from_ms(1);
  oms->on_exec(u);
  ASSERT_NE(oms->find("cry-977"), nullptr);
  EXPECT_TRUE(oms->find("cry-977")->adopted);
  EXPECT_EQ(oms->open_orders("BTCUSDT").size(), 1u);
  EXPECT_EQ(sink.count("idempotent.adopt"), 1u);
  u.client_oid = "manual-1";
  u.order_id = "V2";
  oms->on_exec(u);
  EXPECT_EQ(oms->find("manual-1"), nullptr);
  EXPECT_EQ(oms->metrics().total.foreign, 1u);
  // Start-up reconciliation adopts whatever it is given.
  oms->adopt(u);
  EXPECT_NE(oms->find("manual-1"), nullptr);
  EXPECT_EQ(oms->metrics().total.adopted, 2u);
}

TEST_F(OrderManagerTest, StreamReconnectQueriesEveryOpenOrder) {
  auto a = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  auto b = submit_ok(limit(MarketType::Spot, Side::Buy, "100", "0.01"));
  oms->on_place_result(a, ack(a));
  oms->on_place_result(b, ack(b));
  commands();
  oms->on_exec(StreamReconnected{});
  auto cmds = commands();
  ASSERT_EQ(count<QueryOrderRequest>(cmds), 2u);
  EXPECT_EQ(std::get<QueryOrderRequest>(cmds[0]).client_oid, a);
  // Acked orders are asked for by the venue's id (a spot clientOid lookup reaches back 2 h only).
  EXPECT_EQ(std::get<QueryOrderRequest>(cmds[0]).order_id, "X" + a);
  EXPECT_EQ(std::get<QueryOrderRequest>(cmds[1]).order_id, "X" + b);
  EXPECT_EQ(sink.count("oms.reconcile"), 1u);
}

TEST_F(OrderManagerTest, MakerChaserFollowsTheBboWithinItsLimits) {
  params.chase_interval_ms = 1000;
  params.chase_max_amends = 2;
  params.chase_max_distance_bps = 100;
  params.price_dev_bps_limit = 200;
  rebuild();
  RecordingListener listener;
  oms->set_listener(&listener);
  auto in = limit(MarketType::Perp, Side::Buy, "100", "0.01", TimeInForce::PostOnly);
  in.chase = true;
  auto id = submit_ok(in);
  oms->on_place_result(id, ack(id));
  commands();

  bbo(MarketType::Perp, "100.3", "100.5");  // bid moved away, but too soon
  EXPECT_TRUE(commands().empty());
  clock.advance(1s);
  bbo(MarketType::Perp, "100.3", "100.5");
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  const auto am = std::get<AmendOrderRequest>(cmds[0]);  // a copy: cmds is reused below
  EXPECT_EQ(am.client_oid, id);
  EXPECT_EQ(am.new_price, "100.3"_dec);
  EXPECT_EQ(am.new_size, "0.01"_dec);
  ASSERT_NE(sink.last("chase.amend"), nullptr);
  EXPECT_EQ(sink.last("chase.amend")->fields["amends"], 1);
  EXPECT_EQ(sink.last("chase.amend")->fields["to_price"], "100.3");
  EXPECT_EQ(sink.last("chase.amend")->fields["new_client_oid"], am.new_client_oid);
  EXPECT_EQ(sink.count("order.amend"), 0u);  // a chase amend is logged once, as chase.amend
  // The venue replaces the order.
  oms->on_amend_result(am.new_client_oid, ack(am.new_client_oid));
  oms->on_exec(update(id, OrderStatus::Canceled));
  oms->on_exec(update(am.new_client_oid, OrderStatus::Acked));

  clock.advance(1s);
  bbo(MarketType::Perp, "101.5", "101.7");  // beyond 100 bps of 100: capped at 101.0
  cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  const auto am2 = std::get<AmendOrderRequest>(cmds[0]);
  EXPECT_EQ(am2.new_price, "101"_dec);
  oms->on_amend_result(am2.new_client_oid, ack(am2.new_client_oid));
  oms->on_exec(update(am.new_client_oid, OrderStatus::Canceled));
  oms->on_exec(update(am2.new_client_oid, OrderStatus::Acked));

  clock.advance(1s);
  bbo(MarketType::Perp, "101.6", "101.8");
  EXPECT_TRUE(commands().empty());
  ASSERT_EQ(listener.chase_done.size(), 1u);
  EXPECT_EQ(listener.chase_done[0], am2.new_client_oid + ":max_amends");
  EXPECT_EQ(oms->metrics().total.chases, 2u);
  EXPECT_EQ(status(am2.new_client_oid), OrderStatus::Acked);  // still resting: the strategy decides
}

TEST_F(OrderManagerTest, ChaserStopsAtMaxDistance) {
  params.chase_interval_ms = 0;
  params.chase_max_distance_bps = 10;
  rebuild();
  RecordingListener listener;
  oms->set_listener(&listener);
  auto in = limit(MarketType::Perp, Side::Sell, "100.2", "0.01", TimeInForce::PostOnly);
  in.chase = true;
  auto id = submit_ok(in);
  oms->on_place_result(id, ack(id));
  commands();
  bbo(MarketType::Perp, "99.9", "100.1");  // ask moved down: 100.1 is within 10 bps of 100.2
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  auto am = std::get<AmendOrderRequest>(cmds[0]);
  oms->on_amend_result(am.new_client_oid, ack(am.new_client_oid));
  oms->on_exec(update(id, OrderStatus::Canceled));
  oms->on_exec(update(am.new_client_oid, OrderStatus::Acked));
  bbo(MarketType::Perp, "99.5", "99.7");  // the bound is 100.1 (100.2 - 10 bps, rounded up to tick)
  EXPECT_TRUE(commands().empty());
  ASSERT_EQ(listener.chase_done.size(), 1u);
  EXPECT_EQ(listener.chase_done[0], am.new_client_oid + ":max_distance");
}

TEST_F(OrderManagerTest, OrderTtlCancelsOldRestingOrders) {
  params.order_ttl_ms = 60'000;
  rebuild();
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  oms->on_place_result(id, ack(id));
  commands();
  clock.advance(30s);
  oms->on_timer();
  EXPECT_TRUE(commands().empty());
  clock.advance(31s);
  oms->on_timer();
  auto cmds = commands();
  ASSERT_EQ(count<CancelOrderRequest>(cmds), 1u);
  EXPECT_EQ(sink.last("order.cancel_request")->fields["reason"], "ttl");
}

TEST_F(OrderManagerTest, ListenerSeesUpdatesAndFills) {
  RecordingListener listener;
  oms->set_listener(&listener);
  auto id = submit_ok(limit(MarketType::Spot, Side::Buy, "100", "0.01"));
  oms->on_place_result(id, ack(id));
  oms->on_exec(fill(id, "t1", "100", "0.01"));
  EXPECT_EQ(listener.fills, std::vector<std::string>{"t1"});
  EXPECT_EQ(listener.updates, (std::vector<std::string>{id + ":acked", id + ":filled"}));
  EXPECT_EQ(oms->positions().size("BTCUSDT", MarketType::Spot), "0.01"_dec);
}

TEST_F(OrderManagerTest, ListenerHearsOfAnAmendsReplacementBeforeTheOriginalEnds) {
  RecordingListener listener;
  oms->set_listener(&listener);
  auto id = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "0.01"));
  oms->on_place_result(id, ack(id));
  const auto r = oms->amend(id, "100.3"_dec);
  ASSERT_TRUE(r.accepted());
  ASSERT_EQ(listener.updates.size(), 2u) << testing::PrintToString(listener.updates);
  EXPECT_EQ(listener.updates[1], r.client_oid + ":sent");  // before any push names it
}

TEST_F(OrderManagerTest, PruneDropsOnlyOldTerminalOrders) {
  auto a = submit_ok(limit(MarketType::Spot, Side::Buy, "100", "0.01"));
  auto b = submit_ok(limit(MarketType::Spot, Side::Buy, "100", "0.01"));
  oms->on_place_result(a, make_error_code(Errc::exchange_rejected));
  clock.advance(1s);
  EXPECT_EQ(oms->prune_terminal(clock.mono()), 1u);
  EXPECT_EQ(oms->find(a), nullptr);
  EXPECT_NE(oms->find(b), nullptr);
}

// Nobody listens: the per-order events are not built, the orders are managed all the same.
TEST(OrderManagerLogOff, OrdersWorkWithoutBuildingEventsNobodyKeeps) {
  struct OffSink final : EventSink {
    void emit(LogLevel, std::string_view, nlohmann::json) override { ++emitted; }
    bool enabled(LogLevel) const noexcept override { return false; }
    int emitted = 0;
  } off;
  ManualClock clock{UnixNanos::from_seconds(1'700'000'000)};
  ClientOidGenerator ids{"cry", 0};
  OmsParams params;
  params.ws_stale_block_ms = 0;
  OrderManager oms(params, ids, off, clock);
  oms.add_instrument(make_instrument(MarketType::Perp));
  SubmitRequest in;
  in.symbol = "BTCUSDT";
  in.market = MarketType::Perp;
  in.side = Side::Buy;
  in.type = OrderType::Market;
  in.size = "0.01"_dec;
  const auto r = oms.submit(in);
  ASSERT_TRUE(r.accepted()) << r.reason;
  ASSERT_EQ(oms.take_commands().size(), 1u);
  ASSERT_TRUE(oms.cancel(r.client_oid, "test"));
  EXPECT_EQ(oms.take_commands().size(), 1u);
  SubmitRequest bad = in;
  bad.size = Decimal{};
  const auto blocked = oms.submit(bad);  // a guard's refusal still says why
  EXPECT_FALSE(blocked.accepted());
  EXPECT_EQ(blocked.reason, "size_not_positive");
  EXPECT_EQ(off.emitted, 0);
}

TEST_F(OrderManagerTest, ForeignFillIsCountedButNeverBookedAsOurPosition) {
  // A manual trade (or another bot's) on the same account: Carry's position book is its own share,
  // so Reducing and flatten can never close what is not ours.
  Fill f;
  f.symbol = "BTCUSDT";
  f.market = MarketType::Perp;
  f.client_oid = "manual-7";
  f.order_id = "V77";
  f.trade_id = "T77";
  f.side = Side::Sell;
  f.price = Decimal::from_units(100);
  f.size = "0.05"_dec;
  f.fee_coin = "USDT";
  f.ts_event = UnixNanos::from_ms(1);
  oms->on_exec(f);
  EXPECT_EQ(oms->metrics().total.foreign, 1u);
  EXPECT_TRUE(oms->positions().size("BTCUSDT", MarketType::Perp).is_zero());
  EXPECT_TRUE(oms->positions().flat());
  // Our own fill still is.
  auto id = submit_ok(limit(MarketType::Perp, Side::Sell, "100", "0.01"));
  oms->on_place_result(id, ack(id));
  oms->on_exec(fill(id, "T1", "100", "0.01"));
  EXPECT_EQ(oms->positions().size("BTCUSDT", MarketType::Perp), "-0.01"_dec);
}

TEST_F(OrderManagerTest, DuplicateClientIdAnswerMeansTheOrderExistsAndIsQueriedNeverRejected) {
  // 45034 / 43118: an earlier send of this client id got through (a lost ack, a retried request).
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "0.01"));
  commands();
  oms->on_place_result(id, make_error_code(Errc::duplicate));
  EXPECT_EQ(status(id), OrderStatus::Unknown);
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(std::get<QueryOrderRequest>(cmds[0]).client_oid, id);
  oms->on_query_result(id, std::optional<OrderUpdate>{update(id, OrderStatus::Acked)});
  EXPECT_EQ(status(id), OrderStatus::Acked);
  EXPECT_EQ(sink.count("order.reject"), 0u);
  EXPECT_FALSE(oms->in_cooldown("BTCUSDT"));
}

TEST_F(OrderManagerTest, LateAckOfAnOrderCalledRejectedAdoptsItAndItsFillsAreBooked) {
  // Not found twice while its place request was still in flight, then the venue acks it.
  auto id = submit_ok(limit(MarketType::Perp, Side::Sell, "100", "0.01"));
  oms->on_place_result(id, make_error_code(Errc::timeout));
  oms->on_query_result(id, std::optional<OrderUpdate>{});
  oms->on_query_result(id, std::optional<OrderUpdate>{});
  ASSERT_EQ(status(id), OrderStatus::Rejected);
  EXPECT_TRUE(oms->open_orders("BTCUSDT").empty());
  oms->on_exec(update(id, OrderStatus::Acked));
  EXPECT_EQ(status(id), OrderStatus::Acked);
  EXPECT_EQ(oms->open_orders("BTCUSDT").size(), 1u);  // open again: it can be canceled like any other
  EXPECT_EQ(sink.count("idempotent.late_adopt"), 1u);
  oms->on_exec(fill(id, "T9", "100", "0.01"));
  EXPECT_EQ(oms->positions().size("BTCUSDT", MarketType::Perp), "-0.01"_dec);
  EXPECT_EQ(status(id), OrderStatus::Filled);
}
