#include "sim_config.hpp"

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
  load_sim_yaml(cfg, std::string(CARRY_SOURCE_DIR) + "/config/sim.yaml");
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

}  // namespace
}  // namespace carry::sim
