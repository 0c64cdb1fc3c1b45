// symbols: auto: ranking N candidates and choosing the set (strategy::choose_universe), the part of
// a universe refresh that runs on the event loop besides the set change (docs/performance.md).
#include <carry/strategy/universe.hpp>
#include <carry_test/strategy_fixture.hpp>

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

using namespace carry;

std::vector<strategy::UniverseCandidate> candidates(int n) {
  std::vector<strategy::UniverseCandidate> out;
  for (int k = 0; k < n; ++k) {
    strategy::UniverseCandidate c;
    c.symbol = "C" + std::to_string(1000 + k) + "USDT";
    c.spot = strategy::test::spot_instrument(c.symbol);
    c.perp = strategy::test::perp_instrument(c.symbol);
    c.spot_quote = c.perp_quote = strategy::QuoteSide{"99.99"_dec, "30"_dec, "100.01"_dec, "30"_dec};
    c.funding_rate = 0.00001 * (k % 40);  // a spread of rates: some rank, most do not
    c.perp_quote_volume_24h = c.spot_quote_volume_24h = 2e7 * (1 + k % 3);
    out.push_back(std::move(c));
  }
  return out;
}

void BM_ChooseUniverse(benchmark::State& state) {
  const auto cs = candidates(static_cast<int>(state.range(0)));
  strategy::UniverseParams p;
  p.max_symbols = 3;
  p.min_quote_volume_24h = 1e7;
  const std::vector<std::string> current{"C1001USDT", "C1039USDT"};
  const std::set<std::string> pinned{"C1001USDT"};
  for (auto _ : state) {
    auto choice = strategy::choose_universe(cs, current, pinned, p);
    benchmark::DoNotOptimize(choice);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ChooseUniverse)->Arg(100)->Arg(500)->Unit(benchmark::kMicrosecond);

}  // namespace
