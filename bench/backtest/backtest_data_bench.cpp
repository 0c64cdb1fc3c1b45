// Backtest data throughput: CSV load from disk (real 1-minute files and a generated year of
// 1-minute candles for two pairs) and merged-event iteration in memory.
//
// The year files are the real 35-day 1m files tiled end to end (timestamps shifted by whole
// tiles, open_time_utc rewritten) to 525,600 rows each, so parsing sees real numbers
// (bench/support/carry_bench/year_fixtures.hpp).
#include <carry/backtest/file_discovery.hpp>
#include <carry/backtest/replay.hpp>
#include <carry/backtest/symbol_data.hpp>

#include <benchmark/benchmark.h>
#include <carry_bench/year_fixtures.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace fs = std::filesystem;
using namespace carry;
using namespace carry::backtest;

namespace {

const fs::path kRealDir = bench::real_data_dir();
using bench::year_1m_dir;

std::vector<SymbolData> load_dir(const fs::path& dir) {
  auto files = discover_symbol_files(dir, {{}, Timeframe::Minute1});
  if (!files) throw std::runtime_error(files.error().to_string());
  auto data = load_symbols(*files);
  if (!data) throw std::runtime_error(data.error().to_string());
  return std::move(*data);
}

std::size_t file_bytes(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".csv") n += fs::file_size(e.path());
  return n;
}

// Parsing only: the four real 1m candle files (4 x 50,400 rows).
void BM_ReadCandles_Real1m(benchmark::State& state) {
  std::int64_t rows = 0;
  for (auto _ : state) {
    for (const char* name : {"binance_spot_BTCUSDT_1m.csv", "binance_spot_ETHUSDT_1m.csv",
                             "binance_perp_BTCUSDT_1m.csv", "binance_perp_ETHUSDT_1m.csv"}) {
      auto r = read_candles(kRealDir / name, {60'000});
      if (!r) state.SkipWithError(r.error().to_string().c_str());
      rows += static_cast<std::int64_t>(r->rows.size());
      benchmark::DoNotOptimize(r->rows.data());
    }
  }
  state.SetItemsProcessed(rows);
  state.counters["rows"] = benchmark::Counter(static_cast<double>(rows) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_ReadCandles_Real1m)->Unit(benchmark::kMillisecond);

// Discovery + load of both symbols (spot, perp, funding, candle->BBO) from the real 1m files.
void BM_LoadSymbols_Real1m(benchmark::State& state) {
  std::int64_t rows = 0;
  for (auto _ : state) {
    auto data = load_dir(kRealDir);
    for (const auto& d : data) rows += static_cast<std::int64_t>(d.spot.rows + d.perp.rows + d.funding.size());
    benchmark::DoNotOptimize(data.data());
  }
  state.SetItemsProcessed(rows);
}
BENCHMARK(BM_LoadSymbols_Real1m)->Unit(benchmark::kMillisecond);

// The budget case: a year of 1m candles for two pairs (4 x 525,600 rows + funding), from disk.
void BM_LoadSymbols_Year1m_TwoPairs(benchmark::State& state) {
  const fs::path& dir = year_1m_dir();
  std::int64_t rows = 0;
  for (auto _ : state) {
    auto data = load_dir(dir);
    for (const auto& d : data) rows += static_cast<std::int64_t>(d.spot.rows + d.perp.rows + d.funding.size());
    benchmark::DoNotOptimize(data.data());
  }
  state.SetItemsProcessed(rows);
  state.SetBytesProcessed(static_cast<std::int64_t>(file_bytes(dir)) * state.iterations());
}
BENCHMARK(BM_LoadSymbols_Year1m_TwoPairs)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// Merged iteration in memory: every event materialised as carry::Bbo / FundingRateUpdate /
// FundingSettlement, as the engine will receive them.
void replay_all(benchmark::State& state, Replay& replay) {
  ReplayEvent e;
  std::int64_t events = 0;
  for (auto _ : state) {
    replay.rewind();
    while (replay.next(e)) {
      benchmark::DoNotOptimize(e.ts);
      ++events;
    }
  }
  state.SetItemsProcessed(events);
  state.counters["events"] = benchmark::Counter(static_cast<double>(replay.counts().total()));
}

void BM_Replay_Real1m_TwoPairs(benchmark::State& state) {
  static Replay replay(load_dir(kRealDir));
  replay_all(state, replay);
}
BENCHMARK(BM_Replay_Real1m_TwoPairs)->Unit(benchmark::kMillisecond);

void BM_Replay_Year1m_TwoPairs(benchmark::State& state) {
  static Replay replay(load_dir(year_1m_dir()));
  replay_all(state, replay);
}
BENCHMARK(BM_Replay_Year1m_TwoPairs)->Unit(benchmark::kMillisecond);

}  // namespace
