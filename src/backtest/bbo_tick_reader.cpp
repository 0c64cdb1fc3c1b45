#include <carry/backtest/bbo_tick_reader.hpp>

#include "csv_file.hpp"

namespace carry::backtest {

Period QuoteSeries::coverage() const {
  if (rows.empty()) return {};
  return {UnixNanos{rows.front().ts_ns}, UnixNanos{rows.back().ts_ns + 1'000'000}};
}

DataResult<QuoteSeries> read_bbo_ticks(const std::filesystem::path& file, const BboTickReadOptions& opts) {
  auto opened = detail::CsvFile::open(file);
  if (!opened) return opened.error();
  detail::CsvFile& csv = *opened;

  static constexpr std::string_view kNames[5] = {"ts_ms", "bid_price", "bid_size", "ask_price", "ask_size"};
  std::size_t col[5];
  for (int i = 0; i < 5; ++i) {
    auto c = csv.column(kNames[i]);
    if (!c) return c.error();
    col[i] = *c;
  }

  QuoteSeries out;
  out.file = csv.name();
  out.gaps.file = out.file;
  out.gaps.what = "quiet periods";
  std::error_code size_ec;
  const auto bytes = std::filesystem::file_size(file, size_ec);
  if (!size_ec) out.rows.reserve(static_cast<std::size_t>(bytes / 48 + 1));

  std::int64_t prev_ms = 0;
  while (true) {
    auto more = csv.next_row();
    if (!more) return more.error();
    if (!*more) break;
    auto t = csv.unix_ms(col[0], kNames[0]);
    if (!t) return t.error();
    Quote q;
    q.ts_ns = UnixNanos::from_ms(*t).ns;
    Decimal* dst[4] = {&q.bid_price, &q.bid_size, &q.ask_price, &q.ask_size};
    for (int i = 1; i < 5; ++i) {
      auto d = csv.decimal(col[i], kNames[i]);
      if (!d) return d.error();
      *dst[i - 1] = *d;
    }
    if (!q.bid_price.is_positive()) return csv.error("bid_price " + q.bid_price.to_string() + " is not positive");
    if (!q.ask_price.is_positive()) return csv.error("ask_price " + q.ask_price.to_string() + " is not positive");
    if (q.bid_size.is_negative()) return csv.error("bid_size " + q.bid_size.to_string() + " is negative");
    if (q.ask_size.is_negative()) return csv.error("ask_size " + q.ask_size.to_string() + " is negative");
    if (q.bid_price > q.ask_price)
      return csv.error("crossed quote: bid_price " + q.bid_price.to_string() + " is above ask_price " +
                       q.ask_price.to_string());
    if (!out.rows.empty()) {
      if (*t < prev_ms)
        return csv.error("out of order: ts_ms " + detail::describe_ms(*t) + " is before line " +
                         std::to_string(csv.line() - 1) + "'s " + detail::describe_ms(prev_ms));
      if (opts.max_quiet_ms > 0 && *t - prev_ms > opts.max_quiet_ms) out.gaps.add(Gap{csv.line(), prev_ms, *t, 0});
    }
    prev_ms = *t;
    out.rows.push_back(q);
  }
  if (out.rows.empty()) return csv.error_at(2, "no data rows");
  return out;
}

}  // namespace carry::backtest
