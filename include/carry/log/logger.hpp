#pragma once
// Two sinks: a human log (logs/app.log, and the console) and logs/app.jsonl with one JSON object per
// line: ts (RFC 3339 UTC, ms), level, event, then the event's typed fields. Asynchronous and
// size-rotated. Secrets (registered values and secret-looking field names) never reach either sink.
//
// The calling thread only stamps the time and queues the event's field object; scrubbing,
// formatting and writing happen on the logger's own thread, so logging costs the order path
// little. The queue is bounded and a full queue blocks the caller: lines are never dropped.
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace carry::log {

struct LogOptions {
  std::string dir = "logs";
  LogLevel level = LogLevel::Info;
  std::size_t max_file_bytes = std::size_t{50} * 1024 * 1024;
  int max_files = 5;
  bool console = true;
  bool console_json = false;  // console shows the human form unless asked for JSON
  // The console's text for an event (after ts and level), or nullopt for the full key=value form
  // (e.g. monitor::console_line: one short line per heartbeat). app.log and app.jsonl keep every
  // field. Called on the logger's thread with the scrubbed fields.
  std::function<std::optional<std::string>(std::string_view event, const nlohmann::json& fields)> console_line;
};

std::optional<LogLevel> parse_level(std::string_view text) noexcept;

class Logger final : public EventSink {
 public:
  Logger(LogOptions options, const Clock& clock);
  ~Logger() override;
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void emit(LogLevel level, std::string_view event, nlohmann::json fields) override;
  void emit_deferred(LogLevel level, std::string_view event, std::function<nlohmann::json()> make_fields) override;
  bool enabled(LogLevel level) const noexcept override { return level >= level_.load(std::memory_order_relaxed); }

  // Any occurrence of this value in any field or message is replaced by ***.
  void add_secret(const std::string& value);
  void set_level(LogLevel level);
  LogLevel level() const noexcept { return level_.load(std::memory_order_relaxed); }
  // Returns once every event emitted before the call is written and flushed to the files.
  void flush();

  std::string jsonl_path() const;
  std::string human_path() const;

  // The JSONL line for an event, exactly as written (exposed for tests and benchmarks).
  std::string format_json(LogLevel level, std::string_view event, nlohmann::json fields) const;

 private:
  struct Impl;
  struct Entry;
  using Secrets = std::vector<std::string>;
  std::shared_ptr<const Secrets> secrets() const;
  void push(Entry&& entry);
  void write(Entry& entry, const Secrets& secrets) const;
  void run();

  LogOptions options_;
  const Clock& clock_;
  std::atomic<LogLevel> level_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carry::log
