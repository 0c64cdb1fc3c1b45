#include <carry/monitor/metrics_registry.hpp>

namespace carry::monitor {

namespace {
template <class Map>
auto& slot(Map& m, std::string_view name) {
  auto it = m.find(name);
  if (it == m.end()) it = m.emplace(std::string(name), typename Map::mapped_type{}).first;
  return it->second;
}
}  // namespace

void MetricsRegistry::increment(std::string_view name, std::int64_t by) { slot(counters_, name).total += by; }

void MetricsRegistry::set_total(std::string_view name, std::int64_t total) {
  Counter& c = slot(counters_, name);
  if (total < c.total) c.period_start = 0;  // the source restarted its count
  c.total = total;
}

void MetricsRegistry::set_gauge(std::string_view name, double value) { slot(gauges_, name) = value; }

std::int64_t MetricsRegistry::total(std::string_view name) const {
  const auto it = counters_.find(name);
  return it == counters_.end() ? 0 : it->second.total;
}

std::int64_t MetricsRegistry::period(std::string_view name) const {
  const auto it = counters_.find(name);
  return it == counters_.end() ? 0 : it->second.total - it->second.period_start;
}

std::optional<double> MetricsRegistry::gauge(std::string_view name) const {
  const auto it = gauges_.find(name);
  if (it == gauges_.end()) return std::nullopt;
  return it->second;
}

void MetricsRegistry::roll_period() {
  for (auto& [name, c] : counters_) c.period_start = c.total;
}

std::vector<CounterValue> MetricsRegistry::counters() const {
  std::vector<CounterValue> out;
  out.reserve(counters_.size());
  for (const auto& [name, c] : counters_) out.push_back({name, c.total - c.period_start, c.total});
  return out;
}

nlohmann::json MetricsRegistry::snapshot() const {
  nlohmann::json counters = nlohmann::json::object();
  for (const auto& [name, c] : counters_) counters[name] = {{"period", c.total - c.period_start}, {"total", c.total}};
  nlohmann::json gauges = nlohmann::json::object();
  for (const auto& [name, v] : gauges_) gauges[name] = v;
  return {{"counters", std::move(counters)}, {"gauges", std::move(gauges)}};
}

}  // namespace carry::monitor
