#include <carry/monitor/store_metrics.hpp>

namespace carry::monitor {

void publish_store_stats(MetricsRegistry& registry, const store::StoreStats& s) {
  const auto total = [&](std::string_view name, std::uint64_t v) {
    registry.set_total(name, static_cast<std::int64_t>(v));
  };
  total("store.queued", s.queued);
  total("store.written", s.written);
  total("store.write_failed", s.write_failed);
  total("store.duplicate_fills", s.duplicate_fills);
  total("store.duplicate_funding", s.duplicate_funding);
  total("store.batches", s.batches);
  total("store.busy_retries", s.busy_retries);
  registry.set_gauge("store.queue_depth", static_cast<double>(s.queue_depth));
}

}  // namespace carry::monitor
