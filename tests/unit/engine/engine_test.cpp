// engine::Engine against a paper::Exchange, driven the way the daemon's shell drives it (commands out,
// results and pushes back in), with the venue's answers tampered with: a REST rejection of a hedge,
// a replayed fill push, a recorder that throws. Each asserts what the strategy does next.
#include <carry/engine/engine.hpp>
#include <carry/paper/exchange.hpp>

#include "../strategy/strategy_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace carry::engine {
namespace {

using namespace std::chrono_literals;
using strategy::test::perp_instrument;
using strategy::test::spot_instrument;

constexpr std::int64_t kT0 = 1735689600;  // 2025-01-01T00:00:00Z

class ThrowingRecorder final : public EngineRecorder {
 public:
  int throw_decisions = 0;
  int fills = 0;
  void decision(const strategy::Decision&) override {
    if (throw_decisions > 0) {
      --throw_decisions;
      throw std::runtime_error("disk I/O error");
    }
  }
  void fill(const Fill&) override { ++fills; }
};

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() {
    paper::PaperParams pp;
    pp.perp_leverage = 2;
    pp.spot_balances["USDT"] = Decimal::from_units(10000);
    pp.futures_usdt = Decimal::from_units(10000);
    ex = std::make_unique<paper::Exchange>(pp, clock);
    config::Config cfg;
    cfg.strategy.funding.symbols = {"ETHUSDT"};
    EngineSetup setup = make_engine_setup(cfg);
    setup.oms.ws_stale_block_ms = 0;  // fills come in-process
    engine = std::make_unique<Engine>(setup, ids, sink, clock, &recorder);
    for (const Instrument& i : {spot_instrument(), perp_instrument()}) {
      ex->add_instrument(i);
      engine->add_instrument(i);
    }
    for (const auto& b : ex->balances()) engine->on_exec(b);
  }

  // The shell: execute the engine's commands on the exchange (or answer them with `tamper`),
  // deliver the pushes, until nothing moves.
  void pump() {
    for (int guard = 0; guard < 1000; ++guard) {
      std::vector<oms::Command> cmds;
      engine->take_commands(cmds);
      for (auto& cmd : cmds) {
        std::visit(
            [&](auto& c) {
              using T = std::decay_t<decltype(c)>;
              if constexpr (std::is_same_v<T, PlaceOrderRequest>) {
                places.push_back({c, clock.now()});
                if (tamper && tamper(c))
                  engine->on_place_result(c.client_oid, make_error_code(Errc::exchange_rejected));
                else
                  engine->on_place_result(c.client_oid, ex->place(c));
              } else if constexpr (std::is_same_v<T, CancelOrderRequest>) {
                engine->on_cancel_result(c.client_oid, ex->cancel(c));
              } else if constexpr (std::is_same_v<T, AmendOrderRequest>) {
                engine->on_amend_result(c.new_client_oid, ex->amend(c));
              } else {
                engine->on_query_result(c.client_oid, Result<std::optional<OrderUpdate>>(
                                                          ex->order_by_client_oid(c.symbol, c.market, c.client_oid)));
              }
            },
            cmd);
      }
      std::vector<ExecEvent> evs;
      ex->drain_events(evs);
      for (const auto& e : evs) {
        if (const auto* f = std::get_if<Fill>(&e)) pushed_fills.push_back(*f);
        engine->on_exec(e);
      }
      if (cmds.empty() && evs.empty()) return;
    }
    ADD_FAILURE() << "engine did not settle";
  }

  void market(const MarketEvent& e) {
    ex->on_market(e);
    pump();
    engine->on_market(e);
    pump();
  }

  void quotes() {
    auto d = [](double x) { return Decimal::from_double(std::round(x * 100) / 100).value(); };
    const double pm = mid * (1 + basis / 1e4);
    const UnixNanos t = clock.now();
    market(Bbo{"ETHUSDT", MarketType::Spot, d(mid - 0.01), "30"_dec, d(mid + 0.01), "30"_dec, t, t});
    market(Bbo{"ETHUSDT", MarketType::Perp, d(pm - 0.01), "30"_dec, d(pm + 0.01), "30"_dec, t, t});
  }

  void funding(const char* rate) {
    market(FundingRateUpdate{
        "ETHUSDT", Decimal::parse(rate).value(), clock.now() + 1h, 8, {}, {}, {}, {}, clock.now(), clock.now()});
  }

  // Steps of 100 ms: a random walk of the mid, both quotes, the timer.
  void run(std::chrono::milliseconds d, const std::function<bool()>& until = {}) {
    for (auto t = 0ms; t < d; t += 100ms) {
      clock.advance(100ms);
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      mid *= 1 + (static_cast<double>(rng >> 11) / static_cast<double>(1ULL << 53) - 0.5) * 0.0006;
      quotes();
      engine->on_timer();
      pump();
      if (until && until()) return;
    }
  }

  static bool is_taker(const PlaceOrderRequest& r) {
    return r.type == OrderType::Market || r.tif == TimeInForce::Ioc || r.tif == TimeInForce::Fok;
  }

  Decimal net() const {
    const auto v = engine->strategy().view("ETHUSDT").value();
    return v.spot_position + v.perp_position;
  }

  struct Placed {
    PlaceOrderRequest req;
    UnixNanos at;
  };

  ManualClock clock{UnixNanos::from_seconds(kT0)};
  RecordingEventSink sink;
  ClientOidGenerator ids{"cry", 0};
  ThrowingRecorder recorder;
  std::unique_ptr<paper::Exchange> ex;
  std::unique_ptr<Engine> engine;
  std::function<bool(const PlaceOrderRequest&)> tamper;
  std::vector<Placed> places;
  std::vector<Fill> pushed_fills;
  double mid = 100, basis = 6;
  std::uint64_t rng = 3;
};

TEST_F(EngineTest, AHedgeTheVenueRejectsOverRestIsRetriedWithinFollowerRetry) {
  int rejected = 0;
  std::optional<Placed> rejected_order;
  tamper = [&](const PlaceOrderRequest& r) {
    if (!is_taker(r) || rejected > 0) return false;
    ++rejected;
    rejected_order = Placed{r, clock.now()};
    return true;  // the venue refuses the first hedge (e.g. a transient balance check)
  };
  quotes();
  funding("0.001");
  run(600s, [&] { return rejected > 0; });
  ASSERT_TRUE(rejected_order) << "the leader never filled";

  run(5s);
  const Placed* retry = nullptr;
  for (const auto& p : places)
    if (p.at > rejected_order->at && is_taker(p.req) && p.req.market == rejected_order->req.market) {
      retry = &p;
      break;
    }
  ASSERT_NE(retry, nullptr) << "no hedge after the rejection";
  const auto retry_ms = engine->strategy().params().follower_retry_ms;
  EXPECT_LE((retry->at - rejected_order->at).count(),
            std::chrono::nanoseconds(std::chrono::milliseconds(retry_ms + 200)).count());
  EXPECT_LE(net().abs(), "0.01"_dec) << "hedged again";
}

TEST_F(EngineTest, AReplayedFillPushMovesNeitherTheStrategyNorTheStore) {
  quotes();
  funding("0.001");
  run(600s, [&] { return !pushed_fills.empty(); });
  ASSERT_FALSE(pushed_fills.empty());
  run(2s);
  const auto before = engine->strategy().view("ETHUSDT").value();
  const int recorded = recorder.fills;
  for (const auto& f : pushed_fills) engine->on_exec(f);  // the stream replays every fill
  pump();
  const auto after = engine->strategy().view("ETHUSDT").value();
  EXPECT_EQ(after.spot_position, before.spot_position);
  EXPECT_EQ(after.perp_position, before.perp_position);
  EXPECT_EQ(recorder.fills, recorded);
  EXPECT_GE(engine->oms().metrics().total.duplicate_fills, pushed_fills.size());
}

TEST_F(EngineTest, AnExceptionWhileApplyingNeitherWedgesTheEngineNorLosesTheStrategysOrder) {
  recorder.throw_decisions = 1;  // the OPEN decision's record fails
  quotes();
  funding("0.001");
  EXPECT_GE(sink.count("engine.action_failed"), 1u);
  run(600s, [&] { return engine->strategy().view("ETHUSDT")->mode == strategy::SymbolMode::Open; });
  EXPECT_FALSE(places.empty()) << "the engine stopped acting after the exception";
  EXPECT_EQ(engine->strategy().view("ETHUSDT")->mode, strategy::SymbolMode::Open);
  EXPECT_LE(net().abs(), "0.01"_dec);
}

}  // namespace
}  // namespace carry::engine
