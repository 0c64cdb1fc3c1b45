#include "schema.hpp"

#include <carry/store/repo.hpp>

#include <SQLiteCpp/Statement.h>

#include <array>
#include <stdexcept>
#include <string>

namespace carry::store {
namespace {

// Never edit a migration once released: add a new one. Timestamps are INTEGER ns since the epoch
// (UTC); decimals TEXT (exact); enums their lower-case names.
constexpr std::array kMigrations{
    Migration{1, R"sql(
CREATE TABLE orders (
  client_oid  TEXT PRIMARY KEY,
  order_id    TEXT NOT NULL DEFAULT '',
  symbol      TEXT NOT NULL,
  market      TEXT NOT NULL,
  side        TEXT NOT NULL,
  type        TEXT NOT NULL,
  tif         TEXT NOT NULL,
  price       TEXT,
  size        TEXT NOT NULL,
  filled_size TEXT NOT NULL,
  avg_price   TEXT,
  status      TEXT NOT NULL,
  reduce_only INTEGER NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  created_ns  INTEGER NOT NULL,
  updated_ns  INTEGER NOT NULL
);
CREATE TABLE order_events (
  id          INTEGER PRIMARY KEY,
  client_oid  TEXT NOT NULL,
  order_id    TEXT NOT NULL,
  symbol      TEXT NOT NULL,
  market      TEXT NOT NULL,
  side        TEXT NOT NULL,
  type        TEXT NOT NULL,
  tif         TEXT NOT NULL,
  price       TEXT,
  size        TEXT NOT NULL,
  filled_size TEXT NOT NULL,
  avg_price   TEXT,
  status      TEXT NOT NULL,
  reduce_only INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  ts_event_ns INTEGER NOT NULL,
  ts_init_ns  INTEGER NOT NULL
);
CREATE TABLE fills (
  id          INTEGER PRIMARY KEY,
  market      TEXT NOT NULL,
  trade_id    TEXT NOT NULL,
  symbol      TEXT NOT NULL,
  client_oid  TEXT NOT NULL,
  order_id    TEXT NOT NULL,
  side        TEXT NOT NULL,
  price       TEXT NOT NULL,
  size        TEXT NOT NULL,
  fee         TEXT NOT NULL,
  fee_coin    TEXT NOT NULL,
  maker       INTEGER NOT NULL,
  ts_event_ns INTEGER NOT NULL,
  ts_init_ns  INTEGER NOT NULL,
  UNIQUE (market, trade_id)
);
CREATE TABLE funding_events (
  id            INTEGER PRIMARY KEY,
  symbol        TEXT NOT NULL,
  ts_ns         INTEGER NOT NULL,
  rate          TEXT,
  position_size TEXT,
  mark_price    TEXT,
  amount        TEXT NOT NULL,
  ts_init_ns    INTEGER NOT NULL,
  UNIQUE (symbol, ts_ns)
);
CREATE TABLE position_snapshots (
  id             INTEGER PRIMARY KEY,
  ts_ns          INTEGER NOT NULL,
  symbol         TEXT NOT NULL,
  market         TEXT NOT NULL,
  size           TEXT NOT NULL,
  entry_price    TEXT,
  mark_price     TEXT,
  unrealized_pnl TEXT NOT NULL
);
CREATE TABLE daily_pnl (
  date         TEXT NOT NULL,
  symbol       TEXT NOT NULL,
  funding      TEXT NOT NULL,
  fees         TEXT NOT NULL,
  basis_pnl    TEXT NOT NULL,
  realized_pnl TEXT NOT NULL,
  net_pnl      TEXT NOT NULL,
  updated_ns   INTEGER NOT NULL,
  PRIMARY KEY (date, symbol)
);
CREATE TABLE decisions (
  id      INTEGER PRIMARY KEY,
  ts_ns   INTEGER NOT NULL,
  symbol  TEXT NOT NULL,
  kind    TEXT NOT NULL,
  reason  TEXT NOT NULL,
  numbers TEXT NOT NULL
);
CREATE TABLE kv (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_ns INTEGER NOT NULL
);
)sql"},
    Migration{2, R"sql(
CREATE INDEX orders_by_status ON orders (status);
CREATE INDEX order_events_by_client_oid ON order_events (client_oid, id);
CREATE INDEX fills_by_ts ON fills (ts_event_ns);
CREATE INDEX funding_events_by_ts ON funding_events (ts_ns);
CREATE INDEX position_snapshots_by_key ON position_snapshots (symbol, market, ts_ns);
CREATE INDEX decisions_by_ts ON decisions (ts_ns);
)sql"},
};
static_assert(kMigrations.back().version == Repo::kSchemaVersion);

int user_version(SQLite::Database& db) {
  SQLite::Statement q(db, "PRAGMA user_version");
  q.executeStep();
  return q.getColumn(0).getInt();
}

}  // namespace

std::span<const Migration> migrations() noexcept { return kMigrations; }

void migrate(SQLite::Database& db) {
  db.exec("BEGIN IMMEDIATE");
  try {
    const int current = user_version(db);
    if (current > Repo::kSchemaVersion) {
      throw std::runtime_error("schema version " + std::to_string(current) + " is newer than this build supports (" +
                               std::to_string(Repo::kSchemaVersion) + ")");
    }
    for (const Migration& m : kMigrations) {
      if (m.version <= current) continue;
      try {
        db.exec(m.sql);
        db.exec("PRAGMA user_version = " + std::to_string(m.version));
      } catch (const std::exception& e) {
        throw std::runtime_error("migration " + std::to_string(m.version) + " failed: " + e.what());
      }
    }
    db.exec("COMMIT");
  } catch (...) {
    db.tryExec("ROLLBACK");
    throw;
  }
}

}  // namespace carry::store
