#pragma once
// What an order is, as the strategy asks for it, the OMS tracks it, the venue is sent it and the
// store records it: one value type. Each of those types derives from it (so `o.symbol` reads the
// same everywhere) and copies it in one assignment, `to.spec() = from.spec()`, instead of field
// by field.
#include <carry/core/types.hpp>

#include <optional>
#include <string>

namespace carry {

struct OrderSpec {
  std::string symbol;
  MarketType market = MarketType::Spot;
  Side side = Side::Buy;
  OrderType type = OrderType::Limit;
  TimeInForce tif = TimeInForce::Gtc;
  std::optional<Decimal> price;  // limit price on the instrument's tick; absent for market orders
  Decimal size;                  // base coin, a multiple of the lot
  bool reduce_only = false;      // perp only (Bitget spot has no reduce-only)

  OrderSpec& spec() noexcept { return *this; }
  const OrderSpec& spec() const noexcept { return *this; }
  bool post_only() const noexcept { return tif == TimeInForce::PostOnly; }
  bool operator==(const OrderSpec&) const = default;
};

}  // namespace carry
