#include <carry/store/store.hpp>

#include <carry_test/temp_dir.hpp>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <thread>

using namespace carry;
using namespace carry::store;
using carry_test::TempDir;

namespace {

constexpr UnixNanos kDay = UnixNanos::from_seconds(1735689600);  // 2025-01-01T00:00:00Z

Fill make_fill(int i) {
  Fill f;
  f.symbol = "BTCUSDT";
  f.market = MarketType::Perp;
  f.client_oid = "cx-" + std::to_string(i / 4);
  f.order_id = std::to_string(1000 + i / 4);
  f.trade_id = "T" + std::to_string(i);
  f.price = "97000.1"_dec;
  f.size = "0.001"_dec;
  f.fee = "0.0388"_dec;
  f.fee_coin = "USDT";
  f.ts_event = kDay + std::chrono::milliseconds(i);
  f.ts_init = f.ts_event;
  return f;
}

OrderUpdate make_update(int i, OrderStatus status) {
  OrderUpdate u;
  u.symbol = "BTCUSDT";
  u.market = MarketType::Perp;
  u.client_oid = "cx-" + std::to_string(i);
  u.order_id = std::to_string(1000 + i);
  u.side = Side::Sell;
  u.price = "97000"_dec;
  u.size = "0.01"_dec;
  u.status = status;
  u.ts_event = kDay + std::chrono::milliseconds(i);
  u.ts_init = u.ts_event;
  return u;
}

std::int64_t rows(const std::filesystem::path& file, const char* table) {
  Repo repo(file);
  return repo.count_rows(table).value();
}

// Runs the io_context until `done` or a deadline (bounded wait, no fixed sleep).
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done, std::chrono::seconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Rethrows what a spawned coroutine threw (never detached: the completion is checked).
auto rethrow = [](std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
};

// Every test gets a fresh database file, an io_context for the store's completions and a sink
// that records what the store logs.
class StoreTest : public ::testing::Test {
 protected:
  TempDir dir;
  boost::asio::io_context io;
  RecordingEventSink sink;
};

}  // namespace

TEST_F(StoreTest, ManyAppendsAreBatchedAndAllPresentAfterFlush) {
  constexpr int kFills = 20000;
  {
    Store store(dir.file(), io.get_executor(), sink);
    for (int i = 0; i < kFills; ++i) store.append(make_fill(i));
    for (int i = 0; i < 500; ++i) store.append(make_update(i, OrderStatus::Acked));
    ASSERT_TRUE(store.flush_sync());
    const StoreStats s = store.stats();
    EXPECT_EQ(s.queued, kFills + 500u);
    EXPECT_EQ(s.written, kFills + 500u);
    EXPECT_EQ(s.write_failed, 0u);
    EXPECT_EQ(s.queue_depth, 0u);
    // Batched: far fewer transactions than rows (the writer takes everything queued per round).
    EXPECT_LT(s.batches, static_cast<std::uint64_t>(kFills) / 10);
    EXPECT_GE(s.batches, 1u);
    auto n = store.run_sync([](Repo& r) { return r.count_rows("fills"); });
    EXPECT_EQ(n.value(), kFills);
  }
  EXPECT_EQ(rows(dir.file(), "fills"), kFills);
  EXPECT_EQ(rows(dir.file(), "order_events"), 500);
  EXPECT_EQ(rows(dir.file(), "orders"), 500);
}

TEST_F(StoreTest, DuplicateFillsAreIgnoredAndCounted) {
  Store store(dir.file(), io.get_executor(), sink);
  store.append(make_fill(1));
  store.append(make_fill(2));
  store.append(make_fill(1));
  ASSERT_TRUE(store.flush_sync());
  store.append(make_fill(2));  // in a later batch too
  ASSERT_TRUE(store.flush_sync());
  EXPECT_EQ(store.stats().duplicate_fills, 2u);
  EXPECT_EQ(store.stats().write_failed, 0u);
  EXPECT_EQ(store.run_sync([](Repo& r) { return r.count_rows("fills"); }).value(), 2);
}

TEST_F(StoreTest, CloseCommitsEverythingQueued) {
  {
    Store store(dir.file(), io.get_executor(), sink);
    for (int i = 0; i < 5000; ++i) store.append(make_fill(i));
    store.append(DecisionRecord{0, kDay, "BTCUSDT", "OPEN", "apr", {{"apr", 0.2}}});
  }  // no flush: the destructor must not lose the queue
  EXPECT_EQ(rows(dir.file(), "fills"), 5000);
  EXPECT_EQ(rows(dir.file(), "decisions"), 1);
}

TEST_F(StoreTest, AppendAfterCloseIsWrittenInline) {
  Store store(dir.file(), io.get_executor(), sink);
  store.close();
  store.append(make_fill(7));
  EXPECT_EQ(store.stats().written, 1u);
  EXPECT_EQ(rows(dir.file(), "fills"), 1);
}

TEST_F(StoreTest, AwaitableQueriesCompleteOnTheCallersIoContext) {
  Store store(dir.file(), io.get_executor(), sink);
  const auto loop_thread = std::this_thread::get_id();

  bool done = false;
  std::size_t open_count = 0, fills_count = 0;
  bool same_thread = true;
  std::optional<KillSwitchRecord> ks;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        store.append(make_update(1, OrderStatus::Acked));
        store.append(make_update(2, OrderStatus::Filled));
        store.append(make_fill(1));
        store.put_kill_switch({"Halted", "test", kDay});
        // Queries run after the appends queued before them: read-your-writes.
        auto open = co_await store.open_orders();
        same_thread = same_thread && std::this_thread::get_id() == loop_thread;
        if (open) open_count = open->size();
        auto fills = co_await store.fills_since(kDay);
        same_thread = same_thread && std::this_thread::get_id() == loop_thread;
        if (fills) fills_count = fills->size();
        auto k = co_await store.kill_switch();
        if (k) ks = *k;
        auto flushed = co_await store.flush();
        same_thread = same_thread && std::this_thread::get_id() == loop_thread && flushed.has_value();
        done = true;
      },
      rethrow);
  ASSERT_TRUE(run_until(io, [&] { return done; }));
  EXPECT_TRUE(same_thread);
  EXPECT_EQ(open_count, 1u);
  EXPECT_EQ(fills_count, 1u);
  ASSERT_TRUE(ks.has_value());
  EXPECT_EQ(ks->state, "Halted");
}

TEST_F(StoreTest, RunExecutesArbitraryRepoWorkAndReportsErrors) {
  Store store(dir.file(), io.get_executor(), sink);
  Result<std::int64_t> bad = std::int64_t{0};
  Result<std::vector<DecisionRecord>> decisions = std::vector<DecisionRecord>{};
  bool done = false;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        store.append(DecisionRecord{0, kDay + std::chrono::hours(1), "BTCUSDT", "HOLD", "apr low", {{"apr", 0.01}}});
        bad = co_await store.run([](Repo& r) { return r.count_rows("nope"); });
        decisions = co_await store.decisions_for_day("2025-01-01");
        done = true;
      },
      rethrow);
  ASSERT_TRUE(run_until(io, [&] { return done; }));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), make_error_code(Errc::invalid_argument));
  ASSERT_TRUE(decisions);
  ASSERT_EQ(decisions->size(), 1u);
  EXPECT_EQ((*decisions)[0].reason, "apr low");
}

TEST_F(StoreTest, FailedWriteIsLoggedWithItsRowAndCountedWithoutLosingTheBatch) {
  Store store(dir.file(), io.get_executor(), sink);
  store.append(make_fill(1));
  store.append(DailyPnlRecord{"not-a-date", "BTCUSDT", "1"_dec, {}, {}, {}, "1"_dec, kDay});  // rejected
  store.append(make_fill(2));
  ASSERT_TRUE(store.flush_sync());
  EXPECT_EQ(store.stats().write_failed, 1u);
  EXPECT_EQ(store.stats().written, 2u);
  EXPECT_EQ(store.run_sync([](Repo& r) { return r.count_rows("fills"); }).value(), 2);

  // Emitted on the event loop, not from the writer thread.
  EXPECT_EQ(sink.count("store.write_failed"), 0u);
  ASSERT_TRUE(run_until(io, [&] { return sink.count("store.write_failed") == 1; }));
  const auto* e = sink.last("store.write_failed");
  EXPECT_EQ(e->level, LogLevel::Error);
  EXPECT_EQ(e->fields["table"], "daily_pnl");
  EXPECT_EQ(e->fields["row"]["date"], "not-a-date");
  EXPECT_EQ(e->fields["row"]["funding"], "1");
  EXPECT_NE(e->fields["error"].get<std::string>().find("not-a-date"), std::string::npos);
}

TEST_F(StoreTest, RetriesWhileAnotherConnectionHoldsTheLock) {
  StoreOptions opts;
  opts.repo.busy_timeout = std::chrono::milliseconds(1);
  opts.busy_backoff_max = std::chrono::milliseconds(5);
  Store store(dir.file(), io.get_executor(), sink, opts);

  SQLite::Database other(dir.file(), SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");  // holds the write lock
  store.append(make_fill(1));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (store.stats().busy_retries == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_GT(store.stats().busy_retries, 0u);
  other.exec("COMMIT");

  ASSERT_TRUE(store.flush_sync());
  EXPECT_EQ(store.stats().write_failed, 0u);
  EXPECT_EQ(store.run_sync([](Repo& r) { return r.count_rows("fills"); }).value(), 1);
}

TEST_F(StoreTest, JournalIsWal) {
  Store store(dir.file(), io.get_executor(), sink);
  store.append(make_fill(1));
  EXPECT_EQ(store.run_sync([](Repo& r) -> Result<std::string> { return r.journal_mode(); }).value(), "wal");
  EXPECT_TRUE(std::filesystem::exists(dir.file() + "-wal"));
}

TEST_F(StoreTest, OpenFailureNamesTheFile) {
  const auto bad = dir.path() / "missing-dir" / "carry.db";
  try {
    Store store(bad, io.get_executor(), sink);
    FAIL() << "opened a file in a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing-dir"), std::string::npos) << e.what();
  }
}

TEST_F(StoreTest, FailuresFoundAtShutdownAreStillLogged) {
  // io is never run: the loop has already stopped
  {
    Store store(dir.file(), io.get_executor(), sink);
    store.append(DailyPnlRecord{"2025-13-45x", "", {}, {}, {}, {}, {}, kDay});
    store.close();
    EXPECT_EQ(store.stats().write_failed, 1u);
  }
  EXPECT_EQ(sink.count("store.write_failed"), 1u);
  io.run();  // the handler posted earlier finds nothing left to emit: no duplicate
  EXPECT_EQ(sink.count("store.write_failed"), 1u);
}

TEST_F(StoreTest, ExceptionInsideRunBecomesAnError) {
  Store store(dir.file(), io.get_executor(), sink);
  auto r = store.run_sync([](Repo&) -> Result<int> { throw std::runtime_error("boom"); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(Errc::io));
  store.append(make_fill(1));  // the writer thread survived
  EXPECT_EQ(store.run_sync([](Repo& repo) { return repo.count_rows("fills"); }).value(), 1);
}
