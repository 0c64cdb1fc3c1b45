// Scenario tests: the OMS against a venue played by hand, asserting final orders, positions and
// the emitted events. (Scenarios against paper::Exchange live in tests/unit/paper.)
#include <carry_test/oms_fixture.hpp>

using namespace carry;
using namespace carry::oms;
using namespace carry::oms::test;
using namespace std::chrono_literals;

using OmsScenario = OmsTest;

TEST_F(OmsScenario, LostAckOrderExistsIsRecoveredByClientIdWithoutASecondOrder) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "0.05"));
  auto cmds = commands();
  ASSERT_EQ(count<PlaceOrderRequest>(cmds), 1u);
  // The venue placed it, but our request timed out.
  oms->on_place_result(id, make_error_code(Errc::timeout));
  EXPECT_EQ(status(id), OrderStatus::Unknown);
  cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(std::get<QueryOrderRequest>(cmds[0]).client_oid, id);
  // Nothing new goes out on that market until the outcome is known.
  auto retry = oms->submit(limit(MarketType::Perp, Side::Sell, "100.2", "0.05"));
  EXPECT_EQ(retry.blocked_by, Guard::Idempotency);
  EXPECT_EQ(retry.reason, "unknown_order_unresolved");
  // The query finds it.
  oms->on_query_result(id, std::optional<OrderUpdate>{update(id, OrderStatus::Acked)});
  EXPECT_EQ(status(id), OrderStatus::Acked);
  EXPECT_EQ(oms->find(id)->order_id, "X" + id);
  ASSERT_NE(sink.last("idempotent.recover"), nullptr);
  EXPECT_EQ(sink.last("idempotent.recover")->fields["found"], true);
  EXPECT_EQ(oms->metrics().total.recovered, 1u);
  EXPECT_TRUE(commands().empty());  // no resend
  // Its fill arrives normally.
  oms->on_exec(fill(id, "t1", "100.2", "0.05"));
  EXPECT_EQ(status(id), OrderStatus::Filled);
  EXPECT_EQ(oms->positions().size("BTCUSDT", MarketType::Perp), "-0.05"_dec);
  EXPECT_EQ(oms->order_count(), 1u);
  EXPECT_EQ(sink.count("order.unknown"), 1u);
  EXPECT_EQ(sink.count("order.submit"), 1u);
}

TEST_F(OmsScenario, DuplicateAndOutOfOrderFillsAreCountedOnce) {
  auto id = submit_ok(limit(MarketType::Spot, Side::Buy, "100", "0.3"));
  oms->on_place_result(id, ack(id));
  auto f1 = fill(id, "t1", "100", "0.1");
  auto f2 = fill(id, "t2", "99.9", "0.1");
  auto f3 = fill(id, "t3", "99.8", "0.1");
  auto u_partial = update(id, OrderStatus::PartiallyFilled, "0.1");
  auto u_filled = update(id, OrderStatus::Filled, "0.3");
  oms->on_exec(f3);
  oms->on_exec(u_filled);
  oms->on_exec(f1);
  oms->on_exec(f1);         // duplicate push
  oms->on_exec(u_partial);  // older than the Filled update
  oms->on_exec(f3);         // duplicate again
  oms->on_exec(f2);
  const Order* o = oms->find(id);
  EXPECT_EQ(o->status, OrderStatus::Filled);
  EXPECT_EQ(o->filled, "0.3"_dec);
  EXPECT_EQ(*o->avg_fill_price(), "99.9"_dec);
  EXPECT_EQ(oms->positions().size("BTCUSDT", MarketType::Spot), "0.3"_dec);
  EXPECT_EQ(sink.count("fill"), 3u);
  EXPECT_EQ(sink.count("guard.duplicate_fill"), 2u);
  EXPECT_EQ(sink.count("guard.stale_event"), 1u);
  EXPECT_EQ(oms->metrics().total.duplicate_fills, 2u);
  EXPECT_EQ(oms->metrics().total.fills, 3u);
}

TEST_F(OmsScenario, FillsBeforeTheAckAndFillsKnownOnlyByOrderId) {
  auto id = submit_ok(limit(MarketType::Spot, Side::Buy, "100.2", "0.2"));
  // The fill channel (spot) carries no client id; the order id is not known yet.
  auto f = fill(id, "t9", "100.2", "0.2");
  f.client_oid.clear();
  oms->on_exec(f);
  EXPECT_EQ(sink.count("fill.orphan"), 1u);
  EXPECT_EQ(status(id), OrderStatus::Sent);
  oms->on_place_result(id, ack(id));  // now the order id links the held fill
  EXPECT_EQ(status(id), OrderStatus::Filled);
  EXPECT_EQ(oms->positions().size("BTCUSDT", MarketType::Spot), "0.2"_dec);
  // A fill with client id before the ack.
  auto id2 = submit_ok(limit(MarketType::Spot, Side::Buy, "100.2", "0.2"));
  oms->on_exec(fill(id2, "t10", "100.2", "0.1"));
  EXPECT_EQ(status(id2), OrderStatus::PartiallyFilled);
  oms->on_place_result(id2, ack(id2));
  EXPECT_EQ(status(id2), OrderStatus::PartiallyFilled);  // the late ack changes nothing
}

TEST_F(OmsScenario, FillRacingACancel) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "1"));
  oms->on_place_result(id, ack(id));
  ASSERT_TRUE(oms->cancel(id).has_value());
  oms->on_cancel_result(id, ack(id));
  oms->on_exec(update(id, OrderStatus::Canceled, "0.4"));  // canceled after a partial fill
  EXPECT_EQ(status(id), OrderStatus::Canceled);
  oms->on_exec(fill(id, "t1", "100.2", "0.4"));  // the fill itself arrives afterwards
  EXPECT_EQ(status(id), OrderStatus::Canceled);
  EXPECT_EQ(oms->find(id)->filled, "0.4"_dec);
  EXPECT_EQ(oms->positions().size("BTCUSDT", MarketType::Perp), "-0.4"_dec);
  EXPECT_EQ(sink.count("order.late_fill"), 1u);

  // Worse: the cancel was acknowledged, but the whole order had filled.
  auto id2 = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "1"));
  oms->on_place_result(id2, ack(id2));
  ASSERT_TRUE(oms->cancel(id2).has_value());
  oms->on_exec(update(id2, OrderStatus::Canceled, "0"));
  oms->on_exec(fill(id2, "t2", "100.2", "1"));
  EXPECT_EQ(status(id2), OrderStatus::Filled);  // Canceled -> Filled
  EXPECT_EQ(oms->positions().size("BTCUSDT", MarketType::Perp), "-1.4"_dec);
  ASSERT_NE(sink.last("order.fill"), nullptr);
  EXPECT_EQ(sink.last("order.fill")->fields["from"], "canceled");
}

TEST_F(OmsScenario, FillArrivingAfterAnAmendWasSentShrinksTheReplacement) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "1"));
  oms->on_place_result(id, ack(id));
  commands();
  auto r = oms->amend(id, "100.1"_dec);
  ASSERT_TRUE(r.accepted()) << r.reason;
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  auto am = std::get<AmendOrderRequest>(cmds[0]);
  EXPECT_EQ(am.new_size, Decimal::from_units(1));
  EXPECT_EQ(am.order_id, "X" + id);
  // Before the venue processed the amend, 0.4 of the old order filled.
  oms->on_exec(fill(id, "t1", "100", "0.4"));
  oms->on_amend_result(am.new_client_oid, ack(am.new_client_oid));
  oms->on_exec(update(id, OrderStatus::Canceled, "0.4"));
  oms->on_exec(update(am.new_client_oid, OrderStatus::Acked));  // the replacement rests for 1.0
  // The OMS shrinks the replacement to what is left of the original intent.
  cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  auto shrink = std::get<AmendOrderRequest>(cmds[0]);
  EXPECT_EQ(shrink.client_oid, am.new_client_oid);
  EXPECT_EQ(shrink.new_size, "0.6"_dec);
  EXPECT_EQ(shrink.new_price, "100.1"_dec);
  EXPECT_EQ(sink.count("order.chain_overfill"), 1u);
  oms->on_amend_result(shrink.new_client_oid, ack(shrink.new_client_oid));
  oms->on_exec(update(am.new_client_oid, OrderStatus::Canceled));
  oms->on_exec(update(shrink.new_client_oid, OrderStatus::Acked));
  oms->on_exec(fill(shrink.new_client_oid, "t2", "100.1", "0.6"));
  EXPECT_EQ(status(shrink.new_client_oid), OrderStatus::Filled);
  EXPECT_EQ(oms->positions().size("BTCUSDT", MarketType::Perp), Decimal::from_units(1));  // never more than asked
  EXPECT_TRUE(oms->open_orders().empty());
}

TEST_F(OmsScenario, FillCompletingTheOrderAfterAnAmendCancelsTheReplacement) {
  auto id = submit_ok(limit(MarketType::Perp, Side::Buy, "100", "1"));
  oms->on_place_result(id, ack(id));
  auto r = oms->amend(id, "100.1"_dec);
  commands();
  oms->on_exec(fill(id, "t1", "100", "1"));
  EXPECT_EQ(status(id), OrderStatus::Filled);
  oms->on_amend_result(r.client_oid, ack(r.client_oid));
  oms->on_exec(update(r.client_oid, OrderStatus::Acked));
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(std::get<CancelOrderRequest>(cmds[0]).client_oid, r.client_oid);
}

TEST_F(OmsScenario, AmendRejectedKeepsTheOriginalOrder) {
  auto id = submit_ok(limit(MarketType::Spot, Side::Sell, "100.3", "1"));
  oms->on_place_result(id, ack(id));
  auto r = oms->amend(id, "100.4"_dec);
  ASSERT_TRUE(r.accepted());
  oms->on_amend_result(r.client_oid, make_error_code(Errc::exchange_rejected));
  EXPECT_EQ(status(r.client_oid), OrderStatus::Rejected);
  EXPECT_TRUE(oms->find(id)->replaced_by.empty());
  EXPECT_FALSE(oms->find(id)->amend_pending);
  EXPECT_TRUE(oms->amend(id, "100.5"_dec).accepted());  // the original can be amended again
}

TEST_F(OmsScenario, RejectBurstCooldownAndRecovery) {
  params.reject_burst_threshold = 3;
  params.reject_burst_window_s = 10;
  params.symbol_cooldown_s = 60;
  rebuild();
  for (int i = 0; i < 3; ++i) {
    auto id = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "0.01"));
    oms->on_place_result(id, make_error_code(Errc::exchange_rejected));
    clock.advance(1s);
  }
  EXPECT_TRUE(oms->in_cooldown("BTCUSDT"));
  EXPECT_EQ(sink.count("cooldown.enter"), 1u);
  commands();
  auto blocked = oms->submit(limit(MarketType::Spot, Side::Buy, "100", "0.01"));
  EXPECT_EQ(blocked.blocked_by, Guard::Cooldown);  // both markets of the symbol pause
  EXPECT_EQ(sink.count("guard.cooldown"), 1u);
  // Reducing an existing position stays possible.
  oms->set_position("BTCUSDT", MarketType::Perp, "-0.02"_dec, Decimal::from_units(100));
  auto reduce = submit_ok(limit(MarketType::Perp, Side::Buy, "100.1", "0.02"));
  oms->on_place_result(reduce, ack(reduce));
  clock.advance(58s);
  oms->on_timer();
  EXPECT_TRUE(oms->in_cooldown("BTCUSDT"));
  clock.advance(2s);
  oms->on_timer();
  EXPECT_FALSE(oms->in_cooldown("BTCUSDT"));
  EXPECT_EQ(sink.count("cooldown.exit"), 1u);
  EXPECT_TRUE(oms->submit(limit(MarketType::Spot, Side::Buy, "100", "0.01")).accepted());
  EXPECT_EQ(oms->metrics().total.cooldowns, 1u);
  EXPECT_EQ(oms->metrics().total.blocks_cooldown, 1u);
  // Rejects spread wider than the window do not trip it again.
  for (int i = 0; i < 3; ++i) {
    auto id = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "0.01"));
    oms->on_exec(update(id, OrderStatus::Rejected));
    clock.advance(6s);
  }
  EXPECT_FALSE(oms->in_cooldown("BTCUSDT"));
}

TEST_F(OmsScenario, StalePrivateStreamBlocksNewOrdersButNotCancelsOrReductions) {
  params.ws_stale_block_ms = 5'000;
  rebuild();
  EXPECT_EQ(oms->submit(limit(MarketType::Perp, Side::Sell, "100.2", "0.01")).blocked_by,
            Guard::WsStale);  // never heard
  oms->on_private_activity();
  auto resting = submit_ok(limit(MarketType::Perp, Side::Sell, "100.2", "0.02"));
  oms->on_place_result(resting, ack(resting));
  oms->on_exec(fill(resting, "t1", "100.2", "0.01"));  // traffic: position -0.01
  commands();
  clock.advance(6s);
  EXPECT_TRUE(oms->private_stream_stale());
  auto opening = oms->submit(limit(MarketType::Perp, Side::Sell, "100.2", "0.01"));
  EXPECT_EQ(opening.blocked_by, Guard::WsStale);
  ASSERT_NE(sink.last("guard.ws_stale"), nullptr);
  EXPECT_EQ(sink.last("guard.ws_stale")->fields["silent_ms"], 6000);
  EXPECT_TRUE(oms->cancel(resting).has_value());
  auto reducing = oms->submit(limit(MarketType::Perp, Side::Buy, "100.1", "0.01"));
  EXPECT_TRUE(reducing.accepted()) << reducing.reason;
  auto cmds = commands();
  EXPECT_EQ(count<CancelOrderRequest>(cmds), 1u);
  EXPECT_EQ(count<PlaceOrderRequest>(cmds), 1u);
  // A reduction bigger than the position is an opening in disguise.
  EXPECT_EQ(oms->submit(limit(MarketType::Perp, Side::Buy, "100.1", "0.01")).blocked_by, Guard::WsStale);
  oms->on_private_activity();
  EXPECT_TRUE(oms->submit(limit(MarketType::Perp, Side::Sell, "100.2", "0.01")).accepted());
  EXPECT_EQ(oms->metrics().total.blocks_ws_stale, 3u);
}
