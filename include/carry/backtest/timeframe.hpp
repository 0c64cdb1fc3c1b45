#pragma once
// Granularity of a price file: BBO ticks or 1-minute / 1-hour candles (finest first).
#include <cstdint>
#include <optional>
#include <string_view>

namespace carry::backtest {

enum class Timeframe : std::uint8_t { Tick, Minute1, Hour1 };

// File-name token: "bbo", "1m", "1h".
std::string_view to_string(Timeframe tf) noexcept;
std::optional<Timeframe> parse_timeframe(std::string_view token) noexcept;
// Candle interval in ms; 0 for ticks (no fixed interval).
std::int64_t interval_ms(Timeframe tf) noexcept;

}  // namespace carry::backtest
