// fetch-history's pure parts: options, file names, row formats, settlement intervals and the
// resume point of a partial download. The downloads are in fetch_history_fetcher.cpp, the command
// itself in fetch_history_run.cpp.
#include <carry/app/fetch_history.hpp>

#include "fetch_history_fetcher.hpp"

#include <carry/backtest/replay.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace carry::app {

using backtest::Timeframe;

namespace fetch {

void fail(const std::string& what, int exit_code) { throw FetchError("fetch-history: " + what, exit_code); }

std::string_view market_name(MarketType m) { return m == MarketType::Spot ? "spot" : "perp"; }

}  // namespace fetch

using fetch::fail;
using fetch::market_name;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// 20250520, or 20250520T0830Z when the instant is not a UTC midnight.
std::string name_stamp(UnixNanos t) {
  const std::string iso = t.to_rfc3339();  // 2025-05-20T08:30:00Z
  std::string out = iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
  if (t.ms() % kDayMs != 0)
    out += "T" + iso.substr(11, 2) + iso.substr(14, 2) + (iso.substr(17, 2) == "00" ? "" : iso.substr(17, 2)) + "Z";
  return out;
}

std::string range_stamp(const FetchRequest& r) {
  // The end as a bare --to would name it: the day holding the range's last millisecond.
  const UnixNanos last = r.to.ms() % kDayMs == 0 ? UnixNanos::from_ms(r.to.ms() - kDayMs) : r.to;
  return name_stamp(r.from) + "-" + name_stamp(last);
}

}  // namespace

FetchRequest fetch_request_from_cli(const CliOptions& cli) {
  FetchRequest r;
  if (cli.symbols.size() != 1 || cli.symbols[0].empty())
    throw FetchError("fetch-history: --symbol SYMBOL is required", 2);
  r.symbol = cli.symbols[0];
  std::transform(r.symbol.begin(), r.symbol.end(), r.symbol.begin(), [](unsigned char c) { return std::toupper(c); });
  if (!std::all_of(r.symbol.begin(), r.symbol.end(),
                   [](unsigned char c) { return std::isupper(c) || std::isdigit(c); }))
    throw FetchError("fetch-history: --symbol '" + cli.symbols[0] + "': expected letters and digits, e.g. BTCUSDT", 2);
  if (!cli.from || !cli.to) throw FetchError("fetch-history: --from and --to are required", 2);
  auto range = backtest::parse_time_range(*cli.from, *cli.to);
  if (!range) throw FetchError("fetch-history: " + range.error().to_string(), 2);
  r.from = *range->from;
  r.to = *range->to;
  if (cli.timeframe) {
    auto tf = backtest::parse_timeframe(*cli.timeframe);
    if (!tf || *tf == Timeframe::Tick)
      throw FetchError("fetch-history: --timeframe '" + *cli.timeframe + "': expected 1m or 1h", 2);
    r.timeframe = *tf;
  }
  if (!cli.out_dir || cli.out_dir->empty()) throw FetchError("fetch-history: --out DIR is required", 2);
  r.out_dir = *cli.out_dir;
  return r;
}

std::string candle_file_name(const FetchRequest& req, MarketType market) {
  return "bitget_" + std::string(market_name(market)) + "_" + req.symbol + "_" +
         std::string(backtest::to_string(req.timeframe)) + "_" + range_stamp(req) + ".csv";
}

std::string funding_file_name(const FetchRequest& req) {
  return "bitget_funding_" + req.symbol + "_" + range_stamp(req) + ".csv";
}

std::string candle_row(const bitget::Candle& c) {
  const UnixNanos t = UnixNanos::from_ms(c.open_time.ms());
  std::string s = std::to_string(t.ms());
  s += ',';
  s += t.to_rfc3339();
  for (const Decimal* d : {&c.open, &c.high, &c.low, &c.close, &c.base_volume}) {
    s += ',';
    s += d->to_string();
  }
  s += '\n';
  return s;
}

std::string funding_row(const std::string& symbol, std::int64_t time_ms, Decimal rate, int interval_hours) {
  return std::to_string(time_ms) + "," + UnixNanos::from_ms(time_ms).to_rfc3339() + "," + symbol + "," +
         rate.to_string() + "," + std::to_string(interval_hours) + "\n";
}

int settlement_interval_hours(std::optional<std::int64_t> previous_ms, std::int64_t ms, int fallback_hours) {
  if (previous_ms && ms > *previous_ms) {
    constexpr std::int64_t kHour = 3'600'000, kJitter = 60'000;
    const std::int64_t gap = ms - *previous_ms;
    for (int h : {1, 2, 4, 8})
      if (std::abs(gap - h * kHour) <= kJitter) return h;
  }
  return fallback_hours;
}

ResumePoint prepare_resume(const std::filesystem::path& part, std::string_view header) {
  ResumePoint rp;
  const std::string name = part.string();
  std::error_code ec;
  const bool exists = std::filesystem::exists(part, ec);
  const std::uint64_t size = exists ? std::filesystem::file_size(part, ec) : 0;
  if (ec) fail(name + ": " + ec.message(), 1);
  const auto write_header = [&] {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out << header << "\n";
    out.close();
    if (!out) fail(name + ": cannot write", 1);
  };
  if (!exists || size <= header.size()) {
    // Nothing after the header, or the header itself was cut short: start over.
    if (exists && size > 0) {
      std::ifstream in(part, std::ios::binary);
      std::string text(static_cast<std::size_t>(size), '\0');
      in.read(text.data(), static_cast<std::streamsize>(size));
      if (!header.starts_with(text)) fail(name + ": not a download of this command (unexpected header); delete it", 2);
    }
    write_header();
    return rp;
  }
  std::ifstream in(part, std::ios::binary);
  std::string first_line;
  std::getline(in, first_line);
  if (!first_line.empty() && first_line.back() == '\r') first_line.pop_back();
  if (first_line != header)
    fail(name + ": header '" + first_line + "' is not '" + std::string(header) + "'; delete the file", 2);
  // The last complete line lies in the tail.
  const std::uint64_t tail = std::min<std::uint64_t>(size, 1 << 16);
  in.clear();
  in.seekg(static_cast<std::streamoff>(size - tail));
  std::string buf(static_cast<std::size_t>(tail), '\0');
  in.read(buf.data(), static_cast<std::streamsize>(tail));
  in.close();
  const std::size_t last_nl = buf.rfind('\n');
  if (last_nl == std::string::npos) fail(name + ": last line longer than 64 KiB; delete the file", 2);
  if (last_nl + 1 < buf.size()) {
    rp.cut_bytes = buf.size() - (last_nl + 1);
    std::filesystem::resize_file(part, size - rp.cut_bytes, ec);
    if (ec) fail(name + ": cannot cut the unfinished last line: " + ec.message(), 1);
  }
  // The line ending at last_nl starts after the newline before it, or at the file's start.
  const std::size_t prev_nl = last_nl == 0 ? std::string::npos : buf.rfind('\n', last_nl - 1);
  if (prev_nl == std::string::npos && tail < size) fail(name + ": last line longer than 64 KiB; delete the file", 2);
  const std::size_t line_start = prev_nl == std::string::npos ? 0 : prev_nl + 1;
  std::string last = buf.substr(line_start, last_nl - line_start);
  if (!last.empty() && last.back() == '\r') last.pop_back();
  if (last == header) return rp;
  const std::string first_field = last.substr(0, last.find(','));
  auto t = UnixNanos::parse_ms(first_field);
  if (!t) fail(name + ": last row does not start with a time in ms: '" + last.substr(0, 60) + "'; delete the file", 2);
  rp.last_ms = t->ms();
  return rp;
}

std::string FetchResult::line(const FetchRequest& req) const {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", seconds);
  return "fetch-history done: symbol=" + req.symbol + " timeframe=" + std::string(backtest::to_string(req.timeframe)) +
         " spot=" + std::to_string(spot_rows) + " perp=" + std::to_string(perp_rows) +
         " funding=" + std::to_string(funding_rows) + " downloaded=" + std::to_string(downloaded_rows) +
         " requests=" + std::to_string(requests) + " seconds=" + secs;
}

}  // namespace carry::app
