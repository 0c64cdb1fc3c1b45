#pragma once
// The console's one line per heartbeat (the JSONL log keeps every field), e.g.
//   heartbeat active | BTCUSDT spot +0.0110 perp -0.0110 Δ2bp f=+0.010%/8h next 03:59:12 earned 1.23 | net +1.10
// Pure: built from the `metrics.heartbeat` fields (monitor::to_json plus the runtime's additions).
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace carry::monitor {

// The compact text for `metrics.heartbeat`; nullopt for any other event (printed in full).
std::optional<std::string> console_line(std::string_view event, const nlohmann::json& fields);

// "0.011" -> "+0.0110": signed, at least four decimals, never rounded (sizes are exact).
std::string signed_size(std::string_view decimal);

}  // namespace carry::monitor
