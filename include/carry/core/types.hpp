#pragma once
// Trading value types shared by every module (nautilus-style: explicit enums, fixed-point values).
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace carry {

enum class MarketType : std::uint8_t { Spot, Perp };
enum class Side : std::uint8_t { Buy, Sell };
enum class OrderType : std::uint8_t { Limit, Market };
enum class TimeInForce : std::uint8_t { Gtc, PostOnly, Ioc, Fok };
enum class PositionSide : std::uint8_t { Long, Short, Net };

// Order lifecycle as the OMS tracks it. The venue reports a subset (Acked = "live" on Bitget).
enum class OrderStatus : std::uint8_t {
  New,    // created locally, not sent
  Sent,   // request on the wire
  Acked,  // the venue accepted it and it rests
  PartiallyFilled,
  Filled,
  Canceled,
  Rejected,
  Expired,
  Unknown,  // sent, outcome not known (timeout): resolve by client id before any resend
};

std::string_view to_string(MarketType v) noexcept;
std::string_view to_string(Side v) noexcept;
std::string_view to_string(OrderType v) noexcept;
std::string_view to_string(TimeInForce v) noexcept;
std::string_view to_string(PositionSide v) noexcept;
std::string_view to_string(OrderStatus v) noexcept;
bool is_terminal(OrderStatus s) noexcept;
constexpr Side opposite(Side s) noexcept { return s == Side::Buy ? Side::Sell : Side::Buy; }

// Static trading rules of one instrument (spot symbol or USDT-M perpetual).
struct Instrument {
  std::string symbol;  // "BTCUSDT" (same string on spot and perp, separate namespaces)
  MarketType market = MarketType::Spot;
  std::string base_coin;   // "BTC"
  std::string quote_coin;  // "USDT"
  Decimal tick;            // price step
  Decimal lot;             // size step (base coin)
  Decimal min_size;        // minimum order size (base coin)
  Decimal min_notional;    // minimum order value (quote coin)
  Decimal maker_fee;       // fraction, e.g. 0.0002
  Decimal taker_fee;
  int price_decimals = 0;
  int size_decimals = 0;
  int funding_interval_hours = 0;  // perp only; 0 when unknown
  bool tradable = true;            // symbolStatus "normal" / status "online"
};

}  // namespace carry
