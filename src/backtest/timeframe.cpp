#include <carry/backtest/timeframe.hpp>

namespace carry::backtest {

std::string_view to_string(Timeframe tf) noexcept {
  switch (tf) {
    case Timeframe::Tick:
      return "bbo";
    case Timeframe::Minute1:
      return "1m";
    case Timeframe::Hour1:
      return "1h";
  }
  return "?";
}

std::optional<Timeframe> parse_timeframe(std::string_view token) noexcept {
  if (token == "bbo") return Timeframe::Tick;
  if (token == "1m") return Timeframe::Minute1;
  if (token == "1h") return Timeframe::Hour1;
  return std::nullopt;
}

std::int64_t interval_ms(Timeframe tf) noexcept {
  switch (tf) {
    case Timeframe::Tick:
      return 0;
    case Timeframe::Minute1:
      return 60'000;
    case Timeframe::Hour1:
      return 3'600'000;
  }
  return 0;
}

}  // namespace carry::backtest
