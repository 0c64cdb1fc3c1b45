// engine::Engine against a paper::Exchange, driven the way the daemon's shell drives it (commands out,
// results and pushes back in), with the venue's answers tampered with: a REST rejection of a hedge,
// a replayed fill push, a recorder that throws. Each asserts what the strategy does next.
#include "engine_fixture.hpp"

#include <chrono>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace carry::engine {
namespace {

using namespace std::chrono_literals;

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

class EngineTest : public test::EngineFixture {
 protected:
  EngineTest() {
    config::Config cfg;
    cfg.strategy.funding.symbols = {"ETHUSDT"};
    EngineSetup setup = make_engine_setup(cfg);
    setup.oms.ws_stale_block_ms = 0;  // fills come in-process
    build(setup, &recorder);
    driver->set_taps({.on_place =
                          [this](const PlaceOrderRequest& r) {
                            places.push_back({r, clock.now()});
                          },
                      .refuse_place = [this](const PlaceOrderRequest& r) { return tamper && tamper(r); },
                      .on_push =
                          [this](const ExecEvent& e) {
                            if (const auto* f = std::get_if<Fill>(&e)) pushed_fills.push_back(*f);
                          }});
  }

  void funding(const char* rate) { EngineFixture::funding(rate, clock.now() + 1h); }

  // Steps of 100 ms until `d` has passed or `until` holds.
  void run(std::chrono::milliseconds d, const std::function<bool()>& until = {}) {
    for (auto t = 0ms; t < d; t += 100ms) {
      step(100ms);
      if (until && until()) return;
    }
  }

  static bool is_taker(const PlaceOrderRequest& r) {
    return r.type == OrderType::Market || r.tif == TimeInForce::Ioc || r.tif == TimeInForce::Fok;
  }

  struct Placed {
    PlaceOrderRequest req;
    UnixNanos at;
  };

  ThrowingRecorder recorder;
  std::function<bool(const PlaceOrderRequest&)> tamper;  // true: the venue refuses this place
  std::vector<Placed> places;
  std::vector<Fill> pushed_fills;
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
