#include <carry/backtest/data_set.hpp>

#include <algorithm>

namespace carry::backtest {

DataResult<DataSet> load_data_set(const DataRequest& req) {
  const bool any_explicit = !req.spot.empty() || !req.perp.empty() || !req.funding.empty();
  std::vector<SymbolFiles> files;
  if (any_explicit) {
    if (req.spot.empty() || req.perp.empty() || req.funding.empty())
      return DataError{"--spot/--perp/--funding", 0,
                       std::string("the three go together (missing") + (req.spot.empty() ? " --spot" : "") +
                           (req.perp.empty() ? " --perp" : "") + (req.funding.empty() ? " --funding" : "") + ")"};
    if (!req.data_dir.empty())
      return DataError{"--data", 0, "give either --data DIR or --spot/--perp/--funding FILE, not both"};
    if (req.symbols.size() > 1) return DataError{"--symbols", 0, "explicit files are for one symbol"};
    if (req.timeframe)
      return DataError{"--timeframe", 0, "applies to --data discovery; explicit files are used as named"};
    auto f = explicit_symbol_files(req.symbols.empty() ? std::string() : req.symbols.front(), req.spot, req.perp,
                                   req.funding);
    if (!f) return f.error();
    files.push_back(std::move(*f));
  } else {
    if (req.data_dir.empty()) return DataError{"--data", 0, "no data: give --data DIR or --spot/--perp/--funding FILE"};
    auto f = discover_symbol_files(req.data_dir, DiscoveryOptions{req.symbols, req.timeframe});
    if (!f) return f.error();
    files = std::move(*f);
  }
  auto range = parse_time_range(req.from, req.to);
  if (!range) return range.error();
  auto data = load_symbols(files, req.load);
  if (!data) return data.error();

  DataSet out;
  out.range = *range;
  out.symbols = std::move(*data);
  std::sort(out.symbols.begin(), out.symbols.end(),
            [](const SymbolData& a, const SymbolData& b) { return a.symbol < b.symbol; });
  for (const SymbolData& s : out.symbols) {
    out.report.push_back(s.describe());
    Period w = s.period;
    if (range->from) w.start = std::max(w.start, *range->from);
    if (range->to) w.end = std::min(w.end, *range->to);
    if (w.empty())
      return DataError{"--from/--to", 0,
                       s.symbol + ": the range leaves nothing to replay (data: " + s.period.to_string() + ")"};
    if (w != s.period) out.report.push_back(s.symbol + ": replaying " + w.to_string() + " (--from/--to)");
  }
  for (const SymbolData& s : out.symbols)
    for (const GapReport& g : s.warnings) out.report.push_back("warning: " + g.summary());
  return out;
}

}  // namespace carry::backtest
