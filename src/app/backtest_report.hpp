#pragma once
// The backtest's Markdown report and summary line: formatting of what a run measured, kept apart
// from the replay loop that measures it.
#include <carry/app/backtest_runner.hpp>

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace carry::app {

// One UTC day of a run: what the recorder summed while the day was current.
struct BacktestDay {
  std::size_t trades = 0;
  Decimal funding, fees, equity_end, equity_start;
  bool started = false;
};

// Everything report.md shows, by reference: the report only formats.
struct ReportInputs {
  const BacktestSummary& summary;
  const backtest::Period& window;
  const std::vector<std::string>& symbols;
  const config::Config& cfg;
  const std::map<std::string, BacktestDay>& days;  // by "YYYY-MM-DD"
  std::size_t settlements = 0;                      // funding settlements with a position
  std::size_t decisions = 0;                        // decisions logged
};

// Writes report.md's text.
void write_report(std::ostream& md, const ReportInputs& in);

// 2 decimals, half-even: how the report and the summary line print quote-coin amounts.
std::string report_money(Decimal d);
// `v` with `decimals` fixed decimals.
std::string report_fixed(double v, int decimals);

}  // namespace carry::app
