// SQLite rows/s through the store's writer thread (batched transactions), plus what the event loop
// pays per append (the enqueue) and the durable client-id write. Files go to a temp directory on
// the local disk (set TMPDIR to measure another device).
#include <carry/store/client_id_counter.hpp>
#include <carry/store/store.hpp>

#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>

#include <unistd.h>
#include <ctime>
#include <filesystem>
#include <string>

using namespace carry;
using namespace carry::store;

namespace {

constexpr UnixNanos kT0 = UnixNanos::from_seconds(1735689600);

class BenchDb {
 public:
  BenchDb() {
    static int seq = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("carry_store_bench_" + std::to_string(::getpid()) + "_" + std::to_string(seq++));
    std::filesystem::create_directories(dir_);
  }
  ~BenchDb() { std::filesystem::remove_all(dir_); }
  std::filesystem::path file() const { return dir_ / "bench.db"; }

 private:
  std::filesystem::path dir_;
};

Fill make_fill(std::int64_t i) {
  Fill f;
  f.symbol = "BTCUSDT";
  f.market = MarketType::Perp;
  f.client_oid = "cx-" + std::to_string(i / 4);
  f.order_id = std::to_string(1'000'000 + i / 4);
  f.trade_id = std::to_string(9'000'000'000 + i);
  f.side = Side::Sell;
  f.price = "97123.4"_dec;
  f.size = "0.0012"_dec;
  f.fee = "0.0466192"_dec;
  f.fee_coin = "USDT";
  f.maker = true;
  f.ts_event = kT0 + std::chrono::microseconds(i);
  f.ts_init = f.ts_event;
  return f;
}

OrderUpdate make_update(std::int64_t i) {
  OrderUpdate u;
  u.symbol = "BTCUSDT";
  u.market = MarketType::Perp;
  u.client_oid = "cx-" + std::to_string(i / 3);  // 3 events per order: upserts hit existing rows
  u.order_id = std::to_string(1'000'000 + i / 3);
  u.side = Side::Sell;
  u.tif = TimeInForce::PostOnly;
  u.price = "97123.4"_dec;
  u.size = "0.01"_dec;
  u.filled_size = "0.005"_dec;
  u.status = OrderStatus::PartiallyFilled;
  u.ts_event = kT0 + std::chrono::microseconds(i);
  u.ts_init = u.ts_event;
  return u;
}

// CPU seconds of the whole process (loop thread + writer thread): on a shared, loaded machine the
// wall clock mostly measures the other tenants, this measures our cost.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

StoreOptions options(bool durable) {
  StoreOptions o;
  o.repo.durable = durable;
  return o;
}

// Rows/s end to end: N appends from the caller, then a flush that waits for the commit.
template <class Make>
void rows_through_writer(benchmark::State& state, Make make) {
  BenchDb db;
  boost::asio::io_context io;
  NullEventSink sink;
  Store store(db.file(), io.get_executor(), sink, options(state.range(1) != 0));
  const std::int64_t n = state.range(0);
  std::int64_t next = 0;
  const double cpu0 = process_cpu_seconds();
  for (auto _ : state) {
    for (std::int64_t i = 0; i < n; ++i) store.append(make(next++));
    if (!store.flush_sync()) state.SkipWithError("flush failed");
  }
  const double cpu = process_cpu_seconds() - cpu0;
  const auto s = store.stats();
  if (s.write_failed != 0) state.SkipWithError("writes failed");
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["rows_per_cpu_s"] = static_cast<double>(state.iterations() * n) / cpu;
  state.counters["rows_per_txn"] = static_cast<double>(s.written) / static_cast<double>(s.batches);
}

void BM_FillsThroughWriter(benchmark::State& state) { rows_through_writer(state, make_fill); }
void BM_OrderEventsThroughWriter(benchmark::State& state) { rows_through_writer(state, make_update); }

// Baseline without the writer thread: the synchronous Repo, N rows in one transaction (what the
// backtest does).
void BM_FillsRepoDirect(benchmark::State& state) {
  BenchDb db;
  RepoOptions o;
  o.durable = state.range(1) != 0;
  Repo repo(db.file(), o);
  const std::int64_t n = state.range(0);
  std::int64_t next = 0;
  for (auto _ : state) {
    if (!repo.begin()) state.SkipWithError("begin failed");
    for (std::int64_t i = 0; i < n; ++i)
      if (!repo.insert_fill(make_fill(next++))) state.SkipWithError("insert failed");
    if (!repo.commit()) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations() * n);
}

// What the event loop pays per append: building the queued op and the enqueue (the writer thread
// commits concurrently on the other core).
void BM_AppendCallOnLoopThread(benchmark::State& state) {
  BenchDb db;
  boost::asio::io_context io;
  NullEventSink sink;
  Store store(db.file(), io.get_executor(), sink, options(true));
  std::int64_t next = 0;
  for (auto _ : state) store.append(make_fill(next++));
  state.SetItemsProcessed(state.iterations());
  if (!store.flush_sync() || store.stats().write_failed != 0) state.SkipWithError("writes failed");
}

// One durable counter write (block = 1: an fsync per id). With the default block of 64 the
// generator pays this once per 64 ids.
void BM_ClientIdReserveDurable(benchmark::State& state) {
  BenchDb db;
  ClientIdCounter counter(db.file(), 1);
  for (auto _ : state) {
    auto r = counter.reserve_client_ids(1);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_FillsThroughWriter)
    ->ArgsProduct({{1000, 10000}, {1, 0}})
    ->ArgNames({"rows", "durable"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OrderEventsThroughWriter)
    ->ArgsProduct({{1000, 10000}, {1, 0}})
    ->ArgNames({"rows", "durable"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
// Fixed iterations: the queue grows while the writer catches up, so bound the memory used.
BENCHMARK(BM_FillsRepoDirect)
    ->ArgsProduct({{10000}, {1, 0}})
    ->ArgNames({"rows", "durable"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AppendCallOnLoopThread)->Iterations(200000)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_ClientIdReserveDurable)->UseRealTime()->Unit(benchmark::kMicrosecond);
