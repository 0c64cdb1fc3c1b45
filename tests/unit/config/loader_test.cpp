#include <carry/config/loader.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace carry;
using namespace carry::config;
namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("carry_cfg_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

LoadOptions options_for(const TempDir& dir, std::map<std::string, std::string> env = {}) {
  LoadOptions o;
  o.config_file = dir.file("app.yaml");
  o.env_file = dir.file(".env");
  o.environment = std::move(env);
  o.use_process_environment = false;
  return o;
}

std::string error_of(const LoadOptions& o) {
  try {
    load(o);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ConfigLoader, DefaultsWhenFileEmpty) {
  TempDir dir;
  dir.write("app.yaml", "");
  const auto loaded = load(options_for(dir));
  EXPECT_EQ(loaded.config.exchange.environment, "testnet");
  EXPECT_FALSE(loaded.config.exchange.allow_live);
  EXPECT_EQ(loaded.config.exchange.rest_max_concurrency, 4);
  EXPECT_EQ(loaded.sources.at("exchange.allow_live"), "default");
}

TEST(ConfigLoader, PrecedenceDotEnvThenYamlThenEnvironment) {
  TempDir dir;
  dir.write(".env",
            "# comment\nRISK__SYMBOL_COOLDOWN_S=11\nRISK__REJECT_BURST_THRESHOLD=3\nexport LOG__LEVEL=\"debug\"\n"
            "EXCHANGE__REST_MAX_CONCURRENCY=2\n");
  dir.write("app.yaml", "risk:\n  symbol_cooldown_s: 22\n  reject_burst_threshold: 4\n");
  const auto loaded = load(options_for(dir, {{"RISK__SYMBOL_COOLDOWN_S", "33"}}));
  // environment beats YAML beats .env
  EXPECT_EQ(loaded.config.risk.symbol_cooldown_s, 33);
  EXPECT_EQ(loaded.sources.at("risk.symbol_cooldown_s"), "environment variable RISK__SYMBOL_COOLDOWN_S");
  EXPECT_EQ(loaded.config.risk.reject_burst_threshold, 4);
  EXPECT_EQ(loaded.sources.at("risk.reject_burst_threshold"), dir.file("app.yaml"));
  // .env alone
  EXPECT_EQ(loaded.config.log.level, "debug");
  EXPECT_EQ(loaded.config.exchange.rest_max_concurrency, 2);
  EXPECT_EQ(loaded.sources.at("exchange.rest_max_concurrency"), dir.file(".env") + " EXCHANGE__REST_MAX_CONCURRENCY");
}

TEST(ConfigLoader, NestedSectionsAndLists) {
  TempDir dir;
  dir.write("app.yaml", "strategy:\n  funding:\n    symbols: [ETHUSDT, SOLUSDT]\n    min_expected_apr: 0.2\n");
  auto loaded = load(options_for(dir));
  EXPECT_EQ(loaded.config.strategy.funding.symbols, (std::vector<std::string>{"ETHUSDT", "SOLUSDT"}));
  EXPECT_DOUBLE_EQ(loaded.config.strategy.funding.min_expected_apr, 0.2);
  loaded = load(options_for(dir, {{"STRATEGY__FUNDING__SYMBOLS", "BTCUSDT, XRPUSDT"}}));
  EXPECT_EQ(loaded.config.strategy.funding.symbols, (std::vector<std::string>{"BTCUSDT", "XRPUSDT"}));
}

TEST(ConfigLoader, DecisionLogIntervalDefaultsToNewsOnlyAndIsBounded) {
  TempDir dir;
  dir.write("app.yaml", "");
  EXPECT_EQ(load(options_for(dir)).config.strategy.funding.decision_log_interval_s, 0);
  dir.write("app.yaml", "strategy:\n  funding:\n    decision_log_interval_s: 300\n");
  EXPECT_EQ(load(options_for(dir)).config.strategy.funding.decision_log_interval_s, 300);
  dir.write("app.yaml", "strategy:\n  funding:\n    decision_log_interval_s: -1\n");
  EXPECT_NE(error_of(options_for(dir)).find("strategy.funding.decision_log_interval_s"), std::string::npos);
}

TEST(ConfigLoader, FundingForecastAndCloseConfirmationsHaveDefaultsAndBounds) {
  TempDir dir;
  dir.write("app.yaml", "");
  auto f = load(options_for(dir)).config.strategy.funding;
  EXPECT_DOUBLE_EQ(f.forecast.current_weight, 0.5);
  EXPECT_DOUBLE_EQ(f.forecast.ewma_halflife_settlements, 9);
  EXPECT_EQ(f.forecast.min_history, 3);
  EXPECT_EQ(f.close_confirmations, 3);
  dir.write("app.yaml",
            "strategy:\n  funding:\n    close_confirmations: 1\n    forecast:\n      current_weight: 1\n"
            "      ewma_halflife_settlements: 21\n      min_history: 6\n");
  f = load(options_for(dir)).config.strategy.funding;
  EXPECT_DOUBLE_EQ(f.forecast.current_weight, 1);
  EXPECT_DOUBLE_EQ(f.forecast.ewma_halflife_settlements, 21);
  EXPECT_EQ(f.forecast.min_history, 6);
  EXPECT_EQ(f.close_confirmations, 1);
  dir.write("app.yaml", "");
  for (const auto& [var, key] : std::vector<std::pair<std::string, std::string>>{
           {"STRATEGY__FUNDING__FORECAST__CURRENT_WEIGHT", "strategy.funding.forecast.current_weight"},
           {"STRATEGY__FUNDING__FORECAST__EWMA_HALFLIFE_SETTLEMENTS",
            "strategy.funding.forecast.ewma_halflife_settlements"},
           {"STRATEGY__FUNDING__FORECAST__MIN_HISTORY", "strategy.funding.forecast.min_history"},
           {"STRATEGY__FUNDING__CLOSE_CONFIRMATIONS", "strategy.funding.close_confirmations"}}) {
    const auto msg = error_of(options_for(dir, {{var, var.ends_with("WEIGHT") ? "1.5" : "0"}}));
    EXPECT_NE(msg.find(key), std::string::npos) << msg;
  }
}

TEST(ConfigLoader, ConfigFileFromAppConfigFileVariable) {
  TempDir dir;
  const auto other = dir.write("other.yaml", "exchange:\n  leverage: 3\n");
  LoadOptions o = options_for(dir, {{"APP_CONFIG_FILE", other}});
  o.config_file.reset();
  const auto loaded = load(o);
  EXPECT_EQ(loaded.config_file, other);
  EXPECT_EQ(loaded.config.exchange.leverage, 3);
}

TEST(ConfigLoader, UnknownKeyNamesKeyAndFile) {
  TempDir dir;
  dir.write("app.yaml", "exchange:\n  alow_live: true\n");
  const auto msg = error_of(options_for(dir));
  EXPECT_NE(msg.find("exchange.alow_live"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown key"), std::string::npos) << msg;
  EXPECT_NE(msg.find(dir.file("app.yaml")), std::string::npos) << msg;
}

TEST(ConfigLoader, SimulatorSectionIsLeftToTheSimulator) {
  TempDir dir;
  dir.write("app.yaml", "sim:\n  listen: 127.0.0.1:0\n  anything: [1, 2]\nexchange:\n  leverage: 3\n");
  EXPECT_EQ(load(options_for(dir)).config.exchange.leverage, 3);
  dir.write("app.yaml", "exchange:\n  sim: 1\n");  // only at the top level
  EXPECT_NE(error_of(options_for(dir)).find("exchange.sim"), std::string::npos);
}

TEST(ConfigLoader, UnknownSectionAndUnknownVariable) {
  TempDir dir;
  dir.write("app.yaml", "risky:\n  a: 1\n");
  EXPECT_NE(error_of(options_for(dir)).find("risky"), std::string::npos);
  dir.write("app.yaml", "");
  const auto msg = error_of(options_for(dir, {{"RISK__NOPE", "1"}}));
  EXPECT_NE(msg.find("risk.nope"), std::string::npos) << msg;
  EXPECT_NE(msg.find("RISK__NOPE"), std::string::npos) << msg;
  // Variables outside our sections are not ours to judge.
  EXPECT_EQ(error_of(options_for(dir, {{"PATH__X", "1"}, {"HOME", "/"}})), "");
}

TEST(ConfigLoader, WrongTypeNamesKeySourceAndExpectation) {
  TempDir dir;
  dir.write("app.yaml", "exchange:\n  allow_live: yes please\n");
  auto msg = error_of(options_for(dir));
  EXPECT_NE(msg.find("exchange.allow_live"), std::string::npos) << msg;
  EXPECT_NE(msg.find("true or false"), std::string::npos) << msg;
  dir.write("app.yaml", "risk:\n  symbol_cooldown_s: ten\n");
  msg = error_of(options_for(dir));
  EXPECT_NE(msg.find("risk.symbol_cooldown_s"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'ten'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("integer"), std::string::npos) << msg;
  dir.write("app.yaml", "exchange:\n  leverage: [1, 2]\n");
  msg = error_of(options_for(dir));
  EXPECT_NE(msg.find("got a list"), std::string::npos) << msg;
}

TEST(ConfigLoader, OutOfRangeNamesKeyAndVariable) {
  TempDir dir;
  dir.write("app.yaml", "");
  const auto msg = error_of(options_for(dir, {{"EXCHANGE__REST_MAX_CONCURRENCY", "0"}}));
  EXPECT_NE(msg.find("exchange.rest_max_concurrency"), std::string::npos) << msg;
  EXPECT_NE(msg.find("EXCHANGE__REST_MAX_CONCURRENCY"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[1, 64]"), std::string::npos) << msg;
  EXPECT_NE(error_of(options_for(dir, {{"EXCHANGE__ENVIRONMENT", "prod"}})).find("mainnet testnet"), std::string::npos);
  EXPECT_NE(error_of(options_for(dir, {{"STRATEGY__FUNDING__SYMBOLS", "btc"}})).find("strategy.funding.symbols"),
            std::string::npos);
}

TEST(ConfigLoader, CrossFieldRules) {
  TempDir dir;
  dir.write("app.yaml", "risk:\n  max_order_notional: 50000\n");
  EXPECT_NE(error_of(options_for(dir)).find("risk.max_order_notional"), std::string::npos);
  dir.write("app.yaml", "exchange:\n  rest_url: ftp://x\n");
  EXPECT_NE(error_of(options_for(dir)).find("exchange.rest_url"), std::string::npos);
}

// A dead socket must be found (and a reconnect tried) before the stale-data guard flattens.
TEST(ConfigLoader, DeadLinkDetectionComesBeforeTheMarketDataStaleTrip) {
  TempDir dir;
  dir.write("app.yaml", "");
  const auto defaults = load(options_for(dir)).config;
  EXPECT_LT(defaults.exchange.ws_dead_after_s, defaults.risk.market_data_stale_s);
  EXPECT_LT(defaults.exchange.ws_ping_interval_s, defaults.exchange.ws_dead_after_s);
  EXPECT_EQ(defaults.exchange.time_sync_s, 300);
  dir.write("app.yaml", "exchange:\n  ws_dead_after_s: 30\nrisk:\n  market_data_stale_s: 30\n");
  auto msg = error_of(options_for(dir));
  EXPECT_NE(msg.find("exchange.ws_dead_after_s"), std::string::npos) << msg;
  EXPECT_NE(msg.find("risk.market_data_stale_s"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;  // one line
  msg = error_of(options_for(dir, {{"RISK__MARKET_DATA_STALE_S", "45"}, {"EXCHANGE__WS_PING_INTERVAL_S", "30"}}));
  EXPECT_NE(msg.find("exchange.ws_ping_interval_s"), std::string::npos) << msg;
  EXPECT_NE(msg.find("exchange.ws_dead_after_s"), std::string::npos) << msg;
  EXPECT_EQ(load(options_for(dir, {{"RISK__MARKET_DATA_STALE_S", "45"}})).config.exchange.ws_dead_after_s, 30);
  // time_sync_s: bounded like its neighbours.
  dir.write("app.yaml", "exchange:\n  time_sync_s: 60\n");
  EXPECT_EQ(load(options_for(dir)).config.exchange.time_sync_s, 60);
  EXPECT_NE(error_of(options_for(dir, {{"EXCHANGE__TIME_SYNC_S", "0"}})).find("exchange.time_sync_s"),
            std::string::npos);
}

TEST(ConfigLoader, HedgePositionModeIsRefusedWithTheReason) {
  TempDir dir;
  dir.write("app.yaml", "exchange:\n  position_mode: hedge\n");
  auto msg = error_of(options_for(dir));
  EXPECT_NE(msg.find("exchange.position_mode"), std::string::npos) << msg;
  EXPECT_NE(msg.find(dir.file("app.yaml")), std::string::npos) << msg;
  EXPECT_NE(msg.find("not supported"), std::string::npos) << msg;
  EXPECT_NE(msg.find("one-way"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;  // one line
  // From the environment too, naming the variable.
  dir.write("app.yaml", "");
  msg = error_of(options_for(dir, {{"EXCHANGE__POSITION_MODE", "hedge"}}));
  EXPECT_NE(msg.find("EXCHANGE__POSITION_MODE"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not supported"), std::string::npos) << msg;
  // Anything else is an ordinary bad value; one_way loads.
  EXPECT_NE(error_of(options_for(dir, {{"EXCHANGE__POSITION_MODE", "hedge_mode"}})).find("expected one_way"),
            std::string::npos);
  dir.write("app.yaml", "exchange:\n  position_mode: one_way\n");
  EXPECT_EQ(load(options_for(dir)).config.exchange.position_mode, "one_way");
}

TEST(ConfigLoader, MissingFileAndBadYaml) {
  TempDir dir;
  EXPECT_NE(error_of(options_for(dir)).find("does not exist"), std::string::npos);
  dir.write("app.yaml", "exchange:\n  leverage: [1\n");
  const auto msg = error_of(options_for(dir));
  EXPECT_NE(msg.find(dir.file("app.yaml")), std::string::npos) << msg;
}

TEST(ConfigLoader, BadDotEnvLineNamesFileAndLine) {
  TempDir dir;
  dir.write("app.yaml", "");
  dir.write(".env", "OK__X=1\nthis is not an assignment\n");
  const auto msg = error_of(options_for(dir));
  EXPECT_NE(msg.find(".env:2"), std::string::npos) << msg;
}

TEST(ConfigLoader, SecretValuesNeverInErrorsOrRender) {
  TempDir dir;
  dir.write("app.yaml", "keys:\n  api_key: AKEY-123456\n  api_secret: SUPERSECRET-abcdef\n  passphrase: PASS-999\n");
  const auto loaded = load(options_for(dir));
  EXPECT_TRUE(loaded.config.keys.complete());
  const std::string text = render(loaded);
  EXPECT_EQ(text.find("SUPERSECRET"), std::string::npos);
  EXPECT_EQ(text.find("AKEY-123456"), std::string::npos);
  EXPECT_EQ(text.find("PASS-999"), std::string::npos);
  EXPECT_NE(text.find("api_secret: \"***\""), std::string::npos) << text;
  EXPECT_NE(text.find("allow_live: false"), std::string::npos) << text;
  EXPECT_NE(text.find("  funding:\n    symbols: [BTCUSDT,ETHUSDT]"), std::string::npos) << text;
}

TEST(ConfigLoader, RenderedConfigLoadsBackToTheSameValues) {
  TempDir dir;
  dir.write("app.yaml", "risk:\n  price_dev_bps_limit: 12.5\nstrategy:\n  funding:\n    hold_across_events: false\n");
  const auto first = load(options_for(dir));
  dir.write("round.yaml", render(first));
  LoadOptions o = options_for(dir);
  o.config_file = dir.file("round.yaml");
  const auto second = load(o);
  auto body = [](const std::string& t) {  // everything but the first line (file name) and source comments
    std::string out;
    std::istringstream in(t.substr(t.find('\n') + 1));
    for (std::string line; std::getline(in, line);) out += line.substr(0, line.find("  #")) + "\n";
    return out;
  };
  EXPECT_EQ(body(render(second)), body(render(first)));
  EXPECT_DOUBLE_EQ(second.config.risk.price_dev_bps_limit, 12.5);
  EXPECT_FALSE(second.config.strategy.funding.hold_across_events);
}

TEST(ConfigLoader, KnownKeysIncludeTheSeedKnobs) {
  const auto keys = known_keys();
  for (const char* k : {"exchange.rest_max_concurrency",
                        "exchange.rest_cb_fail_threshold",
                        "exchange.rest_cb_open_seconds",
                        "exchange.bbo_max_age_ms",
                        "exchange.instrument_info_ttl_s",
                        "exchange.allow_live",
                        "exchange.environment",
                        "risk.price_dev_bps_limit",
                        "risk.ws_stale_block_ms",
                        "risk.reject_burst_threshold",
                        "risk.reject_burst_window_s",
                        "risk.symbol_cooldown_s",
                        "strategy.funding.symbols",
                        "strategy.funding.min_expected_apr",
                        "strategy.funding.pre_event_open_minutes",
                        "strategy.funding.hold_across_events",
                        "strategy.funding.rebalance_band_bps",
                        "strategy.funding.chase_interval_ms",
                        "strategy.funding.chase_max_amends",
                        "strategy.funding.chase_max_distance_bps",
                        "strategy.funding.close_confirmations",
                        "strategy.funding.forecast.current_weight",
                        "strategy.funding.forecast.ewma_halflife_settlements",
                        "strategy.funding.forecast.min_history",
                        "store.db_path",
                        "monitor.timezone"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  }
}

TEST(ConfigLoader, PaperDatabaseDefaultsBesideTheLiveOneAndNeverIsIt) {
  TempDir dir;
  dir.write("app.yaml", "store:\n  db_path: var/live.db\n");
  auto loaded = load(options_for(dir));
  EXPECT_EQ(loaded.config.store.paper_db_path, "var/live-paper.db");
  EXPECT_EQ(paper_db_path_for("carry"), "carry-paper");
  dir.write("app.yaml", "store:\n  db_path: var/live.db\n  paper_db_path: /tmp/p.db\n");
  EXPECT_EQ(load(options_for(dir)).config.store.paper_db_path, "/tmp/p.db");
  dir.write("app.yaml", "store:\n  db_path: var/live.db\n  paper_db_path: var/./live.db\n");
  const auto err = error_of(options_for(dir));
  EXPECT_NE(err.find("store.paper_db_path"), std::string::npos) << err;
  EXPECT_NE(err.find("must differ from store.db_path"), std::string::npos) << err;
}

TEST(ConfigLoader, FilesHoldingSecretsAreNamedOnce) {
  TempDir dir;
  dir.write(".env", "KEYS__API_KEY=k\nKEYS__API_SECRET=s\n");
  dir.write("app.yaml", "keys:\n  passphrase: p\n");
  auto loaded = load(options_for(dir, {{"KEYS__API_SECRET", "from-env"}}));
  const auto files = files_holding_secrets(loaded);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0], dir.file(".env"));  // api_key; the secret itself came from the environment
  EXPECT_EQ(files[1], dir.file("app.yaml"));
  dir.write("app.yaml", "");
  dir.write(".env", "KEYS__API_KEY=\n");
  EXPECT_TRUE(files_holding_secrets(load(options_for(dir))).empty());  // empty values are no secrets
}

TEST(ConfigLoader, AdoptForeignPositionsIsOffByDefault) {
  TempDir dir;
  dir.write("app.yaml", "");
  EXPECT_FALSE(load(options_for(dir)).config.strategy.funding.adopt_foreign_positions);
  dir.write("app.yaml", "strategy:\n  funding:\n    adopt_foreign_positions: true\n");
  EXPECT_TRUE(load(options_for(dir)).config.strategy.funding.adopt_foreign_positions);
}

TEST(ConfigLoader, AlertUrlsAreHttpsOrLoopbackHttpAndTheirSecretsAreNeverPrinted) {
  TempDir dir;
  dir.write("app.yaml",
            "alerts:\n  webhook_url: https://hooks.example.com/carry/abc123\n"
            "  slack_webhook_url: http://127.0.0.1:9/slack\n"
            "  telegram:\n    bot_token: 123456:SECRETTOKEN\n    chat_id: '42'\n    api_url: http://localhost:8080\n");
  const auto loaded = load(options_for(dir));
  EXPECT_EQ(loaded.config.alerts.webhook_url, "https://hooks.example.com/carry/abc123");
  EXPECT_EQ(loaded.config.alerts.telegram.chat_id, "42");
  EXPECT_EQ(loaded.config.alerts.min_interval_s, 300);
  EXPECT_TRUE(loaded.config.alerts.any());
  const std::string printed = render(loaded);
  EXPECT_EQ(printed.find("abc123"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("SECRETTOKEN"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("/slack"), std::string::npos) << printed;
  EXPECT_NE(printed.find("chat_id: 42"), std::string::npos) << printed;
  // Secrets in a file make it one that must not be readable by others (check_secret_files).
  const auto files = files_holding_secrets(loaded);
  ASSERT_EQ(files.size(), 1u);

  dir.write("app.yaml", "alerts:\n  webhook_url: http://hooks.example.com/x\n");
  const auto plain = error_of(options_for(dir));
  EXPECT_NE(plain.find("alerts.webhook_url"), std::string::npos) << plain;
  EXPECT_NE(plain.find("loopback"), std::string::npos) << plain;
  dir.write("app.yaml", "alerts:\n  slack_webhook_url: ftp://x/y\n");
  EXPECT_NE(error_of(options_for(dir)).find("alerts.slack_webhook_url"), std::string::npos);
  dir.write("app.yaml", "alerts:\n  telegram:\n    bot_token: 123456:SECRET\n");
  const auto pair = error_of(options_for(dir));
  EXPECT_NE(pair.find("alerts.telegram.chat_id"), std::string::npos) << pair;
  EXPECT_EQ(pair.find("123456:SECRET"), std::string::npos) << pair;
  dir.write("app.yaml", "");
  EXPECT_FALSE(load(options_for(dir, {{"ALERTS__MIN_INTERVAL_S", "0"}})).config.alerts.any());
  EXPECT_NE(error_of(options_for(dir, {{"ALERTS__QUEUE_SIZE", "0"}})).find("alerts.queue_size"), std::string::npos);
}
