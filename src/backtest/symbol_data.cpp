#include <carry/backtest/symbol_data.hpp>

#include "csv_file.hpp"

namespace carry::backtest {
namespace {

DataResult<PriceStream> load_price(const std::filesystem::path& path, std::optional<Timeframe> tf,
                                   const LoadOptions& opts) {
  // The header decides the format, so an explicit --spot FILE needs no naming convention.
  auto has_bid = detail::header_has_column(path, "bid_price");
  if (!has_bid) return has_bid.error();
  const bool ticks = *has_bid;
  if (tf && (*tf == Timeframe::Tick) != ticks)
    return DataError{path.string(), 1,
                     ticks ? "named as " + std::string(to_string(*tf)) + " candles but the header is a BBO tick header"
                           : "named as BBO ticks but the header has no bid_price column"};
  PriceStream out;
  out.file = path.string();
  if (ticks) {
    auto series = read_bbo_ticks(path, opts.ticks);
    if (!series) return series.error();
    out.timeframe = Timeframe::Tick;
    out.rows = series->rows.size();
    out.coverage = series->coverage();
    out.gaps = std::move(series->gaps);
    out.quotes = std::move(series->rows);
    return out;
  }
  CandleReadOptions copts;
  if (tf) copts.interval_ms = interval_ms(*tf);
  auto series = read_candles(path, copts);
  if (!series) return series.error();
  out.interval_ms = series->interval_ms;
  out.timeframe = series->interval_ms == interval_ms(Timeframe::Hour1) ? Timeframe::Hour1 : Timeframe::Minute1;
  out.rows = series->rows.size();
  out.coverage = series->coverage();
  out.gaps = std::move(series->gaps);
  auto quotes = candles_to_quotes(*series, opts.candle_bbo);
  if (!quotes) return quotes.error();
  out.quotes = std::move(*quotes);
  out.bars = candle_ranges(*series);
  return out;
}

std::string label(const PriceStream& p) {
  const std::string tf = p.timeframe == Timeframe::Tick ? "bbo"
                         : p.interval_ms == 60'000      ? "1m"
                         : p.interval_ms == 3'600'000   ? "1h"
                                                        : std::to_string(p.interval_ms / 1000) + "s";
  return tf + " " + p.file + " [" + p.coverage.to_string() + "]";
}

}  // namespace

std::string SymbolData::describe() const {
  return symbol + ": using " + period.to_string() + ", the period shared by spot " + label(spot) + ", perp " +
         label(perp) + ", funding " + funding_file + " [" + funding_coverage.to_string() + "]";
}

DataResult<SymbolData> load_symbol(const SymbolFiles& files, const LoadOptions& opts) {
  SymbolData out;
  // Funding first: for explicit files the symbol comes from its symbol column.
  FundingReadOptions fopts;
  fopts.expected_symbol = files.symbol;
  auto funding = read_funding(files.funding, fopts);
  if (!funding) return funding.error();
  out.symbol = funding->symbol;
  out.funding_file = funding->file;
  out.funding_coverage = funding->coverage();
  if (!funding->gaps.empty()) out.warnings.push_back(funding->gaps);
  out.funding = std::move(funding->rows);

  auto spot = load_price(files.spot, files.spot_timeframe, opts);
  if (!spot) return spot.error();
  out.spot = std::move(*spot);
  auto perp = load_price(files.perp, files.perp_timeframe, opts);
  if (!perp) return perp.error();
  out.perp = std::move(*perp);
  if (!out.spot.gaps.empty()) out.warnings.push_back(out.spot.gaps);
  if (!out.perp.gaps.empty()) out.warnings.push_back(out.perp.gaps);
  out.period = out.spot.coverage.intersect(out.perp.coverage).intersect(out.funding_coverage);
  if (out.period.empty())
    return DataError{out.symbol, 0,
                     "the files share no common period: spot [" + out.spot.coverage.to_string() + "], perp [" +
                         out.perp.coverage.to_string() + "], funding [" + out.funding_coverage.to_string() + "]"};
  return out;
}

DataResult<std::vector<SymbolData>> load_symbols(const std::vector<SymbolFiles>& files, const LoadOptions& opts) {
  std::vector<SymbolData> out;
  out.reserve(files.size());
  for (const SymbolFiles& f : files) {
    auto d = load_symbol(f, opts);
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  return out;
}

}  // namespace carry::backtest
