#include <carry/app/startup.hpp>

#include <gtest/gtest.h>

using namespace carry;
using namespace carry::app;

namespace {
config::LoadedConfig loaded_with(const std::string& env, bool allow_live) {
  config::LoadedConfig l;
  l.config.exchange.environment = env;
  l.config.exchange.allow_live = allow_live;
  l.sources["exchange.allow_live"] = "cfg.yaml";
  l.sources["exchange.environment"] = "cfg.yaml";
  return l;
}
}  // namespace

TEST(Startup, MainnetWithoutAllowLiveRefused) {
  CliOptions cli;
  cli.env = "mainnet";
  const auto d = check_environment(cli, loaded_with("mainnet", false));
  EXPECT_FALSE(d.proceed);
  EXPECT_EQ(d.exit_code, 2);
  EXPECT_EQ(d.guard_event, "guard.allow_live");
  EXPECT_NE(d.message.find("exchange.allow_live"), std::string::npos);
  EXPECT_NE(d.message.find("EXCHANGE__ALLOW_LIVE=true"), std::string::npos);
  EXPECT_NE(d.message.find("cfg.yaml"), std::string::npos);
  // Also when --env is omitted and the config says mainnet.
  EXPECT_FALSE(check_environment(CliOptions{}, loaded_with("mainnet", false)).proceed);
}

TEST(Startup, ModesThatNeverPlaceOrdersMayUseMainnetWithoutAllowLive) {
  for (auto set : {+[](CliOptions& c) { c.ops_check = true; }, +[](CliOptions& c) { c.dry_run = true; },
                   +[](CliOptions& c) { c.reset_kill_switch = true; }}) {
    CliOptions cli;
    cli.env = "mainnet";
    set(cli);
    EXPECT_TRUE(check_environment(cli, loaded_with("mainnet", false)).proceed);
    if (!cli.reset_kill_switch) EXPECT_NE(select_mode(cli, loaded_with("mainnet", false).config), Mode::Live);
  }
}

TEST(Startup, EnvMustAgreeWithConfig) {
  CliOptions cli;
  cli.env = "mainnet";
  const auto d = check_environment(cli, loaded_with("testnet", true));
  EXPECT_FALSE(d.proceed);
  EXPECT_EQ(d.exit_code, 2);
  EXPECT_EQ(d.guard_event, "guard.environment");
  cli.env = "testnet";
  EXPECT_FALSE(check_environment(cli, loaded_with("mainnet", true)).proceed);
}

TEST(Startup, AllowedCombinations) {
  CliOptions cli;
  cli.env = "mainnet";
  EXPECT_TRUE(check_environment(cli, loaded_with("mainnet", true)).proceed);
  cli.env = "testnet";
  EXPECT_TRUE(check_environment(cli, loaded_with("testnet", false)).proceed);
  EXPECT_TRUE(check_environment(CliOptions{}, loaded_with("testnet", false)).proceed);
}

TEST(Startup, ModeSelection) {
  config::Config c;
  CliOptions cli;
  EXPECT_EQ(select_mode(cli, c), Mode::Testnet);
  c.exchange.environment = "mainnet";
  EXPECT_EQ(select_mode(cli, c), Mode::Live);
  cli.dry_run = true;
  EXPECT_EQ(select_mode(cli, c), Mode::Paper);
  cli.ops_check = true;
  EXPECT_EQ(select_mode(cli, c), Mode::OpsCheck);
}
