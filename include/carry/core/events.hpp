#pragma once
// Events flowing from a venue (real or simulated) into the engine. Every event carries ts_event
// (the exchange's time) and ts_init (when we received/created it).
#include <carry/core/order_spec.hpp>
#include <carry/core/types.hpp>

#include <string>
#include <variant>
#include <vector>

namespace carry {

// ---------- market data ----------
struct Bbo {
  std::string symbol;
  MarketType market = MarketType::Spot;
  Decimal bid_price, bid_size, ask_price, ask_size;
  UnixNanos ts_event, ts_init;

  Decimal mid() const { return Decimal::from_raw((bid_price.raw() + ask_price.raw()) / 2); }
};

struct TradeTick {
  std::string symbol;
  MarketType market = MarketType::Spot;
  Decimal price, size;
  Side aggressor = Side::Buy;
  std::string trade_id;
  UnixNanos ts_event, ts_init;
};

// Current funding state of a perpetual (REST current-fund-rate / funding-time or the WS ticker).
struct FundingRateUpdate {
  std::string symbol;
  Decimal rate;  // fraction per interval; positive: longs pay shorts
  UnixNanos next_settlement;
  int interval_hours = 0;
  std::optional<Decimal> mark_price, index_price;
  std::optional<Decimal> min_rate, max_rate;  // the venue's caps on the rate, when known
  UnixNanos ts_event, ts_init;
};

struct InstrumentUpdate {
  Instrument instrument;
  UnixNanos ts_event, ts_init;
};

using MarketEvent = std::variant<Bbo, TradeTick, FundingRateUpdate, InstrumentUpdate>;

// ---------- execution ----------
// The spec's size is in base coin (spot market buys: converted by the gateway).
struct OrderUpdate : OrderSpec {
  std::string client_oid;
  std::string order_id;
  Decimal filled_size;  // cumulative
  std::optional<Decimal> avg_price;
  OrderStatus status = OrderStatus::Acked;
  std::string reason;           // cancel/reject reason when the venue gives one
  UnixNanos ts_event, ts_init;  // ts_event = the venue's update time (uTime)
};

struct Fill {
  std::string symbol;
  MarketType market = MarketType::Spot;
  std::string client_oid;
  std::string order_id;
  std::string trade_id;  // unique per venue and market: duplicates are dropped
  Side side = Side::Buy;
  Decimal price, size;
  Decimal fee;  // positive = paid by us, negative = rebate
  std::string fee_coin;
  bool maker = false;
  UnixNanos ts_event, ts_init;
};

struct PositionUpdate {
  std::string symbol;
  PositionSide side = PositionSide::Net;
  Decimal size;  // signed: + long, - short (base coin)
  std::optional<Decimal> entry_price, mark_price;
  Decimal unrealized_pnl;
  UnixNanos ts_event, ts_init;
};

struct BalanceUpdate {
  MarketType account = MarketType::Spot;  // spot wallet or USDT-M futures account
  std::string coin;
  Decimal available, frozen;
  std::optional<Decimal> equity;
  UnixNanos ts_event, ts_init;
  // One wallet funds both markets (a Unified Trading Account): the same coin reported for the
  // spot wallet and the futures account is one sum of money, not two.
  bool shared = false;
};

// A funding settlement on a perp position (Bitget bill businessType contract_settle_fee).
struct FundingPayment {
  std::string symbol;
  Decimal amount;  // signed: + received, - paid (quote coin)
  std::optional<Decimal> rate, position_size, mark_price;
  UnixNanos ts_event, ts_init;
};

// A private stream came back after a gap: state must be reconciled from REST.
struct StreamReconnected {
  bool private_stream = true;
  UnixNanos ts_event, ts_init;
};

using ExecEvent = std::variant<OrderUpdate, Fill, PositionUpdate, BalanceUpdate, FundingPayment, StreamReconnected>;

}  // namespace carry
