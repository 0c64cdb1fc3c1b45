#include <carry/log/logger.hpp>

#include <spdlog/async.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace carry::log {
namespace {

spdlog::level::level_enum to_spd(LogLevel l) {
  switch (l) {
    case LogLevel::Trace: return spdlog::level::trace;
    case LogLevel::Debug: return spdlog::level::debug;
    case LogLevel::Info: return spdlog::level::info;
    case LogLevel::Warn: return spdlog::level::warn;
    case LogLevel::Error: return spdlog::level::err;
    case LogLevel::Critical: return spdlog::level::critical;
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

struct Logger::Impl {
  std::shared_ptr<spdlog::details::thread_pool> pool;
  std::shared_ptr<spdlog::async_logger> human;
  std::shared_ptr<spdlog::async_logger> json;
};

Logger::Logger(LogOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), level_(options_.level), impl_(std::make_unique<Impl>()) {
  std::filesystem::create_directories(options_.dir);
  // One background thread; when the queue is full the caller blocks: log lines are never dropped.
  impl_->pool = std::make_shared<spdlog::details::thread_pool>(8192, 1);
  auto human_file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      human_path(), options_.max_file_bytes, static_cast<std::size_t>(options_.max_files));
  human_file->set_pattern("%v");
  std::vector<spdlog::sink_ptr> human_sinks{human_file};
  if (options_.console) {
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_pattern("%^%v%$");
    human_sinks.push_back(console);
  }
  impl_->human = std::make_shared<spdlog::async_logger>("carry.human", human_sinks.begin(), human_sinks.end(),
                                                        impl_->pool, spdlog::async_overflow_policy::block);
  auto json_file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      jsonl_path(), options_.max_file_bytes, static_cast<std::size_t>(options_.max_files));
  json_file->set_pattern("%v");
  impl_->json = std::make_shared<spdlog::async_logger>("carry.json", json_file, impl_->pool,
                                                       spdlog::async_overflow_policy::block);
  for (auto* l : {impl_->human.get(), impl_->json.get()}) {
    l->set_level(spdlog::level::trace);
    // Flushed line by line on the logging thread, so `tail -f logs/app.jsonl` is always current.
    l->flush_on(spdlog::level::trace);
  }
}

Logger::~Logger() { flush(); }

std::string Logger::jsonl_path() const { return (std::filesystem::path(options_.dir) / "app.jsonl").string(); }
std::string Logger::human_path() const { return (std::filesystem::path(options_.dir) / "app.log").string(); }

void Logger::add_secret(const std::string& value) {
  // Short values would scrub ordinary words; real keys are long.
  if (value.size() >= 4 && std::find(secrets_.begin(), secrets_.end(), value) == secrets_.end())
    secrets_.push_back(value);
}

void Logger::set_level(LogLevel level) { level_ = level; }

void Logger::flush() {
  if (!impl_) return;
  impl_->human->flush();
  impl_->json->flush();
  // The async loggers flush on their worker thread; wait until the queue has drained.
  while (impl_->pool->queue_size() > 0) std::this_thread::yield();
  impl_->human->flush();
  impl_->json->flush();
}

std::string Logger::scrub_text(std::string text) const {
  for (const auto& s : secrets_) {
    for (auto pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 3)) text.replace(pos, s.size(), "***");
  }
  return text;
}

void Logger::scrub(nlohmann::json& value) const {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (secret_key(it.key()) && !it.value().is_boolean()) it.value() = "***";
      else scrub(it.value());
    }
  } else if (value.is_array()) {
    for (auto& v : value) scrub(v);
  } else if (value.is_string() && !secrets_.empty()) {
    value = scrub_text(value.get<std::string>());
  }
}

std::string Logger::format_json(LogLevel level, std::string_view event, nlohmann::json fields) const {
  nlohmann::ordered_json line;
  line["ts"] = clock_.now().to_rfc3339_ms();
  line["level"] = std::string(to_string(level));
  line["event"] = scrub_text(std::string(event));
  if (!fields.is_object()) fields = nlohmann::json{{"value", std::move(fields)}};
  scrub(fields);
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string key = reserved(it.key()) ? it.key() + "_" : it.key();
    line[key] = it.value();
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Logger::emit(LogLevel level, std::string_view event, nlohmann::json fields) {
  if (level < level_) return;
  if (!fields.is_object()) fields = nlohmann::json{{"value", std::move(fields)}};
  scrub(fields);
  const std::string json_line = format_json(level, event, fields);
  std::string human = clock_.now().to_rfc3339_ms() + " " + std::string(to_string(level)) + " " + std::string(event);
  for (auto it = fields.begin(); it != fields.end(); ++it) human += " " + it.key() + "=" + human_value(it.value());
  human = scrub_text(std::move(human));
  impl_->json->log(to_spd(level), "{}", json_line);
  impl_->human->log(to_spd(level), "{}", human);
}

}  // namespace carry::log
