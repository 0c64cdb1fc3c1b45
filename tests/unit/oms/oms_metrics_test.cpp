#include <carry/oms/oms_metrics.hpp>

#include <gtest/gtest.h>

using namespace carry::oms;

TEST(OmsMetrics, PeriodResetsTotalKeeps) {
  OmsMetrics m;
  m.add(&OmsCounters::chases, 2);
  m.add(&OmsCounters::rejects);
  EXPECT_EQ(m.to_json()["period"]["chases"], 2);
  m.reset_period();
  m.add(&OmsCounters::chases);
  const auto j = m.to_json();
  EXPECT_EQ(j["period"]["chases"], 1);
  EXPECT_EQ(j["period"]["rejects"], 0);
  EXPECT_EQ(j["total"]["chases"], 3);
  EXPECT_EQ(j["total"]["rejects"], 1);
  EXPECT_TRUE(j["total"].contains("cooldowns"));
  EXPECT_TRUE(j["total"].contains("blocks"));
}
