#include <carry/bitget/io/rest_metrics.hpp>

#include <gtest/gtest.h>

using namespace carry::bitget;
using namespace std::chrono_literals;

TEST(RestMetrics, CountsPerEndpointAndCode) {
  RestMetrics m;
  m.record("/api/v2/mix/order/place-order", "200", 3ms);
  m.record("/api/v2/mix/order/place-order", "200", 30ms);
  m.record("/api/v2/mix/order/place-order", "timeout", 5s);
  m.count("/api/v2/mix/order/place-order", "circuit_open");
  const auto& r = m.requests();
  EXPECT_EQ(r.at({"/api/v2/mix/order/place-order", "200"}), 2u);
  EXPECT_EQ(r.at({"/api/v2/mix/order/place-order", "timeout"}), 1u);
  EXPECT_EQ(r.at({"/api/v2/mix/order/place-order", "circuit_open"}), 1u);
  const auto& l = m.latency().at("/api/v2/mix/order/place-order");
  EXPECT_EQ(l.count, 3u);  // the refused one never had a round trip
  EXPECT_NEAR(l.sum_s, 5.033, 1e-9);
}

TEST(RestMetrics, BucketsAreUpperBoundsInclusiveWithAnOverflow) {
  RestMetrics m;
  m.record("/a", "200", 5ms);   // == 0.005: first bucket (le)
  m.record("/a", "200", 6ms);   // second
  m.record("/a", "200", 11s);   // overflow
  m.record("/a", "200", -1ms);  // a clock step never makes a negative latency
  const auto& l = m.latency().at("/a");
  EXPECT_EQ(l.counts[0], 2u);
  EXPECT_EQ(l.counts[1], 1u);
  EXPECT_EQ(l.counts.back(), 1u);
  EXPECT_EQ(l.count, 4u);
}
