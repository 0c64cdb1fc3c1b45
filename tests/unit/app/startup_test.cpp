#include <carry/app/startup.hpp>

#include <carry_test/process.hpp>

#include <gtest/gtest.h>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace carry;
using namespace carry::app;

namespace {
// Keys set: this run would send private requests.
config::LoadedConfig loaded_with(const std::string& env, bool allow_live, bool demo = true) {
  config::LoadedConfig l;
  l.config.exchange.environment = env;
  l.config.exchange.allow_live = allow_live;
  l.config.exchange.demo_trading = demo;
  l.config.keys = {"key", "secret", "pass"};
  l.sources["exchange.allow_live"] = "cfg.yaml";
  l.sources["exchange.environment"] = "cfg.yaml";
  return l;
}

config::LoadedConfig on_loopback(config::LoadedConfig l) {
  l.config.exchange.rest_url = "http://127.0.0.1:8080";
  l.config.exchange.ws_public_url = "ws://127.0.0.1:8080/v2/ws/public";
  l.config.exchange.ws_private_url = "ws://localhost:8080/v2/ws/private";
  return l;
}

void expect_live_refusal(const StartupDecision& d, const std::string& host) {
  EXPECT_FALSE(d.proceed);
  EXPECT_EQ(d.exit_code, 2);
  EXPECT_EQ(d.guard_event, "guard.allow_live");
  EXPECT_EQ(d.host, host);
  EXPECT_NE(d.message.find("exchange.allow_live"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find(host), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("EXCHANGE__ALLOW_LIVE=true"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("cfg.yaml"), std::string::npos) << d.message;
}
}  // namespace

TEST(Startup, MainnetWithoutAllowLiveRefused) {
  CliOptions cli;
  cli.env = "mainnet";
  expect_live_refusal(check_environment(cli, loaded_with("mainnet", false)), "api.bitget.com");
  // Also when --env is omitted and the config says mainnet.
  EXPECT_FALSE(check_environment(CliOptions{}, loaded_with("mainnet", false)).proceed);
}

TEST(Startup, TestnetWithoutDemoOnBitgetsHostsIsLiveAndRefused) {
  // config/sim.yaml's shape with its URLs left empty: api.bitget.com without `paptrading: 1`.
  expect_live_refusal(check_environment(CliOptions{}, loaded_with("testnet", false, false)), "api.bitget.com");
  // Demo REST but a private WebSocket on the production host is live too.
  auto l = loaded_with("testnet", false, true);
  l.config.exchange.ws_private_url = "wss://ws.bitget.com/v2/ws/private";
  expect_live_refusal(check_environment(CliOptions{}, l), "ws.bitget.com");
  // Any other non-loopback host: keys and orders leave the machine.
  auto other = loaded_with("testnet", false, true);
  other.config.exchange.rest_url = "https://exchange.example.net";
  expect_live_refusal(check_environment(CliOptions{}, other), "exchange.example.net");
}

TEST(Startup, DemoTradingAndLoopbackNeverNeedAllowLive) {
  EXPECT_TRUE(check_environment(CliOptions{}, loaded_with("testnet", false, true)).proceed);
  EXPECT_EQ(trading_destination(loaded_with("testnet", false, true).config).kind, bitget::DestinationKind::Demo);
  for (const std::string env : {"testnet", "mainnet"}) {
    const auto l = on_loopback(loaded_with(env, false, false));
    EXPECT_TRUE(check_environment(CliOptions{}, l).proceed) << env;
    EXPECT_EQ(trading_destination(l.config).kind, bitget::DestinationKind::Loopback);
    EXPECT_EQ(select_mode(CliOptions{}, l.config), Mode::Testnet);
  }
}

TEST(Startup, WithoutKeysNoPrivateRequestIsSent) {
  auto l = loaded_with("mainnet", false);
  l.config.keys = {};
  EXPECT_TRUE(check_environment(CliOptions{}, l).proceed);  // market data only
}

TEST(Startup, ModesThatNeverPlaceOrdersMayUseMainnetWithoutAllowLive) {
  for (auto set : {+[](CliOptions& c) { c.ops_check = true; }, +[](CliOptions& c) { c.dry_run = true; },
                   +[](CliOptions& c) { c.reset_kill_switch = true; }}) {
    CliOptions cli;
    cli.env = "mainnet";
    set(cli);
    EXPECT_TRUE(check_environment(cli, loaded_with("mainnet", false)).proceed);
    if (!cli.reset_kill_switch) {
      EXPECT_NE(select_mode(cli, loaded_with("mainnet", false).config), Mode::Live);
    }
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

TEST(Startup, AllowLiveLetsALiveRunStart) {
  CliOptions cli;
  cli.env = "mainnet";
  EXPECT_TRUE(check_environment(cli, loaded_with("mainnet", true)).proceed);
  EXPECT_TRUE(check_environment(CliOptions{}, loaded_with("testnet", true, false)).proceed);
}

TEST(Startup, ModeSelectionFollowsTheDestination) {
  config::Config c;
  CliOptions cli;
  EXPECT_EQ(select_mode(cli, c), Mode::Testnet);  // demo trading by default
  c.exchange.environment = "mainnet";
  EXPECT_EQ(select_mode(cli, c), Mode::Live);
  c.exchange.environment = "testnet";
  c.exchange.demo_trading = false;
  EXPECT_EQ(select_mode(cli, c), Mode::Live);
  cli.dry_run = true;
  EXPECT_EQ(select_mode(cli, c), Mode::Paper);
  cli.ops_check = true;
  EXPECT_EQ(select_mode(cli, c), Mode::OpsCheck);
}

TEST(Startup, SecretFilesReadableByOthersAreRefusedUnlessLoopback) {
  carry_test::TempDir dir("startup_secrets");
  const auto env_file = dir.write(".env", "KEYS__API_SECRET=s\n");
  auto l = loaded_with("testnet", false, true);  // demo trading: real (demo) credentials
  l.sources["keys.api_secret"] = env_file + " KEYS__API_SECRET";
  l.files["keys.api_secret"] = env_file;
  l.sources["keys.api_key"] = "environment variable KEYS__API_KEY";  // no file
  ::chmod(env_file.c_str(), 0644);
  auto d = check_secret_files(l);
  EXPECT_FALSE(d.proceed);
  EXPECT_EQ(d.exit_code, 2);
  EXPECT_EQ(d.guard_event, "guard.secret_file");
  EXPECT_NE(d.message.find("chmod 600 " + env_file), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("644"), std::string::npos) << d.message;
  ::chmod(env_file.c_str(), 0640);
  EXPECT_FALSE(check_secret_files(l).proceed);  // group-readable is readable by others too
  ::chmod(env_file.c_str(), 0600);
  EXPECT_TRUE(check_secret_files(l).proceed);
  // The simulator's account secrets (every private request on loopback) are not credentials.
  ::chmod(env_file.c_str(), 0644);
  EXPECT_TRUE(check_secret_files(on_loopback(l)).proceed);
  // A secret from the environment is not a file's concern.
  l.sources["keys.api_secret"] = "environment variable KEYS__API_SECRET";
  l.files.erase("keys.api_secret");
  EXPECT_TRUE(check_secret_files(l).proceed);
}

TEST(Startup, PaperRunsUseTheirOwnStore) {
  config::Config c;
  c.store.db_path = "var/carry.db";
  c.store.paper_db_path = "var/carry-paper.db";
  EXPECT_EQ(store_path(c, false), "var/carry.db");
  EXPECT_EQ(store_path(c, true), "var/carry-paper.db");
}

TEST(Startup, CoreDumpsDisabled) {
  ASSERT_TRUE(disable_core_dumps());
  rlimit r{};
  ASSERT_EQ(::getrlimit(RLIMIT_CORE, &r), 0);
  EXPECT_EQ(r.rlim_cur, 0u);
  EXPECT_EQ(r.rlim_max, 0u);
  EXPECT_EQ(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}
