#pragma once
// `carryd status [--config FILE] [--json] [--dry-run]`: what a person wants to know at a glance,
// read from the store alone (read-only: no exchange call, no store lock; SQLite's WAL lets it run
// beside the daemon). The daemon's own view (positions, funding, PnL estimate, last error) comes
// from the status row it writes at every heartbeat (kv "status"); funding earned, fees and the
// last decisions from the store's tables.
#include <carry/core/time.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>

namespace carry::app {

class StatusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Everything the status shows, as JSON (`--json` prints it). Throws StatusError with one line for
// a missing store, one with no status yet, or one that cannot be read.
nlohmann::json read_status(const std::filesystem::path& db, UnixNanos now);

// The short table a person reads (pure: from read_status's JSON).
std::string format_status(const nlohmann::json& status);

// Prints the table (or the JSON) on `out`; errors on `err` as one line. 0 ok, 1 no status.
int run_status(const std::filesystem::path& db, bool json, UnixNanos now, std::ostream& out, std::ostream& err);

}  // namespace carry::app
