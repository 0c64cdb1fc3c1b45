#pragma once
// Synchronous SQLite repository: one connection, the schema (migrated at open) and every write and
// query the daemon needs. Used directly at start-up and by the backtest, and by store::Store's
// writer thread (the only writer while the daemon runs). Not thread-safe: one thread per Repo.
//
// Conventions: decimals are exact TEXT, timestamps INTEGER nanoseconds since the Unix epoch (UTC),
// dates "YYYY-MM-DD" (UTC), enums their carry::to_string names. WAL journal mode always.
#include <carry/core/result.hpp>
#include <carry/store/records.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carry::store {

struct RepoOptions {
  // true: PRAGMA synchronous=FULL (each commit is fsynced: survives power loss); false: NORMAL
  // (survives a process crash; the backtest uses it for speed).
  bool durable = true;
  // How long SQLite itself waits for a lock held by another connection before SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{5000};
  // Stamps kv rows (updated_ns) written without an explicit time; nullptr = the system clock.
  // The backtest passes its simulated clock so its tables are reproducible.
  const Clock* clock = nullptr;
};

class Repo {
 public:
  static constexpr int kSchemaVersion = 2;
  static constexpr std::string_view kClientOidCounterKey = "client_oid_counter";
  static constexpr std::string_view kKillSwitchKey = "kill_switch";
  static constexpr std::string_view kInstanceIdKey = "instance_id";
  static constexpr std::size_t kInstanceIdLength = 5;

  // Opens (creating if needed) and migrates. Throws std::runtime_error naming the file and the
  // cause: a store that cannot open is a start-up error.
  explicit Repo(const std::filesystem::path& file, RepoOptions options = {});
  ~Repo();
  Repo(const Repo&) = delete;
  Repo& operator=(const Repo&) = delete;

  const std::filesystem::path& file() const noexcept;
  int schema_version();
  std::string journal_mode();

  // Explicit transactions (BEGIN IMMEDIATE: the write lock is taken up front, so statements inside
  // never meet SQLITE_BUSY; only begin() and commit() can).
  Result<void> begin();
  Result<void> commit();
  void rollback() noexcept;
  bool in_transaction() const noexcept;

  // ---- writes (autocommit unless inside begin()/commit()) ----
  Result<void> upsert_order(const OrderRecord& order);
  // Upserts `orders` and appends to `order_events`.
  Result<void> append_order_update(const OrderUpdate& update);
  // false: a fill with the same (market, trade_id) exists; nothing written.
  Result<bool> insert_fill(const Fill& fill);
  // false: this (symbol, ts) settlement exists; nothing written.
  Result<bool> insert_funding(const FundingRecord& funding);
  Result<void> insert_position_snapshot(const PositionSnapshotRecord& snapshot);
  Result<void> upsert_daily_pnl(const DailyPnlRecord& row);
  Result<void> insert_decision(const DecisionRecord& decision);
  Result<void> put_kv(std::string_view key, std::string_view value, UnixNanos ts);
  Result<void> put_kill_switch(const KillSwitchRecord& state);

  // Durable client-id counter (kv). reserve_client_ids returns the previous high-water mark h:
  // ids h+1..h+n are the caller's. persist_counter raises the mark to `value` (never lowers it).
  Result<std::uint64_t> reserve_client_ids(std::uint64_t n, std::string_view key = kClientOidCounterKey);
  Result<void> persist_counter(std::uint64_t value, std::string_view key = kClientOidCounterKey);
  Result<std::uint64_t> counter(std::string_view key = kClientOidCounterKey);

  // This store's identity on the account: kInstanceIdLength random [a-z0-9] characters drawn the
  // first time it is asked for, then the same forever. Client ids embed it, so orders placed from
  // another store (another Carry, a paper run) are foreign by construction.
  Result<std::string> instance_id();

  // ---- queries ----
  Result<std::optional<std::string>> get_kv(std::string_view key);
  Result<std::optional<KillSwitchRecord>> kill_switch();
  Result<std::optional<OrderRecord>> order(std::string_view client_oid);
  // Orders whose last known status is not terminal (includes New/Sent/Unknown: in flight).
  Result<std::vector<OrderRecord>> open_orders();
  Result<std::vector<OrderEventRecord>> order_events(std::string_view client_oid);
  // The latest snapshot per (symbol, market), optionally only those taken before `before`.
  Result<std::vector<PositionSnapshotRecord>> last_positions(std::optional<UnixNanos> before = {});
  // Fills with ts_event >= since, oldest first.
  Result<std::vector<FillRecord>> fills_since(UnixNanos since);
  // Fills with from <= ts_event < to, oldest first.
  Result<std::vector<FillRecord>> fills_between(UnixNanos from, UnixNanos to);
  // Funding settlements with from <= ts < to, oldest first.
  Result<std::vector<FundingRecord>> funding_events(UnixNanos from, UnixNanos to);
  // Rows with from_date <= date <= to_date ("YYYY-MM-DD"), by date then symbol.
  Result<std::vector<DailyPnlRecord>> daily_pnl(std::string_view from_date, std::string_view to_date);
  // Decisions taken on a UTC day ("YYYY-MM-DD"), oldest first.
  Result<std::vector<DecisionRecord>> decisions_for_day(std::string_view date);
  // Row count of one of the store's tables (operations and tests); unknown table: invalid_argument.
  Result<std::int64_t> count_rows(std::string_view table);

  // Message of the last failed call (SQLite's text, or which row/column held bad data).
  const std::string& last_error() const noexcept;
  // True when the last failure was SQLITE_BUSY/SQLITE_LOCKED (worth retrying).
  bool last_error_busy() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// [start, end) of a UTC day given as "YYYY-MM-DD"; invalid_argument for anything else.
Result<std::pair<UnixNanos, UnixNanos>> utc_day_bounds(std::string_view date);
// "YYYY-MM-DD" of the UTC day containing t.
std::string utc_date(UnixNanos t);

}  // namespace carry::store
