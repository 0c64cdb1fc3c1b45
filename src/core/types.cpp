#include <carry/core/types.hpp>

namespace carry {

std::string_view to_string(MarketType v) noexcept { return v == MarketType::Spot ? "spot" : "perp"; }
std::string_view to_string(Side v) noexcept { return v == Side::Buy ? "buy" : "sell"; }
std::string_view to_string(OrderType v) noexcept { return v == OrderType::Limit ? "limit" : "market"; }
std::string_view to_string(TimeInForce v) noexcept {
  switch (v) {
    case TimeInForce::Gtc:
      return "gtc";
    case TimeInForce::PostOnly:
      return "post_only";
    case TimeInForce::Ioc:
      return "ioc";
    case TimeInForce::Fok:
      return "fok";
  }
  return "?";
}
std::string_view to_string(PositionSide v) noexcept {
  switch (v) {
    case PositionSide::Long:
      return "long";
    case PositionSide::Short:
      return "short";
    case PositionSide::Net:
      return "net";
  }
  return "?";
}
std::string_view to_string(OrderStatus v) noexcept {
  switch (v) {
    case OrderStatus::New:
      return "new";
    case OrderStatus::Sent:
      return "sent";
    case OrderStatus::Acked:
      return "acked";
    case OrderStatus::PartiallyFilled:
      return "partially_filled";
    case OrderStatus::Filled:
      return "filled";
    case OrderStatus::Canceled:
      return "canceled";
    case OrderStatus::Rejected:
      return "rejected";
    case OrderStatus::Expired:
      return "expired";
    case OrderStatus::Unknown:
      return "unknown";
  }
  return "?";
}

bool is_terminal(OrderStatus s) noexcept {
  return s == OrderStatus::Filled || s == OrderStatus::Canceled || s == OrderStatus::Rejected ||
         s == OrderStatus::Expired;
}

}  // namespace carry

#include <carry/core/event_sink.hpp>

namespace carry {
std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::Trace:
      return "trace";
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warn:
      return "warn";
    case LogLevel::Error:
      return "error";
    case LogLevel::Critical:
      return "critical";
  }
  return "?";
}
}  // namespace carry
