#include <carry/backtest/gap_report.hpp>

#include <gtest/gtest.h>

namespace carry::backtest {
namespace {

TEST(GapReport, CountsAllButListsOnlyTheFirstFew) {
  GapReport r;
  r.file = "x.csv";
  r.what = "candles";
  EXPECT_TRUE(r.empty());
  for (int i = 0; i < 7; ++i) r.add(Gap{static_cast<std::size_t>(10 + i), 0, 60'000, 2});
  EXPECT_FALSE(r.empty());
  EXPECT_EQ(r.count, 7u);
  EXPECT_EQ(r.missing, 14);
  EXPECT_EQ(r.first.size(), GapReport::kMaxListed);
  const std::string s = r.summary();
  EXPECT_EQ(s.rfind("x.csv: 7 gaps (14 missing candles); first: line 10: 1970-01-01T00:00:00Z -> 1970-01-01T00:01:00Z "
                    "(2 missing); ",
                    0),
            0u)
      << s;
  EXPECT_TRUE(s.ends_with("; ...")) << s;
}

}  // namespace
}  // namespace carry::backtest
