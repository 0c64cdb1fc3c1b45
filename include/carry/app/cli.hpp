#pragma once
// carryd's command line. Parsing is pure so it can be tested; errors are one-line messages.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace carry::app {

class CliError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Command { Run, Backtest, FetchHistory, Status };

struct CliOptions {
  Command command = Command::Run;
  std::optional<std::string> config;  // --config PATH
  std::optional<std::string> env;     // --env mainnet|testnet
  bool dry_run = false;
  bool ops_check = false;
  bool flatten_on_exit = false;
  bool print_config = false;
  bool reset_kill_switch = false;  // set the stored kill switch to active, then exit
  bool version = false;
  bool help = false;
  std::optional<std::string> log_level;
  std::optional<int> duration_s;  // stop by itself after S seconds (demos, tests)
  bool json = false;              // status --json

  // backtest / fetch-history
  std::optional<std::string> data_dir;   // --data DIR
  std::vector<std::string> symbols;      // --symbols A,B / --symbol A
  std::optional<std::string> from, to;   // --from DATE --to DATE
  std::optional<std::string> out_dir;    // --out DIR
  std::optional<std::string> timeframe;  // --timeframe 1m|1h
  std::optional<std::string> spot_file, perp_file, funding_file;
  // backtest --sweep KEY=V1,V2,... (repeatable): one run per point of the grid
  struct Sweep {
    std::string key;  // a config key, e.g. strategy.funding.min_expected_apr
    std::vector<std::string> values;
  };
  std::vector<Sweep> sweeps;
};

// argv[0] excluded. Throws CliError naming the offending argument.
CliOptions parse_cli(const std::vector<std::string>& args);

std::string usage();

}  // namespace carry::app
