#pragma once
// Finds a symbol's spot, perp and funding files in a data directory by name (not recursive):
//   *_spot_<SYMBOL>_<bbo|1m|1h>*.csv   *_perp_<SYMBOL>_<bbo|1m|1h>*.csv   *_funding_<SYMBOL>*.csv
// (the symbol is delimited: BTCUSDT never matches *_spot_XBTCUSDT_* or *_funding_BTCUSDTX*).
// Spot and perp use the same timeframe: the requested one, else the finest both have
// (bbo < 1m < 1h). Two candidates for one role, a missing role, or a symbol with no file at all
// are errors that list what was found.
#include <carry/backtest/data_error.hpp>
#include <carry/backtest/timeframe.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace carry::backtest {

struct SymbolFiles {
  std::string symbol;  // empty for explicit files: taken from the funding file
  std::filesystem::path spot, perp, funding;
  std::optional<Timeframe> spot_timeframe;  // unset: detected from the file (header / row spacing)
  std::optional<Timeframe> perp_timeframe;
};

struct DiscoveryOptions {
  std::vector<std::string> symbols;    // empty: every symbol that has any file in the directory
  std::optional<Timeframe> timeframe;  // --timeframe; unset: the finest available
};

// Result is sorted by symbol.
DataResult<std::vector<SymbolFiles>> discover_symbol_files(const std::filesystem::path& dir,
                                                           const DiscoveryOptions& opts = {});

// --spot FILE --perp FILE --funding FILE for one symbol. Checks the files exist; the timeframe
// comes from a *_<bbo|1m|1h>* token in the name when there is one.
DataResult<SymbolFiles> explicit_symbol_files(std::string symbol, const std::filesystem::path& spot,
                                              const std::filesystem::path& perp, const std::filesystem::path& funding);

}  // namespace carry::backtest
