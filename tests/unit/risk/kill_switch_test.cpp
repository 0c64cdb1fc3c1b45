#include <carry/risk/kill_switch.hpp>

#include <gtest/gtest.h>

using namespace carry;
using namespace carry::risk;

TEST(KillSwitch, OnlyMovesTowardsHaltedUntilReset) {
  KillSwitch k;
  EXPECT_EQ(k.state(), KillState::Active);
  EXPECT_TRUE(k.allows(false));
  EXPECT_TRUE(k.escalate(KillState::Reducing, "daily_loss", UnixNanos::from_ms(10)));
  EXPECT_FALSE(k.allows(false));
  EXPECT_TRUE(k.allows(true));
  EXPECT_FALSE(k.escalate(KillState::Reducing, "md_stale", UnixNanos::from_ms(20)));
  EXPECT_FALSE(k.escalate(KillState::Active, "nope", UnixNanos::from_ms(20)));
  EXPECT_EQ(k.reason(), "daily_loss");
  EXPECT_TRUE(k.escalate(KillState::Halted, "flat", UnixNanos::from_ms(30)));
  EXPECT_FALSE(k.allows(true));
  EXPECT_FALSE(k.allows(false));
  k.reset(UnixNanos::from_ms(40));
  EXPECT_EQ(k.state(), KillState::Active);
  EXPECT_TRUE(k.reason().empty());
}

TEST(KillSwitch, SerializesAndRestores) {
  KillSwitch k;
  k.escalate(KillState::Reducing, "api_error_burst", UnixNanos::from_ms(1'700'000'000'123));
  const std::string text = k.serialize();
  EXPECT_NE(text.find("\"reducing\""), std::string::npos);
  auto back = KillSwitch::deserialize(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, k);
  EXPECT_EQ(back->since(), UnixNanos::from_ms(1'700'000'000'123));
}

TEST(KillSwitch, RejectsMalformedSavedState) {
  for (const char* bad : {"", "{", "[]", R"({"state":"paused","reason":"","since_ms":0})",
                          R"({"state":"halted","since_ms":0})", R"({"state":"halted","reason":"x","since_ms":"0"})"}) {
    auto r = KillSwitch::deserialize(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error(), make_error_code(Errc::bad_payload));
  }
  EXPECT_EQ(parse_kill_state("halted"), KillState::Halted);
  EXPECT_FALSE(parse_kill_state("HALTED"));
}
