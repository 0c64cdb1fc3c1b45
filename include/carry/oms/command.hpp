#pragma once
// What the strategy asks of the OMS (SubmitRequest), what the OMS answers (SubmitResult) and what it
// asks of the I/O shell (Command). The shell executes each Command on a Venue and feeds the result
// back through OrderManager::on_*_result.
#include <carry/core/venue.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace carry::oms {

// Resolve an order by client id (Venue::order_by_client_oid); sent for Unknown outcomes and
// after a private stream reconnect.
struct QueryOrderRequest {
  std::string symbol;
  MarketType market = MarketType::Spot;
  std::string client_oid;
  // When known, the order is looked up by it: Bitget finds a spot order by clientOid only for 2 h.
  std::string order_id;
};

using Command = std::variant<PlaceOrderRequest, CancelOrderRequest, AmendOrderRequest, QueryOrderRequest>;

// What the engine asks the OMS to place (the strategy's intent with its label).
struct SubmitRequest : OrderSpec {
  bool chase = false;      // post-only limit only: follow the BBO (maker chaser)
  std::string client_oid;  // empty: a fresh id from the generator
  std::string tag;
};

enum class Guard : std::uint8_t {
  None,
  Invalid,         // malformed intent (unknown instrument, size/price off the grid ...)
  Idempotency,     // client id already used, or an Unknown order on the market is unresolved
  WsStale,         // private stream silent
  Cooldown,        // symbol paused after a reject burst
  PriceDeviation,  // too far from mid (or no mid to compare with)
  Risk,            // risk::RiskEngine (limits, kill switch)
};
std::string_view to_string(Guard g) noexcept;

struct SubmitResult {
  std::string client_oid;  // the accepted order's id
  Guard blocked_by = Guard::None;
  std::string reason;
  std::optional<Decimal> price;  // the price actually sent (after a post-only adjustment)

  bool accepted() const noexcept { return blocked_by == Guard::None; }
};

}  // namespace carry::oms
