#pragma once
// One call from the backtest command's options to replay-ready data: discovery (--data) or
// explicit files (--spot/--perp/--funding), loading, the --from/--to range, and the lines to
// print (the period each symbol uses, then any gap warnings).
#include <carry/backtest/data_error.hpp>
#include <carry/backtest/replay.hpp>
#include <carry/backtest/symbol_data.hpp>
#include <carry/backtest/timeframe.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace carry::backtest {

struct DataRequest {
  std::filesystem::path data_dir;             // --data DIR
  std::vector<std::string> symbols;           // --symbols (empty: all found / from the funding file)
  std::optional<Timeframe> timeframe;         // --timeframe (with --data only)
  std::filesystem::path spot, perp, funding;  // --spot/--perp/--funding: all three or none
  std::string from, to;                       // --from/--to as typed (empty: open)
  LoadOptions load;
};

struct DataSet {
  std::vector<SymbolData> symbols;  // sorted by name
  TimeRange range;
  // "BTCUSDT: using ..." per symbol, "BTCUSDT: replaying ... (--from/--to)" when the range cuts
  // it, then each GapReport::summary() prefixed "warning: ".
  std::vector<std::string> report;
};

// Errors: conflicting or incomplete options (named), anything from discovery or loading
// (file:line), and a --from/--to range that leaves a symbol with nothing to replay.
DataResult<DataSet> load_data_set(const DataRequest& req);

}  // namespace carry::backtest
