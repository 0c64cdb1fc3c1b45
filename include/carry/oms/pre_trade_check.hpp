#pragma once
// Hook through which risk::RiskEngine (limits, kill switch) sees every order the OMS is about to
// send. Declared here so the OMS does not depend on the risk module.
#include <carry/core/venue.hpp>

#include <optional>
#include <string>

namespace carry::oms {

struct PreTradeContext {
  const Instrument* instrument = nullptr;
  std::optional<Decimal> bid, ask;  // latest BBO of the order's market, when known
  Decimal position;                 // current signed position of that leg
  bool reducing = false;            // the order only brings the leg closer to flat
  bool amend = false;               // a replacement of a resting order
  bool adds = true;                 // false for an amend that does not increase the resting size
};

class PreTradeCheck {
 public:
  virtual ~PreTradeCheck() = default;
  // nullopt: allowed. Otherwise the reason for the refusal; the checker reports its own event.
  virtual std::optional<std::string> check(const PlaceOrderRequest& req, const PreTradeContext& ctx) = 0;
};

}  // namespace carry::oms
