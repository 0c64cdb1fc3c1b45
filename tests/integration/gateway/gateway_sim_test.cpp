// bitget::Gateway (the real client) against bitget-sim (a real process) over loopback: public and
// private streams, order round trips with fills on the private channel, reconnects after a forced
// close and a silent stall, 429/5xx and the circuit breaker, checksum resync, dropped pushes.
#include "gateway_sim_fixture.hpp"

#include <carry/market/order_book.hpp>

#include <set>

namespace carry::test {
namespace {

TEST_F(GatewaySim, PublicAndPrivateSubscribe) {
  start();
  gw->subscribe_ticker("BTCUSDT", MarketType::Perp);
  gw->subscribe_books1("ETHUSDT", MarketType::Spot);
  EXPECT_TRUE(wait_until(
      [&] { return bbo_count("BTCUSDT", MarketType::Perp) > 0 && bbo_count("ETHUSDT", MarketType::Spot) > 0; }));
  EXPECT_TRUE(wait_until([&] {
    for (const auto& e : market)
      if (const auto* f = std::get_if<FundingRateUpdate>(&e); f && f->symbol == "BTCUSDT")
        return f->rate == "0.0001"_dec;
    return false;
  }));
  // The private account channels answer the subscription with a snapshot.
  EXPECT_TRUE(wait_until([&] {
    for (const auto& b : exec_of<BalanceUpdate>())
      if (b.coin == "USDT" && b.available == "100000"_dec) return true;
    return false;
  }));
  auto stats = admin("GET", "/sim/stats");
  EXPECT_GE(stats["ws_connections"]["public"].get<int>(), 1);
  EXPECT_EQ(stats["ws_connections"]["private"], 1);
  EXPECT_EQ(stats["signature_failures"], 0);
}

TEST_F(GatewaySim, PerpPlaceAmendCancelWithFillsOnThePrivateChannel) {
  start();
  gw->subscribe_books1("BTCUSDT", MarketType::Perp);
  ASSERT_TRUE(wait_until([&] { return last_bbo("BTCUSDT", MarketType::Perp).has_value(); }));
  ASSERT_TRUE(wait_until([&] { return !exec_of<BalanceUpdate>().empty(); }));  // private stream is up

  PlaceOrderRequest mkt{
      {"BTCUSDT", MarketType::Perp, Side::Buy, OrderType::Market, TimeInForce::Gtc, std::nullopt, "0.010"_dec, false},
      "gw-perp-1"};
  auto ack = run(gw->place(mkt));
  ASSERT_TRUE(ack && *ack) << (ack ? ack->error().message() : "no answer");
  EXPECT_EQ((*ack)->client_oid, "gw-perp-1");
  const std::string perp_id = (*ack)->order_id;
  EXPECT_TRUE(wait_until([&] { return has_fill(perp_id) && has_order_status("gw-perp-1", OrderStatus::Filled); }));
  EXPECT_TRUE(wait_until([&] {
    for (const auto& p : exec_of<PositionUpdate>())
      if (p.symbol == "BTCUSDT" && p.size == "0.01"_dec) return true;
    return false;
  }));

  const auto bbo = *last_bbo("BTCUSDT", MarketType::Perp);
  const Decimal far = (bbo.bid_price * "0.9"_dec).round_to_step("0.1"_dec, Rounding::Down).value();
  PlaceOrderRequest rest{
      {"BTCUSDT", MarketType::Perp, Side::Buy, OrderType::Limit, TimeInForce::PostOnly, far, "0.010"_dec, false},
      "gw-perp-2"};
  ASSERT_TRUE(run(gw->place(rest)).value());
  ASSERT_TRUE(wait_until([&] { return has_order_status("gw-perp-2", OrderStatus::Acked); }));
  AmendOrderRequest amend{"BTCUSDT", MarketType::Perp, "gw-perp-2", "", "gw-perp-3", far - "1"_dec, "0.020"_dec};
  auto am = run(gw->amend(amend));
  ASSERT_TRUE(am && *am) << (am ? am->error().message() : "no answer");
  // Asynchronous cancel-and-replace: the old order is canceled, the new id appears live.
  EXPECT_TRUE(wait_until([&] {
    return has_order_status("gw-perp-2", OrderStatus::Canceled) && has_order_status("gw-perp-3", OrderStatus::Acked);
  }));
  auto open = run(gw->open_orders("BTCUSDT"));
  ASSERT_TRUE(open && *open);
  ASSERT_EQ((*open)->size(), 1u);
  EXPECT_EQ((**open)[0].client_oid, "gw-perp-3");
  EXPECT_EQ((**open)[0].size, "0.02"_dec);
  auto cancel = run(gw->cancel(CancelOrderRequest{"BTCUSDT", MarketType::Perp, "gw-perp-3", ""}));
  ASSERT_TRUE(cancel && *cancel);
  EXPECT_TRUE(wait_until([&] { return has_order_status("gw-perp-3", OrderStatus::Canceled); }));
}

TEST_F(GatewaySim, AccountSettingsAreReadAndSetAndARefusalKeepsTheExchangesCode) {
  start();
  auto before = run(gw->futures_account("BTCUSDT"));
  ASSERT_TRUE(before && *before) << (before ? before->error().to_string() : "no answer");
  EXPECT_EQ((*before)->pos_mode, bitget::PositionMode::OneWay);
  EXPECT_EQ((*before)->margin_mode, "crossed");
  EXPECT_EQ((*before)->crossed_leverage, "10"_dec);

  auto lev = run(gw->set_leverage("BTCUSDT", 3));
  ASSERT_TRUE(lev && *lev) << (lev ? lev->error().to_string() : "no answer");
  auto iso = run(gw->set_margin_mode("BTCUSDT", "isolated"));
  ASSERT_TRUE(iso && *iso) << (iso ? iso->error().to_string() : "no answer");
  auto after = run(gw->futures_account("BTCUSDT"));
  ASSERT_TRUE(after && *after);
  EXPECT_EQ((*after)->margin_mode, "isolated");
  EXPECT_EQ((*after)->isolated_long_leverage, "3"_dec);
  EXPECT_EQ((*after)->isolated_short_leverage, "3"_dec);

  // A position open: the position mode cannot switch; the error carries Bitget's code and message.
  PlaceOrderRequest mkt{
      {"BTCUSDT", MarketType::Perp, Side::Buy, OrderType::Market, TimeInForce::Gtc, std::nullopt, "0.010"_dec, false},
      "gw-acct-1"};
  ASSERT_TRUE(run(gw->place(mkt)).value());
  ASSERT_TRUE(wait_until([&] { return admin("GET", "/sim/accounts")["gw-key"]["positions"].size() == 1u; }));
  auto hedge = run(gw->set_position_mode(bitget::PositionMode::Hedge));
  ASSERT_TRUE(hedge.has_value());
  ASSERT_FALSE(*hedge);
  EXPECT_EQ(hedge->error().exchange_code, "40920");
  EXPECT_EQ(hedge->error().errc, Errc::exchange_rejected);
  EXPECT_FALSE(hedge->error().retryable());
  EXPECT_FALSE(hedge->error().message.empty());
  EXPECT_EQ(run(gw->futures_account("ETHUSDT")).value()->pos_mode, bitget::PositionMode::OneWay);

  // A transport failure keeps its class (retryable) with no exchange code.
  admin("POST", "/sim/faults", R"({"http_5xx_next": 1, "http_scope": "private"})");
  auto failed = run(gw->futures_account("BTCUSDT"));
  ASSERT_TRUE(failed.has_value());
  ASSERT_FALSE(*failed);
  EXPECT_EQ(failed->error().errc, Errc::http_server_error);
  EXPECT_TRUE(failed->error().retryable());
  EXPECT_TRUE(run(gw->futures_account("BTCUSDT")).value().has_value());
}

TEST_F(GatewaySim, SpotPlaceCancelReplaceWithFills) {
  start();
  gw->subscribe_books1("BTCUSDT", MarketType::Spot);
  ASSERT_TRUE(wait_until([&] { return last_bbo("BTCUSDT", MarketType::Spot).has_value(); }));
  ASSERT_TRUE(wait_until([&] { return !exec_of<BalanceUpdate>().empty(); }));
  const auto bbo = *last_bbo("BTCUSDT", MarketType::Spot);
  // A limit buy above the ask crosses: taker fill at the ask.
  PlaceOrderRequest cross{
      {"BTCUSDT", MarketType::Spot, Side::Buy, OrderType::Limit, TimeInForce::Gtc,
       (bbo.ask_price * "1.01"_dec).round_to_step("0.01"_dec, Rounding::Down).value(), "0.001000"_dec, false},
      "gw-spot-1"};
  auto cross_ack = run(gw->place(cross));
  ASSERT_TRUE(cross_ack && *cross_ack) << (cross_ack ? cross_ack->error().message() : "no answer");
  const std::string spot_id = (*cross_ack)->order_id;
  EXPECT_TRUE(wait_until([&] { return has_fill(spot_id) && has_order_status("gw-spot-1", OrderStatus::Filled); }));

  const Decimal far = (bbo.bid_price * "0.9"_dec).round_to_step("0.01"_dec, Rounding::Down).value();
  ASSERT_TRUE(run(gw->place(PlaceOrderRequest{{"BTCUSDT", MarketType::Spot, Side::Buy, OrderType::Limit,
                                               TimeInForce::PostOnly, far, "0.001000"_dec, false},
                                              "gw-spot-2"}))
                  .value());
  ASSERT_TRUE(wait_until([&] { return has_order_status("gw-spot-2", OrderStatus::Acked); }));
  auto am = run(gw->amend(
      AmendOrderRequest{"BTCUSDT", MarketType::Spot, "gw-spot-2", "", "gw-spot-3", far - "1"_dec, "0.002000"_dec}));
  ASSERT_TRUE(am && *am) << (am ? am->error().message() : "no answer");
  EXPECT_TRUE(wait_until([&] {
    return has_order_status("gw-spot-2", OrderStatus::Canceled) && has_order_status("gw-spot-3", OrderStatus::Acked);
  }));
  ASSERT_TRUE(run(gw->cancel(CancelOrderRequest{"BTCUSDT", MarketType::Spot, "gw-spot-3", ""})).value());
  EXPECT_TRUE(wait_until([&] { return has_order_status("gw-spot-3", OrderStatus::Canceled); }));
  auto by_id = run(gw->order_by_client_oid("BTCUSDT", MarketType::Spot, "gw-spot-3"));
  ASSERT_TRUE(by_id && *by_id && (*by_id)->has_value());
  EXPECT_EQ((**by_id)->status, OrderStatus::Canceled);
}

TEST_F(GatewaySim, ReconnectsAndResubscribesAfterForcedClose) {
  start();
  gw->subscribe_books1("BTCUSDT", MarketType::Perp);
  ASSERT_TRUE(
      wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > 0 && !exec_of<BalanceUpdate>().empty(); }));
  ASSERT_TRUE(wait_until([&] { return exec_of<BalanceUpdate>().size() >= 3; }));  // futures + spot snapshots
  const auto balances = exec_of<BalanceUpdate>().size();
  admin("POST", "/sim/faults", R"({"ws_close_now":"all"})");
  ASSERT_TRUE(wait_until([&] { return reconnects(false) >= 1 && reconnects(true) >= 1; }));
  const auto before = bbo_count("BTCUSDT", MarketType::Perp);
  // Resubscribed: market data flows again and the private account snapshots arrive again.
  EXPECT_TRUE(wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > before + 2; }));
  EXPECT_TRUE(wait_until([&] { return exec_of<BalanceUpdate>().size() >= 2 * balances; }));
  auto stats = admin("GET", "/sim/stats");
  EXPECT_GE(stats["ws_connections"]["public"].get<int>(), 2);
  EXPECT_GE(stats["ws_connections"]["private"].get<int>(), 2);
  EXPECT_GE(stats["faults_injected"]["ws_closed"].get<int>(), 2);
}

// Bitget closes every connection after 24 h; the public session moves to a new one first (here
// after 2 s): the old one is closed only once the new one streams, so nothing downstream sees a
// gap, and the full-depth book is never fed by both.
TEST_F(GatewaySim, PublicSessionRotatesBeforeTheDailyCloseWithoutAGap) {
  rotate_after = 2s;
  start();
  gw->subscribe_books("BTCUSDT", MarketType::Perp);
  gw->subscribe_books1("ETHUSDT", MarketType::Spot);
  ASSERT_TRUE(wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > 0; }));
  ASSERT_TRUE(wait_until([&] { return events.count("ws.rotated") >= 2; }, 20s));
  const auto eth = bbo_count("ETHUSDT", MarketType::Spot);
  const auto btc = bbo_count("BTCUSDT", MarketType::Perp);
  EXPECT_TRUE(wait_until([&] {
    return bbo_count("ETHUSDT", MarketType::Spot) > eth + 2 && bbo_count("BTCUSDT", MarketType::Perp) > btc + 2;
  }));
  EXPECT_EQ(reconnects(false), 0u);         // no gap: never a Reconnected for the public stream
  EXPECT_EQ(gw->stats().book_resyncs, 0u);  // the book never saw frames of two sessions
  EXPECT_EQ(events.count("ws.rotation_failed"), 0u);
  EXPECT_GE(admin("GET", "/sim/stats")["ws_connections"]["public"].get<int>(), 3);
}

TEST_F(GatewaySim, ReconnectsAfterSilentStall) {
  start();
  gw->subscribe_books1("BTCUSDT", MarketType::Perp);
  ASSERT_TRUE(
      wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > 0 && !exec_of<BalanceUpdate>().empty(); }));
  admin("POST", "/sim/faults", R"({"ws_stall_now":"all"})");
  // Socket open, nothing sent (no pong either): the client must notice and reconnect on its own.
  ASSERT_TRUE(wait_until([&] { return reconnects(false) >= 1 && reconnects(true) >= 1; }, 15s));
  const auto before = bbo_count("BTCUSDT", MarketType::Perp);
  EXPECT_TRUE(wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > before + 2; }));
  auto stats = admin("GET", "/sim/stats");
  EXPECT_GE(stats["ws_connections"]["public"].get<int>(), 2);
  EXPECT_GE(stats["faults_injected"]["ws_stalled"].get<int>(), 2);
}

// The exchange's clock jumps a minute (beyond its 30 s timestamp window) mid-run: the next private
// request is refused once (40008), the gateway re-syncs its offset and the retry succeeds; the
// caller never sees an auth error. The offset jump does not look like silence to the WS sessions
// (their timers run on monotonic time): no reconnect.
TEST_F(GatewaySim, TimestampRefusalAfterAServerClockJumpIsResyncedAndRetriedOnce) {
  start();
  gw->subscribe_books1("BTCUSDT", MarketType::Perp);
  ASSERT_TRUE(
      wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > 0 && !exec_of<BalanceUpdate>().empty(); }));
  ASSERT_TRUE(run(gw->positions()).value());
  EXPECT_EQ(events.count("gateway.time_sync"), 0u);
  admin("POST", "/sim/faults", R"({"clock_skew_ms": 60000})");
  EXPECT_EQ(admin("GET", "/sim/faults")["clock_skew_ms"], 60000);
  auto r = run(gw->positions());
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(*r) << r->error().message();
  EXPECT_EQ(sim_auth_failures(), 1);  // the one refusal, then the retry passed
  ASSERT_EQ(events.count("gateway.time_sync"), 1u);
  const auto& sync = events.last("gateway.time_sync")->fields;
  EXPECT_EQ(sync["reason"], "timestamp_rejected");
  EXPECT_GT(sync["offset_ms"].get<std::int64_t>(), 55'000) << sync.dump();
  EXPECT_LT(sync["offset_ms"].get<std::int64_t>(), 65'000) << sync.dump();
  EXPECT_EQ(events.last("rest.rejected")->fields["code"], "40008");
  // Later requests are stamped right the first time.
  ASSERT_TRUE(run(gw->balances()).value());
  EXPECT_EQ(sim_auth_failures(), 1);
  const auto before = bbo_count("BTCUSDT", MarketType::Perp);
  ASSERT_TRUE(wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > before + 20; }));
  EXPECT_EQ(events.count("ws.backoff"), 0u);
  EXPECT_EQ(reconnects(false) + reconnects(true), 0u);
}

TEST_F(GatewaySim, OffsetIsResyncedPeriodicallyBeforeAnyRefusal) {
  time_sync_interval = std::chrono::seconds(1);
  start();
  admin("POST", "/sim/faults", R"({"clock_skew_ms": -45000})");
  ASSERT_TRUE(wait_until([&] {
    const auto* s = events.last("gateway.time_sync");
    return s && s->fields["offset_ms"].get<std::int64_t>() < -40'000;
  }));
  EXPECT_EQ(events.last("gateway.time_sync")->fields["reason"], "periodic");
  ASSERT_TRUE(run(gw->positions()).value());
  EXPECT_EQ(sim_auth_failures(), 0);
}

TEST_F(GatewaySim, CircuitBreakerOpensUnder5xxAndSendsNothingWhileOpen) {
  start();
  admin("POST", "/sim/faults", R"({"http_5xx_next":3})");
  for (int i = 0; i < 3; ++i) {
    auto r = run(gw->server_time());
    ASSERT_TRUE(r.has_value());
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->error(), make_error_code(Errc::http_server_error));
  }
  EXPECT_TRUE(gw->rest().circuit_open());
  const auto sent_before = admin("GET", "/sim/stats")["requests_total"].get<int>();
  auto refused = run(gw->server_time());
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->error(), make_error_code(Errc::circuit_open));
  EXPECT_EQ(admin("GET", "/sim/stats")["requests_total"].get<int>(), sent_before);  // nothing sent
  // After the open period a probe goes through, succeeds and closes the breaker.
  EXPECT_TRUE(wait_until(
      [&] {
        auto r = run(gw->server_time());
        return r && *r;
      },
      5s));
  EXPECT_FALSE(gw->rest().circuit_open());
}

TEST_F(GatewaySim, RateLimitedRequestIsReportedAndRecovers) {
  start();
  admin("POST", "/sim/faults", R"({"http_429_next":1})");
  auto r = run(gw->perp_tickers());
  ASSERT_TRUE(r.has_value());
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error(), make_error_code(Errc::rate_limited));
  EXPECT_TRUE(wait_until(
      [&] {
        auto ok = run(gw->perp_tickers());
        return ok && *ok && !(*ok)->empty();
      },
      8s));
  EXPECT_EQ(admin("GET", "/sim/stats")["faults_injected"]["http_429"], 1);
}

TEST_F(GatewaySim, CorruptedChecksumTriggersResyncAndTheBookRecovers) {
  start();
  gw->subscribe_books("BTCUSDT", MarketType::Perp);
  ASSERT_TRUE(wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > 2; }));
  admin("POST", "/sim/faults", R"({"corrupt_checksum_next":1})");
  ASSERT_TRUE(wait_until([&] { return events.count("book.resync") >= 1; }));
  EXPECT_GE(gw->stats().book_resyncs, 1u);
  const auto before = bbo_count("BTCUSDT", MarketType::Perp);
  // A fresh snapshot rebuilds the book and BBOs flow again from it.
  EXPECT_TRUE(wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > before + 2; }));
  const auto* book = gw->book("BTCUSDT", MarketType::Perp);
  ASSERT_NE(book, nullptr);
  EXPECT_TRUE(book->best_bid().has_value());
  EXPECT_EQ(events.count("book.resync"), 1u);
}

TEST_F(GatewaySim, DroppedFillPushIsRecoveredFromRest) {
  start();
  ASSERT_TRUE(wait_until([&] { return !exec_of<BalanceUpdate>().empty(); }));
  admin("POST", "/sim/faults", R"({"push_drop_next":1,"push_channels":["fill"]})");
  PlaceOrderRequest mkt{
      {"BTCUSDT", MarketType::Perp, Side::Sell, OrderType::Market, TimeInForce::Gtc, std::nullopt, "0.010"_dec, false},
      "gw-drop-1"};
  auto ack = run(gw->place(mkt));
  ASSERT_TRUE(ack && *ack);
  ASSERT_TRUE(wait_until([&] { return has_order_status("gw-drop-1", OrderStatus::Filled); }));
  EXPECT_EQ(admin("GET", "/sim/stats")["faults_injected"]["push_dropped"], 1);
  // REST is the truth: the fill is there with its trade id.
  bitget::FillsQuery q;
  q.symbol = "BTCUSDT";
  q.order_id = (*ack)->order_id;
  auto fills = run(gw->perp_fills(q));
  ASSERT_TRUE(fills && *fills) << (fills && !*fills ? fills->error().message() : "");
  ASSERT_FALSE((*fills)->fills.empty());
  EXPECT_EQ((*fills)->fills[0].order_id, (*ack)->order_id);
  EXPECT_EQ((*fills)->fills[0].size, "0.01"_dec);
}

TEST_F(GatewaySim, MalformedFramesAreRejectedAndTheStreamContinues) {
  start();
  gw->subscribe_books1("BTCUSDT", MarketType::Perp);
  ASSERT_TRUE(wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > 0; }));
  admin("POST", "/sim/faults", R"({"malformed_next":3})");
  ASSERT_TRUE(wait_until([&] { return gw->stats().rejected_frames >= 3; }));
  const auto before = bbo_count("BTCUSDT", MarketType::Perp);
  EXPECT_TRUE(wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > before + 2; }));
  EXPECT_EQ(admin("GET", "/sim/stats")["faults_injected"]["malformed_frame"], 3);
  EXPECT_EQ(reconnects(false), 0u);  // a bad frame is counted, not a reason to drop the socket
}

TEST_F(GatewaySim, DuplicatedPrivatePushesCarryTheSameTradeId) {
  start();
  ASSERT_TRUE(wait_until([&] { return !exec_of<BalanceUpdate>().empty(); }));
  admin("POST", "/sim/faults", R"({"push_duplicate_rate":1.0,"push_channels":["fill"]})");
  auto ack = run(gw->place(PlaceOrderRequest{
      {"BTCUSDT", MarketType::Perp, Side::Buy, OrderType::Market, TimeInForce::Gtc, std::nullopt, "0.010"_dec, false},
      "gw-dup-1"}));
  ASSERT_TRUE(ack && *ack);
  const std::string id = (*ack)->order_id;
  ASSERT_TRUE(wait_until([&] {
    std::size_t n = 0;
    for (const auto& f : exec_of<Fill>()) n += f.order_id == id;
    return n >= 2;
  }));
  std::set<std::string> trade_ids;
  for (const auto& f : exec_of<Fill>())
    if (f.order_id == id) trade_ids.insert(f.trade_id);
  EXPECT_EQ(trade_ids.size(), 1u);  // the same fill twice: consumers dedupe on trade id
  EXPECT_GE(admin("GET", "/sim/stats")["faults_injected"]["push_duplicated"].get<int>(), 1);
}

TEST_F(GatewaySim, ReconnectsEachTimeTheServerClosesAfterNMessages) {
  start();
  gw->subscribe_books1("BTCUSDT", MarketType::Perp);
  ASSERT_TRUE(wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > 0; }));
  admin("POST", "/sim/faults", R"({"ws_close_after_messages":20,"ws_scope":"public"})");
  ASSERT_TRUE(wait_until([&] { return reconnects(false) >= 3; }, 15s));
  EXPECT_EQ(reconnects(true), 0u);  // the private session is out of scope
  admin("POST", "/sim/faults", R"({"reset":true})");
  const auto before = bbo_count("BTCUSDT", MarketType::Perp);
  EXPECT_TRUE(wait_until([&] { return bbo_count("BTCUSDT", MarketType::Perp) > before + 2; }));
}

}  // namespace
}  // namespace carry::test
