#pragma once
// The trading daemon's runtime: everything that lives while carryd trades (live, testnet or
// paper), on one io_context. Market data comes from the Bitget gateway in every mode; orders go
// to the gateway or, in paper mode, to an in-process paper exchange. The Engine (OMS + risk +
// strategy) decides; this class only moves events and commands and keeps the books.
#include <carry/app/cli.hpp>
#include <carry/app/snapshot_throttle.hpp>
#include <carry/app/startup.hpp>
#include <carry/bitget/account_kind.hpp>
#include <carry/bitget/rest_parsers.hpp>
#include <carry/config/loader.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>
#include <carry/engine/engine.hpp>
#include <carry/monitor/health.hpp>
#include <carry/monitor/heartbeat.hpp>
#include <carry/monitor/prometheus.hpp>
#include <carry/strategy/universe.hpp>

#include "fill_namer.hpp"
#include "funding_watch.hpp"
#include "pnl_tracker.hpp"
#include "reconciler.hpp"
#include "store_watch.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace carry::bitget {
class Gateway;
}
namespace carry::paper {
class Exchange;
class PaperVenue;
}  // namespace carry::paper
namespace carry::store {
class Store;
class ClientIdCounter;
}  // namespace carry::store

namespace carry::app {

class StoreRecorder;
class HttpServer;

class Runtime {
 public:
  Runtime(boost::asio::io_context& ioc, const config::LoadedConfig& loaded, const CliOptions& cli, Mode mode,
          EventSink& log, const Clock& clock);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Starts everything, trades until request_stop(), then shuts down (cancel or flatten) and
  // returns the exit code.
  boost::asio::awaitable<int> run();
  void request_stop(const std::string& reason);
  // Tasks spawned by the runtime that have not finished yet (the daemon waits for 0 at exit).
  int live_tasks() const noexcept { return live_tasks_; }
  // More for the status row written at every heartbeat (runtime_status.cpp), e.g. the last error.
  void set_status_extra(std::function<nlohmann::json()> extra) { status_extra_ = std::move(extra); }

 private:
  struct SymbolTrack {
    std::optional<Bbo> spot, perp;
    FundingWatch funding;  // the last update, with the interval and caps kept
    PnlTracker pnl;        // our position, funding and fees
  };

  bool paper() const { return mode_ == Mode::Paper; }

  // Start-up, in run()'s order (runtime_run.cpp).
  void open_store();
  void build_engine();
  boost::asio::awaitable<void> restore_kill_switch();
  boost::asio::awaitable<bool> open_gateway();  // false: the start-up refused (exit_code_ says how)
  void attach_venue();
  boost::asio::awaitable<void> start_gateway();  // streams and the heartbeat, report and tick loops
  boost::asio::awaitable<void> start_up();       // instruments, funding, account, reconciliation
  boost::asio::awaitable<void> reconcile_at_start();
  void enable_trading();

  void on_market(const MarketEvent& ev);
  void on_exec(const ExecEvent& ev);
  void name_waiting_fills();
  void refresh_stale_quotes();
  void check_private_delivery(std::uint64_t data_frames);
  void execute_order_plan(const reconciler::OrderPlan& plan);
  void log_missed_quantity(const reconciler::MissedQuantity& m);
  void log_missed_fill(const Fill& f, std::string_view why);
  boost::asio::awaitable<bool> backfill_fills(std::vector<Fill>& stored);
  void watch_store();
  boost::asio::awaitable<void> read_quote(std::string symbol, MarketType market);
  std::chrono::nanoseconds rest_quote_after() const;
  boost::asio::awaitable<void> look_up_order(std::string symbol, MarketType market, std::string order_id);

  void pump();
  boost::asio::awaitable<void> execute(oms::Command cmd);
  void spawn(boost::asio::awaitable<void> task, std::string what);

  boost::asio::awaitable<bool> sleep(boost::asio::steady_timer& timer, std::chrono::steady_clock::duration d);
  boost::asio::awaitable<void> tick_loop();
  boost::asio::awaitable<void> heartbeat_loop();
  boost::asio::awaitable<void> poll_loop();
  boost::asio::awaitable<void> reconcile_loop();
  boost::asio::awaitable<void> recover_fills(std::string why);
  boost::asio::awaitable<void> check_drift(std::string why);
  boost::asio::awaitable<void> report_loop();
  boost::asio::awaitable<bool> load_instruments();
  boost::asio::awaitable<void> refresh_funding();
  boost::asio::awaitable<void> refresh_funding_of(std::string symbol);
  // symbols: auto (runtime_universe.cpp)
  std::vector<std::string> tracked_symbols() const;
  void catalog_instrument(const Instrument& inst);
  boost::asio::awaitable<void> join_held_symbols();
  bool join_symbol(const std::string& symbol, std::string_view why);
  void leave_symbol(const std::string& symbol);
  boost::asio::awaitable<void> prepare_symbol(std::string symbol);
  std::vector<strategy::UniverseCandidate> universe_candidates(const std::vector<bitget::Ticker>& perps,
                                                               const std::vector<bitget::Ticker>& spots) const;
  boost::asio::awaitable<void> refresh_universe();
  boost::asio::awaitable<void> universe_loop();
  boost::asio::awaitable<void> seed_forecast(std::string symbol, int interval_hours);
  boost::asio::awaitable<void> poll_funding_bills();
  // Reconciliation (runtime_reconcile.cpp).
  boost::asio::awaitable<bool> reconcile(std::string why, bool startup);
  boost::asio::awaitable<std::optional<reconciler::Ledger>> read_ledger(bool startup);
  struct OrdersReconciled {
    std::size_t open_on_exchange = 0, foreign = 0;
    std::vector<OrderUpdate> adopted;
    int resolved = 0;
  };
  boost::asio::awaitable<std::optional<OrdersReconciled>> reconcile_orders(std::string why, reconciler::Ledger& ledger);
  boost::asio::awaitable<bool> resolve_orders(const std::vector<store::OrderRecord>& rows, std::string why,
                                              reconciler::Ledger& ledger, int& resolved);
  boost::asio::awaitable<bool> reconcile_positions(bool startup, reconciler::Ledger& ledger,
                                                   const std::vector<OrderUpdate>& adopted);
  void adopt_start_position(const std::string& symbol, SymbolTrack& t, reconciler::Ledger& ledger,
                            const std::vector<BalanceUpdate>& balances, Decimal venue_perp);
  struct OwnedLegs {
    Decimal spot, perp;
  };
  void attribute_funding(FundingPayment& p, Decimal ours);
  OwnedLegs owned_legs(const std::string& symbol, Decimal spot_ours, Decimal spot_wallet, Decimal perp_ours,
                       Decimal perp_venue);
  boost::asio::awaitable<void> reconcile_task(std::string why);
  boost::asio::awaitable<void> shutdown();
  boost::asio::awaitable<std::optional<bitget::AccountKind>> settle_account_kind();
  void forward_market(const MarketEvent& ev);
  boost::asio::awaitable<Result<std::optional<OrderUpdate>>> look_up(std::string symbol, MarketType market,
                                                                     std::string client_oid, std::string order_id);
  void note_funding_cap(SymbolTrack& t);
  bool funding_reread_due() const;
  boost::asio::awaitable<void> set_up_account();  // account_setup_runner: exit 1 unless as configured

  // The heartbeat (runtime_heartbeat.cpp) and the status row (runtime_status.cpp).
  void heartbeat();
  void snapshot_positions(const monitor::HeartbeatInput& in, UnixNanos now);
  void roll_day(UnixNanos now);
  void write_daily_pnl(UnixNanos now);
  void write_status(const nlohmann::json& heartbeat);                    // kv "status", read by `carryd status`
  boost::asio::awaitable<nlohmann::json> day_summary(std::string date);  // report.daily's figures
  monitor::HeartbeatInput heartbeat_input(UnixNanos now);
  nlohmann::json heartbeat_fields(const monitor::HeartbeatInput& in);  // the heartbeat event's fields

  // The monitoring endpoint (runtime_http.cpp; docs/monitoring.md). start_http: false = exit 1.
  bool start_http();
  void stop_http();
  monitor::MetricsSnapshot metrics_snapshot();
  monitor::Health health();

  boost::asio::io_context& ioc_;
  const config::Config& cfg_;
  const CliOptions& cli_;
  Mode mode_;
  EventSink& log_;
  const Clock& clock_;

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::ClientIdCounter> counter_;
  std::unique_ptr<ClientOidGenerator> ids_;
  std::unique_ptr<StoreRecorder> recorder_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<bitget::Gateway> gw_;
  std::unique_ptr<paper::Exchange> paper_;
  std::unique_ptr<paper::PaperVenue> paper_venue_;
  Venue* venue_ = nullptr;
  SnapshotThrottle snapshots_;

  // One timer per loop, so request_stop() can wake each of them and no loop disturbs another.
  boost::asio::steady_timer main_timer_, tick_timer_, heartbeat_timer_, poll_timer_, report_timer_;

  bool stopping_ = false;
  bool trading_ = false;  // the strategy sees market data and timers
  bool reconciling_ = false;
  bool keys_ = false;
  std::string stop_reason_;
  int exit_code_ = 0;  // run()'s result: 1 when the start-up refused (account.setup_failed)
  int in_flight_ = 0;
  int live_tasks_ = 0;
  std::vector<oms::Command> commands_;
  FillNamer unnamed_fills_;
  StoreWatch store_watch_;
  std::set<std::string> quote_reads_;        // "<market>:<symbol>" with a REST ticker read out
  std::set<std::string> rest_quoted_;        // ... priced from REST since the stream went quiet
  std::set<std::string> instruments_known_;  // "<market>:<symbol>"
  std::set<std::string> forecast_seeded_;    // symbols whose forecast history was read at start
  std::uint64_t private_frames_seen_ = 0;
  static constexpr auto kPrivateSilent = std::chrono::seconds(20);
  std::uint64_t private_data_seen_ = 0;
  std::chrono::steady_clock::time_point private_data_at_{}, private_silent_check_{};
  std::map<std::string, SymbolTrack, std::less<>> track_;
  std::set<std::string> bills_seen_;
  // Per symbol, the perp position on the venue that is not Carry's (set by the start-up
  // reconciliation): a settlement bill pays the whole net position, Carry books its share.
  std::map<std::string, Decimal, std::less<>> foreign_perp_;
  reconciler::DriftTracker drift_;
  UnixNanos bills_since_;
  UnixNanos fills_since_;      // recover_fills reads the venue's fills from here (with an overlap)
  bool fills_overlap_ = true;  // re-read 2 minutes before fills_since_ (late-stamped fills)
  boost::asio::steady_timer reconcile_timer_;
  boost::asio::steady_timer universe_timer_;
  struct CatalogEntry {
    std::optional<Instrument> spot, perp;
  };
  std::map<std::string, CatalogEntry, std::less<>> catalog_;  // symbols: auto: every listed instrument
  std::string universe_leaders_;                              // the ranking's top of the last refresh logged at info
  std::string day_;                                           // current UTC date of the day_* accumulators
  std::function<nlohmann::json()> status_extra_;

  // Monitoring (runtime_http.cpp).
  std::unique_ptr<HttpServer> http_;
  bool started_ = false;                       // instruments, funding and the start-up reconciliation done
  std::uint64_t drift_total_ = 0;              // reconcile.drift reports
  std::uint64_t fills_by_market_[2] = {0, 0};  // our fills: spot, perp
};

}  // namespace carry::app
