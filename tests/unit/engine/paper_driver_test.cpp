// Scenarios through the engine (OMS + risk; the strategy holds no symbol here, the test submits
// itself) and paper::Exchange, driven by engine::PaperDriver as the backtest drives them: lost
// responses, lagging pushes, rejections, the kill switch, the chaser, funding. Each asserts the
// final orders, positions (ours and the exchange's) and the events emitted.
#include <carry/engine/paper_driver.hpp>

#include <carry_test/paper_fixture.hpp>

using namespace carry;
using namespace carry::paper;
using namespace carry::paper::test;
using namespace std::chrono_literals;

namespace {

class PaperDriverTest : public ExchangeTest {
 protected:
  RecordingEventSink sink;
  ClientOidGenerator ids{"cry", 0};
  oms::OmsParams oms_params = [] {
    oms::OmsParams p;
    p.ws_stale_block_ms = 0;
    return p;
  }();
  risk::RiskLimits limits;
  std::unique_ptr<engine::Engine> engine;
  oms::OrderManager* oms = nullptr;
  risk::RiskEngine* risk = nullptr;
  std::unique_ptr<engine::PaperDriver> driver;

  void SetUp() override { build(); }

  void build() {
    rebuild();
    driver.reset();
    strategy::FundingBasisParams no_symbols;
    no_symbols.symbols.clear();
    engine = std::make_unique<engine::Engine>(engine::EngineSetup{oms_params, limits, no_symbols}, ids, sink, clock);
    engine->add_instrument(make_instrument(MarketType::Spot));
    engine->add_instrument(make_instrument(MarketType::Perp));
    oms = &engine->oms();
    risk = &engine->risk();
    driver = std::make_unique<engine::PaperDriver>(*engine, *ex, clock);
  }

  void md(MarketType m, const char* bid, const char* ask, const char* bid_size = "5", const char* ask_size = "5") {
    driver->on_market(quote(m, bid, ask, bid_size, ask_size));
  }

  oms::SubmitResult submit(oms::SubmitRequest in) {
    auto r = oms->submit(std::move(in));
    EXPECT_TRUE(driver->pump());
    return r;
  }

  static oms::SubmitRequest intent(MarketType m, Side side, OrderType type, const char* size,
                                   const char* price = nullptr, TimeInForce tif = TimeInForce::Gtc) {
    oms::SubmitRequest in;
    in.symbol = "BTCUSDT";
    in.market = m;
    in.side = side;
    in.type = type;
    in.tif = tif;
    in.size = Decimal::parse(size).value();
    if (price) in.price = Decimal::parse(price).value();
    return in;
  }

  Decimal oms_pos(MarketType m) const { return oms->positions().size("BTCUSDT", m); }
};

}  // namespace

TEST_F(PaperDriverTest, LostAckOrderExistsIsRecoveredByClientIdAndNeverSentTwice) {
  md(MarketType::Perp, "100", "100.2");
  driver->lose_next_place_response();
  auto r = submit(intent(MarketType::Perp, Side::Sell, OrderType::Limit, "0.1", "100.3"));
  ASSERT_TRUE(r.accepted());
  // Timeout -> Unknown -> query by client id -> found resting on the exchange.
  const oms::Order* o = oms->find(r.client_oid);
  EXPECT_EQ(o->status, OrderStatus::Acked);
  EXPECT_EQ(o->order_id, "P1");
  EXPECT_EQ(sink.count("order.unknown"), 1u);
  ASSERT_NE(sink.last("idempotent.recover"), nullptr);
  EXPECT_EQ(sink.last("idempotent.recover")->fields["found"], true);
  EXPECT_EQ(ex->orders_accepted(), 1u);        // no second order
  EXPECT_EQ(driver->commands_executed(), 2u);  // the place and the query
  // The delayed pushes arrive later and change nothing.
  driver->release_held();
  EXPECT_EQ(o->status, OrderStatus::Acked);
  md(MarketType::Perp, "100.3", "100.5");
  EXPECT_EQ(o->status, OrderStatus::Filled);
  EXPECT_EQ(oms_pos(MarketType::Perp), "-0.1"_dec);
  EXPECT_EQ(ex->position("BTCUSDT"), "-0.1"_dec);
  EXPECT_EQ(ex->orders_accepted(), 1u);
}

TEST_F(PaperDriverTest, OneLegRejectedRetriesOpenNoNewExposure) {
  params.futures_usdt = Decimal{};  // the perp leg will be refused for margin
  limits.max_net_delta_bps = 100;
  oms_params.reject_burst_threshold = 3;
  oms_params.symbol_cooldown_s = 60;
  build();
  md(MarketType::Spot, "100", "100.1");
  md(MarketType::Perp, "100", "100.1");
  // A naive caller retries the whole two-leg entry five times.
  for (int attempt = 0; attempt < 5; ++attempt) {
    submit(intent(MarketType::Spot, Side::Buy, OrderType::Market, "0.1"));
    submit(intent(MarketType::Perp, Side::Sell, OrderType::Market, "0.1"));
    clock.advance(1s);
  }
  EXPECT_EQ(ex->spot_balance("BTC").available, "0.1"_dec);  // only the first spot leg ever filled
  EXPECT_EQ(ex->position("BTCUSDT"), Decimal{});
  EXPECT_EQ(ex->orders_accepted(), 1u);
  EXPECT_EQ(oms_pos(MarketType::Spot), "0.1"_dec);
  EXPECT_EQ(sink.count("risk.block"), 2u);  // spot retries 1-2: max_net_delta
  EXPECT_EQ(sink.last("risk.block")->fields["rule"], "max_net_delta");
  EXPECT_EQ(sink.count("order.reject"), 3u);    // perp: the venue refused three times ...
  EXPECT_EQ(sink.count("cooldown.enter"), 1u);  // ... then the symbol cooled down
  EXPECT_EQ(sink.count("guard.cooldown"), 4u);  // retries 3-4, both legs
  // Once the account can carry it and the cooldown is over, the hedge (and only the hedge) goes.
  ex->deposit(MarketType::Perp, "USDT", Decimal::from_units(1000));
  driver->deliver();
  clock.advance(61s);
  oms->on_timer();
  EXPECT_TRUE(submit(intent(MarketType::Perp, Side::Sell, OrderType::Market, "0.1")).accepted());
  EXPECT_EQ(ex->position("BTCUSDT"), "-0.1"_dec);
  EXPECT_DOUBLE_EQ(risk->net_delta_bps("BTCUSDT"), 0.0);
}

TEST_F(PaperDriverTest, KillSwitchHaltedBlocksEverythingAndFlattenAllReducesToFlat) {
  md(MarketType::Spot, "100", "100.1");
  md(MarketType::Perp, "100", "100.1");
  ASSERT_TRUE(submit(intent(MarketType::Spot, Side::Buy, OrderType::Market, "0.5")).accepted());
  ASSERT_TRUE(submit(intent(MarketType::Perp, Side::Sell, OrderType::Market, "0.5")).accepted());
  ASSERT_TRUE(submit(intent(MarketType::Spot, Side::Buy, OrderType::Limit, "0.1", "99.9")).accepted());  // rests
  ASSERT_EQ(ex->spot_balance("BTC").available, "0.5"_dec);
  ASSERT_EQ(ex->position("BTCUSDT"), "-0.5"_dec);

  risk->trip(risk::KillState::Reducing, "operator");
  EXPECT_EQ(submit(intent(MarketType::Perp, Side::Sell, OrderType::Market, "0.1")).reason, "kill_switch.reducing");
  EXPECT_EQ(oms->cancel_all(), 1u);
  ASSERT_TRUE(driver->pump());
  EXPECT_EQ(ex->open_order_count(), 0u);

  // Thin top of book: flattening takes more than one round.
  int rounds = 0;
  while (risk->kill_switch().state() != risk::KillState::Halted && rounds < 5) {
    ++rounds;
    md(MarketType::Spot, "100", "100.1", "0.3", "0.3");
    md(MarketType::Perp, "100", "100.1", "0.3", "0.3");
    for (auto& in : risk->flatten_all()) EXPECT_TRUE(submit(in).accepted()) << in.size.to_string();
    clock.advance(1s);
    risk->on_timer();
  }
  EXPECT_EQ(rounds, 2);
  EXPECT_EQ(risk->kill_switch().state(), risk::KillState::Halted);
  EXPECT_EQ(ex->position("BTCUSDT"), Decimal{});
  EXPECT_EQ(ex->spot_balance("BTC").total(), Decimal{});
  EXPECT_TRUE(oms->positions().flat());
  EXPECT_TRUE(risk->flatten_all().empty());
  EXPECT_EQ(sink.count("kill_switch.trip"), 1u);
  ASSERT_EQ(sink.count("kill_switch.halt"), 1u);
  EXPECT_EQ(sink.last("kill_switch.halt")->fields["reason"], "flat");
  // Halted: nothing goes out, not even a reduction.
  const auto accepted = ex->orders_accepted();
  EXPECT_EQ(submit(intent(MarketType::Spot, Side::Buy, OrderType::Market, "0.1")).reason, "kill_switch.halted");
  EXPECT_EQ(submit(intent(MarketType::Perp, Side::Sell, OrderType::Limit, "0.1", "100.1")).reason,
            "kill_switch.halted");
  EXPECT_EQ(ex->orders_accepted(), accepted);
  EXPECT_TRUE(oms->open_orders().empty());
}

TEST_F(PaperDriverTest, MakerChaserFollowsTheBidAndFillsAsMaker) {
  oms_params.chase_interval_ms = 1000;
  oms_params.chase_max_amends = 3;
  oms_params.chase_max_distance_bps = 50;
  build();
  md(MarketType::Perp, "100", "100.2");
  auto in = intent(MarketType::Perp, Side::Buy, OrderType::Limit, "0.1", "100", TimeInForce::PostOnly);
  in.chase = true;
  ASSERT_TRUE(submit(in).accepted());
  clock.advance(1s);
  md(MarketType::Perp, "100.1", "100.3");  // the bid moves away: chase to 100.1
  EXPECT_EQ(sink.count("chase.amend"), 1u);
  EXPECT_EQ(ex->orders_accepted(), 2u);
  auto open = oms->open_orders();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(*open[0]->price, "100.1"_dec);
  clock.advance(1s);
  md(MarketType::Perp, "99.9", "100.1");  // a seller comes down to us
  EXPECT_TRUE(oms->open_orders().empty());
  EXPECT_EQ(oms_pos(MarketType::Perp), "0.1"_dec);
  EXPECT_EQ(ex->position("BTCUSDT"), "0.1"_dec);
  ASSERT_NE(sink.last("fill"), nullptr);
  EXPECT_EQ(sink.last("fill")->fields["maker"], true);
  EXPECT_EQ(sink.last("fill")->fields["price"], "100.1");
  EXPECT_EQ(oms->metrics().total.chases, 1u);
}

TEST_F(PaperDriverTest, FillArrivingAfterAnAmendWasSentNeverOverfillsTheIntent) {
  oms_params.chase_interval_ms = 0;
  oms_params.chase_max_distance_bps = 100;
  build();
  md(MarketType::Perp, "99.8", "100.2");
  auto in = intent(MarketType::Perp, Side::Buy, OrderType::Limit, "1", "100", TimeInForce::PostOnly);
  in.chase = true;
  ASSERT_TRUE(submit(in).accepted());
  driver->hold_pushes(true);                        // the private stream lags
  md(MarketType::Perp, "99.9", "100", "5", "0.4");  // 0.4 fills at 100; we do not know yet
  md(MarketType::Perp, "100.2", "100.4");           // the chaser amends the full 1.0 to 100.2
  EXPECT_EQ(ex->orders_accepted(), 2u);
  driver->hold_pushes(false);
  driver->release_held();  // the fill arrives after the amend: the replacement shrinks to 0.6
  EXPECT_EQ(sink.count("order.chain_overfill"), 1u);
  EXPECT_EQ(ex->orders_accepted(), 3u);
  auto open = oms->open_orders();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]->size, "0.6"_dec);
  auto venue_open = ex->open_orders();
  ASSERT_EQ(venue_open.size(), 1u);
  EXPECT_EQ(venue_open[0].size, "0.6"_dec);
  md(MarketType::Perp, "100.1", "100.2");  // fills the rest
  EXPECT_EQ(ex->position("BTCUSDT"), Decimal::from_units(1));
  EXPECT_EQ(oms_pos(MarketType::Perp), Decimal::from_units(1));
  EXPECT_TRUE(oms->open_orders().empty());
}

TEST_F(PaperDriverTest, PaperFundingReachesThePositionBook) {
  md(MarketType::Perp, "100", "100.2");
  ASSERT_TRUE(submit(intent(MarketType::Perp, Side::Sell, OrderType::Market, "1")).accepted());
  FundingRateUpdate f;
  f.symbol = "BTCUSDT";
  f.rate = "0.0001"_dec;
  f.next_settlement = clock.now() + 1h;
  f.interval_hours = 8;
  f.ts_event = clock.now();
  driver->on_market(f);
  clock.advance(1h);
  md(MarketType::Perp, "100", "100.2");
  const oms::Position* p = oms->positions().find("BTCUSDT", MarketType::Perp);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->funding, "0.01001"_dec);  // 0.0001 x 1 x mark 100.1 (perp mid; no mark in the update)
  EXPECT_EQ(sink.count("funding.settled"), 1u);
}

namespace {

// A strategy-like listener that hedges every spot fill with a perp sell from inside the callback.
class Hedger : public oms::OrderListener {
 public:
  explicit Hedger(oms::OrderManager& oms) : oms_(oms) {}
  void on_fill(const oms::Order& order, const Fill& fill) override {
    if (order.market != MarketType::Spot) return;
    oms::SubmitRequest in;
    in.symbol = order.symbol;
    in.market = MarketType::Perp;
    in.side = Side::Sell;
    in.type = OrderType::Market;
    in.size = fill.size;
    in.tag = "hedge";
    results.push_back(oms_.submit(in));
  }
  std::vector<oms::SubmitResult> results;

 private:
  oms::OrderManager& oms_;
};

}  // namespace

TEST_F(PaperDriverTest, ListenerHedgesEachSpotFillFromInsideTheCallback) {
  Hedger hedger(*oms);
  oms->set_listener(&hedger);
  md(MarketType::Spot, "100", "100.1", "5", "0.3");
  md(MarketType::Perp, "100", "100.1");
  ASSERT_TRUE(submit(intent(MarketType::Spot, Side::Buy, OrderType::Limit, "0.5", "100.1")).accepted());
  ASSERT_EQ(hedger.results.size(), 1u);  // 0.3 taken at once, 0.2 rests
  EXPECT_EQ(ex->position("BTCUSDT"), "-0.3"_dec);
  md(MarketType::Spot, "99.9", "100.1");  // the rest fills as maker
  ASSERT_EQ(hedger.results.size(), 2u);
  for (const auto& r : hedger.results) EXPECT_TRUE(r.accepted()) << r.reason;
  EXPECT_EQ(ex->spot_balance("BTC").available, "0.5"_dec);
  EXPECT_EQ(ex->position("BTCUSDT"), "-0.5"_dec);
  EXPECT_DOUBLE_EQ(risk->net_delta_bps("BTCUSDT"), 0.0);
  EXPECT_TRUE(oms->open_orders().empty());
  EXPECT_EQ(sink.count("fill"), 4u);
}
