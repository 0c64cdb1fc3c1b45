#pragma once
// What the strategy asks for. The daemon maps each OrderIntent one-to-one onto oms::SubmitRequest
// (same field names; `client_oid` is pre-assigned from the shared ClientOidGenerator so fills and
// updates can be matched back) and each CancelIntent onto OrderManager::cancel.
#include <carry/core/order_spec.hpp>
#include <carry/core/types.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace carry::strategy {

enum class LegRole : std::uint8_t {
  Leader,     // maker leg: post-only at the own touch, chased by the OMS
  Follower,   // taker leg: IOC that hedges each fill of the leader
  Rebalance,  // taker IOC that brings spot + perp back within the band
  Flatten,    // taker IOC that closes a leg (flatten_all, kill switch)
};
std::string_view to_string(LegRole role) noexcept;

// Spot sells carry no reduce-only (Bitget spot has none): they are sized from what we hold.
struct OrderIntent : OrderSpec {
  std::string client_oid;  // pre-assigned; the OMS must use it (it is unique forever)
  bool chase = false;      // leaders: let the OMS maker chaser follow the BBO
  LegRole role = LegRole::Leader;
  std::string reason;  // why: "open", "close", "follow", "rebalance", "flatten:<why>"

  // Label for oms::SubmitRequest::tag and the logs: "<role>:<reason>".
  std::string tag() const;
};

struct CancelIntent {
  std::string symbol;
  MarketType market = MarketType::Spot;
  std::string client_oid;
  std::string reason;
};

}  // namespace carry::strategy
