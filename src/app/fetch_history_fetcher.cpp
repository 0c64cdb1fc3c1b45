#include "fetch_history_fetcher.hpp"

#include <carry/bitget/rate_limiter.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <vector>

namespace carry::app::fetch {

namespace asio = boost::asio;
using backtest::Timeframe;
using Steady = std::chrono::steady_clock;

namespace {

constexpr std::string_view kSpotCandlesPath = "/api/v2/spot/market/history-candles";
constexpr std::string_view kPerpCandlesPath = "/api/v2/mix/market/history-candles";
constexpr std::string_view kFundingPath = "/api/v2/mix/market/history-fund-rate";
constexpr std::string_view kTimePath = "/api/v2/public/time";
constexpr std::string_view kCurrentFundingPath = "/api/v2/mix/market/current-fund-rate";
constexpr int kMaxAttempts = 8;           // per request, transient failures only
constexpr int kMaxFundingPages = 10'000;  // a server that never ends its pages

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

}  // namespace

void CaptureSink::emit(LogLevel, std::string_view event, nlohmann::json fields) {
  if (event != "rest.rejected" && event != "rest.bad_payload") return;
  const std::string path = fields.value("path", "");
  if (event == "rest.rejected")
    last_[path] = fields.value("code", "") + " " + fields.value("msg", "");
  else
    last_[path] = fields.value("error", "");
}

std::string CaptureSink::last(std::string_view path) const {
  auto it = last_.find(std::string(path));
  return it == last_.end() ? std::string() : it->second;
}

std::size_t count_rows(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::size_t lines = 0;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    lines += static_cast<std::size_t>(std::count(buf, buf + in.gcount(), '\n'));
    if (!in) break;
  }
  return lines > 0 ? lines - 1 : 0;  // minus the header
}

asio::awaitable<void> Fetcher::preflight() {
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

asio::awaitable<std::size_t> Fetcher::candles(MarketType market, std::filesystem::path part,
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

asio::awaitable<std::size_t> Fetcher::funding(std::filesystem::path part, std::filesystem::path final_path) {
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

std::string Fetcher::granularity(MarketType m) const {
  // REFERENCE s.3: futures 1m/1H, spot 1min/1h.
  if (req_.timeframe == Timeframe::Hour1) return m == MarketType::Spot ? "1h" : "1H";
  return m == MarketType::Spot ? "1min" : "1m";
}

void Fetcher::say(const std::string& line) { progress_ << "fetch-history: " << line << "\n" << std::flush; }

// Never more than the documented requests/second on one endpoint (x0.9, as RestClient's
// buckets), measured between request starts: the client's bucket alone would allow a burst.
asio::awaitable<void> Fetcher::pace(std::string_view path_view) {
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

Backoff Fetcher::retry_backoff() {
  return Backoff(BackoffPolicy{std::chrono::milliseconds(500), std::chrono::milliseconds(30'000), 2.0, 0.5});
}

// After a failed request: a one-line FetchError for anything but a transient failure (network,
// timeout, 429, 5xx, open circuit) or when the attempts are used up; else waits the backoff.
// (No callable parameter: GCC 12 destroys closures passed to coroutines twice.)
asio::awaitable<void> Fetcher::retry_after(std::string stream, std::string_view path_view, boost::system::error_code ec,
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

}  // namespace carry::app::fetch
