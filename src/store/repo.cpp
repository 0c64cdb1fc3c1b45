#include <carry/store/repo.hpp>

#include "schema.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <array>
#include <charconv>
#include <concepts>
#include <random>
#include <stdexcept>

namespace carry::store {
namespace {

// Stored data that does not decode (a hand-edited or corrupted row): reported, never defaulted.
struct BadRow : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Resets a cached statement on entry and exit so a SELECT never keeps a read transaction open
// (which would stall WAL checkpoints) and no binding leaks into the next use.
class Use {
 public:
  explicit Use(SQLite::Statement& s) : s_(s) {
    s_.tryReset();
    s_.clearBindings();
  }
  ~Use() { s_.tryReset(); }
  SQLite::Statement* operator->() const noexcept { return &s_; }
  SQLite::Statement& operator*() const noexcept { return s_; }

 private:
  SQLite::Statement& s_;
};

void put(SQLite::Statement& s, int i, Decimal d) { s.bind(i, d.to_string()); }
void put(SQLite::Statement& s, int i, const std::optional<Decimal>& d) {
  if (d)
    s.bind(i, d->to_string());
  else
    s.bind(i);  // NULL
}
void put(SQLite::Statement& s, int i, std::string_view v) { s.bind(i, std::string(v)); }
void put(SQLite::Statement& s, int i, UnixNanos t) { s.bind(i, static_cast<std::int64_t>(t.ns)); }
// Exactly bool: a pointer or a number must not pick this overload by conversion.
template <class B>
requires std::same_as<B, bool>
void put(SQLite::Statement& s, int i, B b) { s.bind(i, b ? 1 : 0); }

// Binds `args` to ?1, ?2, ... in order.
template <class... Args>
void bind_all(SQLite::Statement& s, const Args&... args) {
  int i = 0;
  (put(s, ++i, args), ...);
}

template <class E, std::size_t N>
E decode_enum(std::string_view text, const std::array<E, N>& all, const char* column) {
  for (E e : all)
    if (to_string(e) == text) return e;
  throw BadRow(std::string(column) + ": unknown value '" + std::string(text) + "'");
}
constexpr std::array kMarkets{MarketType::Spot, MarketType::Perp};
constexpr std::array kSides{Side::Buy, Side::Sell};
constexpr std::array kTypes{OrderType::Limit, OrderType::Market};
constexpr std::array kTifs{TimeInForce::Gtc, TimeInForce::PostOnly, TimeInForce::Ioc, TimeInForce::Fok};
constexpr std::array kStatuses{
    OrderStatus::New,    OrderStatus::Sent,     OrderStatus::Acked,    OrderStatus::PartiallyFilled,
    OrderStatus::Filled, OrderStatus::Canceled, OrderStatus::Rejected, OrderStatus::Expired,
    OrderStatus::Unknown};

// Column readers: the column name goes into the error so a bad row can be found.
struct Row {
  SQLite::Statement& s;
  const char* table;

  std::string text(int i) const { return s.getColumn(i).getString(); }
  std::int64_t i64(int i) const { return s.getColumn(i).getInt64(); }
  UnixNanos ts(int i) const { return UnixNanos{i64(i)}; }
  Decimal dec(int i) const {
    const std::string t = text(i);
    auto d = Decimal::parse(t);
    if (!d) throw BadRow(where(i) + ": '" + t + "' is not a decimal");
    return *d;
  }
  std::optional<Decimal> opt_dec(int i) const {
    if (s.getColumn(i).isNull()) return std::nullopt;
    return dec(i);
  }
  template <class E, std::size_t N>
  E enm(int i, const std::array<E, N>& all) const {
    return decode_enum(text(i), all, where(i).c_str());
  }
  std::string where(int i) const { return std::string(table) + "." + s.getColumnName(i); }
};

constexpr const char* kOrderColumns =
    "client_oid, order_id, symbol, market, side, type, tif, price, size, filled_size, avg_price, "
    "status, reduce_only, reason, created_ns, updated_ns";

// The order columns orders and order_events share (client_oid .. reason), from column `c` on;
// returns the column after them.
template <class O>
int read_order_columns(const Row& r, int c, O& o) {
  o.client_oid = r.text(c);
  o.order_id = r.text(c + 1);
  o.symbol = r.text(c + 2);
  o.market = r.enm(c + 3, kMarkets);
  o.side = r.enm(c + 4, kSides);
  o.type = r.enm(c + 5, kTypes);
  o.tif = r.enm(c + 6, kTifs);
  o.price = r.opt_dec(c + 7);
  o.size = r.dec(c + 8);
  o.filled_size = r.dec(c + 9);
  o.avg_price = r.opt_dec(c + 10);
  o.status = r.enm(c + 11, kStatuses);
  o.reduce_only = r.i64(c + 12) != 0;
  o.reason = r.text(c + 13);
  return c + 14;
}

OrderRecord read_order(const Row& r) {
  OrderRecord o;
  const int c = read_order_columns(r, 0, o);
  o.created = r.ts(c);
  o.updated = r.ts(c + 1);
  return o;
}

constexpr const char* kFillColumns =
    "id, market, trade_id, symbol, client_oid, order_id, side, price, size, fee, fee_coin, maker, "
    "ts_event_ns, ts_init_ns";

FillRecord read_fill(const Row& r) {
  FillRecord f;
  f.id = r.i64(0);
  f.fill.market = r.enm(1, kMarkets);
  f.fill.trade_id = r.text(2);
  f.fill.symbol = r.text(3);
  f.fill.client_oid = r.text(4);
  f.fill.order_id = r.text(5);
  f.fill.side = r.enm(6, kSides);
  f.fill.price = r.dec(7);
  f.fill.size = r.dec(8);
  f.fill.fee = r.dec(9);
  f.fill.fee_coin = r.text(10);
  f.fill.maker = r.i64(11) != 0;
  f.fill.ts_event = r.ts(12);
  f.fill.ts_init = r.ts(13);
  return f;
}

OrderEventRecord read_order_event(const Row& r) {
  OrderEventRecord e;
  e.id = r.i64(0);
  const int c = read_order_columns(r, 1, e.update);
  e.update.ts_event = r.ts(c);
  e.update.ts_init = r.ts(c + 1);
  return e;
}

PositionSnapshotRecord read_position(const Row& r) {
  PositionSnapshotRecord p;
  p.ts = r.ts(0);
  p.symbol = r.text(1);
  p.market = r.enm(2, kMarkets);
  p.size = r.dec(3);
  p.entry_price = r.opt_dec(4);
  p.mark_price = r.opt_dec(5);
  p.unrealized_pnl = r.dec(6);
  return p;
}

FundingRecord read_funding(const Row& r) {
  FundingRecord f;
  f.symbol = r.text(0);
  f.ts = r.ts(1);
  f.rate = r.opt_dec(2);
  f.position_size = r.opt_dec(3);
  f.mark_price = r.opt_dec(4);
  f.amount = r.dec(5);
  f.ts_init = r.ts(6);
  return f;
}

DailyPnlRecord read_daily_pnl(const Row& r) {
  DailyPnlRecord d;
  d.date = r.text(0);
  d.symbol = r.text(1);
  d.funding = r.dec(2);
  d.fees = r.dec(3);
  d.basis_pnl = r.dec(4);
  d.realized_pnl = r.dec(5);
  d.net_pnl = r.dec(6);
  d.updated = r.ts(7);
  return d;
}

DecisionRecord read_decision(const Row& r) {
  DecisionRecord d;
  d.id = r.i64(0);
  d.ts = r.ts(1);
  d.symbol = r.text(2);
  d.kind = r.text(3);
  d.reason = r.text(4);
  const std::string numbers = r.text(5);
  d.numbers = nlohmann::json::parse(numbers, nullptr, /*allow_exceptions=*/false);
  if (d.numbers.is_discarded()) throw BadRow("decisions.numbers (id " + std::to_string(d.id) + "): not JSON");
  return d;
}

// Every query: bind `args` to ?1, ?2, ... of a cached SELECT, step, and map each row of `table`
// with `read` (which throws BadRow for stored data that does not decode).
template <class Read, class... Args>
auto select_rows(SQLite::Statement& stmt, const char* table, Read read, const Args&... args) {
  Use s(stmt);
  bind_all(*s, args...);
  std::vector<std::invoke_result_t<Read&, const Row&>> out;
  while (s->executeStep()) out.push_back(read(Row{*s, table}));
  return out;
}

// select_rows for a query that matches at most one row.
template <class Read, class... Args>
auto select_one(SQLite::Statement& stmt, const char* table, Read read, const Args&... args) {
  Use s(stmt);
  bind_all(*s, args...);
  std::optional<std::invoke_result_t<Read&, const Row&>> out;
  if (s->executeStep()) out = read(Row{*s, table});
  return out;
}

Result<std::uint64_t> parse_counter(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return make_error_code(Errc::bad_payload);
  return v;
}

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9')) return false;
  return true;
}

}  // namespace

struct Repo::Impl {
  std::filesystem::path file;
  RepoOptions options;
  SystemClock system_clock;
  SQLite::Database db;
  std::string last_error;
  bool last_busy = false;

  SQLite::Statement upsert_order, insert_order_event, insert_fill, insert_funding, insert_position, upsert_pnl,
      insert_decision, put_kv, get_kv, get_order, open_orders, order_events, last_positions, fills_between,
      funding_between, daily_pnl, decisions_between;

  Impl(const std::filesystem::path& f, RepoOptions o)
      : file(f),
        options(o),
        db(open(f, o)),
        upsert_order(
            db, std::string("INSERT INTO orders (") + kOrderColumns +
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

  static SQLite::Database open(const std::filesystem::path& f, RepoOptions o) {
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

  UnixNanos now() const noexcept { return options.clock ? options.clock->now() : system_clock.now(); }

  void fail(const std::string& message, bool busy) {
    last_error = message;
    last_busy = busy;
  }

  // Runs `f`, turning exceptions into error values (SQLite failures: io; bad stored data:
  // bad_payload) and remembering the message for the caller's log.
  template <class F>
  auto guarded(F&& f) -> decltype(f()) {
    using R = decltype(f());
    const auto err = [](Errc e) { return R(boost::system::in_place_error, make_error_code(e)); };
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      const int code = e.getErrorCode();
      fail(e.what(), code == SQLITE_BUSY || code == SQLITE_LOCKED);
      return err(code == SQLITE_BUSY || code == SQLITE_LOCKED ? Errc::timeout : Errc::io);
    } catch (const BadRow& e) {
      fail(e.what(), false);
      return err(Errc::bad_payload);
    } catch (const std::exception& e) {
      fail(e.what(), false);
      return err(Errc::io);
    }
  }

  // Binds `args` to ?1, ?2, ... of a cached write statement and runs it; returns rows changed.
  template <class... Args>
  static int run(SQLite::Statement& stmt, const Args&... args) {
    Use s(stmt);
    bind_all(*s, args...);
    return s->exec();
  }

  // An OrderRecord (created/updated) and an OrderUpdate (ts_event/ts_init) bind the same columns.
  template <class O>
  static int run_order(SQLite::Statement& stmt, const O& o, UnixNanos first, UnixNanos second) {
    return run(stmt, o.client_oid, o.order_id, o.symbol, to_string(o.market), to_string(o.side), to_string(o.type),
               to_string(o.tif), o.price, o.size, o.filled_size, o.avg_price, to_string(o.status), o.reduce_only,
               o.reason, first, second);
  }

  void do_upsert_order(const OrderRecord& o) { run_order(upsert_order, o, o.created, o.updated); }

  std::optional<std::string> do_get_kv(std::string_view key) {
    return select_one(
        get_kv, "kv", [](const Row& r) { return r.text(0); }, key);
  }

  void do_put_kv(std::string_view key, std::string_view value, UnixNanos ts) { run(put_kv, key, value, ts); }

  std::uint64_t do_counter(std::string_view key) {
    const auto text = do_get_kv(key);
    if (!text) return 0;
    auto v = parse_counter(*text);
    if (!v) throw BadRow("kv." + std::string(key) + ": '" + *text + "' is not a counter");
    return *v;
  }

  // Runs `f` atomically: in its own transaction, or inside the caller's (the writer's batch) as a
  // savepoint, so a failure halfway leaves nothing of it behind either way.
  template <class F>
  auto in_txn(F&& f) -> decltype(f()) {
    const bool own = sqlite3_get_autocommit(db.getHandle()) != 0;
    db.exec(own ? "BEGIN IMMEDIATE" : "SAVEPOINT carry_op");
    try {
      auto r = f();
      db.exec(own ? "COMMIT" : "RELEASE carry_op");
      return r;
    } catch (...) {
      if (own) {
        db.tryExec("ROLLBACK");
      } else {
        db.tryExec("ROLLBACK TO carry_op");
        db.tryExec("RELEASE carry_op");
      }
      throw;
    }
  }
};

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

Result<void> Repo::upsert_order(const OrderRecord& order) {
  return impl_->guarded([&]() -> Result<void> {
    impl_->do_upsert_order(order);
    return {};
  });
}

Result<void> Repo::append_order_update(const OrderUpdate& update) {
  return impl_->guarded([&]() -> Result<void> {
    return impl_->in_txn([&]() -> Result<void> {
      impl_->do_upsert_order(OrderRecord::from(update));
      Impl::run_order(impl_->insert_order_event, update, update.ts_event, update.ts_init);
      return {};
    });
  });
}

Result<bool> Repo::insert_fill(const Fill& f) {
  return impl_->guarded([&]() -> Result<bool> {
    return Impl::run(impl_->insert_fill, to_string(f.market), f.trade_id, f.symbol, f.client_oid, f.order_id,
                     to_string(f.side), f.price, f.size, f.fee, f.fee_coin, f.maker, f.ts_event, f.ts_init) > 0;
  });
}

Result<bool> Repo::insert_funding(const FundingRecord& r) {
  return impl_->guarded([&]() -> Result<bool> {
    return Impl::run(impl_->insert_funding, r.symbol, r.ts, r.rate, r.position_size, r.mark_price, r.amount,
                     r.ts_init) > 0;
  });
}

Result<void> Repo::insert_position_snapshot(const PositionSnapshotRecord& p) {
  return impl_->guarded([&]() -> Result<void> {
    Impl::run(impl_->insert_position, p.ts, p.symbol, to_string(p.market), p.size, p.entry_price, p.mark_price,
              p.unrealized_pnl);
    return {};
  });
}

Result<void> Repo::upsert_daily_pnl(const DailyPnlRecord& r) {
  if (!valid_date(r.date)) {
    impl_->fail("daily_pnl.date: '" + r.date + "' is not YYYY-MM-DD", false);
    return make_error_code(Errc::invalid_argument);
  }
  return impl_->guarded([&]() -> Result<void> {
    Impl::run(impl_->upsert_pnl, r.date, r.symbol, r.funding, r.fees, r.basis_pnl, r.realized_pnl, r.net_pnl,
              r.updated);
    return {};
  });
}

Result<void> Repo::insert_decision(const DecisionRecord& d) {
  return impl_->guarded([&]() -> Result<void> {
    Impl::run(impl_->insert_decision, d.ts, d.symbol, d.kind, d.reason, d.numbers.dump());
    return {};
  });
}

Result<void> Repo::put_kv(std::string_view key, std::string_view value, UnixNanos ts) {
  return impl_->guarded([&]() -> Result<void> {
    impl_->do_put_kv(key, value, ts);
    return {};
  });
}

Result<void> Repo::put_kill_switch(const KillSwitchRecord& state) {
  const nlohmann::json j{{"state", state.state}, {"reason", state.reason}, {"since_ns", state.since.ns}};
  return put_kv(kKillSwitchKey, j.dump(), state.since);
}

Result<std::uint64_t> Repo::reserve_client_ids(std::uint64_t n, std::string_view key) {
  return impl_->guarded([&]() -> Result<std::uint64_t> {
    return impl_->in_txn([&]() -> Result<std::uint64_t> {
      const std::uint64_t high = impl_->do_counter(key);
      impl_->do_put_kv(key, std::to_string(high + n), impl_->now());
      return high;
    });
  });
}

Result<void> Repo::persist_counter(std::uint64_t value, std::string_view key) {
  return impl_->guarded([&]() -> Result<void> {
    return impl_->in_txn([&]() -> Result<void> {
      if (value > impl_->do_counter(key)) impl_->do_put_kv(key, std::to_string(value), impl_->now());
      return {};
    });
  });
}

namespace {
std::string draw_instance_id() {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string id;
  for (std::size_t i = 0; i < Repo::kInstanceIdLength; ++i) id += kAlphabet[pick(rd)];
  return id;
}
}  // namespace

Result<std::string> Repo::instance_id() {
  return impl_->guarded([&]() -> Result<std::string> {
    return impl_->in_txn([&]() -> Result<std::string> {
      if (auto have = impl_->do_get_kv(kInstanceIdKey)) return *have;
      std::string id = draw_instance_id();
      impl_->do_put_kv(kInstanceIdKey, id, impl_->now());
      return id;
    });
  });
}

Result<std::uint64_t> Repo::counter(std::string_view key) {
  return impl_->guarded([&]() -> Result<std::uint64_t> { return impl_->do_counter(key); });
}

Result<std::optional<std::string>> Repo::get_kv(std::string_view key) {
  return impl_->guarded([&]() -> Result<std::optional<std::string>> { return impl_->do_get_kv(key); });
}

Result<std::optional<KillSwitchRecord>> Repo::kill_switch() {
  return impl_->guarded([&]() -> Result<std::optional<KillSwitchRecord>> {
    const auto text = impl_->do_get_kv(kKillSwitchKey);
    if (!text) return std::optional<KillSwitchRecord>{};
    const auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("state") || !j["state"].is_string() || !j.contains("since_ns") ||
        !j["since_ns"].is_number_integer())
      throw BadRow("kv.kill_switch: '" + *text + "' is not a kill-switch state");
    KillSwitchRecord r;
    r.state = j["state"].get<std::string>();
    r.reason = j.value("reason", std::string());
    r.since = UnixNanos{j["since_ns"].get<std::int64_t>()};
    return std::optional<KillSwitchRecord>(std::move(r));
  });
}

Result<std::optional<OrderRecord>> Repo::order(std::string_view client_oid) {
  return impl_->guarded([&]() -> Result<std::optional<OrderRecord>> {
    return select_one(impl_->get_order, "orders", read_order, client_oid);
  });
}

Result<std::vector<OrderRecord>> Repo::open_orders() {
  return impl_->guarded(
      [&]() -> Result<std::vector<OrderRecord>> { return select_rows(impl_->open_orders, "orders", read_order); });
}

Result<std::vector<OrderEventRecord>> Repo::order_events(std::string_view client_oid) {
  return impl_->guarded([&]() -> Result<std::vector<OrderEventRecord>> {
    return select_rows(impl_->order_events, "order_events", read_order_event, client_oid);
  });
}

Result<std::vector<PositionSnapshotRecord>> Repo::last_positions(std::optional<UnixNanos> before) {
  return impl_->guarded([&]() -> Result<std::vector<PositionSnapshotRecord>> {
    return select_rows(impl_->last_positions, "position_snapshots", read_position,
                       before.value_or(UnixNanos{std::numeric_limits<std::int64_t>::max()}));
  });
}

Result<std::vector<FillRecord>> Repo::fills_since(UnixNanos since) {
  return fills_between(since, UnixNanos{std::numeric_limits<std::int64_t>::max()});
}

Result<std::vector<FillRecord>> Repo::fills_between(UnixNanos from, UnixNanos to) {
  return impl_->guarded([&]() -> Result<std::vector<FillRecord>> {
    return select_rows(impl_->fills_between, "fills", read_fill, from, to);
  });
}

Result<std::vector<FundingRecord>> Repo::funding_events(UnixNanos from, UnixNanos to) {
  return impl_->guarded([&]() -> Result<std::vector<FundingRecord>> {
    return select_rows(impl_->funding_between, "funding_events", read_funding, from, to);
  });
}

Result<std::vector<DailyPnlRecord>> Repo::daily_pnl(std::string_view from_date, std::string_view to_date) {
  return impl_->guarded([&]() -> Result<std::vector<DailyPnlRecord>> {
    return select_rows(impl_->daily_pnl, "daily_pnl", read_daily_pnl, from_date, to_date);
  });
}

Result<std::vector<DecisionRecord>> Repo::decisions_for_day(std::string_view date) {
  const auto bounds = utc_day_bounds(date);
  if (!bounds) {
    impl_->fail("decisions date: '" + std::string(date) + "' is not YYYY-MM-DD", false);
    return bounds.error();
  }
  return impl_->guarded([&]() -> Result<std::vector<DecisionRecord>> {
    return select_rows(impl_->decisions_between, "decisions", read_decision, bounds->first, bounds->second);
  });
}

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
