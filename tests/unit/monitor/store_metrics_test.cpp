#include <carry/monitor/store_metrics.hpp>

#include <gtest/gtest.h>

using namespace carry;
using namespace carry::monitor;

TEST(StoreMetrics, PublishesTotalsAndQueueDepth) {
  MetricsRegistry m;
  store::StoreStats s;
  s.queued = 10;
  s.written = 9;
  s.write_failed = 1;
  s.duplicate_fills = 2;
  s.batches = 3;
  s.queue_depth = 4;
  publish_store_stats(m, s);
  EXPECT_EQ(m.total("store.written"), 9);
  EXPECT_EQ(m.total("store.write_failed"), 1);
  EXPECT_EQ(m.total("store.duplicate_fills"), 2);
  EXPECT_EQ(m.gauge("store.queue_depth"), 4.0);
  m.roll_period();
  s.written = 15;
  s.queue_depth = 0;
  publish_store_stats(m, s);
  EXPECT_EQ(m.period("store.written"), 6);
  EXPECT_EQ(m.period("store.write_failed"), 0);
  EXPECT_EQ(m.gauge("store.queue_depth"), 0.0);
}
