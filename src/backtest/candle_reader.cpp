#include <carry/backtest/candle_reader.hpp>

#include "csv_file.hpp"

namespace carry::backtest {

Period CandleSeries::coverage() const {
  if (rows.empty()) return {};
  return {UnixNanos::from_ms(rows.front().open_time_ms), UnixNanos::from_ms(rows.back().open_time_ms + interval_ms)};
}

namespace {

// OHLC must describe one real interval; a violation means a shifted or corrupted column.
std::optional<std::string> check_ohlc(const Candle& c) {
  const auto s = [](Decimal d) { return d.to_string(); };
  if (!c.open.is_positive()) return "open " + s(c.open) + " is not positive";
  if (!c.high.is_positive()) return "high " + s(c.high) + " is not positive";
  if (!c.low.is_positive()) return "low " + s(c.low) + " is not positive";
  if (!c.close.is_positive()) return "close " + s(c.close) + " is not positive";
  if (c.volume.is_negative()) return "volume " + s(c.volume) + " is negative";
  if (c.low > c.high) return "low " + s(c.low) + " is above high " + s(c.high);
  if (c.open < c.low || c.open > c.high)
    return "open " + s(c.open) + " is outside [low " + s(c.low) + ", high " + s(c.high) + "]";
  if (c.close < c.low || c.close > c.high)
    return "close " + s(c.close) + " is outside [low " + s(c.low) + ", high " + s(c.high) + "]";
  return std::nullopt;
}

// The interval (given, or the smallest step), every row aligned to it, and the gaps between rows.
std::optional<DataError> settle_interval(CandleSeries& out, std::int64_t min_step, const CandleReadOptions& opts) {
  if (opts.interval_ms) {
    if (*opts.interval_ms <= 0) return DataError{out.file, 0, "candle interval must be positive"};
    out.interval_ms = *opts.interval_ms;
  } else if (min_step > 0) {
    out.interval_ms = min_step;
  } else {
    return DataError{out.file, 0, "a single candle: cannot infer the interval (name the file *_1m* or *_1h*)"};
  }
  // Rows are 1:1 with lines 2.. (blank lines inside the file are errors), so line = index + 2.
  const std::int64_t iv = out.interval_ms;
  for (std::size_t i = 0; i < out.rows.size(); ++i) {
    const std::int64_t t = out.rows[i].open_time_ms;
    if (t % iv != 0)
      return DataError{out.file, i + 2,
                       "open_time_ms " + detail::describe_ms(t) + " is not aligned to the " +
                           std::to_string(iv / 1000) + " s candle interval"};
    if (i > 0) {
      const std::int64_t step = t - out.rows[i - 1].open_time_ms;
      if (step > iv) out.gaps.add(Gap{i + 2, out.rows[i - 1].open_time_ms, t, step / iv - 1});
    }
  }
  // Every step a gap means the file is not at the timeframe it was read as (a 1h file named 1m).
  if (opts.interval_ms && min_step > iv)
    return DataError{out.file, 0,
                     "no two consecutive candles are one interval apart (smallest step " +
                         std::to_string(min_step / 1000) + " s, expected " + std::to_string(iv / 1000) +
                         " s): wrong timeframe for this file?"};
  return std::nullopt;
}

}  // namespace

DataResult<CandleSeries> read_candles(const std::filesystem::path& file, const CandleReadOptions& opts) {
  auto opened = detail::CsvFile::open(file);
  if (!opened) return opened.error();
  detail::CsvFile& csv = *opened;

  std::size_t col[6];
  static constexpr std::string_view kNames[6] = {"open_time_ms", "open", "high", "low", "close", "volume"};
  for (int i = 0; i < 6; ++i) {
    auto c = csv.column(kNames[i]);
    if (!c) return c.error();
    col[i] = *c;
  }
  const auto utc_col = csv.optional_column("open_time_utc");

  CandleSeries out;
  out.file = csv.name();
  out.gaps.file = out.file;
  out.gaps.what = "candles";
  // ~82 bytes per row in practice; reserving avoids regrowth copies on year-long files.
  std::error_code size_ec;
  const auto bytes = std::filesystem::file_size(file, size_ec);
  if (!size_ec) out.rows.reserve(static_cast<std::size_t>(bytes / 64 + 1));

  std::int64_t min_step = 0;
  while (true) {
    auto more = csv.next_row();
    if (!more) return more.error();
    if (!*more) break;
    Candle c;
    auto t = csv.unix_ms(col[0], kNames[0]);
    if (!t) return t.error();
    c.open_time_ms = *t;
    Decimal* dst[5] = {&c.open, &c.high, &c.low, &c.close, &c.volume};
    for (int i = 1; i < 6; ++i) {
      auto d = csv.decimal(col[i], kNames[i]);
      if (!d) return d.error();
      *dst[i - 1] = *d;
    }
    if (auto bad = check_ohlc(c)) return csv.error(*bad);
    if (utc_col) {
      auto ok = csv.check_utc_copy(*utc_col, "open_time_utc", c.open_time_ms, "open_time_ms");
      if (!ok) return ok.error();
    }
    if (!out.rows.empty()) {
      const std::int64_t prev = out.rows.back().open_time_ms;
      const std::size_t prev_line = csv.line() - 1;
      if (c.open_time_ms == prev)
        return csv.error("duplicate open_time_ms " + detail::describe_ms(c.open_time_ms) + " (same as line " +
                         std::to_string(prev_line) + ")");
      if (c.open_time_ms < prev)
        return csv.error("out of order: open_time_ms " + detail::describe_ms(c.open_time_ms) + " is before line " +
                         std::to_string(prev_line) + "'s " + detail::describe_ms(prev));
      const std::int64_t step = c.open_time_ms - prev;
      if (min_step == 0 || step < min_step) min_step = step;
    }
    out.rows.push_back(c);
  }
  if (out.rows.empty()) return csv.error_at(2, "no data rows");

  if (auto bad = settle_interval(out, min_step, opts)) return *bad;
  return out;
}

}  // namespace carry::backtest
