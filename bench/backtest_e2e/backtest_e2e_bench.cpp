// carryd backtest end to end: the whole run (load, replay through OMS + risk + strategy with paper
// fills, SQLite tables, report, chart) from the CSV files on disk, and the same run with the data
// already in memory (loaded once; each iteration rewinds the replay and rebuilds the engine).
//
// Data: the real 35-day 1m files of BTCUSDT and ETHUSDT, and a year of 1m candles for both pairs
// made by tiling those files end to end (timestamps shifted, as in bench/backtest).
// Configs: the default one (real funding is below its entry threshold: no trades, the engine
// still sees every quote) and a "trading" one that holds positions through the settlements.
#include <carry/app/backtest_runner.hpp>
#include <carry/backtest/candle_reader.hpp>
#include <carry/backtest/funding_reader.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>

namespace fs = std::filesystem;
using namespace carry;
using namespace carry::backtest;

namespace {

const fs::path kRealDir = fs::path(CARRY_SHARED_DIR) / "data";
const fs::path kWork = fs::path(CARRY_BENCH_WORK_DIR);
constexpr std::int64_t kYearMinutes = 525'600;

void write_all(const fs::path& p, const std::string& text) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(p.string().c_str(), "wb"), &std::fclose);
  if (!f || std::fwrite(text.data(), 1, text.size(), f.get()) != text.size()) throw std::runtime_error("write " + p.string());
}

void make_year_candles(const fs::path& src, const fs::path& dst) {
  auto series = read_candles(src, {60'000});
  if (!series) throw std::runtime_error(series.error().to_string());
  const auto& rows = series->rows;
  const std::int64_t t0 = rows.front().open_time_ms;
  std::string out = "open_time_ms,open_time_utc,open,high,low,close,volume\n";
  out.reserve(static_cast<std::size_t>(kYearMinutes) * 90);
  for (std::int64_t m = 0; m < kYearMinutes; ++m) {
    const Candle& c = rows[static_cast<std::size_t>(m) % rows.size()];
    const std::int64_t t = t0 + m * 60'000;
    out += std::to_string(t);
    out += ',';
    out += UnixNanos::from_ms(t).to_rfc3339();
    for (Decimal d : {c.open, c.high, c.low, c.close, c.volume}) {
      out += ',';
      out += d.to_string();
    }
    out += '\n';
  }
  write_all(dst, out);
}

void make_year_funding(const fs::path& src, const fs::path& dst, std::int64_t first_ms) {
  auto series = read_funding(src);
  if (!series) throw std::runtime_error(series.error().to_string());
  std::string out = "funding_time_ms,funding_time_utc,symbol,funding_rate,interval_hours\n";
  const std::int64_t n = kYearMinutes / (8 * 60) + 1;
  for (std::int64_t i = 0; i < n; ++i) {
    const FundingRow& r = series->rows[static_cast<std::size_t>(i) % series->rows.size()];
    const std::int64_t t = first_ms + i * 8 * 3'600'000;
    out += std::to_string(t) + "," + UnixNanos::from_ms(t).to_rfc3339() + "," + series->symbol + "," +
           r.rate.to_string() + ",8\n";
  }
  write_all(dst, out);
}

const fs::path& year_dir() {
  static const fs::path dir = kWork / "year_1m";
  static std::once_flag once;
  std::call_once(once, [] {
    if (fs::exists(dir / "complete")) return;
    fs::create_directories(dir);
    for (const std::string s : {"BTCUSDT", "ETHUSDT"}) {
      make_year_candles(kRealDir / ("binance_spot_" + s + "_1m.csv"), dir / ("year_spot_" + s + "_1m.csv"));
      make_year_candles(kRealDir / ("binance_perp_" + s + "_1m.csv"), dir / ("year_perp_" + s + "_1m.csv"));
      // First settlement 8 h after the candles' start (2025-05-20T00:00Z).
      make_year_funding(kRealDir / ("binance_funding_" + s + ".csv"), dir / ("year_funding_" + s + ".csv"),
                        1'747'699'200'000 + 8 * 3'600'000);
    }
    write_all(dir / "complete", "");
  });
  return dir;
}

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
  state.counters["bbo/s"] =
      benchmark::Counter(static_cast<double>(quotes) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
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
void BM_FromDisk_Year1m_TwoPairs(benchmark::State& s) { from_disk(s, year_dir(), false, "disk_year"); }
void BM_FromDisk_Year1m_TwoPairs_Trading(benchmark::State& s) { from_disk(s, year_dir(), true, "disk_year_trading"); }
void BM_InMemory_Real1m(benchmark::State& s) { in_memory(s, kRealDir, false, "mem_real"); }
void BM_InMemory_Real1m_Trading(benchmark::State& s) { in_memory(s, kRealDir, true, "mem_real_trading"); }
void BM_InMemory_Year1m_TwoPairs(benchmark::State& s) { in_memory(s, year_dir(), false, "mem_year"); }

BENCHMARK(BM_FromDisk_Real1m)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FromDisk_Real1m_Trading)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FromDisk_Year1m_TwoPairs)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_FromDisk_Year1m_TwoPairs_Trading)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_InMemory_Real1m)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InMemory_Real1m_Trading)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InMemory_Year1m_TwoPairs)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
