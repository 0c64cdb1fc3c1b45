#include <carry/backtest/funding_reader.hpp>

#include "csv_file.hpp"

namespace carry::backtest {

Period FundingSeries::coverage() const {
  if (rows.empty()) return {};
  const FundingRow& first = rows.front();
  return {UnixNanos::from_ms(first.time_ms - std::int64_t{first.interval_hours} * 3'600'000),
          UnixNanos::from_ms(rows.back().time_ms + 1)};
}

DataResult<FundingSeries> read_funding(const std::filesystem::path& file, const FundingReadOptions& opts) {
  auto opened = detail::CsvFile::open(file);
  if (!opened) return opened.error();
  detail::CsvFile& csv = *opened;

  static constexpr std::string_view kNames[4] = {"funding_time_ms", "symbol", "funding_rate", "interval_hours"};
  std::size_t col[4];
  for (int i = 0; i < 4; ++i) {
    auto c = csv.column(kNames[i]);
    if (!c) return c.error();
    col[i] = *c;
  }
  const auto utc_col = csv.optional_column("funding_time_utc");

  FundingSeries out;
  out.file = csv.name();
  out.symbol = opts.expected_symbol;
  out.gaps.file = out.file;
  out.gaps.what = "settlements";
  std::size_t irregular = 0;

  while (true) {
    auto more = csv.next_row();
    if (!more) return more.error();
    if (!*more) break;
    FundingRow r;
    auto t = csv.unix_ms(col[0], kNames[0]);
    if (!t) return t.error();
    r.time_ms = *t;
    const std::string_view symbol = csv.field(col[1]);
    if (symbol.empty()) return csv.error("empty value in column 'symbol'");
    if (out.symbol.empty()) out.symbol = std::string(symbol);
    if (symbol != out.symbol)
      return csv.error("symbol '" + std::string(symbol) + "' but this file is for '" + out.symbol + "'");
    auto rate = csv.decimal(col[2], kNames[2]);
    if (!rate) return rate.error();
    r.rate = *rate;
    if (r.rate >= Decimal::from_units(1) || r.rate <= Decimal::from_units(-1))
      return csv.error("funding_rate " + r.rate.to_string() + " is not a fraction per interval (|rate| >= 1)");
    auto hours = csv.integer(col[3], kNames[3]);
    if (!hours) return hours.error();
    if (*hours < 1 || *hours > 24) return csv.error("interval_hours " + std::to_string(*hours) + " is outside 1..24");
    r.interval_hours = static_cast<std::int32_t>(*hours);
    if (utc_col) {
      auto ok = csv.check_utc_copy(*utc_col, "funding_time_utc", r.time_ms, "funding_time_ms");
      if (!ok) return ok.error();
    }
    if (!out.rows.empty()) {
      const std::int64_t prev = out.rows.back().time_ms;
      const std::size_t prev_line = csv.line() - 1;
      if (r.time_ms == prev)
        return csv.error("duplicate funding_time_ms " + detail::describe_ms(r.time_ms) + " (same as line " +
                         std::to_string(prev_line) + ")");
      if (r.time_ms < prev)
        return csv.error("out of order: funding_time_ms " + detail::describe_ms(r.time_ms) + " is before line " +
                         std::to_string(prev_line) + "'s " + detail::describe_ms(prev));
      // The row's interval is the one ending at it; raw exchange times carry ms jitter, so compare
      // in whole intervals (rounded) rather than exactly.
      const std::int64_t iv = std::int64_t{r.interval_hours} * 3'600'000;
      const std::int64_t step = r.time_ms - prev;
      const std::int64_t intervals = (step + iv / 2) / iv;
      if (intervals >= 2) {
        out.gaps.add(Gap{csv.line(), prev, r.time_ms, intervals - 1});
      } else if (intervals == 0) {
        if (++irregular <= GapReport::kMaxListed)
          out.gaps.notes.push_back("line " + std::to_string(csv.line()) + ": settlement only " +
                                   std::to_string(step / 60'000) + " min after the previous one (interval " +
                                   std::to_string(r.interval_hours) + " h)");
      }
    }
    out.rows.push_back(r);
  }
  if (out.rows.empty()) return csv.error_at(2, "no data rows");
  if (irregular > GapReport::kMaxListed)
    out.gaps.notes.push_back(std::to_string(irregular) + " settlements closer than their interval in all");
  return out;
}

}  // namespace carry::backtest
