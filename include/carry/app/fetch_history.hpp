#pragma once
// carryd fetch-history: downloads one symbol's perp funding history and its spot and perp candles
// from Bitget's public REST into the backtest's CSV formats and file names (docs/backtest.md),
// page by page within the documented per-endpoint rate limits, retrying transient failures, and
// resumable: an interrupted run picks up after the last complete row on disk.
#include <carry/app/cli.hpp>
#include <carry/backtest/timeframe.hpp>
#include <carry/bitget/rest_parsers.hpp>
#include <carry/config/config.hpp>
#include <carry/core/time.hpp>
#include <carry/core/types.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace carry::app {

// One-line message naming the culprit, and the exit status carryd returns for it:
// 2 bad options or files, 1 the exchange or the disk failed, 130 interrupted (resumable).
class FetchError : public std::runtime_error {
 public:
  FetchError(const std::string& what, int exit_code) : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

struct FetchRequest {
  std::string symbol;  // upper case, e.g. BTCUSDT
  UnixNanos from, to;  // [from, to)
  backtest::Timeframe timeframe = backtest::Timeframe::Minute1;
  std::filesystem::path out_dir;
};

// --symbol, --from/--to (read as the backtest reads them: RFC 3339 or a bare date, a bare --to
// includes that day), --timeframe 1m|1h (default 1m), --out. Throws FetchError (exit 2).
FetchRequest fetch_request_from_cli(const CliOptions& cli);

// Names the backtest's discovery picks up, with the range so each range gets its own files:
// bitget_spot_BTCUSDT_1m_20250520-20250624.csv, bitget_funding_BTCUSDT_20250520-20250624.csv
// (dates of `from` and of the last millisecond before `to`; full timestamps when not midnight).
std::string candle_file_name(const FetchRequest& req, MarketType market);
std::string funding_file_name(const FetchRequest& req);

inline constexpr std::string_view kCandleHeader = "open_time_ms,open_time_utc,open,high,low,close,volume";
inline constexpr std::string_view kFundingHeader =
    "funding_time_ms,funding_time_utc,symbol,funding_rate,interval_hours";

// "1747699200000,2025-05-20T00:00:00Z,105531.5,105568.3,105511,105512.5,105.858\n" (base volume).
std::string candle_row(const bitget::Candle& c);
std::string funding_row(const std::string& symbol, std::int64_t time_ms, Decimal rate, int interval_hours);

// A settlement's interval: the gap to the previous settlement when that is one of Bitget's
// intervals (1, 2, 4 or 8 h, a few ms of jitter tolerated), else `fallback_hours` (the contract's
// current interval): a missing settlement must not make a rate look like it covered 16 h.
int settlement_interval_hours(std::optional<std::int64_t> previous_ms, std::int64_t ms, int fallback_hours);

// A download in progress: `<final name>.part`, rows appended in time order, flushed per page.
struct ResumePoint {
  std::optional<std::int64_t> last_ms;  // first column of the last complete row; none: header only
  std::uint64_t cut_bytes = 0;          // an unfinished last line that was removed
};
// Creates the file with `header` when it does not exist; otherwise checks its header, cuts an
// unfinished last line (a run killed mid-write) and reads the last row's time.
// Throws FetchError (exit 2) naming the file when it is not one of ours.
ResumePoint prepare_resume(const std::filesystem::path& part, std::string_view header);

// Candle windows per request: Bitget's history-candles returns at most 200 rows (REFERENCE s.3).
inline constexpr int kCandlesPerRequest = 200;
// history-fund-rate pages: pageSize max 100, newest first, no time filter (REFERENCE s.3, s.6).
inline constexpr int kFundingPageSize = 100;

struct FetchResult {
  std::vector<std::filesystem::path> files;                    // spot, perp, funding
  std::size_t spot_rows = 0, perp_rows = 0, funding_rows = 0;  // in the files
  std::size_t downloaded_rows = 0;                             // rows written by this run
  std::size_t requests = 0;                                    // REST requests sent by this run (retries included)
  double seconds = 0;
  // "fetch-history done: symbol=BTCUSDT timeframe=1m spot=7200 perp=7200 funding=121 downloaded=.. requests=..
  // seconds=.."
  std::string line(const FetchRequest& req) const;
};

// The whole command: public REST at exchange.rest_url (default Bitget's live host; no keys, no
// demo header), progress lines on `progress`. Throws FetchError.
FetchResult run_fetch_history(const CliOptions& cli, const config::Config& cfg, std::ostream& progress);

}  // namespace carry::app
