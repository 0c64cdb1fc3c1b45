// A long seeded scenario against a small in-test venue (partial leader fills, IOC takers that fill,
// partly fill, miss or are refused; wandering prices, basis and funding): invariants hold at every
// step, everything ends flat, and two runs with the same seed are identical (the backtest relies on
// that).
#include "funding_basis_fixture.hpp"

#include <chrono>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <sstream>

namespace carry::strategy::test {
namespace {

using namespace std::chrono_literals;

struct Lcg {
  std::uint64_t s;
  std::uint64_t next() { return s = s * 6364136223846793005ULL + 1442695040888963407ULL; }
  double uniform() { return static_cast<double>(next() >> 11) / static_cast<double>(1ULL << 53); }
};

class ScenarioTest : public FundingBasisTest {
 protected:
  struct Resting {
    OrderIntent intent;
    Decimal filled;
  };

  Decimal lot(MarketType m) const { return m == MarketType::Spot ? "0.0001"_dec : "0.001"_dec; }

  // Executes what the strategy asked for, and whatever that causes, to quiescence.
  void drain(Actions first) {
    std::deque<Actions> queue{std::move(first)};
    while (!queue.empty()) {
      Actions a = std::move(queue.front());
      queue.pop_front();
      for (const auto& d : a.decisions) transcript << "D " << to_json(d).dump() << "\n";
      for (const auto& c : a.cancels) {
        transcript << "C " << c.client_oid << " " << c.reason << "\n";
        if (auto it = resting.find(c.client_oid); it != resting.end()) {
          const Resting r = it->second;
          resting.erase(it);
          queue.push_back(update(r.intent, OrderStatus::Canceled, r.filled.to_string().c_str()));
        }
      }
      for (const auto& o : a.orders) {
        transcript << "O " << o.client_oid << " " << to_string(o.market) << " " << to_string(o.side) << " "
                   << o.size.to_string() << " " << (o.price ? o.price->to_string() : "mkt") << " " << o.tag()
                   << (o.reduce_only ? " ro" : "") << "\n";
        check_order(o);
        const double u = rng.uniform();
        if (u < 0.05) {  // the OMS refused it (cooldown, guard)
          Actions r;
          fb->on_submit_rejected(o.client_oid, "guard", r);
          queue.push_back(std::move(r));
          continue;
        }
        if (o.post_only()) {
          resting[o.client_oid] = {o, {}};
          queue.push_back(update(o, OrderStatus::Acked));
          continue;
        }
        // Taker: fills fully, half or not at all, then is done (IOC).
        Decimal size = o.size;
        if (u < 0.20) {
          size = Decimal{};
        } else if (u < 0.35) {
          size = to_lot_down(o.size / Decimal::from_units(2), lot(o.market));
        }
        if (size.is_positive()) queue.push_back(fill(o, size.to_string().c_str()));
        queue.push_back(
            update(o, size == o.size ? OrderStatus::Filled : OrderStatus::Canceled, size.to_string().c_str()));
      }
    }
  }

  static Decimal to_lot_down(Decimal v, Decimal step) { return v.round_to_step(step, Rounding::Down).value(); }

  void check_order(const OrderIntent& o) {
    const SymbolView v = view();
    // Never sell spot we do not hold (no inventory in this scenario).
    if (o.market == MarketType::Spot && o.side == Side::Sell) {
      EXPECT_LE(o.size, v.spot_position) << "spot sell beyond holdings at step " << step;
    }
    // Reduce-only perp orders never exceed the position.
    if (o.market == MarketType::Perp && o.reduce_only) {
      EXPECT_LE(o.size, v.perp_position.abs()) << step;
    }
    EXPECT_EQ(o.size.round_to_step(lot(o.market), Rounding::Down).value(), o.size) << "off the lot";
  }

  void leader_fills() {
    std::vector<std::string> ids_to_fill;
    for (auto& [oid, r] : resting)
      if (rng.uniform() < 0.08) ids_to_fill.push_back(oid);
    for (const auto& oid : ids_to_fill) {
      Resting& r = resting.at(oid);
      const Decimal left = r.intent.size - r.filled;
      Decimal part = rng.uniform() < 0.5 ? left : to_lot_down(left * "0.3"_dec, lot(r.intent.market));
      if (!part.is_positive()) part = left;
      r.filled += part;
      const OrderIntent in = r.intent;
      const Decimal filled = r.filled;
      const bool done = filled == in.size;
      if (done) resting.erase(oid);
      drain(fill(in, part.to_string().c_str()));
      drain(update(in, done ? OrderStatus::Filled : OrderStatus::PartiallyFilled, filled.to_string().c_str()));
    }
  }

  std::string run(std::uint64_t seed, int steps) {
    clock.set(UnixNanos::from_seconds(kT0));
    sink.entries.clear();
    transcript.str({});
    resting.clear();
    trade_seq = 0;
    rng = Lcg{seed};
    ClientOidGenerator gen{"cry", 0};
    // Every rate change within the run's one funding period is acted on at once: the scenario is
    // about execution, and a low print that closes gives it more programs to run.
    params.close_confirmations = 1;
    fb = std::make_unique<FundingBasis>(params, gen, sink, clock);
    market(InstrumentUpdate{spot_instrument(), now(), now()});
    market(InstrumentUpdate{perp_instrument(), now(), now()});
    balances();
    double mid = 100.0, basis = 5.0;
    const char* rates[] = {"0.001", "0.00005", "0.0015", "-0.0005", "0.002", "0", "0.001"};
    UnixNanos next_settlement = now() + 8h;
    for (step = 0; step < steps; ++step) {
      advance(1s);
      mid *= 1.0 + (rng.uniform() - 0.5) * 0.002;
      basis += (rng.uniform() - 0.5) * 4.0;
      const Decimal s_mid = Decimal::from_double(mid).value().round_to_step("0.01"_dec, Rounding::HalfEven).value();
      const Decimal p_mid =
          Decimal::from_double(mid * (1 + basis / 1e4)).value().round_to_step("0.01"_dec, Rounding::HalfEven).value();
      drain(quote("ETHUSDT", MarketType::Spot, (s_mid - "0.01"_dec).to_string().c_str(),
                  (s_mid + "0.01"_dec).to_string().c_str(), "20"));
      drain(quote("ETHUSDT", MarketType::Perp, (p_mid - "0.01"_dec).to_string().c_str(),
                  (p_mid + "0.01"_dec).to_string().c_str(), "20"));
      if (now() >= next_settlement) next_settlement = next_settlement + 8h;
      if (step % 900 == 0) {
        FundingRateUpdate f{
            "ETHUSDT", Decimal::parse(rates[(step / 900) % 7]).value(), next_settlement, 8, {}, {}, {}, {}, now(),
            now()};
        drain(market(f));
      }
      leader_fills();
      drain(timer());
      EXPECT_FALSE(view().spot_position.is_negative()) << "step " << step;
    }
    // Wind down: funding against us, then let it finish.
    drain(market(FundingRateUpdate{"ETHUSDT", "-0.001"_dec, next_settlement, 8, {}, {}, {}, {}, now(), now()}));
    for (int i = 0; i < 900; ++i) {
      advance(1s);
      leader_fills();
      drain(timer());
    }
    const SymbolView v = view();
    final_view = v;
    transcript << "F " << v.spot_position.to_string() << " " << v.perp_position.to_string() << " " << to_string(v.mode)
               << "\n";
    fb.reset();  // it refers to `gen`
    return transcript.str();
  }

  std::ostringstream transcript;
  std::map<std::string, Resting> resting;
  Lcg rng{1};
  int step = 0;
  SymbolView final_view;
};

TEST_F(ScenarioTest, SeededRunKeepsInvariantsEndsFlatAndIsDeterministic) {
  const std::string first = run(42, 6300);
  if (std::getenv("CARRY_DUMP_SCENARIO")) std::cout << first;
  std::size_t orders = 0;
  for (std::size_t p = first.find("\nO "); p != std::string::npos; p = first.find("\nO ", p + 1)) ++orders;
  EXPECT_GT(orders, 30u) << "the scenario traded";
  EXPECT_EQ(sink.count("hedge.deviation_halt"), 0u) << "followers kept up despite misses and refusals";
  EXPECT_NE(first.find("\"kind\":\"OPEN\""), std::string::npos);
  EXPECT_NE(first.find("\"kind\":\"CLOSE\""), std::string::npos);
  EXPECT_NE(first.find("follower:follow"), std::string::npos);
  // Wound down to (at most dust) flat.
  EXPECT_LT(final_view.perp_position.abs(), "0.001"_dec) << first.substr(first.size() - 2000);
  EXPECT_LT(final_view.spot_position.abs(), "0.01"_dec);
  const std::string second = run(42, 6300);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, run(7, 6300)) << "a different seed is a different path";
}

}  // namespace
}  // namespace carry::strategy::test
