#pragma once
// Everything replay needs for one symbol, in compact in-memory form: spot and perp quote streams
// (from BBO ticks, or from candles via candle_to_bbo), the funding settlements, the period all
// three files share, and the gap warnings to print.
#include <carry/backtest/bbo_tick_reader.hpp>
#include <carry/backtest/candle_to_bbo.hpp>
#include <carry/backtest/data_error.hpp>
#include <carry/backtest/file_discovery.hpp>
#include <carry/backtest/funding_reader.hpp>
#include <carry/backtest/gap_report.hpp>
#include <carry/backtest/period.hpp>
#include <carry/backtest/quote.hpp>

#include <string>
#include <vector>

namespace carry::backtest {

struct PriceStream {
  std::string file;
  Timeframe timeframe = Timeframe::Minute1;
  std::int64_t interval_ms = 0;  // candle interval; 0 for ticks
  std::size_t rows = 0;          // rows read from the file
  Period coverage;               // what the file covers (candles: [first open, last open + interval))
  std::vector<Quote> quotes;     // sorted by ts_ns
  std::vector<BarRange> bars;    // candles: quotes[i]'s candle range; ticks: empty
  GapReport gaps;
};

struct SymbolData {
  std::string symbol;
  PriceStream spot, perp;
  std::string funding_file;
  Period funding_coverage;
  std::vector<FundingRow> funding;  // sorted by settlement time
  Period period;                    // spot ∩ perp ∩ funding coverage: what a run can use
  std::vector<GapReport> warnings;  // only non-empty reports

  // One line: "BTCUSDT: using 2025-05-20T00:00:00Z .. 2025-06-24T00:00:00Z (35.00 days), the
  // period shared by spot 1m <file> [..], perp 1m <file> [..], funding <file> [..]"
  std::string describe() const;
};

struct LoadOptions {
  CandleBboConfig candle_bbo;
  BboTickReadOptions ticks;
};

// Reads the three files. Errors: any reader error (file:line), a funding file for another symbol,
// and files that share no period. Price files are recognised by header: `bid_price` => BBO ticks,
// otherwise candles (interval from the timeframe, else from the row spacing).
DataResult<SymbolData> load_symbol(const SymbolFiles& files, const LoadOptions& opts = {});

// Loads several symbols in order (first error stops).
DataResult<std::vector<SymbolData>> load_symbols(const std::vector<SymbolFiles>& files, const LoadOptions& opts = {});

}  // namespace carry::backtest
