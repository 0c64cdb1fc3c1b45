#include <carry/app/kill_switch_reset.hpp>

#include <carry/risk/kill_switch.hpp>
#include <carry/store/repo.hpp>

namespace carry::app {

int reset_kill_switch(const std::filesystem::path& db_path, const Clock& clock, EventSink& events, std::ostream& out) {
  if (!std::filesystem::exists(db_path)) {
    out << "kill switch: no database at " << db_path.string() << " (nothing to reset)\n";
    return 0;
  }
  try {
    store::Repo repo(db_path);
    auto stored = repo.kill_switch();
    if (!stored) {
      out << "kill switch: cannot read it from " << db_path.string() << ": " << repo.last_error() << "\n";
      return 1;
    }
    const auto state = *stored ? risk::parse_kill_state((*stored)->state) : std::optional<risk::KillState>();
    if (!*stored || state == risk::KillState::Active) {
      out << "kill switch: already active in " << db_path.string() << " (nothing to reset)\n";
      return 0;
    }
    const store::KillSwitchRecord was = **stored;
    store::KillSwitchRecord now{std::string(risk::to_string(risk::KillState::Active)), "operator_reset", clock.now()};
    if (!repo.put_kill_switch(now)) {
      out << "kill switch: cannot write it to " << db_path.string() << ": " << repo.last_error() << "\n";
      return 1;
    }
    events.warn("kill_switch.reset", {{"was", was.state},
                                      {"reason", was.reason},
                                      {"since", was.since.to_rfc3339_ms()},
                                      {"db", db_path.string()},
                                      {"by", "operator (--reset-kill-switch)"}});
    out << "kill switch: reset to active (was " << was.state << ": " << was.reason << ", since "
        << was.since.to_rfc3339_ms() << "); the next start of carryd may trade again\n";
    return 0;
  } catch (const std::exception& e) {
    out << "kill switch: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace carry::app
