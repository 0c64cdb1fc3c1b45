#pragma once
// Where domain code reports what it did: one named event (dotted, e.g. "guard.price_deviation")
// with typed fields. The log module writes them to logs/app.jsonl; tests record them.
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace carry {

namespace detail {
inline void put_fields(nlohmann::json::object_t&) {}
template <class K, class V, class... Rest>
void put_fields(nlohmann::json::object_t& object, K&& key, V&& value, Rest&&... rest) {
  object.emplace(std::forward<K>(key), nlohmann::json(std::forward<V>(value)));
  put_fields(object, std::forward<Rest>(rest)...);
}
}  // namespace detail

// event_fields("client_oid", id, "price", p, ...): the fields of an event, built in place. An
// initializer list `{{"k", v}, ...}` builds every pair as a two-element array and then deep-copies
// it into the object, about three times the work; this matters on the order path.
template <class... Args>
nlohmann::json event_fields(Args&&... args) {
  static_assert(sizeof...(Args) % 2 == 0, "event_fields takes key, value pairs");
  nlohmann::json fields(nlohmann::json::value_t::object);
  detail::put_fields(fields.get_ref<nlohmann::json::object_t&>(), std::forward<Args>(args)...);
  return fields;
}

enum class LogLevel { Trace, Debug, Info, Warn, Error, Critical };
std::string_view to_string(LogLevel level) noexcept;

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void emit(LogLevel level, std::string_view event, nlohmann::json fields) = 0;
  // The same event with its fields built later by `make_fields` (which must own what it uses).
  // A sink that writes on another thread builds them there, off the caller's path; by default
  // they are built at once.
  virtual void emit_deferred(LogLevel level, std::string_view event, std::function<nlohmann::json()> make_fields) {
    emit(level, event, make_fields());
  }
  // Whether an event at `level` would be written anywhere. Hot callers ask first and skip building
  // the fields (JSON objects allocate) when nobody listens.
  virtual bool enabled(LogLevel level) const noexcept {
    (void)level;
    return true;
  }

  void info(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    emit(LogLevel::Info, event, std::move(fields));
  }
  void warn(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    emit(LogLevel::Warn, event, std::move(fields));
  }
  void error(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    emit(LogLevel::Error, event, std::move(fields));
  }
};

class NullEventSink final : public EventSink {
 public:
  void emit(LogLevel, std::string_view, nlohmann::json) override {}
  bool enabled(LogLevel) const noexcept override { return false; }
};

// Keeps every event in memory (tests, and the backtest's decision trail).
class RecordingEventSink final : public EventSink {
 public:
  struct Entry {
    LogLevel level;
    std::string event;
    nlohmann::json fields;
  };
  void emit(LogLevel level, std::string_view event, nlohmann::json fields) override {
    entries.push_back({level, std::string(event), std::move(fields)});
  }
  std::size_t count(std::string_view event) const {
    std::size_t n = 0;
    for (const auto& e : entries) n += e.event == event;
    return n;
  }
  const Entry* last(std::string_view event) const {
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
      if (it->event == event) return &*it;
    return nullptr;
  }
  std::vector<Entry> entries;
};

}  // namespace carry
