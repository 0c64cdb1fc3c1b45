#include <carry/backtest/period.hpp>

#include <cstdio>

namespace carry::backtest {

std::string Period::to_string() const {
  char days_text[32];
  std::snprintf(days_text, sizeof days_text, "%.2f", days());
  // Milliseconds only when they matter (a funding file ends 1 ms after its last settlement).
  const auto text = [](UnixNanos t) { return t.ns % 1'000'000'000 == 0 ? t.to_rfc3339() : t.to_rfc3339_ms(); };
  return text(start) + " .. " + text(end) + " (" + days_text + " days)";
}

}  // namespace carry::backtest
