// carryd fetch-history, the command: a public-only gateway, the preflight, then the three
// downloads side by side on one io_context until they end, fail or a signal stops them.
#include <carry/app/fetch_history.hpp>

#include "fetch_history_fetcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <memory>

namespace carry::app {

namespace asio = boost::asio;
using fetch::CaptureSink;
using fetch::Fetcher;
using fetch::Stop;
using Steady = std::chrono::steady_clock;

namespace {

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

// Runs the spawned coroutines to completion; the first failure stops the others at their next
// request and is rethrown. SIGINT/SIGTERM stop them the same way (rows on disk are kept).
class Jobs {
 public:
  Jobs(asio::io_context& io, Stop& stop, const Fetcher& fetcher)
      : io_(io), stop_(stop), fetcher_(fetcher), signals_(io, SIGINT, SIGTERM) {
    wait_for_signal();
  }

  void spawn(asio::awaitable<void> job) {
    ++active_;
    asio::co_spawn(io_, std::move(job), [this](std::exception_ptr e) { done(e); });
  }
  void spawn(asio::awaitable<std::size_t> job) {
    ++active_;
    asio::co_spawn(io_, std::move(job), [this](std::exception_ptr e, std::size_t) { done(e); });
  }

  void run_all() {
    if (active_ > 0) {
      io_.restart();
      io_.run();
    }
    // A signal wins over what it caused (e.g. a retry cut short): the run is resumable.
    if (stop_.interrupted)
      throw FetchError("fetch-history: interrupted after " + std::to_string(fetcher_.downloaded) +
                           " new rows; run the same command again to resume",
                       130);
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  // First signal: finish the request in flight, keep its rows, exit 130. A second one: exit now
  // (a cut last line is repaired by the next run).
  void wait_for_signal() {
    signals_.async_wait([this](const boost::system::error_code& e, int) {
      if (e) return;
      if (stop_.interrupted) std::_Exit(130);
      stop_.requested = stop_.interrupted = true;
      wait_for_signal();
    });
  }

  void done(std::exception_ptr e) {
    if (e && !failure_) {
      failure_ = e;
      stop_.requested = true;
    }
    if (--active_ == 0) io_.stop();
  }

  asio::io_context& io_;
  Stop& stop_;
  const Fetcher& fetcher_;
  asio::signal_set signals_;
  std::exception_ptr failure_;
  int active_ = 0;
};

std::unique_ptr<bitget::Gateway> make_gateway(asio::io_context& io, const bitget::GatewayConfig& gcfg,
                                              CaptureSink& sink, const Clock& clock) {
  try {
    return std::make_unique<bitget::Gateway>(io.get_executor(), gcfg, sink, clock);
  } catch (const std::exception& e) {
    throw FetchError(std::string("fetch-history: exchange settings: ") + e.what(), 2);
  }
}

// History holds finished candles only: a range past the exchange's clock is refused up front.
void check_range_is_past(const FetchRequest& req, std::int64_t server_now_ms) {
  if (req.to.ms() > server_now_ms)
    throw FetchError("fetch-history: --to " + req.to.to_rfc3339() + " is after the exchange's current time " +
                         UnixNanos::from_ms(server_now_ms).to_rfc3339() +
                         " (history holds finished candles only); use an earlier --to",
                     2);
}

void create_out_dir(const FetchRequest& req) {
  std::error_code ec;
  std::filesystem::create_directories(req.out_dir, ec);
  if (ec || !std::filesystem::is_directory(req.out_dir))
    throw FetchError("fetch-history: --out '" + req.out_dir.string() + "': cannot create directory" +
                         (ec ? ": " + ec.message() : ""),
                     2);
}

std::filesystem::path part_of(const std::filesystem::path& p) { return std::filesystem::path(p.string() + ".part"); }

}  // namespace

FetchResult run_fetch_history(const CliOptions& cli, const config::Config& cfg, std::ostream& progress) {
  const auto started = Steady::now();
  const FetchRequest req = fetch_request_from_cli(cli);
  asio::io_context io;
  SystemClock clock;
  CaptureSink sink;
  bitget::GatewayConfig gcfg = public_gateway_config(cfg);
  std::unique_ptr<bitget::Gateway> gw = make_gateway(io, gcfg, sink, clock);
  Stop stop;
  Fetcher f(*gw, sink, req, progress, stop);
  progress << "fetch-history: " << req.symbol << " " << backtest::to_string(req.timeframe)
           << " candles (spot, perp) and funding for " << req.from.to_rfc3339() << " .. " << req.to.to_rfc3339()
           << " from " << gcfg.rest_url() << " into " << req.out_dir.string() << "\n"
           << std::flush;

  Jobs jobs(io, stop, f);
  jobs.spawn(f.preflight());
  jobs.run_all();
  check_range_is_past(req, f.server_now_ms);
  create_out_dir(req);

  FetchResult result;
  const auto spot_final = req.out_dir / candle_file_name(req, MarketType::Spot);
  const auto perp_final = req.out_dir / candle_file_name(req, MarketType::Perp);
  const auto funding_final = req.out_dir / funding_file_name(req);
  result.files = {spot_final, perp_final, funding_final};
  for (const auto& p : result.files)
    if (std::filesystem::exists(p)) progress << "fetch-history: " << p.filename().string() << " is complete, skipped\n";

  // The three endpoints have separate limits: download them side by side.
  if (!std::filesystem::exists(funding_final)) jobs.spawn(f.funding(part_of(funding_final), funding_final));
  if (!std::filesystem::exists(spot_final)) jobs.spawn(f.candles(MarketType::Spot, part_of(spot_final), spot_final));
  if (!std::filesystem::exists(perp_final)) jobs.spawn(f.candles(MarketType::Perp, part_of(perp_final), perp_final));
  jobs.run_all();

  result.requests = f.requests;
  result.downloaded_rows = f.downloaded;
  result.seconds = std::chrono::duration<double>(Steady::now() - started).count();
  result.spot_rows = fetch::count_rows(spot_final);
  result.perp_rows = fetch::count_rows(perp_final);
  result.funding_rows = fetch::count_rows(funding_final);
  return result;
}

}  // namespace carry::app
