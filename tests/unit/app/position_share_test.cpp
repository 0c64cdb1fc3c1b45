#include <carry/app/position_share.hpp>

#include <gtest/gtest.h>

using namespace carry;
using carry::app::split_leg;

namespace {
Decimal d(const char* s) { return Decimal::parse(s).value(); }
}  // namespace

TEST(PositionShare, OurFillsBoundOurShareOfTheVenuesPosition) {
  struct Case {
    const char* ours;
    const char* venue;
    const char* want_ours;
    const char* want_foreign;
  };
  const Case cases[] = {
      {"0", "0", "0", "0"},                  // nothing anywhere
      {"0", "-0.05", "0", "-0.05"},          // a manual short: all foreign
      {"-0.01", "-0.06", "-0.01", "-0.05"},  // ours beside a foreign short
      {"-0.01", "-0.01", "-0.01", "0"},      // all ours
      {"-0.02", "-0.01", "-0.01", "0"},      // the venue holds less (closed by hand): never more than it has
      {"-0.01", "0.03", "0", "0.03"},        // opposite sides: ours is gone, the long is someone's
      {"0.5", "0", "0", "0"},                // the venue holds nothing: nothing is ours
      {"0.010", "0.51", "0.010", "0.5"},     // spot: our bought BTC beside the operator's own
  };
  for (const auto& c : cases) {
    const auto s = split_leg(d(c.ours), d(c.venue));
    EXPECT_EQ(s.ours, d(c.want_ours)) << c.ours << " of " << c.venue;
    EXPECT_EQ(s.foreign, d(c.want_foreign)) << c.ours << " of " << c.venue;
    EXPECT_EQ(s.ours + s.foreign, d(c.venue));
  }
}

TEST(PositionShare, DriftIsWhatNeitherOurFillsNorTheForeignPartExplainBeyondOneLot) {
  const Decimal lot = d("0.001");
  EXPECT_FALSE(app::drifted(d("-0.06"), d("-0.05"), d("-0.01"), lot));   // all explained
  EXPECT_FALSE(app::drifted(d("-0.061"), d("-0.05"), d("-0.01"), lot));  // one lot: rounding, not drift
  EXPECT_TRUE(app::drifted(d("-0.062"), d("-0.05"), d("-0.01"), lot));
  EXPECT_TRUE(app::drifted(d("-0.02"), d("0"), d("-0.01"), lot));  // a fill we never saw
  EXPECT_TRUE(app::drifted(d("0"), d("0"), d("-0.01"), lot));      // closed behind our back
  EXPECT_EQ(app::unexplained(d("-0.02"), d("0"), d("-0.01")), d("-0.01"));
}
