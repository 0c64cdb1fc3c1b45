#include <carry/app/fetch_history.hpp>

#include <carry/backtest/replay.hpp>
#include <carry/bitget/io/gateway.hpp>
#include <carry/bitget/rate_limiter.hpp>
#include <carry/core/backoff.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace carry::app {

namespace asio = boost::asio;
using backtest::Timeframe;
using Steady = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::string_view kSpotCandlesPath = "/api/v2/spot/market/history-candles";
constexpr std::string_view kPerpCandlesPath = "/api/v2/mix/market/history-candles";
constexpr std::string_view kFundingPath = "/api/v2/mix/market/history-fund-rate";
constexpr std::string_view kTimePath = "/api/v2/public/time";
constexpr std::string_view kCurrentFundingPath = "/api/v2/mix/market/current-fund-rate";
constexpr int kMaxAttempts = 8;           // per request, transient failures only
constexpr int kMaxFundingPages = 10'000;  // a server that never ends its pages

std::string_view market_name(MarketType m) { return m == MarketType::Spot ? "spot" : "perp"; }

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

std::int64_t align_up(std::int64_t t, std::int64_t step) { return (t + step - 1) / step * step; }

std::string with_commas(std::size_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Silent sink that keeps the gateway's last rejection (exchange code and message) per path, so a
// permanent failure can be reported in one line with the exchange's own words.
class CaptureSink final : public EventSink {
 public:
  void emit(LogLevel, std::string_view event, nlohmann::json fields) override {
    if (event != "rest.rejected" && event != "rest.bad_payload") return;
    const std::string path = fields.value("path", "");
    if (event == "rest.rejected")
      last_[path] = fields.value("code", "") + " " + fields.value("msg", "");
    else
      last_[path] = fields.value("error", "");
  }
  std::string last(std::string_view path) const {
    auto it = last_.find(std::string(path));
    return it == last_.end() ? std::string() : it->second;
  }

 private:
  std::map<std::string, std::string> last_;
};

bitget::GatewayConfig public_gateway_config(const config::Config& c) {
  bitget::GatewayConfig g;
  const auto& ex = c.exchange;
  g.rest_base_url = ex.rest_url;
  // Real market history: never the demo header (demo markets have their own prices).
  g.demo = false;
  g.ca_file = ex.ca_file;
  g.private_streams = false;
  g.rest_timeout = std::chrono::milliseconds(ex.rest_timeout_ms);
  g.rest_max_concurrency = static_cast<std::size_t>(std::max(1, ex.rest_max_concurrency));
  g.rest_cb_fail_threshold = ex.rest_cb_fail_threshold;
  g.rest_cb_open_seconds = std::chrono::seconds(ex.rest_cb_open_seconds);
  g.sync_server_time = false;
  g.product_type = ex.product_type;
  return g;
}

// Every message says which command failed: "fetch-history: spot: GET ... failed: ...".
[[noreturn]] void fail(const std::string& what, int exit_code) {
  throw FetchError("fetch-history: " + what, exit_code);
}

struct Stop {
  bool requested = false;    // an error elsewhere, or a signal
  bool interrupted = false;  // SIGINT/SIGTERM
};

// Per-stream state and the request loop shared by the three downloads.
class Fetcher {
 public:
  Fetcher(bitget::Gateway& gw, const CaptureSink& sink, const FetchRequest& req, std::ostream& progress, Stop& stop)
      : gw_(gw), sink_(sink), req_(req), progress_(progress), stop_(stop) {}

  std::size_t requests = 0;
  std::size_t downloaded = 0;
  std::int64_t server_now_ms = 0;
  int fallback_interval_hours = 8;

  asio::awaitable<void> preflight() {
    Backoff backoff = retry_backoff();
    for (int attempt = 1;; ++attempt) {
      co_await pace(kTimePath);
      auto r = co_await gw_.server_time();
      if (r) {
        server_now_ms = r->ms();
        break;
      }
      co_await retry_after("setup", kTimePath, r.error(), attempt, backoff);
    }
    backoff.reset();
    for (int attempt = 1;; ++attempt) {
      co_await pace(kCurrentFundingPath);
      auto r = co_await gw_.current_funding_rate(req_.symbol);
      if (r) {
        for (const auto& f : *r)
          if (f.symbol == req_.symbol && f.interval_hours > 0) fallback_interval_hours = f.interval_hours;
        break;
      }
      co_await retry_after("setup", kCurrentFundingPath, r.error(), attempt, backoff);
    }
  }

  // Appends [resume point, to) to `part` window by window; renames it to `final_path` when done.
  asio::awaitable<std::size_t> candles(MarketType market, std::filesystem::path part,
                                       std::filesystem::path final_path) {
    const std::string name(market_name(market));
    const std::int64_t step = backtest::interval_ms(req_.timeframe);
    const ResumePoint rp = prepare_resume(part, kCandleHeader);
    const std::int64_t first = align_up(req_.from.ms(), step);
    const std::int64_t end = req_.to.ms();
    if (rp.last_ms && (*rp.last_ms < first || *rp.last_ms >= end || (*rp.last_ms - first) % step != 0))
      fail(part.string() + ": last row " + std::to_string(*rp.last_ms) + " is not a " +
               std::string(backtest::to_string(req_.timeframe)) + " candle of the requested range; delete the file",
           2);
    std::int64_t cursor = rp.last_ms ? *rp.last_ms + step : first;
    const std::size_t expected = static_cast<std::size_t>((end - first + step - 1) / step);
    std::size_t on_disk = rp.last_ms ? static_cast<std::size_t>((*rp.last_ms - first) / step + 1) : 0;  // upper bound
    std::size_t rows = 0;                                                                               // rows this run
    if (rp.cut_bytes > 0)
      say(name + ": removed an unfinished last line (" + std::to_string(rp.cut_bytes) + " bytes) of " +
          part.filename().string());
    if (rp.last_ms)
      say(name + ": resuming after " + UnixNanos::from_ms(*rp.last_ms).to_rfc3339() + " (" + part.filename().string() +
          ")");

    bitget::CandleQuery q;
    q.granularity = granularity(market);
    q.limit = kCandlesPerRequest;
    q.history = true;  // finished bars only, 200 per request
    const std::string path(market == MarketType::Spot ? kSpotCandlesPath : kPerpCandlesPath);
    std::ofstream out(part, std::ios::binary | std::ios::app);
    if (!out) fail(part.string() + ": cannot open for writing", 1);
    auto last_report = Steady::now();
    while (cursor < end && !stop_.requested) {
      const std::int64_t window_end = std::min(cursor + kCandlesPerRequest * step, end);
      q.start = UnixNanos::from_ms(cursor);
      q.end = UnixNanos::from_ms(window_end - 1);  // inclusive or exclusive upstream: same rows
      std::vector<bitget::Candle> page;
      Backoff backoff = retry_backoff();
      for (int attempt = 1;; ++attempt) {
        co_await pace(path);
        auto r = co_await gw_.candles(req_.symbol, market, q);
        if (r) {
          page = std::move(*r);
          break;
        }
        co_await retry_after(name, path, r.error(), attempt, backoff);
      }
      // Keep the window's rows only, on the grid, sorted, one per open time.
      std::map<std::int64_t, const bitget::Candle*> in_window;
      for (const auto& c : page) {
        const std::int64_t t = c.open_time.ms();
        if (t < cursor || t >= window_end) continue;
        if ((t - first) % step != 0)
          fail(name + ": the exchange sent a candle at " + UnixNanos::from_ms(t).to_rfc3339_ms() + ", off the " +
                   std::string(backtest::to_string(req_.timeframe)) + " grid",
               1);
        in_window[t] = &c;
      }
      std::string text;
      for (const auto& [t, c] : in_window) text += candle_row(*c);
      out << text;
      out.flush();
      if (!out) fail(part.string() + ": write failed", 1);
      rows += in_window.size();
      on_disk += in_window.size();
      downloaded += in_window.size();
      cursor = window_end;
      if (Steady::now() - last_report >= std::chrono::seconds(1) || cursor >= end) {
        last_report = Steady::now();
        say(name + ": " + UnixNanos::from_ms(std::min(cursor, end)).to_rfc3339() + " " +
            with_commas(std::min(on_disk, expected)) + "/" + with_commas(expected) + " candles");
      }
    }
    out.close();
    if (cursor < end) co_return rows;  // stopped: the .part file stays for the next run
    std::error_code ec;
    std::filesystem::rename(part, final_path, ec);
    if (ec) fail(final_path.string() + ": cannot rename from .part: " + ec.message(), 1);
    const std::size_t total = count_rows(final_path);
    std::string gaps = total < expected ? " (" + with_commas(expected - total) + " candles missing upstream)" : "";
    say(name + ": done, " + with_commas(total) + " rows -> " + final_path.filename().string() + gaps);
    co_return rows;
  }

  // All settlements in [from, to], written at once (a few pages; newest first, no time filter).
  asio::awaitable<std::size_t> funding(std::filesystem::path part, std::filesystem::path final_path) {
    const std::int64_t from = req_.from.ms(), to = req_.to.ms();
    std::map<std::int64_t, Decimal> seen;  // time -> rate, the first answer wins
    for (int page_no = 1;; ++page_no) {
      if (stop_.requested) co_return 0;
      if (page_no > kMaxFundingPages) fail("funding: more than " + std::to_string(kMaxFundingPages) + " pages", 1);
      std::vector<bitget::FundingHistoryEntry> page;
      Backoff backoff = retry_backoff();
      for (int attempt = 1;; ++attempt) {
        co_await pace(kFundingPath);
        auto r = co_await gw_.funding_history(req_.symbol, kFundingPageSize, page_no);
        if (r) {
          page = std::move(*r);
          break;
        }
        co_await retry_after("funding", kFundingPath, r.error(), attempt, backoff);
      }
      std::size_t fresh = 0;
      std::int64_t oldest = INT64_MAX;
      for (const auto& e : page) {
        if (e.symbol != req_.symbol)
          fail("funding: the exchange sent a row for '" + e.symbol + "' when asked for " + req_.symbol, 1);
        const std::int64_t t = e.funding_time.ms();
        oldest = std::min(oldest, t);
        fresh += seen.emplace(t, e.rate).second ? 1 : 0;
      }
      // New settlements while paging shift rows to later pages: duplicates are expected, a page
      // with nothing new means the server ignores pageNo.
      if (!page.empty() && fresh == 0)
        fail("funding: history-fund-rate page " + std::to_string(page_no) +
                 " repeats earlier rows (paging does not advance)",
             1);
      if (page.size() < static_cast<std::size_t>(kFundingPageSize) || oldest < from) break;
    }
    std::string text(kFundingHeader);
    text += "\n";
    std::size_t rows = 0;
    std::optional<std::int64_t> prev;
    for (const auto& [t, rate] : seen) {
      if (t >= from && t <= to) {
        text += funding_row(req_.symbol, t, rate, settlement_interval_hours(prev, t, fallback_interval_hours));
        ++rows;
      }
      prev = t;
    }
    {
      std::ofstream out(part, std::ios::binary | std::ios::trunc);
      out << text;
      out.close();
      if (!out) fail(part.string() + ": write failed", 1);
    }
    std::error_code ec;
    std::filesystem::rename(part, final_path, ec);
    if (ec) fail(final_path.string() + ": cannot rename from .part: " + ec.message(), 1);
    downloaded += rows;
    say("funding: done, " + with_commas(rows) + " settlements -> " + final_path.filename().string());
    co_return rows;
  }

  static std::size_t count_rows(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::size_t lines = 0;
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      lines += static_cast<std::size_t>(std::count(buf, buf + in.gcount(), '\n'));
      if (!in) break;
    }
    return lines > 0 ? lines - 1 : 0;  // minus the header
  }

 private:
  std::string granularity(MarketType m) const {
    // REFERENCE s.3: futures 1m/1H, spot 1min/1h.
    if (req_.timeframe == Timeframe::Hour1) return m == MarketType::Spot ? "1h" : "1H";
    return m == MarketType::Spot ? "1min" : "1m";
  }

  void say(const std::string& line) { progress_ << "fetch-history: " << line << "\n" << std::flush; }

  // Never more than the documented requests/second on one endpoint (x0.9, as RestClient's
  // buckets), measured between request starts: the client's bucket alone would allow a burst.
  asio::awaitable<void> pace(std::string_view path_view) {
    ++requests;
    const std::string path(path_view);
    const double per_second = bitget::RateLimiter::documented_limit(path) * 0.9;
    const auto spacing = std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(1.0 / per_second));
    auto& slot = next_slot_[path];
    const auto now = Steady::now();
    if (slot > now) {
      const auto wait_until = slot;
      slot += spacing;
      auto ex = co_await asio::this_coro::executor;
      asio::steady_timer timer(ex);
      timer.expires_at(wait_until);
      co_await timer.async_wait(asio::use_awaitable);
    } else {
      slot = now + spacing;
    }
  }

  static Backoff retry_backoff() {
    return Backoff(BackoffPolicy{std::chrono::milliseconds(500), std::chrono::milliseconds(30'000), 2.0, 0.5});
  }

  // After a failed request: a one-line FetchError for anything but a transient failure (network,
  // timeout, 429, 5xx, open circuit) or when the attempts are used up; else waits the backoff.
  // (No callable parameter: GCC 12 destroys closures passed to coroutines twice.)
  asio::awaitable<void> retry_after(std::string stream, std::string_view path_view, boost::system::error_code ec,
                                    int attempt, Backoff& backoff) {
    const std::string path(path_view);
    const std::string upstream = sink_.last(path);
    const std::string why = ec.message() + (upstream.empty() || is_retryable(ec) ? "" : ": " + upstream);
    if (!is_retryable(ec)) fail(stream + ": GET " + path + " failed: " + why, 1);
    if (attempt >= kMaxAttempts)
      fail(stream + ": GET " + path + " still failing after " + std::to_string(attempt) + " attempts: " + why, 1);
    if (stop_.requested) fail(stream + ": stopped while retrying GET " + path, 1);
    const auto delay = backoff.next();
    say(stream + ": GET " + path + " failed (" + why + "), retry " + std::to_string(attempt) + "/" +
        std::to_string(kMaxAttempts - 1) + " in " + std::to_string(delay.count()) + " ms");
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer timer(ex, delay);
    co_await timer.async_wait(asio::use_awaitable);
  }

  bitget::Gateway& gw_;
  const CaptureSink& sink_;
  const FetchRequest& req_;
  std::ostream& progress_;
  Stop& stop_;
  std::map<std::string, Steady::time_point> next_slot_;
};

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

FetchResult run_fetch_history(const CliOptions& cli, const config::Config& cfg, std::ostream& progress) {
  const auto started = Steady::now();
  const FetchRequest req = fetch_request_from_cli(cli);
  asio::io_context io;
  SystemClock clock;
  CaptureSink sink;
  bitget::GatewayConfig gcfg = public_gateway_config(cfg);
  std::unique_ptr<bitget::Gateway> gw;
  try {
    gw = std::make_unique<bitget::Gateway>(io.get_executor(), gcfg, sink, clock);
  } catch (const std::exception& e) {
    throw FetchError(std::string("fetch-history: exchange settings: ") + e.what(), 2);
  }
  Stop stop;
  Fetcher f(*gw, sink, req, progress, stop);
  progress << "fetch-history: " << req.symbol << " " << backtest::to_string(req.timeframe)
           << " candles (spot, perp) and funding for " << req.from.to_rfc3339() << " .. " << req.to.to_rfc3339()
           << " from " << gcfg.rest_url() << " into " << req.out_dir.string() << "\n"
           << std::flush;

  // Runs the spawned coroutines to completion; the first failure stops the others at their next
  // request and is rethrown. SIGINT/SIGTERM stop them the same way (rows on disk are kept).
  std::exception_ptr failure;
  int active = 0;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  // First signal: finish the request in flight, keep its rows, exit 130. A second one: exit now
  // (a cut last line is repaired by the next run).
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& e, int) {
    if (e) return;
    if (stop.interrupted) std::_Exit(130);
    stop.requested = stop.interrupted = true;
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);
  const auto done = [&](std::exception_ptr e) {
    if (e && !failure) {
      failure = e;
      stop.requested = true;
    }
    if (--active == 0) io.stop();
  };
  const auto run_all = [&] {
    if (active > 0) {
      io.restart();
      io.run();
    }
    // A signal wins over what it caused (e.g. a retry cut short): the run is resumable.
    if (stop.interrupted)
      throw FetchError("fetch-history: interrupted after " + std::to_string(f.downloaded) +
                           " new rows; run the same command again to resume",
                       130);
    if (failure) std::rethrow_exception(failure);
  };

  ++active;
  asio::co_spawn(io, f.preflight(), [&](std::exception_ptr e) { done(e); });
  run_all();
  if (req.to.ms() > f.server_now_ms)
    throw FetchError("fetch-history: --to " + req.to.to_rfc3339() + " is after the exchange's current time " +
                         UnixNanos::from_ms(f.server_now_ms).to_rfc3339() +
                         " (history holds finished candles only); use an earlier --to",
                     2);

  std::error_code ec;
  std::filesystem::create_directories(req.out_dir, ec);
  if (ec || !std::filesystem::is_directory(req.out_dir))
    throw FetchError("fetch-history: --out '" + req.out_dir.string() + "': cannot create directory" +
                         (ec ? ": " + ec.message() : ""),
                     2);

  FetchResult result;
  const auto spot_final = req.out_dir / candle_file_name(req, MarketType::Spot);
  const auto perp_final = req.out_dir / candle_file_name(req, MarketType::Perp);
  const auto funding_final = req.out_dir / funding_file_name(req);
  result.files = {spot_final, perp_final, funding_final};
  const auto part_of = [](const std::filesystem::path& p) { return std::filesystem::path(p.string() + ".part"); };
  for (const auto& p : result.files)
    if (std::filesystem::exists(p)) progress << "fetch-history: " << p.filename().string() << " is complete, skipped\n";

  // The three endpoints have separate limits: download them side by side.
  const auto spawn = [&](asio::awaitable<std::size_t> job) {
    ++active;
    asio::co_spawn(io, std::move(job), [&](std::exception_ptr e, std::size_t) { done(e); });
  };
  if (!std::filesystem::exists(funding_final)) spawn(f.funding(part_of(funding_final), funding_final));
  if (!std::filesystem::exists(spot_final)) spawn(f.candles(MarketType::Spot, part_of(spot_final), spot_final));
  if (!std::filesystem::exists(perp_final)) spawn(f.candles(MarketType::Perp, part_of(perp_final), perp_final));
  run_all();

  result.requests = f.requests;
  result.downloaded_rows = f.downloaded;
  result.seconds = std::chrono::duration<double>(Steady::now() - started).count();
  result.spot_rows = Fetcher::count_rows(spot_final);
  result.perp_rows = Fetcher::count_rows(perp_final);
  result.funding_rows = Fetcher::count_rows(funding_final);
  return result;
}

}  // namespace carry::app
