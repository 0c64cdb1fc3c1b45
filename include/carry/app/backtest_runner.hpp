#pragma once
// carryd backtest: recorded markets replayed through the same engine (strategy, OMS, risk and the
// paper exchange) with a simulated clock, at full speed. Deterministic: the same inputs and config
// give byte-identical summary, tables and report.
#include <carry/app/backtest_bars.hpp>
#include <carry/app/cli.hpp>
#include <carry/backtest/baseline.hpp>
#include <carry/backtest/period.hpp>
#include <carry/backtest/replay.hpp>
#include <carry/config/config.hpp>
#include <carry/core/types.hpp>

#include <array>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace carry::app {

class BacktestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BacktestSummary {
  double days = 0;
  std::size_t symbols = 0;
  std::size_t trades = 0;  // fills
  Decimal funding_pnl;     // + received
  Decimal fees;            // + paid
  Decimal basis_pnl;       // everything else: price moves of both legs (mark to market)
  Decimal net_pnl;         // final equity - initial equity
  double apr = 0;          // net_pnl / initial equity, annualised
  Decimal max_drawdown;    // largest fall of equity from a previous peak (quote coin)
  Decimal initial_equity, final_equity;
  std::size_t events = 0;           // replayed market events
  Decimal baseline_net;             // the always-on carry pairs' net PnL, all symbols
  double time_in_market = 0;        // share of the replayed time with a position open (0..1)
  std::vector<RaisedParam> raised;  // order lifetimes raised to the bar length (backtest_bars.hpp)
  // symbols: auto: the symbols the set held at some time (first entry order) and how often it changed.
  bool auto_symbols = false;
  std::vector<std::string> universe_held;
  std::size_t universe_changes = 0;

  // net_pnl / baseline_net to 2 decimals, or "n/a" when the baseline did not earn (0 or less):
  // a ratio to a loss or to nothing would read as a score it is not.
  std::string vs_baseline() const;
  // "Backtest done: days=.. symbols=.. trades=.. funding_pnl=.. fees=.. basis_pnl=.. net_pnl=..
  //  apr=.. max_drawdown=.. baseline_net=.. vs_baseline=.."
  std::string line() const;
};

struct BacktestRun {
  BacktestSummary summary;
  std::string out_dir, db_path, report_path, chart_path;
};

// Built-in trading rules for the simulated instruments (Bitget's BTCUSDT/ETHUSDT steps; others
// derived from the price), with the fees from the backtest config.
Instrument backtest_instrument(const std::string& symbol, MarketType market, Decimal price,
                               const config::BacktestConfig& costs);

// The inputs of a run, loaded and checked: the merged event stream and the period it covers.
struct BacktestData {
  backtest::Replay replay;
  std::vector<std::string> symbols;  // in the order they were loaded
  bool auto_symbols = false;         // --symbols auto: the universe ranking picks among them
  backtest::Period window;           // union of the symbols' replay windows
  std::int64_t bar_ms = 0;           // the coarsest candle interval (0: BBO ticks only)
  // Per symbol, by market: the price the instrument's steps were derived from (the first bid as
  // read) and the tick every quote was rounded onto at load (a real book quotes on the
  // instrument's tick: bid down, ask up), so a run does no rounding per quote.
  struct Steps {
    std::array<Decimal, 2> reference_price, quote_tick;
  };
  std::map<std::string, Steps, std::less<>> steps;
  // The always-on carry pair per symbol (load order) on the same prices and costs.
  std::vector<backtest::BaselineResult> baselines;
};

// The baseline's costs from the config: notional_per_symbol per leg, the backtest's taker fees
// and market slippage.
backtest::BaselineCosts baseline_costs(const config::Config& config);

// Finds and loads the files (--data or --spot/--perp/--funding, --symbols, --timeframe,
// --from/--to); `info` receives the period/gap lines. Throws BacktestError with a one-line
// message (e.g. "data/x.csv:17: bad number 'abc' in column close") on bad input.
BacktestData load_backtest_data(const CliOptions& cli, const config::Config& config, std::ostream& info);

// Replays `data` (from its first event: the replay is rewound) through the engine and writes the
// outputs into --out (or backtest.out_dir). The same data and config give identical outputs.
BacktestRun run_backtest(BacktestData& data, const CliOptions& cli, const config::Config& config);

// Both of the above.
BacktestRun run_backtest(const CliOptions& cli, const config::Config& config, std::ostream& info);

}  // namespace carry::app
