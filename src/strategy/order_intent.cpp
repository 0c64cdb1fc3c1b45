#include <carry/strategy/order_intent.hpp>

namespace carry::strategy {

std::string_view to_string(LegRole role) noexcept {
  switch (role) {
    case LegRole::Leader:
      return "leader";
    case LegRole::Follower:
      return "follower";
    case LegRole::Rebalance:
      return "rebalance";
    case LegRole::Flatten:
      return "flatten";
  }
  return "?";
}

std::string OrderIntent::tag() const {
  std::string t(to_string(role));
  if (!reason.empty()) {
    t += ':';
    t += reason;
  }
  return t;
}

}  // namespace carry::strategy
