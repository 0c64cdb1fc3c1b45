#pragma once
// Callbacks from the OMS to its owner (the strategy). Called synchronously; the listener may call
// back into the OrderManager (submit, cancel, amend).
#include <carry/core/events.hpp>
#include <carry/oms/order.hpp>

#include <string_view>

namespace carry::oms {

class OrderListener {
 public:
  virtual ~OrderListener() = default;
  virtual void on_order_update(const Order& order) {}
  virtual void on_fill(const Order& order, const Fill& fill) {}
  // The maker chaser stopped (limit reached); the order still rests and the strategy decides.
  virtual void on_chase_done(const Order& order, std::string_view reason) {}
};

}  // namespace carry::oms
