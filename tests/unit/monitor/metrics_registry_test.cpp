#include <carry/monitor/metrics_registry.hpp>

#include <gtest/gtest.h>

using carry::monitor::CounterValue;
using carry::monitor::MetricsRegistry;

TEST(MetricsRegistry, CountersKeepPeriodAndTotal) {
  MetricsRegistry m;
  m.increment("oms.chase");
  m.increment("oms.chase", 2);
  m.increment("oms.cooldown");
  EXPECT_EQ(m.total("oms.chase"), 3);
  EXPECT_EQ(m.period("oms.chase"), 3);
  m.roll_period();
  EXPECT_EQ(m.period("oms.chase"), 0);
  EXPECT_EQ(m.total("oms.chase"), 3);
  m.increment("oms.chase");
  EXPECT_EQ(m.period("oms.chase"), 1);
  EXPECT_EQ(m.total("oms.chase"), 4);
  EXPECT_EQ(m.total("unknown"), 0);
  EXPECT_EQ(m.period("unknown"), 0);
  EXPECT_EQ(m.counters(), (std::vector<CounterValue>{{"oms.chase", 1, 4}, {"oms.cooldown", 0, 1}}));
}

TEST(MetricsRegistry, ExternalTotalsDerivePeriodValues) {
  MetricsRegistry m;
  m.set_total("store.write_failed", 5);
  EXPECT_EQ(m.period("store.write_failed"), 5);
  m.roll_period();
  m.set_total("store.write_failed", 7);
  EXPECT_EQ(m.period("store.write_failed"), 2);
  EXPECT_EQ(m.total("store.write_failed"), 7);
  m.roll_period();
  m.set_total("store.write_failed", 1);  // the source restarted counting
  EXPECT_EQ(m.period("store.write_failed"), 1);
  EXPECT_EQ(m.total("store.write_failed"), 1);
}

TEST(MetricsRegistry, SnapshotIsJsonWithCountersAndGauges) {
  MetricsRegistry m;
  EXPECT_FALSE(m.gauge("store.queue_depth").has_value());
  m.set_gauge("store.queue_depth", 12);
  m.set_gauge("store.queue_depth", 3);
  m.increment("rest.requests", 10);
  m.roll_period();
  m.increment("rest.requests", 4);
  const auto j = m.snapshot();
  EXPECT_EQ(j["counters"]["rest.requests"]["period"], 4);
  EXPECT_EQ(j["counters"]["rest.requests"]["total"], 14);
  EXPECT_DOUBLE_EQ(j["gauges"]["store.queue_depth"].get<double>(), 3.0);
  EXPECT_EQ(*m.gauge("store.queue_depth"), 3.0);
}
