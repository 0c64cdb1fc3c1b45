#pragma once
// Publishes the store's counters into the metrics registry (and so into the heartbeat):
// store.queued / written / write_failed / duplicate_fills / duplicate_funding / batches /
// busy_retries as totals (period values derived), store.queue_depth as a gauge.
#include <carry/monitor/metrics_registry.hpp>
#include <carry/store/store.hpp>

namespace carry::monitor {

void publish_store_stats(MetricsRegistry& registry, const store::StoreStats& stats);

}  // namespace carry::monitor
