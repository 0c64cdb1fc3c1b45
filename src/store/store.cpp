#include <carry/store/store.hpp>

#include <algorithm>
#include <vector>

namespace carry::store {
namespace {

// A queued write: the record (copied when queued) and the Repo call that stores it.
template <class Rec, class Apply>
class WriteOp final : public detail::StoreOp {
 public:
  WriteOp(std::string_view table, Rec rec, Apply apply)
      : StoreOp(true), table_(table), rec_(std::move(rec)), apply_(std::move(apply)) {}

  Result<void> apply(Repo& repo) override { return apply_(repo, rec_, inserted_); }
  void committed(Store& store) override {
    if (inserted_) return;
    if constexpr (std::is_same_v<Rec, Fill>) store.count_duplicate_fill();
    if constexpr (std::is_same_v<Rec, FundingRecord>) store.count_duplicate_funding();
  }
  std::string_view table() const override { return table_; }
  nlohmann::json row() const override { return to_json(rec_); }

 private:
  std::string_view table_;
  Rec rec_;
  Apply apply_;
  bool inserted_ = true;  // false when the row was a duplicate (nothing written)
};

template <class Rec, class Apply>
std::unique_ptr<detail::StoreOp> make_write(std::string_view table, Rec rec, Apply apply) {
  return std::make_unique<WriteOp<Rec, Apply>>(table, std::move(rec), std::move(apply));
}

struct KvRow {
  std::string key, value;
  UnixNanos ts;
};
nlohmann::json to_json(const KvRow& r) { return {{"key", r.key}, {"value", r.value}, {"updated_ns", r.ts.ns}}; }

// INSERT OR IGNORE writes: tells the writer whether the row was new (false: a duplicate).
Result<void> note_inserted(const Result<bool>& res, bool& inserted) {
  if (!res) return res.error();
  inserted = *res;
  return {};
}

}  // namespace

// Failures found on the writer thread wait here until the event loop emits them: the EventSink
// belongs to the loop's thread. Shared so a post() still queued after the Store is gone is harmless.
struct Store::Failures {
  struct Entry {
    std::string table, error;
    nlohmann::json row;
  };
  std::mutex mu;
  std::vector<Entry> entries;
  EventSink* sink = nullptr;  // null once the Store is destroyed

  void drain() {
    std::vector<Entry> now;
    EventSink* s = nullptr;
    {
      std::lock_guard lk(mu);
      now.swap(entries);
      s = sink;
    }
    if (!s) return;
    for (auto& e : now)
      s->error("store.write_failed", {{"table", e.table}, {"error", e.error}, {"row", std::move(e.row)}});
  }
};

Store::Store(const std::filesystem::path& file, boost::asio::any_io_executor executor, EventSink& sink,
             StoreOptions options)
    : file_(file),
      options_(options),
      executor_(std::move(executor)),
      repo_(std::make_unique<Repo>(file, options.repo)),
      failures_(std::make_shared<Failures>()) {
  failures_->sink = &sink;
  if (options_.max_batch == 0) options_.max_batch = 1;
  writer_ = std::thread([this] { writer_loop(); });
}

Store::~Store() {
  close();
  // A drain still queued on the loop must not reach a sink that may be gone with us.
  std::lock_guard lk(failures_->mu);
  failures_->sink = nullptr;
}

void Store::close() {
  {
    std::lock_guard lk(mu_);
    if (closed_) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (writer_.joinable()) writer_.join();
  std::deque<std::unique_ptr<detail::StoreOp>> late;  // queued between the writer's exit and now
  {
    std::lock_guard lk(mu_);
    closed_ = true;
    late.swap(queue_);
  }
  {
    std::lock_guard lk(inline_mu_);
    process(late);
  }
  failures_->drain();
}

void Store::enqueue(std::unique_ptr<detail::StoreOp> op) {
  if (op->is_write()) queued_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lk(mu_);
    if (!closed_) {
      queue_.push_back(std::move(op));
      // Wake the writer only on the first item: it takes everything queued in one round anyway.
      if (queue_.size() > 1) return;
    }
  }
  if (op) {
    // After close(): run on the caller's thread rather than drop anything.
    std::lock_guard lk(inline_mu_);
    std::deque<std::unique_ptr<detail::StoreOp>> one;
    one.push_back(std::move(op));
    process(one);
    failures_->drain();
    return;
  }
  cv_.notify_one();
}

void Store::writer_loop() {
  std::deque<std::unique_ptr<detail::StoreOp>> batch;
  for (;;) {
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping and everything committed
      const std::size_t n = std::min(queue_.size(), options_.max_batch);
      auto end = queue_.begin() + static_cast<std::ptrdiff_t>(n);
      std::move(queue_.begin(), end, std::back_inserter(batch));
      queue_.erase(queue_.begin(), end);
    }
    process(batch);
    batch.clear();
  }
}

void Store::process(std::deque<std::unique_ptr<detail::StoreOp>>& batch) {
  std::size_t i = 0;
  while (i < batch.size()) {
    if (!batch[i]->is_write()) {
      batch[i]->run(*repo_);
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < batch.size() && batch[j]->is_write()) ++j;
    write_group(batch, i, j);
    i = j;
  }
}

// begin()/commit() with retries while another connection holds the lock. Sleeping is fine here:
// this is the writer thread, never the event loop.
bool Store::retry_busy(Result<void> (Repo::*step)()) {
  std::chrono::milliseconds backoff{1};
  for (int attempt = 0;; ++attempt) {
    if ((*repo_.*step)()) return true;
    if (!repo_->last_error_busy() || attempt >= options_.max_busy_retries) return false;
    busy_retries_.fetch_add(1, std::memory_order_relaxed);
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, options_.busy_backoff_max);
  }
}

void Store::write_group(std::deque<std::unique_ptr<detail::StoreOp>>& batch, std::size_t begin, std::size_t end) {
  struct Failed {
    std::size_t index;
    std::string error;
  };
  std::vector<Failed> failed;
  if (!retry_busy(&Repo::begin)) {
    // The lock stayed taken through every retry (minutes): replaying row by row would wait that
    // long per row. The rows go to the log instead (store.write_failed carries each one).
    const std::string error = repo_->last_error();
    for (std::size_t k = begin; k < end; ++k) report_failure(*batch[k], error);
    return;
  }
  bool intact = true;
  for (std::size_t k = begin; k < end && intact; ++k) {
    if (batch[k]->apply(*repo_)) continue;
    // A constraint error undoes only its statement; disk errors can undo the whole transaction.
    if (repo_->in_transaction())
      failed.push_back({k, repo_->last_error()});
    else
      intact = false;
  }
  intact = intact && retry_busy(&Repo::commit);
  if (intact) {
    batches_.fetch_add(1, std::memory_order_relaxed);
    std::size_t f = 0;
    for (std::size_t k = begin; k < end; ++k) {
      if (f < failed.size() && failed[f].index == k) {
        report_failure(*batch[k], failed[f++].error);
        continue;
      }
      batch[k]->committed(*this);
      written_.fetch_add(1, std::memory_order_relaxed);
    }
    return;
  }
  // The batch could not be committed as a whole: replay each row in its own transaction so one
  // bad row (or a transient disk error) costs only itself.
  repo_->rollback();
  for (std::size_t k = begin; k < end; ++k) {
    if (!retry_busy(&Repo::begin)) {
      report_failure(*batch[k], repo_->last_error());
      continue;
    }
    if (!batch[k]->apply(*repo_) || !retry_busy(&Repo::commit)) {
      const std::string error = repo_->last_error();
      repo_->rollback();
      report_failure(*batch[k], error);
      continue;
    }
    batches_.fetch_add(1, std::memory_order_relaxed);
    batch[k]->committed(*this);
    written_.fetch_add(1, std::memory_order_relaxed);
  }
}

void Store::report_failure(const detail::StoreOp& op, const std::string& error) {
  write_failed_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lk(failures_->mu);
    failures_->entries.push_back({std::string(op.table()), error, op.row()});
  }
  boost::asio::post(executor_, [f = failures_] { f->drain(); });
}

// ---- writes ----

void Store::append(const OrderUpdate& update) {
  enqueue(make_write("order_events", update,
                     [](Repo& r, const OrderUpdate& u, bool&) { return r.append_order_update(u); }));
}

void Store::record(const OrderRecord& order) {
  enqueue(make_write("orders", order, [](Repo& r, const OrderRecord& o, bool&) { return r.upsert_order(o); }));
}

void Store::append(const Fill& fill) {
  enqueue(make_write("fills", fill,
                     [](Repo& r, const Fill& f, bool& inserted) { return note_inserted(r.insert_fill(f), inserted); }));
}

void Store::append(const FundingPayment& payment) { append(FundingRecord::from(payment)); }

void Store::append(const FundingRecord& funding) {
  enqueue(make_write("funding_events", funding, [](Repo& r, const FundingRecord& f, bool& inserted) {
    return note_inserted(r.insert_funding(f), inserted);
  }));
}

void Store::append(const PositionSnapshotRecord& snapshot) {
  enqueue(make_write("position_snapshots", snapshot,
                     [](Repo& r, const PositionSnapshotRecord& p, bool&) { return r.insert_position_snapshot(p); }));
}

void Store::append(const DailyPnlRecord& row) {
  enqueue(make_write("daily_pnl", row, [](Repo& r, const DailyPnlRecord& d, bool&) { return r.upsert_daily_pnl(d); }));
}

void Store::append(const DecisionRecord& decision) {
  enqueue(
      make_write("decisions", decision, [](Repo& r, const DecisionRecord& d, bool&) { return r.insert_decision(d); }));
}

void Store::put_kv(std::string key, std::string value, UnixNanos ts) {
  enqueue(make_write("kv", KvRow{std::move(key), std::move(value), ts},
                     [](Repo& r, const KvRow& kv, bool&) { return r.put_kv(kv.key, kv.value, kv.ts); }));
}

void Store::put_kill_switch(const KillSwitchRecord& state) {
  enqueue(make_write("kv", state, [](Repo& r, const KillSwitchRecord& k, bool&) { return r.put_kill_switch(k); }));
}

// ---- awaitables ----

boost::asio::awaitable<Result<void>> Store::flush() {
  return run([](Repo&) -> Result<void> { return {}; });
}

boost::asio::awaitable<Result<std::vector<OrderRecord>>> Store::open_orders() {
  return run([](Repo& r) { return r.open_orders(); });
}

boost::asio::awaitable<Result<std::optional<OrderRecord>>> Store::order(std::string client_oid) {
  return run([oid = std::move(client_oid)](Repo& r) { return r.order(oid); });
}

boost::asio::awaitable<Result<std::vector<PositionSnapshotRecord>>> Store::last_positions() {
  return run([](Repo& r) { return r.last_positions(); });
}

boost::asio::awaitable<Result<std::vector<FillRecord>>> Store::fills_since(UnixNanos since) {
  return run([since](Repo& r) { return r.fills_since(since); });
}

boost::asio::awaitable<Result<std::vector<FundingRecord>>> Store::funding_events(UnixNanos from, UnixNanos to) {
  return run([from, to](Repo& r) { return r.funding_events(from, to); });
}

boost::asio::awaitable<Result<std::vector<DailyPnlRecord>>> Store::daily_pnl(std::string from_date,
                                                                             std::string to_date) {
  return run([from = std::move(from_date), to = std::move(to_date)](Repo& r) { return r.daily_pnl(from, to); });
}

boost::asio::awaitable<Result<std::vector<DecisionRecord>>> Store::decisions_for_day(std::string date) {
  return run([d = std::move(date)](Repo& r) { return r.decisions_for_day(d); });
}

boost::asio::awaitable<Result<std::optional<KillSwitchRecord>>> Store::kill_switch() {
  return run([](Repo& r) { return r.kill_switch(); });
}

Result<void> Store::flush_sync() {
  return run_sync([](Repo&) -> Result<void> { return {}; });
}

StoreStats Store::stats() const {
  StoreStats s;
  s.queued = queued_.load(std::memory_order_relaxed);
  s.written = written_.load(std::memory_order_relaxed);
  s.write_failed = write_failed_.load(std::memory_order_relaxed);
  s.duplicate_fills = duplicate_fills_.load(std::memory_order_relaxed);
  s.duplicate_funding = duplicate_funding_.load(std::memory_order_relaxed);
  s.batches = batches_.load(std::memory_order_relaxed);
  s.busy_retries = busy_retries_.load(std::memory_order_relaxed);
  std::lock_guard lk(mu_);
  s.queue_depth = queue_.size();
  return s;
}

}  // namespace carry::store
