#pragma once
// The daemon's store: a Repo owned by ONE writer thread that batches queued writes into
// transactions, so the io_context thread never waits on fsync (DESIGN.md, Persistence).
//
// Seen from the event loop:
//   - append(...)/put_*(...) are fire-and-forget: the row is queued and the call returns at once;
//   - flush(), the queries and run(fn) are awaitables: the work is posted to the writer thread and
//     the completion is posted back to the awaiting coroutine's executor. They run after every write
//     queued before them is committed, so a read sees the loop's own earlier appends.
// run_sync()/flush_sync() block the caller (start-up, before the loop runs; never on the loop).
//
// Failures never pass silently: a write that fails is retried on SQLITE_BUSY, otherwise replayed
// alone (one bad row costs only itself), then logged as `store.write_failed` with the full row (so
// the data survives in the JSONL log) and counted. close() (and the destructor) commits everything
// queued before returning.
#include <carry/core/event_sink.hpp>
#include <carry/store/repo.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

namespace carry::store {

struct StoreOptions {
  RepoOptions repo;
  std::size_t max_batch = 4096;  // queued operations taken per writer round (one transaction)
  // begin/commit attempts on SQLITE_BUSY (another process holds the lock) before a batch is
  // replayed row by row; with the backoff capped at busy_backoff_max this is minutes, not ms.
  int max_busy_retries = 1000;
  std::chrono::milliseconds busy_backoff_max{200};
};

struct StoreStats {
  std::uint64_t queued = 0;             // write operations accepted
  std::uint64_t written = 0;            // write operations committed (duplicates included)
  std::uint64_t write_failed = 0;       // logged as store.write_failed
  std::uint64_t duplicate_fills = 0;    // same (market, trade_id) seen again: ignored
  std::uint64_t duplicate_funding = 0;  // same (symbol, ts) settlement seen again: ignored
  std::uint64_t batches = 0;            // committed transactions
  std::uint64_t busy_retries = 0;       // begin/commit attempts that met SQLITE_BUSY
  std::size_t queue_depth = 0;          // operations waiting for the writer now
};

class Store;

namespace detail {

// One queued unit of work for the writer thread.
class StoreOp {
 public:
  explicit StoreOp(bool write) : write_(write) {}
  virtual ~StoreOp() = default;
  bool is_write() const noexcept { return write_; }

  // Write operations: applied inside the writer's transaction; `committed` runs once it is durable.
  virtual Result<void> apply(Repo&) { return {}; }
  virtual void committed(Store&) {}
  virtual std::string_view table() const { return {}; }
  virtual nlohmann::json row() const { return nullptr; }

  // Other operations (reads, flush, run): executed between transactions.
  virtual void run(Repo&) {}

 private:
  bool write_;
};

// Runs fn(Repo&) on the writer thread and posts the result to the handler's executor.
template <class F, class Handler, class R>
class CallOp final : public StoreOp {
 public:
  CallOp(F fn, Handler handler)
      : StoreOp(false),
        fn_(std::move(fn)),
        handler_(std::move(handler)),
        work_(boost::asio::make_work_guard(boost::asio::get_associated_executor(handler_))) {}

  void run(Repo& repo) override {
    R result = invoke(repo);
    auto executor = work_.get_executor();
    boost::asio::post(executor,
                      [h = std::move(handler_), r = std::move(result)]() mutable { std::move(h)(std::move(r)); });
    work_.reset();
  }

 private:
  R invoke(Repo& repo) noexcept {
    try {
      return fn_(repo);
    } catch (const std::exception&) {
      return R(make_error_code(Errc::io));
    }
  }

  F fn_;
  Handler handler_;
  boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> work_;
};

// Runs fn(Repo&) on the writer thread for a caller blocked on the future.
template <class F, class R>
class SyncCallOp final : public StoreOp {
 public:
  explicit SyncCallOp(F fn) : StoreOp(false), fn_(std::move(fn)) {}
  std::future<R> future() { return promise_.get_future(); }
  void run(Repo& repo) override {
    try {
      promise_.set_value(fn_(repo));
    } catch (const std::exception&) {
      promise_.set_value(R(make_error_code(Errc::io)));
    }
  }

 private:
  F fn_;
  std::promise<R> promise_;
};

}  // namespace detail

class Store {
 public:
  // Opens (and migrates) the database; throws std::runtime_error naming the file if it cannot.
  // `executor` is the event loop's: store.write_failed is emitted on it, never from the writer
  // thread. `sink` and the executor's io_context must outlive the Store (close it first).
  Store(const std::filesystem::path& file, boost::asio::any_io_executor executor, EventSink& sink,
        StoreOptions options = {});
  ~Store();  // close()
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Commits everything queued, stops the writer thread and reports its last failures. Blocking:
  // call at shutdown. Later operations run inline on the caller's thread (nothing is dropped).
  void close();

  // ---- fire-and-forget writes ----
  void append(const OrderUpdate& update);  // orders (upsert) + order_events
  void record(const OrderRecord& order);   // orders only (e.g. Sent, before the request)
  void append(const Fill& fill);           // duplicate (market, trade_id): counted, ignored
  void append(const FundingPayment& payment);
  void append(const FundingRecord& funding);  // duplicate (symbol, ts): counted, ignored
  void append(const PositionSnapshotRecord& snapshot);
  void append(const DailyPnlRecord& row);  // upsert by (date, symbol)
  void append(const DecisionRecord& decision);
  void put_kv(std::string key, std::string value, UnixNanos ts);
  void put_kill_switch(const KillSwitchRecord& state);

  // ---- awaitables (complete on the awaiting coroutine's executor) ----
  // Completes when every write queued before it is committed (or failed and was logged).
  boost::asio::awaitable<Result<void>> flush();
  boost::asio::awaitable<Result<std::vector<OrderRecord>>> open_orders();
  boost::asio::awaitable<Result<std::optional<OrderRecord>>> order(std::string client_oid);
  boost::asio::awaitable<Result<std::vector<PositionSnapshotRecord>>> last_positions();
  boost::asio::awaitable<Result<std::vector<FillRecord>>> fills_since(UnixNanos since);
  boost::asio::awaitable<Result<std::vector<FundingRecord>>> funding_events(UnixNanos from, UnixNanos to);
  boost::asio::awaitable<Result<std::vector<DailyPnlRecord>>> daily_pnl(std::string from_date, std::string to_date);
  boost::asio::awaitable<Result<std::vector<DecisionRecord>>> decisions_for_day(std::string date);
  boost::asio::awaitable<Result<std::optional<KillSwitchRecord>>> kill_switch();

  // Any Repo work on the writer thread: fn(Repo&) -> Result<T>, e.g. the daily report's queries.
  // fn is moved to the writer thread: capture by value.
  template <class F>
  auto run(F fn) -> boost::asio::awaitable<std::invoke_result_t<F&, Repo&>> {
    using R = std::invoke_result_t<F&, Repo&>;
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(R)>(
        [this](auto handler, F f) {
          using H = std::decay_t<decltype(handler)>;
          enqueue(std::make_unique<detail::CallOp<F, H, R>>(std::move(f), std::move(handler)));
        },
        boost::asio::use_awaitable, std::move(fn));
  }

  // ---- blocking (start-up and tools; never from the event loop) ----
  template <class F>
  auto run_sync(F fn) -> std::invoke_result_t<F&, Repo&> {
    using R = std::invoke_result_t<F&, Repo&>;
    auto op = std::make_unique<detail::SyncCallOp<F, R>>(std::move(fn));
    auto result = op->future();
    enqueue(std::move(op));
    return result.get();
  }
  Result<void> flush_sync();

  StoreStats stats() const;
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  struct Failures;

  void enqueue(std::unique_ptr<detail::StoreOp> op);
  void writer_loop();
  void process(std::deque<std::unique_ptr<detail::StoreOp>>& batch);
  void write_group(std::deque<std::unique_ptr<detail::StoreOp>>& batch, std::size_t begin, std::size_t end);
  bool retry_busy(Result<void> (Repo::*step)());
  void report_failure(const detail::StoreOp& op, const std::string& error);

 public:
  // Counted by the write operations once committed (internal).
  void count_duplicate_fill() noexcept { duplicate_fills_.fetch_add(1, std::memory_order_relaxed); }
  void count_duplicate_funding() noexcept { duplicate_funding_.fetch_add(1, std::memory_order_relaxed); }

 private:
  std::filesystem::path file_;
  StoreOptions options_;
  boost::asio::any_io_executor executor_;
  std::unique_ptr<Repo> repo_;
  std::shared_ptr<Failures> failures_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<detail::StoreOp>> queue_;
  bool stopping_ = false;
  bool closed_ = false;  // writer joined: operations run inline
  std::mutex inline_mu_;
  std::thread writer_;

  std::atomic<std::uint64_t> queued_{0}, written_{0}, write_failed_{0}, duplicate_fills_{0}, duplicate_funding_{0},
      batches_{0}, busy_retries_{0};
};

}  // namespace carry::store
