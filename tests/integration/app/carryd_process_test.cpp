// carryd as a real process: the mainnet guard, clean signal shutdown, config errors, redaction.
#include <carry_test/paths.hpp>
#include <carry_test/process.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <csignal>
#include <filesystem>

using carry_test::Process;
using carry_test::TempDir;
using carry_test::wait_until;
using namespace std::chrono_literals;

namespace {

// A loopback TCP listener that never accepts on its own: connection attempts complete in the
// kernel backlog, so after the fact we can count them with non-blocking accepts.
class CountingListener {
 public:
  CountingListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 64) != 0)
      throw std::runtime_error("listener setup failed");
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~CountingListener() { ::close(fd_); }
  int port() const { return port_; }
  int accepted() {
    while (true) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) break;
      ::close(c);
      ++count_;
    }
    return count_;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  int count_ = 0;
};

std::string config_yaml(const TempDir& dir, const std::string& environment, bool allow_live, int port) {
  const std::string host = "127.0.0.1:" + std::to_string(port);
  return "exchange:\n  environment: " + environment + "\n  allow_live: " + (allow_live ? "true" : "false") +
         "\n  rest_url: http://" + host + "\n  ws_public_url: ws://" + host + "/v2/ws/public\n" +
         "  ws_private_url: ws://" + host + "/v2/ws/private\n" + "store:\n  db_path: " + dir.file("carry.db") +
         "\nlog:\n  dir: " + dir.file("logs") + "\n  console: false\nmonitor:\n  reports_dir: " + dir.file("reports") +
         "\n";
}

std::vector<nlohmann::json> jsonl(const TempDir& dir) {
  std::vector<nlohmann::json> out;
  for (const auto& line : carry_test::read_lines(dir.path() / "logs" / "app.jsonl")) {
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
    if (nlohmann::json::accept(line)) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

bool has_event(const std::vector<nlohmann::json>& lines, const std::string& event) {
  for (const auto& j : lines)
    if (j.value("event", "") == event) return true;
  return false;
}

// A clean environment: no inherited SECTION__KEY variables or .env from the developer's shell.
// The monitoring port on an ephemeral port: parallel runs never collide on 9464.
std::map<std::string, std::string> base_env() {
  return {{"APP_CONFIG_FILE", ""}, {"MONITOR__HTTP__LISTEN", "127.0.0.1:0"}};
}

}  // namespace

TEST(CountingListener, DetectsAConnection) {
  // The guard test below relies on this detector; prove it can see a connection.
  CountingListener listener;
  const int c = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(listener.port()));
  ASSERT_EQ(::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_TRUE(carry_test::wait_until([&] { return listener.accepted() == 1; }, 5s));
  ::close(c);
}

// Bitget's production hosts, whatever `environment` says: what the guard is about.
std::string production_yaml(const TempDir& dir, const std::string& environment, bool demo_trading) {
  return "exchange:\n  environment: " + environment +
         "\n  allow_live: false\n  demo_trading: " + (demo_trading ? "true" : "false") +
         "\nstore:\n  db_path: " + dir.file("carry.db") + "\nlog:\n  dir: " + dir.file("logs") +
         "\n  console: false\nmonitor:\n  reports_dir: " + dir.file("reports") + "\n  http:\n    listen: 127.0.0.1:0\n";
}

std::map<std::string, std::string> keys_env() {
  auto env = base_env();
  env["KEYS__API_KEY"] = "k";
  env["KEYS__API_SECRET"] = "s";
  env["KEYS__PASSPHRASE"] = "p";
  return env;
}

TEST(Carryd, LiveDestinationWithoutAllowLiveExits2NamingTheHost) {
  // environment: testnet with demo_trading off and no URLs sends orders to api.bitget.com without
  // the demo header: that is live trading, and so is mainnet.
  for (const std::string environment : {"testnet", "mainnet"}) {
    TempDir dir("carryd_guard");
    const auto cfg = dir.write("app.yaml", production_yaml(dir, environment, false));
    Process p({carry_test::carryd_path(), "--config", cfg}, keys_env(), dir.path().string());
    ASSERT_EQ(p.wait(30s).value_or(-1), 2) << p.err();
    const std::string err = p.err();
    EXPECT_NE(err.find("exchange.allow_live"), std::string::npos) << err;
    EXPECT_NE(err.find("api.bitget.com"), std::string::npos) << err;
    EXPECT_NE(err.find("EXCHANGE__ALLOW_LIVE=true"), std::string::npos) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;  // exactly one line
    const auto lines = jsonl(dir);
    ASSERT_TRUE(has_event(lines, "guard.allow_live"));
    for (const auto& j : lines) {
      if (j.value("event", "") == "guard.allow_live") {
        EXPECT_EQ(j.value("host", ""), "api.bitget.com");
      }
    }
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "carry.db"));  // refused before the store
  }
}

TEST(Carryd, LoopbackNeverNeedsAllowLiveEvenNamedMainnet) {
  TempDir dir("carryd_loopback");
  CountingListener listener;
  const auto cfg = dir.write("mainnet.yaml", config_yaml(dir, "mainnet", false, listener.port()));
  Process p({carry_test::carryd_path(), "--env", "mainnet", "--config", cfg}, keys_env(), dir.path().string());
  // Not refused: it goes on to connect to the (loopback) exchange.
  EXPECT_TRUE(wait_until([&] { return listener.accepted() > 0; }, 30s)) << p.err();
  EXPECT_TRUE(p.running());
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(30s).value_or(-1), 0) << p.err();
  EXPECT_FALSE(has_event(jsonl(dir), "guard.allow_live"));
}

TEST(Carryd, ResetKillSwitchNeverContactsTheExchange) {
  TempDir dir("carryd_reset");
  CountingListener listener;
  const auto cfg = dir.write("mainnet.yaml", config_yaml(dir, "mainnet", false, listener.port()));
  Process p({carry_test::carryd_path(), "--env", "mainnet", "--config", cfg, "--reset-kill-switch"}, keys_env(),
            dir.path().string());
  ASSERT_EQ(p.wait(30s).value_or(-1), 0) << p.out() << p.err();
  EXPECT_NE(p.out().find("kill switch:"), std::string::npos) << p.out();
  EXPECT_EQ(listener.accepted(), 0);
}

TEST(Carryd, WorldReadableEnvWithRealKeysIsRefused) {
  TempDir dir("carryd_dotenv");
  // Bitget demo trading: real (demo) keys sent to api.bitget.com.
  const auto cfg = dir.write("app.yaml", production_yaml(dir, "testnet", true));
  const auto env_file = dir.write(".env", "KEYS__API_KEY=k\nKEYS__API_SECRET=s\nKEYS__PASSPHRASE=p\n");
  ::chmod(env_file.c_str(), 0644);
  Process p({carry_test::carryd_path(), "--config", cfg}, base_env(), dir.path().string());
  ASSERT_EQ(p.wait(30s).value_or(-1), 2) << p.err();
  const std::string err = p.err();
  EXPECT_NE(err.find(".env"), std::string::npos) << err;
  EXPECT_NE(err.find("chmod 600 .env"), std::string::npos) << err;
  EXPECT_NE(err.find("644"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_TRUE(has_event(jsonl(dir), "guard.secret_file"));
}

TEST(Carryd, EnvDisagreeingWithConfigExits2) {
  TempDir dir("carryd_env");
  CountingListener listener;
  const auto cfg = dir.write("testnet.yaml", config_yaml(dir, "testnet", false, listener.port()));
  Process p({carry_test::carryd_path(), "--env", "mainnet", "--config", cfg}, base_env(), dir.path().string());
  ASSERT_EQ(p.wait(30s), 2);
  EXPECT_NE(p.err().find("exchange.environment=testnet"), std::string::npos) << p.err();
  EXPECT_TRUE(has_event(jsonl(dir), "guard.environment"));
  EXPECT_EQ(listener.accepted(), 0);
}

TEST(Carryd, AllowLiveFromEnvironmentVariableIsHonoured) {
  TempDir dir("carryd_envvar");
  CountingListener listener;
  const auto cfg = dir.write("mainnet.yaml", config_yaml(dir, "mainnet", false, listener.port()));
  auto env = base_env();
  env["EXCHANGE__ALLOW_LIVE"] = "true";
  Process p({carry_test::carryd_path(), "--env", "mainnet", "--config", cfg, "--print-config"}, env,
            dir.path().string());
  ASSERT_EQ(p.wait(30s), 0);
  EXPECT_NE(p.out().find("allow_live: true  # environment variable EXCHANGE__ALLOW_LIVE"), std::string::npos)
      << p.out();
}

TEST(Carryd, BadConfigNamesKeyAndExits2) {
  TempDir dir("carryd_badcfg");
  const auto cfg = dir.write("bad.yaml", "risk:\n  symbol_cooldown_s: soon\n");
  Process p({carry_test::carryd_path(), "--config", cfg}, base_env(), dir.path().string());
  ASSERT_EQ(p.wait(30s), 2);
  EXPECT_NE(p.err().find("risk.symbol_cooldown_s"), std::string::npos) << p.err();
  EXPECT_NE(p.err().find(cfg), std::string::npos) << p.err();
  Process q({carry_test::carryd_path(), "--frobnicate"}, base_env(), dir.path().string());
  ASSERT_EQ(q.wait(30s), 2);
  EXPECT_NE(q.err().find("--frobnicate"), std::string::npos) << q.err();
}

// A dead socket would be found only after the stale-data guard flattened: refused before any network.
TEST(Carryd, DeadLinkDetectionSlowerThanTheStaleGuardIsAConfigErrorExit2) {
  TempDir dir("carryd_deadlink");
  CountingListener listener;
  const auto cfg = dir.write("app.yaml", config_yaml(dir, "testnet", false, listener.port()) +
                                             "strategy:\n  funding:\n    symbols: [BTCUSDT]\n");
  auto env = base_env();
  env["EXCHANGE__WS_DEAD_AFTER_S"] = "30";
  Process p({carry_test::carryd_path(), "--config", cfg}, env, dir.path().string());
  ASSERT_EQ(p.wait(30s), 2);
  const std::string err = p.err();
  EXPECT_NE(err.find("exchange.ws_dead_after_s"), std::string::npos) << err;
  EXPECT_NE(err.find("risk.market_data_stale_s"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(listener.accepted(), 0);
}

TEST(Carryd, HedgePositionModeIsAConfigErrorExit2) {
  TempDir dir("carryd_hedge");
  CountingListener listener;
  const auto cfg = dir.write("app.yaml", config_yaml(dir, "testnet", false, listener.port()) +
                                             "strategy:\n  funding:\n    symbols: [BTCUSDT]\n");
  auto env = base_env();
  env["EXCHANGE__POSITION_MODE"] = "hedge";
  Process p({carry_test::carryd_path(), "--config", cfg}, env, dir.path().string());
  ASSERT_EQ(p.wait(30s), 2);
  const std::string err = p.err();
  EXPECT_NE(err.find("exchange.position_mode"), std::string::npos) << err;
  EXPECT_NE(err.find("EXCHANGE__POSITION_MODE"), std::string::npos) << err;
  EXPECT_NE(err.find("not supported"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(listener.accepted(), 0);  // refused before any network
}

TEST(Carryd, PrintConfigRedactsSecrets) {
  TempDir dir("carryd_print");
  const auto cfg = dir.write("app.yaml", config_yaml(dir, "testnet", false, 1));
  auto env = base_env();
  env["KEYS__API_KEY"] = "bg_visible_key_material";
  env["KEYS__API_SECRET"] = "very-secret-value-0123456789";
  env["KEYS__PASSPHRASE"] = "my-passphrase-42";
  Process p({carry_test::carryd_path(), "--config", cfg, "--print-config"}, env, dir.path().string());
  ASSERT_EQ(p.wait(30s), 0);
  const std::string out = p.out() + p.err();
  EXPECT_EQ(out.find("very-secret-value-0123456789"), std::string::npos);
  EXPECT_EQ(out.find("my-passphrase-42"), std::string::npos);
  EXPECT_EQ(out.find("bg_visible_key_material"), std::string::npos);
  EXPECT_NE(out.find("api_secret: \"***\""), std::string::npos) << out;
}

TEST(Carryd, VersionAndHelp) {
  Process v({carry_test::carryd_path(), "--version"}, base_env());
  ASSERT_EQ(v.wait(30s), 0);
  EXPECT_EQ(v.out().rfind("carryd ", 0), 0u);
  Process h({carry_test::carryd_path(), "--help"}, base_env());
  ASSERT_EQ(h.wait(30s), 0);
  EXPECT_NE(h.out().find("--flatten-on-exit"), std::string::npos);
}

TEST(Carryd, SigtermStopsCleanlyWithAppStopEvent) {
  TempDir dir("carryd_sigterm");
  CountingListener listener;  // endpoints lead nowhere useful; shutdown must not depend on them
  const auto cfg = dir.write("app.yaml", config_yaml(dir, "testnet", false, listener.port()));
  for (int sig : {SIGTERM, SIGINT}) {
    Process p({carry_test::carryd_path(), "--config", cfg}, base_env(), dir.path().string());
    ASSERT_TRUE(carry_test::wait_until([&] { return has_event(jsonl(dir), "app.running"); }, 30s));
    p.signal(sig);
    ASSERT_EQ(p.wait(30s), 0) << p.err();
    const auto lines = jsonl(dir);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back().value("event", ""), "app.stop");
    std::filesystem::remove_all(dir.path() / "logs");
  }
}
