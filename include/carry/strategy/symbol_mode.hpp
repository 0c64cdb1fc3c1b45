#pragma once
// What one symbol is doing, and the explicit table of the changes between modes. Every change
// goes through change_mode(), which checks it against the table.
#include <carry/core/event_sink.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace carry::strategy {

enum class SymbolMode : std::uint8_t {
  Flat,         // no position; may OPEN
  Opening,      // leader working toward the target, follower hedging each fill
  Open,         // hedged position held
  Closing,      // leader working toward zero, follower hedging
  Rebalancing,  // a taker order brings spot + perp back together
  Reducing,     // hedge deviation timed out: only reducing orders, never OPEN (sticky)
  Flattening,   // flatten_all: taker orders close both legs (sticky)
};
inline constexpr std::size_t kSymbolModeCount = 7;
std::string_view to_string(SymbolMode mode) noexcept;

// True when a symbol may move from `from` to `to`. Reducing and Flattening are sticky: only
// reset_symbol (to Flat or Open) and, from Reducing, flatten_all leave them. A same-mode pair is a
// no-op, not a transition, and is reported false here.
bool transition_allowed(SymbolMode from, SymbolMode to) noexcept;

// The whole table, indexed [from][to] by the enum's value (for tests and documentation).
const std::array<std::array<bool, kSymbolModeCount>, kSymbolModeCount>& transition_table() noexcept;

// The one way a symbol's mode changes; `cause` names the caller for the log. The same mode is a
// no-op. A change the table does not allow is still made (the caller's state already implies it:
// refusing would leave mode and positions disagreeing), but it is logged as
// `strategy.unexpected_mode_change` and counted in `unexpected`: it points at a missed case.
void change_mode(SymbolMode& mode, SymbolMode to, std::string_view symbol, std::string_view cause, EventSink& events,
                 std::uint64_t& unexpected);

}  // namespace carry::strategy
