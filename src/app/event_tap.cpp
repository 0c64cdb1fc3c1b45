#include "event_tap.hpp"

namespace carry::app {

bool EventTap::tapped(LogLevel level, std::string_view event) const noexcept {
  return level >= LogLevel::Error || (alerts_ != nullptr && alerts_->enabled() && monitor::AlertRules::watched(event));
}

void EventTap::tap(LogLevel level, std::string_view event, const nlohmann::json& fields) {
  if (level >= LogLevel::Error && !event.starts_with("alert.")) {
    // The event and one line of why, not every field: the row goes to the store.
    std::string detail;
    for (const char* key : {"reason", "error", "what", "message", "note"})
      if (const auto it = fields.find(key); detail.empty() && it != fields.end() && it->is_string())
        detail = it->get<std::string>();
    if (const auto it = fields.find("symbol"); it != fields.end() && it->is_string())
      detail += " (" + it->get<std::string>() + ")";
    std::lock_guard lock(mutex_);
    last_error_ = {{"event", std::string(event)}, {"ts", clock_.now().to_rfc3339_ms()}, {"detail", detail}};
  }
  if (alerts_ != nullptr) alerts_->observe(level, event, fields);
}

void EventTap::emit(LogLevel level, std::string_view event, nlohmann::json fields) {
  if (tapped(level, event)) tap(level, event, fields);
  inner_.emit(level, event, std::move(fields));
}

void EventTap::emit_deferred(LogLevel level, std::string_view event, std::function<nlohmann::json()> make_fields) {
  if (!tapped(level, event)) return inner_.emit_deferred(level, event, std::move(make_fields));
  nlohmann::json fields = make_fields();  // a watched event: the rules need its fields now
  tap(level, event, fields);
  inner_.emit(level, event, std::move(fields));
}

nlohmann::json EventTap::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace carry::app
