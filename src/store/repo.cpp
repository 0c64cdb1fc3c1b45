// store::Repo: opening (WAL, migrations, the cached statements), transactions and row counts. The
// tables' writes and queries are in repo_orders.cpp, repo_fills.cpp, repo_funding.cpp, repo_kv.cpp
// and repo_reports.cpp; what they share in repo_internal.hpp.
#include "repo_internal.hpp"

#include "schema.hpp"

namespace carry::store {

using namespace detail;

Repo::Impl::Impl(const std::filesystem::path& f, RepoOptions o)
    : file(f),
      options(o),
      db(open(f, o)),
      upsert_order(db,
                   std::string("INSERT INTO orders (") + kOrderColumns +
                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
                       "ON CONFLICT (client_oid) DO UPDATE SET "
                       // an update without an order id (e.g. a local status) keeps the known one
                       "order_id = CASE WHEN excluded.order_id <> '' THEN excluded.order_id ELSE orders.order_id END, "
                       "symbol = excluded.symbol, market = excluded.market, side = excluded.side, "
                       "type = excluded.type, tif = excluded.tif, price = excluded.price, size = excluded.size, "
                       "filled_size = excluded.filled_size, avg_price = excluded.avg_price, "
                       "status = excluded.status, reduce_only = excluded.reduce_only, reason = excluded.reason, "
                       "updated_ns = excluded.updated_ns"),
      insert_order_event(db,
                         "INSERT INTO order_events (client_oid, order_id, symbol, market, side, type, tif, price, "
                         "size, filled_size, avg_price, status, reduce_only, reason, ts_event_ns, ts_init_ns) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"),
      insert_fill(db,
                  "INSERT OR IGNORE INTO fills (market, trade_id, symbol, client_oid, order_id, side, price, "
                  "size, fee, fee_coin, maker, ts_event_ns, ts_init_ns) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
      insert_funding(db,
                     "INSERT OR IGNORE INTO funding_events (symbol, ts_ns, rate, position_size, mark_price, "
                     "amount, ts_init_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
      insert_position(db,
                      "INSERT INTO position_snapshots (ts_ns, symbol, market, size, entry_price, mark_price, "
                      "unrealized_pnl) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
      upsert_pnl(db,
                 "INSERT INTO daily_pnl (date, symbol, funding, fees, basis_pnl, realized_pnl, net_pnl, "
                 "updated_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (date, symbol) DO UPDATE SET "
                 "funding = excluded.funding, fees = excluded.fees, basis_pnl = excluded.basis_pnl, "
                 "realized_pnl = excluded.realized_pnl, net_pnl = excluded.net_pnl, "
                 "updated_ns = excluded.updated_ns"),
      insert_decision(db, "INSERT INTO decisions (ts_ns, symbol, kind, reason, numbers) VALUES (?1, ?2, ?3, ?4, ?5)"),
      put_kv(db,
             "INSERT INTO kv (key, value, updated_ns) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET "
             "value = excluded.value, updated_ns = excluded.updated_ns"),
      get_kv(db, "SELECT value FROM kv WHERE key = ?1"),
      get_order(db, std::string("SELECT ") + kOrderColumns + " FROM orders WHERE client_oid = ?1"),
      open_orders(db, std::string("SELECT ") + kOrderColumns +
                          " FROM orders WHERE status NOT IN ('filled', 'canceled', 'rejected', 'expired') "
                          "ORDER BY created_ns, client_oid"),
      order_events(db,
                   "SELECT id, client_oid, order_id, symbol, market, side, type, tif, price, size, filled_size, "
                   "avg_price, status, reduce_only, reason, ts_event_ns, ts_init_ns FROM order_events "
                   "WHERE client_oid = ?1 ORDER BY id"),
      // SQLite takes the bare columns from the row holding MAX(ts_ns): the latest per key.
      last_positions(db,
                     "SELECT ts_ns, symbol, market, size, entry_price, mark_price, unrealized_pnl, MAX(ts_ns) "
                     "FROM position_snapshots WHERE ts_ns < ?1 GROUP BY symbol, market ORDER BY symbol, market"),
      fills_between(db, std::string("SELECT ") + kFillColumns +
                            " FROM fills WHERE ts_event_ns >= ?1 AND ts_event_ns < ?2 ORDER BY ts_event_ns, id"),
      funding_between(db,
                      "SELECT symbol, ts_ns, rate, position_size, mark_price, amount, ts_init_ns FROM "
                      "funding_events WHERE ts_ns >= ?1 AND ts_ns < ?2 ORDER BY ts_ns, symbol"),
      daily_pnl(db,
                "SELECT date, symbol, funding, fees, basis_pnl, realized_pnl, net_pnl, updated_ns FROM daily_pnl "
                "WHERE date >= ?1 AND date <= ?2 ORDER BY date, symbol"),
      decisions_between(db,
                        "SELECT id, ts_ns, symbol, kind, reason, numbers FROM decisions "
                        "WHERE ts_ns >= ?1 AND ts_ns < ?2 ORDER BY ts_ns, id") {}

SQLite::Database Repo::Impl::open(const std::filesystem::path& f, RepoOptions o) {
  SQLite::Database db(f.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                      static_cast<int>(o.busy_timeout.count()));
  // journal_mode answers with the mode in force; anything but "wal" (e.g. a read-only medium)
  // would silently lose the writer/reader concurrency the design relies on.
  std::string mode;
  {
    SQLite::Statement jm(db, "PRAGMA journal_mode = WAL");
    jm.executeStep();
    mode = jm.getColumn(0).getString();
  }
  if (mode != "wal") throw std::runtime_error("journal_mode is '" + mode + "', WAL required");
  db.exec(o.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  migrate(db);
  return db;
}

Repo::Repo(const std::filesystem::path& file, RepoOptions options) {
  try {
    impl_ = std::make_unique<Impl>(file, options);
  } catch (const std::exception& e) {
    throw std::runtime_error("store: cannot open " + file.string() + ": " + e.what());
  }
}

Repo::~Repo() = default;

const std::filesystem::path& Repo::file() const noexcept { return impl_->file; }

int Repo::schema_version() {
  SQLite::Statement q(impl_->db, "PRAGMA user_version");
  q.executeStep();
  return q.getColumn(0).getInt();
}

std::string Repo::journal_mode() {
  SQLite::Statement q(impl_->db, "PRAGMA journal_mode");
  q.executeStep();
  return q.getColumn(0).getString();
}

Result<void> Repo::begin() {
  return impl_->guarded([&]() -> Result<void> {
    impl_->db.exec("BEGIN IMMEDIATE");
    return {};
  });
}

Result<void> Repo::commit() {
  return impl_->guarded([&]() -> Result<void> {
    impl_->db.exec("COMMIT");
    return {};
  });
}

void Repo::rollback() noexcept {
  if (in_transaction()) impl_->db.tryExec("ROLLBACK");
}

bool Repo::in_transaction() const noexcept { return sqlite3_get_autocommit(impl_->db.getHandle()) == 0; }

Result<std::int64_t> Repo::count_rows(std::string_view table) {
  static constexpr std::array<std::string_view, 8> kTables{
      "orders", "order_events", "fills", "funding_events", "position_snapshots", "daily_pnl", "decisions", "kv"};
  bool known = false;
  for (auto t : kTables) known = known || t == table;
  if (!known) {
    impl_->fail("unknown table '" + std::string(table) + "'", false);
    return make_error_code(Errc::invalid_argument);
  }
  return impl_->guarded([&]() -> Result<std::int64_t> {
    SQLite::Statement q(impl_->db, "SELECT COUNT(*) FROM " + std::string(table));
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

const std::string& Repo::last_error() const noexcept { return impl_->last_error; }
bool Repo::last_error_busy() const noexcept { return impl_->last_busy; }

Result<std::pair<UnixNanos, UnixNanos>> utc_day_bounds(std::string_view date) {
  if (!valid_date(date)) return make_error_code(Errc::invalid_argument);
  auto start = UnixNanos::parse_rfc3339(date);
  if (!start) return start.error();
  return std::pair{*start, *start + std::chrono::hours(24)};
}

std::string utc_date(UnixNanos t) { return t.to_rfc3339().substr(0, 10); }

}  // namespace carry::store
