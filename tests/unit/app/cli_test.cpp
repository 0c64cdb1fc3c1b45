#include <carry/app/cli.hpp>

#include <gtest/gtest.h>

using namespace carry::app;

TEST(Cli, ParsesRunOptions) {
  const auto o = parse_cli({"--config", "c.yaml", "--env", "testnet", "--dry-run", "--log-level=debug",
                            "--flatten-on-exit", "--duration", "60"});
  EXPECT_EQ(o.command, Command::Run);
  EXPECT_EQ(o.config, "c.yaml");
  EXPECT_EQ(o.env, "testnet");
  EXPECT_TRUE(o.dry_run);
  EXPECT_TRUE(o.flatten_on_exit);
  EXPECT_EQ(o.log_level, "debug");
  EXPECT_EQ(o.duration_s, 60);
  EXPECT_FALSE(o.ops_check);
}

TEST(Cli, RejectsBadInputNamingIt) {
  auto msg = [](std::vector<std::string> args) {
    try {
      parse_cli(args);
    } catch (const CliError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(msg({"--env", "prod"}).find("'prod'"), std::string::npos);
  EXPECT_NE(msg({"--bogus"}).find("--bogus"), std::string::npos);
  EXPECT_NE(msg({"--config"}).find("--config needs a value"), std::string::npos);
  EXPECT_NE(msg({"--duration", "-5"}).find("--duration"), std::string::npos);
  EXPECT_NE(msg({"--log-level", "loud"}).find("loud"), std::string::npos);
  EXPECT_NE(msg({"--dry-run=yes"}).find("takes no value"), std::string::npos);
  EXPECT_NE(msg({"explode"}).find("explode"), std::string::npos);
  EXPECT_NE(msg({"backtest"}).find("--data"), std::string::npos);
  EXPECT_NE(msg({"backtest", "--spot", "a.csv"}).find("go together"), std::string::npos);
  EXPECT_NE(msg({"fetch-history", "--symbol", "BTCUSDT"}).find("--from"), std::string::npos);
  EXPECT_NE(msg({"backtest", "--data", "d", "--dry-run"}).find("--dry-run"), std::string::npos);
  EXPECT_NE(msg({"--reset-kill-switch", "--dry-run"}).find("--reset-kill-switch runs alone"), std::string::npos);
  EXPECT_NE(msg({"--reset-kill-switch", "--ops-check"}).find("--reset-kill-switch runs alone"), std::string::npos);
  EXPECT_TRUE(parse_cli({"--reset-kill-switch", "--config", "c.yaml"}).reset_kill_switch);
}

TEST(Cli, BacktestAndFetchHistory) {
  auto b = parse_cli({"backtest", "--data", "data", "--symbols", "BTCUSDT,ETHUSDT", "--from", "2025-05-20",
                      "--timeframe", "1h", "--out", "out"});
  EXPECT_EQ(b.command, Command::Backtest);
  EXPECT_EQ(b.symbols, (std::vector<std::string>{"BTCUSDT", "ETHUSDT"}));
  EXPECT_EQ(b.timeframe, "1h");
  auto f = parse_cli(
      {"fetch-history", "--symbol", "BTCUSDT", "--from", "2025-01-01", "--to", "2025-01-02", "--out", "hist"});
  EXPECT_EQ(f.command, Command::FetchHistory);
  EXPECT_EQ(f.symbols, std::vector<std::string>{"BTCUSDT"});
  EXPECT_NE(usage().find("--ops-check"), std::string::npos);
}

TEST(Cli, StatusTakesConfigJsonAndDryRunOnly) {
  const auto o = parse_cli({"status", "--config", "c.yaml", "--json", "--dry-run"});
  EXPECT_EQ(o.command, Command::Status);
  EXPECT_EQ(o.config, "c.yaml");
  EXPECT_TRUE(o.json);
  EXPECT_TRUE(o.dry_run);
  EXPECT_FALSE(parse_cli({"status"}).json);
  auto msg = [](std::vector<std::string> args) {
    try {
      parse_cli(args);
    } catch (const CliError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(msg({"status", "--flatten-on-exit"}), "unknown option '--flatten-on-exit' for this command");
  EXPECT_EQ(msg({"status", "--json=yes"}), "option --json takes no value");
  EXPECT_EQ(msg({"--json"}), "unknown option '--json'");  // only for status
  EXPECT_NE(msg({"stat"}).find("status"), std::string::npos);
}

// The option table, one option at a time: the commands that take it, and an "unknown option"
// for every other (other errors, e.g. a missing --data, are not about the option).
TEST(Cli, EachOptionBelongsToItsCommands) {
  const std::vector<std::string> commands = {"run", "backtest", "fetch-history", "status"};
  auto known = [](std::vector<std::string> args) {
    try {
      parse_cli(args);
    } catch (const CliError& e) {
      return std::string(e.what()).find("unknown option") == std::string::npos;
    }
    return true;
  };
  const std::vector<std::pair<std::vector<std::string>, std::string>> table = {
      {{"--help"}, "RBFS"},
      {{"-h"}, "RBFS"},
      {{"--version"}, "RBFS"},
      {{"--config", "c.yaml"}, "RBFS"},
      {{"--log-level", "info"}, "RBFS"},
      {{"--env", "testnet"}, "R"},
      {{"--dry-run"}, "RS"},
      {{"--json"}, "S"},
      {{"--ops-check"}, "R"},
      {{"--flatten-on-exit"}, "R"},
      {{"--print-config"}, "R"},
      {{"--reset-kill-switch"}, "R"},
      {{"--duration", "5"}, "R"},
      {{"--out", "o"}, "BFS"},
      {{"--from", "2025-01-01"}, "BFS"},
      {{"--to", "2025-01-02"}, "BFS"},
      {{"--data", "d"}, "B"},
      {{"--symbols", "BTCUSDT"}, "B"},
      {{"--timeframe", "1h"}, "BF"},
      {{"--spot", "s.csv"}, "B"},
      {{"--perp", "p.csv"}, "B"},
      {{"--funding", "f.csv"}, "B"},
      {{"--sweep", "risk.max_slippage_bps=5,10"}, "B"},
      {{"--symbol", "BTCUSDT"}, "F"},
  };
  for (const auto& [option, accepted_by] : table) {
    for (std::size_t c = 0; c < commands.size(); ++c) {
      std::vector<std::string> args = {commands[c]};
      args.insert(args.end(), option.begin(), option.end());
      const bool expected = accepted_by.find("RBFS"[c]) != std::string::npos;
      EXPECT_EQ(known(args), expected) << commands[c] << " " << option.front();
    }
  }
}

TEST(Cli, ValuesComeInlineOrNextButNeverFromAnotherOption) {
  EXPECT_EQ(parse_cli({"backtest", "--data=d", "--out=o"}).out_dir, "o");
  EXPECT_EQ(parse_cli({"backtest", "--data", "d", "--symbols=A,,B"}).symbols, (std::vector<std::string>{"A", "B"}));
  try {
    parse_cli({"backtest", "--data", "--out", "o"});
    FAIL() << "a value that is another option";
  } catch (const CliError& e) {
    EXPECT_STREQ(e.what(), "option --data needs a value");
  }
  try {
    parse_cli({"--timeframe=1h"});
    FAIL() << "--timeframe is not a daemon option";
  } catch (const CliError& e) {
    EXPECT_STREQ(e.what(), "unknown option '--timeframe=1h'");
  }
}
