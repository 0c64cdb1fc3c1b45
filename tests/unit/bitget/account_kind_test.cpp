// Account-kind detection and the choices that follow from it (sans-I/O).
#include <carry/bitget/account_kind.hpp>

#include <gtest/gtest.h>

namespace carry::bitget {
namespace {

using Verdict = AccountProbe::Verdict;

TEST(AccountKind, UnifiedAndHybridAreUtaUpgradingAndSwitchingWait) {
  struct Row {
    const char* mode;
    Verdict verdict;
  };
  for (const Row& r : {Row{"unified", Verdict::Known}, Row{"hybrid", Verdict::Known}, Row{"upgrading", Verdict::Wait},
                       Row{"switching", Verdict::Wait}, Row{"classic", Verdict::Refused}, Row{"", Verdict::Refused}}) {
    nlohmann::json data = {{"holdMode", "one_way_mode"}};
    if (*r.mode) data["accountMode"] = r.mode;
    const AccountProbe p = classify_account_settings(data);
    EXPECT_EQ(p.verdict, r.verdict) << r.mode;
    EXPECT_EQ(p.kind.has_value(), r.verdict == Verdict::Known) << r.mode;
    if (p.kind) {
      EXPECT_EQ(*p.kind, AccountKind::Uta);
    }
    if (r.verdict != Verdict::Known) {
      EXPECT_NE(p.reason.find(*r.mode ? r.mode : "accountMode"), std::string::npos) << p.reason;
    }
    EXPECT_EQ(p.hold_mode, "one_way_mode");
  }
  EXPECT_EQ(classify_account_settings(nlohmann::json::array()).verdict, Verdict::Refused);
}

TEST(AccountKind, ClassicIsTheClassicRefusalOrAVenueWithoutV3) {
  for (const char* code : {"40084", "40404"}) {
    const AccountProbe p =
        classify_account_settings_error(Error{Errc::exchange_rejected, code, "Classic Account mode"});
    EXPECT_EQ(p.verdict, Verdict::Known) << code;
    ASSERT_TRUE(p.kind) << code;
    EXPECT_EQ(*p.kind, AccountKind::Classic);
  }
  const AccountProbe net = classify_account_settings_error(Error{Errc::timeout, "", "timed out"});
  EXPECT_EQ(net.verdict, Verdict::Failed);
  const AccountProbe key = classify_account_settings_error(Error{Errc::auth_failed, "40006", "Invalid ACCESS_KEY"});
  EXPECT_EQ(key.verdict, Verdict::Refused);
  EXPECT_NE(key.reason.find("40006"), std::string::npos) << key.reason;
}

TEST(AccountKind, AConfiguredKindThatDisagreesStopsStartUpNamingBoth) {
  EXPECT_EQ(choose_account_kind(AccountModeSetting::Auto, AccountKind::Uta).kind, AccountKind::Uta);
  EXPECT_EQ(choose_account_kind(AccountModeSetting::Auto, AccountKind::Classic).kind, AccountKind::Classic);
  EXPECT_EQ(choose_account_kind(AccountModeSetting::Uta, AccountKind::Uta).kind, AccountKind::Uta);
  EXPECT_EQ(choose_account_kind(AccountModeSetting::Classic, AccountKind::Classic).kind, AccountKind::Classic);
  const KindChoice wrong = choose_account_kind(AccountModeSetting::Classic, AccountKind::Uta);
  EXPECT_FALSE(wrong.kind);
  EXPECT_NE(wrong.error.find("exchange.account_mode is classic"), std::string::npos) << wrong.error;
  EXPECT_NE(wrong.error.find("Unified Trading Account"), std::string::npos) << wrong.error;
  EXPECT_NE(wrong.error.find("set exchange.account_mode to uta"), std::string::npos) << wrong.error;
  const KindChoice other = choose_account_kind(AccountModeSetting::Uta, AccountKind::Classic);
  EXPECT_FALSE(other.kind);
  EXPECT_NE(other.error.find("set exchange.account_mode to classic"), std::string::npos) << other.error;
}

TEST(AccountKind, TheSettingParsesAndWithoutKeysAutoAssumesClassic) {
  EXPECT_EQ(account_mode_setting_from("auto"), AccountModeSetting::Auto);
  EXPECT_EQ(account_mode_setting_from("uta"), AccountModeSetting::Uta);
  EXPECT_EQ(account_mode_setting_from("classic"), AccountModeSetting::Classic);
  EXPECT_FALSE(account_mode_setting_from("UTA"));
  EXPECT_FALSE(account_mode_setting_from(""));
  EXPECT_EQ(assumed_account_kind(AccountModeSetting::Auto), AccountKind::Classic);
  EXPECT_EQ(assumed_account_kind(AccountModeSetting::Uta), AccountKind::Uta);
}

TEST(AccountKind, TheWebSocketPathFollowsTheKindOnTheConfiguredHost) {
  struct Row {
    AccountKind kind;
    const char* in;
    const char* out;
  };
  for (const Row& r :
       {Row{AccountKind::Uta, "wss://ws.bitget.com/v2/ws/public", "wss://ws.bitget.com/v3/ws/public"},
        Row{AccountKind::Uta, "wss://wspap.bitget.com/v2/ws/private", "wss://wspap.bitget.com/v3/ws/private"},
        Row{AccountKind::Classic, "ws://127.0.0.1:4100/v3/ws/public", "ws://127.0.0.1:4100/v2/ws/public"},
        Row{AccountKind::Classic, "wss://ws.bitget.com/v2/ws/public", "wss://ws.bitget.com/v2/ws/public"},
        Row{AccountKind::Uta, "ws://127.0.0.1:4100/custom/v2/ws/x", "ws://127.0.0.1:4100/custom/v2/ws/x"},
        Row{AccountKind::Uta, "ws://host.v2/ws/", "ws://host.v2/ws/"}}) {
    EXPECT_EQ(ws_url_for(r.kind, r.in), r.out) << r.in;
  }
}

}  // namespace
}  // namespace carry::bitget
