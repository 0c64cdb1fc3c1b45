// Backtest data throughput: CSV load from disk (real 1-minute files and a generated year of
// 1-minute candles for two pairs) and merged-event iteration in memory.
//
// The year files are the real 35-day 1m files tiled end to end (timestamps shifted by whole
// tiles, open_time_utc rewritten) to 525,600 rows each, so parsing sees real numbers.
#include <carry/backtest/file_discovery.hpp>
#include <carry/backtest/replay.hpp>
#include <carry/backtest/symbol_data.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>

namespace fs = std::filesystem;
using namespace carry;
using namespace carry::backtest;

namespace {

const fs::path kRealDir = fs::path(CARRY_SOURCE_DIR) / "data";
constexpr std::int64_t kYearMinutes = 525'600;

void write_all(const fs::path& p, const std::string& text) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(p.string().c_str(), "wb"), &std::fclose);
  if (!f || std::fwrite(text.data(), 1, text.size(), f.get()) != text.size()) throw std::runtime_error("write " + p.string());
}

// Tiles a real 1m candle file to a year of consecutive minutes.
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
  static const fs::path dir = fs::path(CARRY_BENCH_WORK_DIR) / "year_1m";
  static std::once_flag once;
  std::call_once(once, [] {
    if (fs::exists(dir / "complete")) return;
    fs::create_directories(dir);
    for (const char* sym : {"BTCUSDT", "ETHUSDT"}) {
      const std::string s = sym;
      make_year_candles(kRealDir / ("binance_spot_" + s + "_1m.csv"), dir / ("year_spot_" + s + "_1m.csv"));
      make_year_candles(kRealDir / ("binance_perp_" + s + "_1m.csv"), dir / ("year_perp_" + s + "_1m.csv"));
      make_year_funding(kRealDir / ("binance_funding_" + s + ".csv"), dir / ("year_funding_" + s + ".csv"),
                        1'747'699'200'000);  // 2025-05-20T00:00Z, the candles' start
    }
    write_all(dir / "complete", "");
  });
  return dir;
}

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
    for (const char* name : {"binance_spot_BTCUSDT_1m.csv", "binance_spot_ETHUSDT_1m.csv", "binance_perp_BTCUSDT_1m.csv",
                             "binance_perp_ETHUSDT_1m.csv"}) {
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
  const fs::path& dir = year_dir();
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
  static Replay replay(load_dir(year_dir()));
  replay_all(state, replay);
}
BENCHMARK(BM_Replay_Year1m_TwoPairs)->Unit(benchmark::kMillisecond);

}  // namespace
