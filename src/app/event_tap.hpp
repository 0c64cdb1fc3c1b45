#pragma once
// The daemon's EventSink: every event goes to the log as before, and on its way passes the alert
// rules (AlertService::observe) and the "last error" the status row shows. One place, so alerts
// need no calls sprinkled through the code.
#include "alert_service.hpp"

#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>

#include <mutex>

namespace carry::app {

class EventTap final : public EventSink {
 public:
  EventTap(EventSink& inner, AlertService* alerts, const Clock& clock)
      : inner_(inner), alerts_(alerts), clock_(clock) {}

  void emit(LogLevel level, std::string_view event, nlohmann::json fields) override;
  void emit_deferred(LogLevel level, std::string_view event, std::function<nlohmann::json()> make_fields) override;
  // Info and above may raise an alert even when the log level would drop them.
  bool enabled(LogLevel level) const noexcept override {
    return inner_.enabled(level) || (level >= LogLevel::Info && alerts_ != nullptr && alerts_->enabled());
  }

  // The last event at error level or above: {"event","ts","fields"} (null before any).
  nlohmann::json last_error() const;

 private:
  bool tapped(LogLevel level, std::string_view event) const noexcept;
  void tap(LogLevel level, std::string_view event, const nlohmann::json& fields);

  EventSink& inner_;
  AlertService* alerts_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  nlohmann::json last_error_;
};

}  // namespace carry::app
