#pragma once
// Typed rows of the store's tables, built from the core event types. Value structs only; the SQL
// lives in store::Repo. Decimals are stored as exact TEXT, timestamps as INTEGER nanoseconds since
// the Unix epoch (UTC), enums as the lower-case names of carry::to_string.
#include <carry/core/events.hpp>
#include <carry/core/venue.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace carry::store {

// Current state of one of our orders (table `orders`, keyed by client_oid).
struct OrderRecord : OrderSpec {
  std::string client_oid;
  std::string order_id;
  Decimal filled_size;
  std::optional<Decimal> avg_price;
  OrderStatus status = OrderStatus::New;
  std::string reason;
  UnixNanos created;  // first time the store saw this client_oid (kept on later upserts)
  UnixNanos updated;  // ts_event of the latest update (ts_init when the venue gave none)

  static OrderRecord from(const OrderUpdate& u);
  // An order about to be sent: recorded before the request goes out, so a crash in flight leaves
  // a row that start-up reconciliation resolves by client id.
  static OrderRecord from_request(const PlaceOrderRequest& r, OrderStatus status, UnixNanos ts);
  // Back to the venue's shape (e.g. to close a row the exchange never saw); times = `updated`.
  OrderUpdate as_update() const;
};

// One row of the append-only `order_events` table (every OrderUpdate as received).
struct OrderEventRecord {
  std::int64_t id = 0;  // assigned by SQLite
  OrderUpdate update;
};

// Table `fills`: unique per (market, trade_id); a duplicate is ignored and counted.
struct FillRecord {
  std::int64_t id = 0;
  Fill fill;
};

// Table `funding_events`: one settlement on a perp position, unique per (symbol, ts).
struct FundingRecord {
  std::string symbol;
  UnixNanos ts;                          // settlement time
  std::optional<Decimal> rate;           // fraction per interval
  std::optional<Decimal> position_size;  // signed base coin (+ long, - short)
  std::optional<Decimal> mark_price;
  Decimal amount;  // signed quote coin: + received, - paid
  UnixNanos ts_init;

  static FundingRecord from(const FundingPayment& p);
};

// Table `position_snapshots`: a position (perp) or holding (spot) at an instant.
struct PositionSnapshotRecord {
  UnixNanos ts;
  std::string symbol;
  MarketType market = MarketType::Perp;
  Decimal size;  // signed base coin
  std::optional<Decimal> entry_price, mark_price;
  Decimal unrealized_pnl;

  static PositionSnapshotRecord from(const PositionUpdate& p);  // a perp position
};

// Table `daily_pnl`: one row per UTC day and symbol (symbol "" = the account total), upserted.
struct DailyPnlRecord {
  std::string date;  // "YYYY-MM-DD" (UTC)
  std::string symbol;
  Decimal funding;    // + received
  Decimal fees;       // + paid
  Decimal basis_pnl;  // mark-to-market of both legs
  Decimal realized_pnl;
  Decimal net_pnl;  // funding - fees + basis + realized, as computed by the caller
  UnixNanos updated;
};

// Table `decisions`: one strategy decision with its numbers and reason.
struct DecisionRecord {
  std::int64_t id = 0;
  UnixNanos ts;
  std::string symbol;
  std::string kind;  // OPEN / CLOSE / REBALANCE / HOLD (the strategy's names)
  std::string reason;
  nlohmann::json numbers = nlohmann::json::object();  // stored as JSON text
};

// The kill switch's persisted state (kv key "kill_switch"); the state names belong to risk.
struct KillSwitchRecord {
  std::string state;  // e.g. "Active", "Reducing", "Halted"
  std::string reason;
  UnixNanos since;
};

// JSON forms (decimals as exact strings, times as ns integers): written to the JSONL log when a row
// could not be stored, so no data is lost even then, and used by reports.
nlohmann::json to_json(const OrderRecord& r);
nlohmann::json to_json(const OrderUpdate& u);
nlohmann::json to_json(const Fill& f);
nlohmann::json to_json(const FundingRecord& r);
nlohmann::json to_json(const PositionSnapshotRecord& r);
nlohmann::json to_json(const DailyPnlRecord& r);
nlohmann::json to_json(const DecisionRecord& r);
nlohmann::json to_json(const KillSwitchRecord& r);

}  // namespace carry::store
