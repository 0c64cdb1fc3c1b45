#pragma once
// carryd backtest --sweep KEY=V1,V2,... (repeatable): the same data replayed once per point of the
// grid of configurations (in parallel, up to the core count), one ranked table on stdout and the
// same table as CSV in the output directory. How a user picks their own thresholds.
#include <carry/app/backtest_runner.hpp>
#include <carry/app/cli.hpp>
#include <carry/config/loader.hpp>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace carry::app {

// One configuration of the grid: (key, value) per swept key, in the order the keys were given.
using SweepPoint = std::vector<std::pair<std::string, std::string>>;

// The cartesian product, the last key varying fastest. Empty when there is nothing to sweep.
std::vector<SweepPoint> sweep_grid(const std::vector<CliOptions::Sweep>& sweeps);

// "strategy.funding.min_expected_apr" -> "STRATEGY__FUNDING__MIN_EXPECTED_APR": the override
// travels the loader's environment path, so every value is checked as the config file's would be.
std::string sweep_env_name(const std::string& key);

struct SweepResult {
  SweepPoint point;
  BacktestSummary summary;
  std::string error;  // one line when this point could not run (its config was refused)
};

// Indices of `results` best first: net PnL descending, then the smaller drawdown, then grid
// order (deterministic). Failed points last.
std::vector<std::size_t> rank_sweep(const std::vector<SweepResult>& results);

// The ranked table, aligned for a terminal, and the same rows as CSV (header first).
std::string sweep_table(const std::vector<SweepResult>& results, const std::vector<std::size_t>& ranking);
std::string sweep_csv(const std::vector<SweepResult>& results, const std::vector<std::size_t>& ranking);

// Runs the grid; `base` are the options the configuration was loaded with. Prints the table to
// `out` and progress to `err`; writes <out>/sweep.csv. Returns the process exit code (2 when a
// swept key or value is refused, before anything runs).
int run_sweep(const CliOptions& cli, const config::LoadOptions& base, std::ostream& out, std::ostream& err);

}  // namespace carry::app
