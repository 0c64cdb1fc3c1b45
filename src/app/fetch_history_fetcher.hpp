#pragma once
// fetch-history's downloads (private to src/app): the request loop shared by the spot and perp
// candles and the funding history, paced under each endpoint's documented limit and retrying
// transient failures with backoff. Every failure is a one-line FetchError.
#include <carry/app/fetch_history.hpp>
#include <carry/bitget/io/gateway.hpp>
#include <carry/core/backoff.hpp>
#include <carry/core/event_sink.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <string_view>

namespace carry::app::fetch {

// Every message says which command failed: "fetch-history: spot: GET ... failed: ...".
[[noreturn]] void fail(const std::string& what, int exit_code);

std::string_view market_name(MarketType m);

// Data rows of a finished file (the header excluded).
std::size_t count_rows(const std::filesystem::path& p);

// Silent sink that keeps the gateway's last rejection (exchange code and message) per path, so a
// permanent failure can be reported in one line with the exchange's own words.
class CaptureSink final : public EventSink {
 public:
  void emit(LogLevel, std::string_view event, nlohmann::json fields) override;
  std::string last(std::string_view path) const;

 private:
  std::map<std::string, std::string> last_;
};

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

  // The exchange's clock (a --to in the future is refused) and the contract's funding interval.
  boost::asio::awaitable<void> preflight();
  // Appends [resume point, to) to `part` window by window; renames it to `final_path` when done.
  boost::asio::awaitable<std::size_t> candles(MarketType market, std::filesystem::path part,
                                              std::filesystem::path final_path);
  // All settlements in [from, to], written at once (a few pages; newest first, no time filter).
  boost::asio::awaitable<std::size_t> funding(std::filesystem::path part, std::filesystem::path final_path);

 private:
  std::string granularity(MarketType m) const;
  void say(const std::string& line);
  boost::asio::awaitable<void> pace(std::string_view path_view);
  static Backoff retry_backoff();
  boost::asio::awaitable<void> retry_after(std::string stream, std::string_view path_view, boost::system::error_code ec,
                                           int attempt, Backoff& backoff);

  bitget::Gateway& gw_;
  const CaptureSink& sink_;
  const FetchRequest& req_;
  std::ostream& progress_;
  Stop& stop_;
  std::map<std::string, std::chrono::steady_clock::time_point> next_slot_;
};

}  // namespace carry::app::fetch
