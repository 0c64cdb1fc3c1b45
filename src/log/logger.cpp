#include <carry/log/logger.hpp>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

namespace carry::log {
namespace {

spdlog::level::level_enum to_spd(LogLevel l) {
  switch (l) {
    case LogLevel::Trace:
      return spdlog::level::trace;
    case LogLevel::Debug:
      return spdlog::level::debug;
    case LogLevel::Info:
      return spdlog::level::info;
    case LogLevel::Warn:
      return spdlog::level::warn;
    case LogLevel::Error:
      return spdlog::level::err;
    case LogLevel::Critical:
      return spdlog::level::critical;
  }
  return spdlog::level::info;
}

bool secret_key(std::string_view key) {
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* bad : {"secret", "passphrase", "password", "sign", "api_key", "apikey", "access-key", "access_key"})
    if (k.find(bad) != std::string::npos) return true;
  return false;
}

bool reserved(std::string_view key) { return key == "ts" || key == "level" || key == "event"; }

std::string human_value(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string scrub_text(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    for (auto pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 3))
      text.replace(pos, s.size(), "***");
  }
  return text;
}

void scrub(nlohmann::json& value, const std::vector<std::string>& secrets) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (secret_key(it.key()) && !it.value().is_boolean())
        it.value() = "***";
      else
        scrub(it.value(), secrets);
    }
  } else if (value.is_array()) {
    for (auto& v : value) scrub(v, secrets);
  } else if (value.is_string() && !secrets.empty()) {
    value = scrub_text(value.get<std::string>(), secrets);
  }
}

// The JSONL line of an event whose fields are already an object and scrubbed.
std::string json_line(const std::string& ts, LogLevel level, const std::string& event, const nlohmann::json& fields) {
  nlohmann::ordered_json line;
  line["ts"] = ts;
  line["level"] = std::string(to_string(level));
  line["event"] = event;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string key = reserved(it.key()) ? it.key() + "_" : it.key();
    line[key] = it.value();
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Bounds the memory a stalled disk can pin; beyond it the caller waits rather than drop lines.
constexpr std::size_t kQueueCapacity = 65'536;
// The caller never wakes the logger's thread for an ordinary event (a futex wake is a system call
// of several microseconds on the order path); the thread looks for work this often instead, and
// is woken only by a backlog, flush() or shutdown. Lines reach the files at most this late.
constexpr auto kPollPeriod = std::chrono::milliseconds(20);
constexpr std::size_t kWakeBacklog = 1'024;

}  // namespace

std::optional<LogLevel> parse_level(std::string_view t) noexcept {
  if (t == "trace") return LogLevel::Trace;
  if (t == "debug") return LogLevel::Debug;
  if (t == "info") return LogLevel::Info;
  if (t == "warn" || t == "warning") return LogLevel::Warn;
  if (t == "error") return LogLevel::Error;
  if (t == "critical") return LogLevel::Critical;
  return std::nullopt;
}

struct Logger::Entry {
  LogLevel level;
  UnixNanos ts;
  std::string event;
  nlohmann::json fields;
  std::function<nlohmann::json()> make_fields;  // when set, builds `fields` on the logger's thread
};

struct Logger::Impl {
  std::shared_ptr<spdlog::logger> human;
  std::shared_ptr<spdlog::logger> console;  // only when the console has its own format
  std::shared_ptr<spdlog::logger> json;
  std::mutex mutex;
  std::condition_variable work;   // the worker waits for entries
  std::condition_variable space;  // a caller waits for room in a full queue
  std::condition_variable idle;   // flush() waits for the worker to catch up
  std::deque<Entry> queue;
  std::uint64_t queued = 0;   // entries ever queued
  std::uint64_t written = 0;  // entries ever written
  std::uint64_t wanted = 0;   // flush() waits for this many entries written
  bool stop = false;
  std::shared_ptr<const std::vector<std::string>> secrets = std::make_shared<const std::vector<std::string>>();
  std::thread worker;
};

Logger::Logger(LogOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), level_(options_.level), impl_(std::make_unique<Impl>()) {
  std::filesystem::create_directories(options_.dir);
  // Only the logger's thread writes, so the sinks need no locks of their own.
  auto human_file = std::make_shared<spdlog::sinks::rotating_file_sink_st>(
      human_path(), options_.max_file_bytes, static_cast<std::size_t>(options_.max_files));
  human_file->set_pattern("%v");
  std::vector<spdlog::sink_ptr> human_sinks{human_file};
  if (options_.console) {
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_st>();
    console->set_pattern("%^%v%$");
    if (options_.console_line) {
      impl_->console = std::make_shared<spdlog::logger>("carry.console", console);
      impl_->console->set_level(spdlog::level::trace);
    } else {
      human_sinks.push_back(console);
    }
  }
  impl_->human = std::make_shared<spdlog::logger>("carry.human", human_sinks.begin(), human_sinks.end());
  auto json_file = std::make_shared<spdlog::sinks::rotating_file_sink_st>(jsonl_path(), options_.max_file_bytes,
                                                                          static_cast<std::size_t>(options_.max_files));
  json_file->set_pattern("%v");
  impl_->json = std::make_shared<spdlog::logger>("carry.json", json_file);
  for (auto* l : {impl_->human.get(), impl_->json.get()}) l->set_level(spdlog::level::trace);
  impl_->worker = std::thread([this] { run(); });
}

Logger::~Logger() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stop = true;
  }
  impl_->work.notify_one();
  impl_->worker.join();  // the worker drains the queue before it stops
}

std::string Logger::jsonl_path() const { return (std::filesystem::path(options_.dir) / "app.jsonl").string(); }
std::string Logger::human_path() const { return (std::filesystem::path(options_.dir) / "app.log").string(); }

void Logger::add_secret(const std::string& value) {
  // Short values would scrub ordinary words; real keys are long.
  if (value.size() < 4) return;
  std::lock_guard lock(impl_->mutex);
  const auto& current = *impl_->secrets;
  if (std::find(current.begin(), current.end(), value) != current.end()) return;
  auto next = std::make_shared<std::vector<std::string>>(current);
  next->push_back(value);
  impl_->secrets = std::move(next);  // entries already queued are scrubbed with it too
}

std::shared_ptr<const Logger::Secrets> Logger::secrets() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->secrets;
}

void Logger::set_level(LogLevel level) { level_.store(level, std::memory_order_relaxed); }

void Logger::flush() {
  std::unique_lock lock(impl_->mutex);
  const std::uint64_t target = impl_->queued;
  if (impl_->written >= target) return;
  impl_->wanted = std::max(impl_->wanted, target);
  impl_->work.notify_one();
  impl_->idle.wait(lock, [&] { return impl_->written >= target; });
}

std::string Logger::format_json(LogLevel level, std::string_view event, nlohmann::json fields) const {
  const auto s = secrets();
  if (!fields.is_object()) fields = nlohmann::json{{"value", std::move(fields)}};
  scrub(fields, *s);
  return json_line(clock_.now().to_rfc3339_ms(), level, scrub_text(std::string(event), *s), fields);
}

void Logger::emit(LogLevel level, std::string_view event, nlohmann::json fields) {
  if (level < level_.load(std::memory_order_relaxed)) return;
  push(Entry{level, clock_.now(), std::string(event), std::move(fields), {}});
}

void Logger::emit_deferred(LogLevel level, std::string_view event, std::function<nlohmann::json()> make_fields) {
  if (level < level_.load(std::memory_order_relaxed)) return;
  push(Entry{level, clock_.now(), std::string(event), nullptr, std::move(make_fields)});
}

void Logger::push(Entry&& entry) {
  bool wake = false;
  {
    std::unique_lock lock(impl_->mutex);
    impl_->space.wait(lock, [&] { return impl_->queue.size() < kQueueCapacity; });
    impl_->queue.push_back(std::move(entry));
    ++impl_->queued;
    wake = impl_->queue.size() == kWakeBacklog;
  }
  if (wake) impl_->work.notify_one();
}

void Logger::write(Entry& e, const Secrets& secrets) const {
  if (e.make_fields) e.fields = e.make_fields();
  if (!e.fields.is_object()) e.fields = nlohmann::json{{"value", std::move(e.fields)}};
  scrub(e.fields, secrets);
  const std::string ts = e.ts.to_rfc3339_ms();
  const std::string event = scrub_text(e.event, secrets);  // e.event stays for a failure report
  impl_->json->log(to_spd(e.level), "{}", json_line(ts, e.level, event, e.fields));
  const std::string head = ts + " " + std::string(to_string(e.level)) + " ";
  std::string human = head + event;
  for (auto it = e.fields.begin(); it != e.fields.end(); ++it) human += " " + it.key() + "=" + human_value(it.value());
  human = scrub_text(std::move(human), secrets);
  if (impl_->console) {
    const auto compact = options_.console_line(event, e.fields);
    impl_->console->log(to_spd(e.level), "{}", compact ? scrub_text(head + *compact, secrets) : human);
  }
  impl_->human->log(to_spd(e.level), "{}", human);
}

void Logger::run() {
  std::deque<Entry> batch;
  std::unique_lock lock(impl_->mutex);
  for (;;) {
    impl_->work.wait_for(lock, kPollPeriod, [&] {
      return impl_->stop || impl_->wanted > impl_->written || impl_->queue.size() >= kWakeBacklog;
    });
    if (impl_->queue.empty()) {
      if (impl_->stop) return;  // everything is written
      continue;
    }
    batch.swap(impl_->queue);
    const auto secrets = impl_->secrets;
    lock.unlock();
    impl_->space.notify_all();
    const auto n = batch.size();
    for (auto& e : batch) {
      // A line that cannot be built must not stop the thread: callers would block on a full queue.
      try {
        write(e, *secrets);
      } catch (...) {
        try {
          const nlohmann::json f{{"lost_event", scrub_text(e.event, *secrets)}, {"note", "could not format"}};
          impl_->json->log(spdlog::level::err, "{}",
                           json_line(e.ts.to_rfc3339_ms(), LogLevel::Error, "log.write_failed", f));
        } catch (...) {}
      }
    }
    batch.clear();
    // Flushed per batch, so `tail -f logs/app.jsonl` is always current.
    impl_->json->flush();
    impl_->human->flush();
    if (impl_->console) impl_->console->flush();
    lock.lock();
    impl_->written += n;
    impl_->idle.notify_all();
  }
}

}  // namespace carry::log
