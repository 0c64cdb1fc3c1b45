#pragma once
// The backtest's Markdown report and summary line: formatting of what a run measured, kept apart
// from the replay loop that measures it.
#include <carry/app/backtest_runner.hpp>
#include <carry/backtest/baseline.hpp>

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

// What was deployed at one instant: spot holdings at the mid plus perp margin (notional at the
// mark / leverage), all symbols; `open` when either leg of any symbol is worth 1 USDT or more
// (below that is dust a close leaves behind, not a position). Sampled hourly and at the end; each
// sample holds until the next.
struct ExposureSample {
  UnixNanos ts;
  Decimal capital;
  bool open = false;
};

struct MonthRow {
  std::string month;                  // "YYYY-MM" (UTC)
  Decimal available;                  // the always-on pairs' funding that month: what a 1x pair could earn
  Decimal funding, fees, basis, net;  // Carry's, as the per-day table splits them
  double time_in_market = 0;          // share of the month's sampled time with a position open (0..1)
};

// Days summed into months, the baselines' funding by settlement month, and the time in market
// from the samples (a month's share counts only the part of the month the samples cover).
std::vector<MonthRow> month_table(const std::map<std::string, BacktestDay>& days,
                                  const std::vector<backtest::BaselineResult>& baselines,
                                  const std::vector<ExposureSample>& samples);

// The share of the sampled span with a position open (0..1; 0 without two samples).
double share_in_market(const std::vector<ExposureSample>& samples);

struct CapitalUse {
  double average = 0;  // time-weighted over the sampled span, flat time counting as 0
  double apr = 0;      // net / average / span in years; 0 when nothing was deployed
};
CapitalUse capital_use(const std::vector<ExposureSample>& samples, Decimal net);

// Everything report.md shows, by reference: the report only formats.
struct ReportInputs {
  const BacktestSummary& summary;
  const backtest::Period& window;
  const std::vector<std::string>& symbols;
  const config::Config& cfg;
  const std::map<std::string, BacktestDay>& days;  // by "YYYY-MM-DD"
  std::size_t settlements = 0;                     // funding settlements with a position
  std::size_t decisions = 0;                       // decisions logged
  const std::vector<backtest::BaselineResult>& baselines;
  const std::vector<ExposureSample>& exposure;
};

// Writes report.md's text.
void write_report(std::ostream& md, const ReportInputs& in);

// 2 decimals, half-even: how the report and the summary line print quote-coin amounts.
std::string report_money(Decimal d);
// `v` with `decimals` fixed decimals.
std::string report_fixed(double v, int decimals);

}  // namespace carry::app
