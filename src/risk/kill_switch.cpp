#include <carry/risk/kill_switch.hpp>

#include <nlohmann/json.hpp>

namespace carry::risk {

std::string_view to_string(KillState s) noexcept {
  switch (s) {
    case KillState::Active:
      return "active";
    case KillState::Reducing:
      return "reducing";
    case KillState::Halted:
      return "halted";
  }
  return "?";
}

std::optional<KillState> parse_kill_state(std::string_view text) noexcept {
  if (text == "active") return KillState::Active;
  if (text == "reducing") return KillState::Reducing;
  if (text == "halted") return KillState::Halted;
  return std::nullopt;
}

bool KillSwitch::escalate(KillState to, std::string_view reason, UnixNanos now) {
  if (static_cast<int>(to) <= static_cast<int>(state_)) return false;
  state_ = to;
  reason_ = std::string(reason);
  since_ = now;
  return true;
}

void KillSwitch::reset(UnixNanos now) {
  state_ = KillState::Active;
  reason_.clear();
  since_ = now;
}

std::string KillSwitch::serialize() const {
  return nlohmann::json{{"state", to_string(state_)}, {"reason", reason_}, {"since_ms", since_.ms()}}.dump();
}

Result<KillSwitch> KillSwitch::deserialize(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("state") || !j["state"].is_string() || !j.contains("reason") ||
      !j["reason"].is_string() || !j.contains("since_ms") || !j["since_ms"].is_number_integer())
    return make_error_code(Errc::bad_payload);
  auto state = parse_kill_state(j["state"].get<std::string>());
  if (!state) return make_error_code(Errc::bad_payload);
  KillSwitch k;
  k.state_ = *state;
  k.reason_ = j["reason"].get<std::string>();
  k.since_ = UnixNanos::from_ms(j["since_ms"].get<std::int64_t>());
  return k;
}

}  // namespace carry::risk
