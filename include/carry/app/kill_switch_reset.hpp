#pragma once
// `carryd --reset-kill-switch`: the operator's way back after the kill switch tripped. The tripped
// state is stored and restored on every start (a restart must not silently re-arm trading), so
// only this command clears it. Run it with the daemon stopped; the next start trades again.
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>

#include <filesystem>
#include <ostream>

namespace carry::app {

// Sets the stored kill switch of the database at `db_path` to active and logs
// `kill_switch.reset` with what it was. Prints one line to `out`. Returns the exit code: 0 when
// reset or already active, 1 when the store cannot be read or written (the line says why).
int reset_kill_switch(const std::filesystem::path& db_path, const Clock& clock, EventSink& events, std::ostream& out);

}  // namespace carry::app
