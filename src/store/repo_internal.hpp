#pragma once
// What the repository's source files share (repo.cpp, repo_orders.cpp, repo_fills.cpp,
// repo_funding.cpp, repo_kv.cpp, repo_reports.cpp): statement binding, column readers, the query
// helpers, and Repo::Impl (the connection and its cached statements).
#include <carry/store/repo.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <array>
#include <concepts>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace carry::store {
namespace detail {

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

inline void put(SQLite::Statement& s, int i, Decimal d) { s.bind(i, d.to_string()); }
inline void put(SQLite::Statement& s, int i, const std::optional<Decimal>& d) {
  if (d)
    s.bind(i, d->to_string());
  else
    s.bind(i);  // NULL
}
inline void put(SQLite::Statement& s, int i, std::string_view v) { s.bind(i, std::string(v)); }
inline void put(SQLite::Statement& s, int i, UnixNanos t) { s.bind(i, static_cast<std::int64_t>(t.ns)); }
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
inline constexpr std::array kMarkets{MarketType::Spot, MarketType::Perp};
inline constexpr std::array kSides{Side::Buy, Side::Sell};
inline constexpr std::array kTypes{OrderType::Limit, OrderType::Market};
inline constexpr std::array kTifs{TimeInForce::Gtc, TimeInForce::PostOnly, TimeInForce::Ioc, TimeInForce::Fok};
inline constexpr std::array kStatuses{
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

inline constexpr const char* kOrderColumns =
    "client_oid, order_id, symbol, market, side, type, tif, price, size, filled_size, avg_price, "
    "status, reduce_only, reason, created_ns, updated_ns";

inline constexpr const char* kFillColumns =
    "id, market, trade_id, symbol, client_oid, order_id, side, price, size, fee, fee_coin, maker, "
    "ts_event_ns, ts_init_ns";

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

// A "YYYY-MM-DD" string (digits in place; the calendar is not checked).
inline bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9')) return false;
  return true;
}

}  // namespace detail

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

  Impl(const std::filesystem::path& f, RepoOptions o);  // repo.cpp: opens, migrates, prepares
  static SQLite::Database open(const std::filesystem::path& f, RepoOptions o);

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
    } catch (const detail::BadRow& e) {
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
    detail::Use s(stmt);
    detail::bind_all(*s, args...);
    return s->exec();
  }

  // An OrderRecord (created/updated) and an OrderUpdate (ts_event/ts_init) bind the same columns.
  template <class O>
  static int run_order(SQLite::Statement& stmt, const O& o, UnixNanos first, UnixNanos second) {
    return run(stmt, o.client_oid, o.order_id, o.symbol, to_string(o.market), to_string(o.side), to_string(o.type),
               to_string(o.tif), o.price, o.size, o.filled_size, o.avg_price, to_string(o.status), o.reduce_only,
               o.reason, first, second);
  }

  void do_upsert_order(const OrderRecord& o);  // repo_orders.cpp
  // The kv table (repo_kv.cpp); do_counter throws BadRow for a value that is not a counter.
  std::optional<std::string> do_get_kv(std::string_view key);
  void do_put_kv(std::string_view key, std::string_view value, UnixNanos ts);
  std::uint64_t do_counter(std::string_view key);

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

}  // namespace carry::store
