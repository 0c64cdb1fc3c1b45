#include <carry/oms/command.hpp>

namespace carry::oms {

std::string_view to_string(Guard g) noexcept {
  switch (g) {
    case Guard::None:
      return "none";
    case Guard::Invalid:
      return "invalid";
    case Guard::Idempotency:
      return "idempotency";
    case Guard::WsStale:
      return "ws_stale";
    case Guard::Cooldown:
      return "cooldown";
    case Guard::PriceDeviation:
      return "price_deviation";
    case Guard::Risk:
      return "risk";
  }
  return "?";
}

}  // namespace carry::oms
