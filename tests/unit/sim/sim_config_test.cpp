#include "sim_config.hpp"
#include <carry_test/paths.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace carry::sim {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p.string();
}

std::string cli_error(std::vector<const char*> args) {
  args.insert(args.begin(), "bitget-sim");
  SimConfig cfg;
  try {
    parse_cli(cfg, static_cast<int>(args.size()), args.data());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(SimConfig, BundledConfigLoads) {
  SimConfig cfg;
  load_sim_yaml(cfg, std::string(carry_test::source_dir()) + "/config/sim.yaml");
  ASSERT_TRUE(cfg.tape_path.has_value());
  EXPECT_TRUE(std::filesystem::exists(*cfg.tape_path)) << *cfg.tape_path;
  EXPECT_FALSE(cfg.accounts.empty());
  EXPECT_TRUE(cfg.funding.rate.is_positive());
}

TEST(SimConfig, CommandLineOverridesAndValidates) {
  SimConfig cfg;
  const char* argv[] = {"bitget-sim", "--listen", "127.0.0.1:0",        "--synthetic", "--seed",         "9",
                        "--speed",    "60",       "--funding-interval", "30",          "--funding-rate", "0.0005",
                        "--account",  "a,b,c"};
  ASSERT_TRUE(parse_cli(cfg, 14, argv));
  EXPECT_EQ(cfg.listen_port, 0);
  EXPECT_TRUE(cfg.synthetic);
  EXPECT_EQ(cfg.seed, 9u);
  EXPECT_EQ(cfg.speed, 60.0);
  EXPECT_EQ(cfg.funding.interval_ms, 30'000);
  EXPECT_EQ(cfg.funding.rate, "0.0005"_dec);
  ASSERT_EQ(cfg.accounts.size(), 1u);
  EXPECT_EQ(cfg.accounts[0].passphrase, "c");

  EXPECT_NE(cli_error({"--speed", "fast"}).find("--speed"), std::string::npos);
  EXPECT_NE(cli_error({"--listen", "nowhere"}).find("--listen"), std::string::npos);
  EXPECT_NE(cli_error({"--account", "a,b"}).find("--account"), std::string::npos);
  EXPECT_NE(cli_error({"--bogus"}).find("--bogus"), std::string::npos);
  EXPECT_NE(cli_error({"--funding-rate", "0.5"}).find("funding.rate"), std::string::npos);
  EXPECT_NE(cli_error({"--seed"}).find("--seed: missing"), std::string::npos);
}

TEST(SimConfig, SymbolsPickTheInstruments) {
  SimConfig cfg;
  const char* argv[] = {"bitget-sim", "--symbols", "ETHUSDT,SOLUSDT"};
  ASSERT_TRUE(parse_cli(cfg, 3, argv));
  ASSERT_EQ(cfg.instruments.size(), 4u);  // spot and perp each
  int eth = 0, sol = 0;
  for (const auto& i : cfg.instruments) {
    if (i.symbol == "ETHUSDT") {
      ++eth;
      if (i.market == Market::Perp) {  // Bitget's published rules
        EXPECT_EQ(i.tick(), "0.01"_dec);
      }
    }
    if (i.symbol == "SOLUSDT") {
      ++sol;
      EXPECT_EQ(i.base_coin, "SOL");
      EXPECT_EQ(i.tick(), "0.001"_dec);
      EXPECT_EQ(i.size_multiplier, "0.01"_dec);
    }
  }
  EXPECT_EQ(eth, 2);
  EXPECT_EQ(sol, 2);
  EXPECT_NE(cli_error({"--symbols", "BTCUSDT,btcusdt"}).find("'btcusdt'"), std::string::npos);
  EXPECT_NE(cli_error({"--symbols", "BTCUSDT,BTCUSDT"}).find("'BTCUSDT'"), std::string::npos);
  EXPECT_NE(cli_error({"--symbols", "BTCUSD"}).find("--symbols"), std::string::npos);
  auto p = write_temp("carry_sim_symbols.yaml", "sim:\n  symbols: [XRPUSDT]\n");
  SimConfig from_file;
  load_sim_yaml(from_file, p);
  ASSERT_EQ(from_file.instruments.size(), 2u);
  EXPECT_EQ(from_file.instruments[0].symbol, "XRPUSDT");
  auto q = write_temp("carry_sim_symbols_bad.yaml", "sim:\n  symbols: XRPUSDT\n");
  try {
    load_sim_yaml(from_file, q);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sim.symbols"), std::string::npos) << e.what();
  }
}

TEST(SimConfig, AccountsCanStartInHedgeModeAndIsolatedMargin) {
  SimConfig defaults;
  EXPECT_EQ(defaults.position_mode, "one_way_mode");
  EXPECT_EQ(defaults.margin_mode, "crossed");
  auto p = write_temp("carry_sim_modes.yaml", "sim:\n  position_mode: hedge_mode\n  margin_mode: isolated\n");
  SimConfig cfg;
  load_sim_yaml(cfg, p);
  EXPECT_EQ(cfg.position_mode, "hedge_mode");
  EXPECT_EQ(cfg.margin_mode, "isolated");
  auto q = write_temp("carry_sim_modes_bad.yaml", "sim:\n  margin_mode: cross\n");
  try {
    load_sim_yaml(cfg, q);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sim.margin_mode"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("crossed or isolated"), std::string::npos) << e.what();
  }
}

TEST(SimConfig, YamlErrorsNameFileAndKey) {
  auto p = write_temp("carry_sim_bad.yaml", "sim:\n  speeed: 2\n");
  SimConfig cfg;
  try {
    load_sim_yaml(cfg, p);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sim.speeed"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(p), std::string::npos);
  }
  auto q = write_temp("carry_sim_bad2.yaml", "sim:\n  faults:\n    http_429_rate: 2\n");
  try {
    load_sim_yaml(cfg, q);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("http_429_rate"), std::string::npos) << e.what();
  }
  auto r = write_temp("carry_sim_sched.yaml",
                      "daemon_section: {ignored: true}\nsim:\n  funding:\n    rate: '0.0002'\n    schedule: [[0, "
                      "'0.0004'], [120, '-0.0001']]\n");
  SimConfig ok;
  load_sim_yaml(ok, r);
  ASSERT_EQ(ok.funding.schedule.size(), 2u);
  EXPECT_EQ(ok.funding.schedule[1].first, 120'000);
  EXPECT_EQ(ok.funding.schedule[1].second, "-0.0001"_dec);
}

// Every key of the sim: section at once, each read into its own field.
TEST(SimConfig, YamlReadsEveryKey) {
  auto dir = std::filesystem::temp_directory_path() / "carry_sim_every_key";
  std::filesystem::create_directories(dir);
  const auto p = (dir / "sim.yaml").string();
  std::ofstream(p) << "sim:\n"
                      "  listen: 127.0.0.2:7001\n"
                      "  tape: tapes/t.csv\n"
                      "  synthetic: true\n"
                      "  seed: 42\n"
                      "  speed: 2.5\n"
                      "  loop: false\n"
                      "  tick_ms: 20\n"
                      "  book_depth: 12\n"
                      "  modify_delay_ms: 250\n"
                      "  ws_idle_timeout_s: 60\n"
                      "  timestamp_window_s: 5\n"
                      "  history_days: 400\n"
                      "  default_leverage: 3\n"
                      "  position_mode: hedge_mode\n"
                      "  margin_mode: isolated\n"
                      "  symbols: [ETHUSDT]\n"
                      "  funding:\n"
                      "    interval_s: 60\n"
                      "    reported_interval_hours: 4\n"
                      "    rate: '0.0001'\n"
                      "    min_rate: '-0.01'\n"
                      "    max_rate: '0.01'\n"
                      "    symbols: {ETHUSDT: '0.0002'}\n"
                      "    schedule: [[30, '0.0005']]\n"
                      "  balances:\n"
                      "    futures_usdt: '500'\n"
                      "    spot: {USDT: '700', ETH: '1.5'}\n"
                      "  accounts:\n"
                      "    - {api_key: k, secret: s, passphrase: p, account_mode: uta}\n"
                      "  faults: {http_429_next: 2, stale_books: true}\n"
                      "  tls: {cert: c.pem, key: /etc/k.pem}\n";
  SimConfig cfg;
  load_sim_yaml(cfg, p);
  EXPECT_EQ(cfg.listen_host, "127.0.0.2");
  EXPECT_EQ(cfg.listen_port, 7001);
  EXPECT_EQ(cfg.tape_path, (dir / "tapes/t.csv").lexically_normal().string());
  EXPECT_TRUE(cfg.synthetic);
  EXPECT_EQ(cfg.seed, 42u);
  EXPECT_EQ(cfg.speed, 2.5);
  EXPECT_FALSE(cfg.loop);
  EXPECT_EQ(cfg.tick_ms, 20);
  EXPECT_EQ(cfg.book_depth, 12);
  EXPECT_EQ(cfg.modify_delay_ms, 250);
  EXPECT_EQ(cfg.ws_idle_timeout_s, 60);
  EXPECT_EQ(cfg.timestamp_window_ms, 5000);
  EXPECT_EQ(cfg.history_days, 367);  // clamped; parse_cli refuses it later
  EXPECT_EQ(cfg.default_leverage, 3);
  EXPECT_EQ(cfg.position_mode, "hedge_mode");
  EXPECT_EQ(cfg.margin_mode, "isolated");
  ASSERT_EQ(cfg.instruments.size(), 2u);  // spot and perp
  EXPECT_EQ(cfg.instruments[0].symbol, "ETHUSDT");
  EXPECT_EQ(cfg.funding.interval_ms, 60'000);
  EXPECT_EQ(cfg.funding.reported_interval_hours, 4);
  EXPECT_EQ(cfg.funding.rate, "0.0001"_dec);
  EXPECT_EQ(cfg.funding.min_rate, "-0.01"_dec);
  EXPECT_EQ(cfg.funding.max_rate, "0.01"_dec);
  EXPECT_EQ(cfg.funding.symbol_rate.at("ETHUSDT"), "0.0002"_dec);
  ASSERT_EQ(cfg.funding.schedule.size(), 1u);
  EXPECT_EQ(cfg.funding.schedule[0].first, 30'000);
  EXPECT_EQ(cfg.balances.futures_usdt, "500"_dec);
  EXPECT_EQ(cfg.balances.spot.size(), 2u);
  EXPECT_EQ(cfg.balances.spot.at("ETH"), "1.5"_dec);
  ASSERT_EQ(cfg.accounts.size(), 1u);
  EXPECT_EQ(cfg.accounts[0].api_key, "k");
  EXPECT_EQ(cfg.accounts[0].account_mode, "uta");
  EXPECT_EQ(cfg.faults.http_429_next, 2);
  EXPECT_TRUE(cfg.faults.stale_books);
  ASSERT_TRUE(cfg.tls.has_value());
  EXPECT_EQ(cfg.tls->first, (dir / "c.pem").lexically_normal().string());
  EXPECT_EQ(cfg.tls->second, "/etc/k.pem");
}

// Each section's refusal, byte for byte (scripts and tests match on them).
TEST(SimConfig, YamlErrorMessages) {
  const std::pair<const char*, const char*> cases[] = {
      {"sim:\n  seed: [1]\n", "sim.seed: expected a scalar value"},
      {"sim:\n  seed: x\n", "sim.seed: expected an integer, got 'x'"},
      {"sim:\n  speed: fast\n", "sim.speed: expected a number, got 'fast'"},
      {"sim:\n  loop: yes\n", "sim.loop: expected true or false, got 'yes'"},
      {"sim:\n  listen: nowhere\n", "sim.listen: expected HOST:PORT, got 'nowhere'"},
      {"sim:\n  listen: h:70000\n", "sim.listen: port out of range in 'h:70000'"},
      {"sim:\n  symbols: BTCUSDT\n", "sim.symbols: expected a list of symbols"},
      {"sim:\n  position_mode: net\n", "sim.position_mode: expected one_way_mode or hedge_mode"},
      {"sim:\n  funding: 1\n", "sim.funding: expected a mapping"},
      {"sim:\n  funding: {rate: abc}\n", "sim.funding.rate: expected a decimal, got 'abc'"},
      {"sim:\n  funding: {symbols: [1]}\n", "sim.funding.symbols: expected SYMBOL: rate entries"},
      {"sim:\n  funding: {schedule: 1}\n", "sim.funding.schedule: expected a list of [offset_s, rate]"},
      {"sim:\n  funding: {schedule: [[1]]}\n", "sim.funding.schedule: each entry must be [offset_s, rate]"},
      {"sim:\n  funding: {period: 1}\n", "sim.funding.period: unknown key"},
      {"sim:\n  balances: []\n", "sim.balances: expected a mapping"},
      {"sim:\n  balances: {spot: 1}\n", "sim.balances.spot: expected COIN: amount entries"},
      {"sim:\n  balances: {spot: {BTC: x}}\n", "sim.balances.spot.BTC: expected a decimal, got 'x'"},
      {"sim:\n  balances: {cash: 1}\n", "sim.balances.cash: unknown key"},
      {"sim:\n  accounts: {}\n", "sim.accounts: expected a list"},
      {"sim:\n  accounts: [1]\n", "sim.accounts: each account is {api_key, secret, passphrase}"},
      {"sim:\n  accounts: [{api_key: k, pin: 1}]\n", "sim.accounts.pin: unknown key"},
      {"sim:\n  accounts: [{api_key: k}]\n", "sim.accounts: api_key, secret and passphrase are required"},
      {"sim:\n  accounts: [{account_mode: x}]\n", "sim.accounts[].account_mode: expected classic or uta, got 'x'"},
      {"sim:\n  faults: {malformed_next: -1}\n", "sim.faults.malformed_next: expected a non-negative integer"},
      {"sim:\n  tls: {cert: c}\n", "sim.tls: expected {cert, key}"},
      {"sim: 1\n", "sim.: expected a mapping"},
  };
  for (const auto& [text, message] : cases) {
    const auto p = write_temp("carry_sim_error.yaml", text);
    SimConfig cfg;
    try {
      load_sim_yaml(cfg, p);
      ADD_FAILURE() << "no error for " << text;
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()), "config " + p + ": " + message) << text;
    }
  }
  const auto none = write_temp("carry_sim_nosim.yaml", "exchange: {}\n");
  SimConfig cfg;
  try {
    load_sim_yaml(cfg, none);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "config " + none + ": no 'sim' section");
  }
}

}  // namespace
}  // namespace carry::sim
