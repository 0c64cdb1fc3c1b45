// carryd backtest end to end: the whole run (load, replay through OMS + risk + strategy with paper
// fills, SQLite tables, report, chart) from the CSV files on disk, and the same run with the data
// already in memory (loaded once; each iteration rewinds the replay and rebuilds the engine).
//
// Data: the real 35-day 1m files of BTCUSDT and ETHUSDT, and a year of 1m candles for both pairs
// made by tiling those files end to end (bench/support/carry_bench/year_fixtures.hpp).
// Configs: the default one (real funding is below its entry threshold: no trades, the engine
// still sees every quote) and a "trading" one that holds positions through the settlements.
#include <carry/app/backtest_runner.hpp>
#include <carry_test/paths.hpp>

#include <benchmark/benchmark.h>
#include <carry_bench/year_fixtures.hpp>

#include <filesystem>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using namespace carry;
using namespace carry::backtest;

namespace {

const fs::path kRealDir = bench::real_data_dir();
const fs::path kWork = (fs::path(carry_test::binary_dir()) / "bench" / CARRY_BENCH_AREA);
using bench::year_1m_dir;

app::CliOptions cli_for(const fs::path& data, const std::string& tag) {
  app::CliOptions cli;
  cli.command = app::Command::Backtest;
  cli.data_dir = data.string();
  cli.timeframe = "1m";
  cli.out_dir = (kWork / ("out_" + tag)).string();
  return cli;
}

config::Config config_for(bool trading) {
  config::Config cfg;
  cfg.log.console = false;
  if (trading) {  // the integration test's config: positions held through the settlements
    cfg.strategy.funding.min_expected_apr = 0.01;
    cfg.strategy.funding.close_apr = -0.5;
    cfg.strategy.funding.holding_horizon_hours = 720;
    cfg.backtest.spot_maker_fee = Decimal{};
    cfg.backtest.spot_taker_fee = Decimal{};
    cfg.backtest.perp_maker_fee = Decimal{};
    cfg.backtest.perp_taker_fee = Decimal::from_raw(200'000);
  }
  return cfg;
}

void report(benchmark::State& state, const app::BacktestRun& run, std::size_t quotes) {
  state.SetItemsProcessed(static_cast<std::int64_t>(run.summary.events) * state.iterations());
  state.counters["events"] = static_cast<double>(run.summary.events);
  state.counters["quotes"] = static_cast<double>(quotes);
  state.counters["bbo/s"] = benchmark::Counter(static_cast<double>(quotes) * static_cast<double>(state.iterations()),
                                               benchmark::Counter::kIsRate);
  state.counters["trades"] = static_cast<double>(run.summary.trades);
}

// (a) Everything from the files: discovery, CSV parsing, replay, engine, outputs.
void from_disk(benchmark::State& state, const fs::path& data, bool trading, const std::string& tag) {
  const auto cli = cli_for(data, tag);
  const auto cfg = config_for(trading);
  app::BacktestRun run;
  std::size_t quotes = 0;
  for (auto _ : state) {
    std::ostringstream info;
    auto d = app::load_backtest_data(cli, cfg, info);
    quotes = d.replay.counts().quotes;
    run = app::run_backtest(d, cli, cfg);
  }
  report(state, run, quotes);
}

// (b) Data already in memory: only the engine loop and the outputs are timed.
void in_memory(benchmark::State& state, const fs::path& data, bool trading, const std::string& tag) {
  const auto cli = cli_for(data, tag);
  const auto cfg = config_for(trading);
  std::ostringstream info;
  auto d = app::load_backtest_data(cli, cfg, info);
  app::BacktestRun run;
  for (auto _ : state) run = app::run_backtest(d, cli, cfg);
  report(state, run, d.replay.counts().quotes);
}

void BM_FromDisk_Real1m(benchmark::State& s) { from_disk(s, kRealDir, false, "disk_real"); }
void BM_FromDisk_Real1m_Trading(benchmark::State& s) { from_disk(s, kRealDir, true, "disk_real_trading"); }
void BM_FromDisk_Year1m_TwoPairs(benchmark::State& s) { from_disk(s, year_1m_dir(), false, "disk_year"); }
void BM_FromDisk_Year1m_TwoPairs_Trading(benchmark::State& s) {
  from_disk(s, year_1m_dir(), true, "disk_year_trading");
}
void BM_InMemory_Real1m(benchmark::State& s) { in_memory(s, kRealDir, false, "mem_real"); }
void BM_InMemory_Real1m_Trading(benchmark::State& s) { in_memory(s, kRealDir, true, "mem_real_trading"); }
void BM_InMemory_Year1m_TwoPairs(benchmark::State& s) { in_memory(s, year_1m_dir(), false, "mem_year"); }

BENCHMARK(BM_FromDisk_Real1m)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FromDisk_Real1m_Trading)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FromDisk_Year1m_TwoPairs)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_FromDisk_Year1m_TwoPairs_Trading)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_InMemory_Real1m)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InMemory_Real1m_Trading)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InMemory_Year1m_TwoPairs)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
