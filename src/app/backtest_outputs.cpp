#include "backtest_outputs.hpp"

#include <carry/app/png_chart.hpp>

#include <fstream>

namespace carry::app {
namespace fs = std::filesystem;

BacktestRun prepare_outputs(const fs::path& out) {
  fs::create_directories(out);
  BacktestRun run;
  run.out_dir = out.string();
  run.db_path = (out / "backtest.db").string();
  run.report_path = (out / "report.md").string();
  run.chart_path = (out / "equity.png").string();
  for (const char* f : {"backtest.db", "backtest.db-wal", "backtest.db-shm", "report.md", "equity.png"})
    fs::remove(out / f);
  fs::remove_all(out / "logs");
  return run;
}

void write_outputs(const BacktestRun& run, store::Repo& repo, const RunRecord& record) {
  for (auto& [date, day] : record.recorder.days) {
    store::DailyPnlRecord row;
    row.date = date;
    row.funding = day.funding;
    row.fees = day.fees;
    row.net_pnl = day.equity_end - day.equity_start;
    row.basis_pnl = row.net_pnl - day.funding + day.fees;
    row.updated = record.end;
    if (!repo.upsert_daily_pnl(row)) throw BacktestError("cannot write daily_pnl: " + repo.last_error());
  }
  const EquityMeter& meter = record.meter;
  if (!write_file(run.chart_path, render_line_chart({ChartSeries{meter.curve_hours(), meter.curve_pnl(), 0x1f77b4}})))
    throw BacktestError("cannot write " + run.chart_path);
  std::ofstream md(run.report_path);
  const BacktestRecorder& rec = record.recorder;
  write_report(md, {run.summary, record.data.window, record.data.symbols, record.cfg, rec.days, rec.settlements,
                    rec.decisions, record.data.baselines, meter.exposure()});
  if (!md) throw BacktestError("cannot write " + run.report_path);
}

}  // namespace carry::app
