#pragma once
// The backtest's report writer. A run's outputs are rebuilt from scratch (determinism): the
// previous run's files go first; after the replay the per-day table goes into the database, the
// equity curve into equity.png and everything the run measured into report.md.
#include <carry/app/backtest_runner.hpp>
#include <carry/config/config.hpp>
#include <carry/store/repo.hpp>

#include "backtest_equity.hpp"
#include "backtest_recorder.hpp"

#include <filesystem>

namespace carry::app {

// The output paths in `out` (created), the previous run's files there removed.
BacktestRun prepare_outputs(const std::filesystem::path& out);

// What a finished replay leaves for the report.
struct RunRecord {
  const BacktestData& data;
  const config::Config& cfg;
  const BacktestRecorder& recorder;
  const EquityMeter& meter;
  UnixNanos end;  // the clock after the last event
};

// The daily_pnl rows (net from the day's equity, basis the rest after funding and fees), the
// chart and report.md. Throws BacktestError naming the output that cannot be written.
void write_outputs(const BacktestRun& run, store::Repo& repo, const RunRecord& record);

}  // namespace carry::app
