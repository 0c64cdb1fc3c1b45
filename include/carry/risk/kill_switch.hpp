#pragma once
// The kill switch: Active (anything the limits allow) -> Reducing (only orders that reduce
// exposure) -> Halted (nothing). It only moves towards Halted; an operator reset returns it to
// Active. It is a plain value so the store can persist it (serialize) and restore it on restart.
#include <carry/core/result.hpp>
#include <carry/core/time.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace carry::risk {

enum class KillState : std::uint8_t { Active, Reducing, Halted };
std::string_view to_string(KillState s) noexcept;
std::optional<KillState> parse_kill_state(std::string_view text) noexcept;

class KillSwitch {
 public:
  KillState state() const noexcept { return state_; }
  const std::string& reason() const noexcept { return reason_; }
  UnixNanos since() const noexcept { return since_; }

  // Moves to `to` if that is further along than now; true when the state changed.
  bool escalate(KillState to, std::string_view reason, UnixNanos now);
  void reset(UnixNanos now);
  bool allows(bool reducing) const noexcept {
    return state_ == KillState::Active || (state_ == KillState::Reducing && reducing);
  }

  // {"state":"reducing","reason":"daily_loss","since_ms":1700000000000}
  std::string serialize() const;
  // Errc::bad_payload for anything that is not exactly what serialize() writes.
  static Result<KillSwitch> deserialize(std::string_view text);

  friend bool operator==(const KillSwitch&, const KillSwitch&) = default;

 private:
  KillState state_ = KillState::Active;
  std::string reason_;
  UnixNanos since_;
};

}  // namespace carry::risk
