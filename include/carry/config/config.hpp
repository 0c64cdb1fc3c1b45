#pragma once
// Typed configuration. Defaults here are the documented ones (config/app.yaml comments and
// docs/configuration.md); the loader fills these from .env -> YAML -> environment.
#include <carry/core/decimal.hpp>

#include <string>
#include <vector>

namespace carry::config {

struct ExchangeConfig {
  std::string environment = "testnet";  // mainnet | testnet
  bool allow_live = false;              // mainnet refuses to start unless true
  // Endpoints; empty = Bitget's defaults for the environment (testnet = demo trading hosts).
  std::string rest_url;
  std::string ws_public_url;
  std::string ws_private_url;
  bool demo_trading = true;  // send `paptrading: 1` (Bitget demo); ignored on mainnet
  std::string ca_file;       // extra trust anchors (tests, private CAs), added to the system store
  std::string product_type = "USDT-FUTURES";
  std::string margin_coin = "USDT";
  // The futures account's settings, applied and verified at start (live and testnet with keys).
  std::string margin_mode = "crossed";  // crossed | isolated (per symbol on Bitget)
  // auto: detected at start (GET /api/v3/account/settings); classic | uta: also detected, and a
  // different account stops start-up. Dry runs and keyless runs assume classic for auto.
  std::string account_mode = "auto";
  std::string position_mode = "one_way";  // one_way only (hedge is refused with a reason)
  int leverage = 2;                       // per symbol
  int rest_timeout_ms = 5000;
  int rest_max_concurrency = 4;
  int rest_cb_fail_threshold = 5;
  int rest_cb_open_seconds = 30;
  int bbo_max_age_ms = 3000;
  int instrument_info_ttl_s = 3600;
  // A dead socket is found and reconnected within ws_dead_after_s, which the loader keeps below
  // risk.market_data_stale_s so a reconnect is tried before the stale guard flattens.
  int ws_ping_interval_s = 10;
  int ws_dead_after_s = 20;
  int time_sync_s = 300;  // re-measure the exchange clock offset this often
};

struct KeysConfig {
  std::string api_key;
  std::string api_secret;
  std::string passphrase;
  bool complete() const { return !api_key.empty() && !api_secret.empty() && !passphrase.empty(); }
  bool any() const { return !api_key.empty() || !api_secret.empty() || !passphrase.empty(); }
};

struct RiskConfig {
  double price_dev_bps_limit = 50;
  int ws_stale_block_ms = 15000;
  int reject_burst_threshold = 5;
  int reject_burst_window_s = 60;
  int symbol_cooldown_s = 300;
  Decimal max_order_notional = Decimal::from_units(2000);
  Decimal max_symbol_notional = Decimal::from_units(10000);
  Decimal max_total_notional = Decimal::from_units(20000);
  double max_slippage_bps = 15;
  double max_net_delta_bps = 100;
  Decimal daily_loss_limit = Decimal::from_units(200);
  int api_error_burst = 10;
  int api_error_window_s = 60;
  int market_data_stale_s = 30;
  // Funding against a held perp position beyond this rate (per interval) trips the kill switch to
  // Reducing. Smaller sign flips are the strategy's ordinary CLOSE, not an emergency.
  Decimal funding_flip_kill_rate =
      Decimal::from_raw(1'000'000);  // 0.001 (docs/backtest.md: 0.0005 stopped SOL 2023-10)
};

// strategy.funding.forecast: the funding entry and exit use (docs/strategy.md, "Forecast").
struct FundingForecastConfig {
  double current_weight = 0.5;           // weight of the current predicted rate; the rest: settled mean
  double ewma_halflife_settlements = 9;  // settled rates' half-life (9 x 8 h = the 72 h horizon)
  int min_history = 3;                   // settled rates needed before the mean is used
};

// strategy.funding.universe: which symbols `symbols: auto` holds (docs/strategy.md, "Universe").
struct UniverseConfig {
  int max_symbols = 3;                       // at most this many symbols in the set (held ones count)
  double min_quote_volume_24h = 10'000'000;  // USDT traded in 24 h on the perp, and on the spot market
  double min_rank_apr = 0.10;                // forecast net APR a candidate needs to be chosen
  int refresh_s = 300;                       // the venue's tickers are ranked this often
};

struct FundingStrategyConfig {
  std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT"};
  // `symbols: auto`: the set is chosen at run time from the venue's USDT perps with a spot market
  // (symbols is then empty until the first universe refresh).
  bool auto_symbols = false;
  UniverseConfig universe;
  // Chosen on the development windows with a walk-forward (docs/backtest.md, "Choosing the defaults").
  double min_expected_apr = 0.03;  // fraction per year (0.03 = 3 %)
  double close_apr = -0.30;        // close when the forecast APR stays below this (negative: paying)
  int pre_event_open_minutes = 60;
  bool hold_across_events = true;
  double rebalance_band_bps = 50;
  double basis_stop_bps = 1000;         // close when basis moves this far against the position
  double holding_horizon_hours = 2160;  // horizon over which entry/exit costs are amortised
  FundingForecastConfig forecast;
  int close_confirmations = 3;  // funding periods the forecast stays below close_apr to close
  // A forecast against the position closes at once only when its funding over this many hours
  // costs more than a round trip (closing and opening again); 0: at once, whatever it costs.
  double adverse_horizon_hours = 72;
  Decimal notional_per_symbol = Decimal::from_units(1000);
  int hedge_timeout_s = 30;         // legs apart beyond one lot for longer -> Reducing
  int decision_log_interval_s = 0;  // > 0: repeat an unchanged HOLD in the log this often
  std::string client_oid_prefix = "cry";
  // A position on the venue beyond what this store's fills explain belongs to someone else (a
  // manual trade, another bot): reported, never hedged, reduced or flattened, unless this is set.
  bool adopt_foreign_positions = false;
  int chase_interval_ms = 2000;
  int chase_max_amends = 10;
  double chase_max_distance_bps = 20;
};

struct StrategyConfig {
  FundingStrategyConfig funding;
};

struct StoreConfig {
  std::string db_path = "var/carry.db";
  // --dry-run's own database, so a paper fill can never be adopted as a live holding. The loader
  // fills it in when unset: db_path with "-paper" before the extension (var/carry-paper.db).
  std::string paper_db_path;
};

struct LogConfig {
  std::string dir = "logs";
  std::string level = "info";  // trace | debug | info | warn | error
  int max_file_mb = 50;
  int max_files = 5;
  bool console = true;
};

// Reading the venue's truth back while running: what pushes may have missed.
struct ReconcileConfig {
  int interval_s = 60;  // our fills and open orders are re-read over REST this often
};

// monitor.http: the Prometheus / health / status endpoint (docs/monitoring.md).
struct HttpMonitorConfig {
  std::string listen = "127.0.0.1:9464";  // host:port; "" = off; port 0 = ephemeral
  std::string token;                      // Bearer token; required for a non-loopback listen (a secret)
};

struct MonitorConfig {
  int heartbeat_s = 30;
  int position_snapshot_s = 300;  // an open leg's snapshot at most this often (and on every change)
  std::string reports_dir = "reports";
  std::string timezone = "UTC";  // reports and daily PnL boundaries (only UTC for now)
  HttpMonitorConfig http;
};

// Where a person is told when something needs them (docs/operations.md, "Alerts"). Every URL is
// https, or plain http to a loopback host only (as for the exchange); the URLs and the bot token
// are secrets. All empty: no alerts are sent (the events are still logged).
struct TelegramAlertsConfig {
  std::string bot_token;  // secret: https://core.telegram.org/bots#how-do-i-create-a-bot
  std::string chat_id;
  std::string api_url = "https://api.telegram.org";  // overridable for tests
};

struct AlertsConfig {
  std::string webhook_url;        // JSON POST {"event","level","text","fields"}
  std::string slack_webhook_url;  // Slack incoming webhook {"text": ...}
  TelegramAlertsConfig telegram;
  int min_interval_s = 300;   // one alert per event kind at most this often
  int reject_burst = 3;       // this many order rejections ...
  int reject_window_s = 300;  // ... within this window: one alert
  int stream_down_s = 60;     // a stream down this long: one alert
  int queue_size = 100;       // alerts waiting to be sent; beyond it the oldest is dropped
  bool any() const { return !webhook_url.empty() || !slack_webhook_url.empty() || !telegram.bot_token.empty(); }
};

// Backtests (carryd backtest): costs and the simulated account. Fees default to Bitget's standard
// rates for the built-in BTCUSDT/ETHUSDT instruments (docs/backtest.md).
struct BacktestConfig {
  double half_spread_bps = 1.0;                           // candles become a BBO this far either side of the price
  double slippage_bps = 2.0;                              // market orders fill this far past the touch
  Decimal spot_maker_fee = Decimal::from_raw(1'000'000);  // 0.001
  Decimal spot_taker_fee = Decimal::from_raw(1'000'000);  // 0.001
  Decimal perp_maker_fee = Decimal::from_raw(200'000);    // 0.0002
  Decimal perp_taker_fee = Decimal::from_raw(600'000);    // 0.0006
  Decimal spot_usdt = Decimal::from_units(10000);         // starting spot wallet (USDT)
  Decimal futures_usdt = Decimal::from_units(10000);      // starting USDT-M futures wallet
  std::string out_dir = "var/backtest";
};

// Paper trading (carryd --dry-run): the in-process account that live market data trades against.
struct PaperConfig {
  Decimal spot_usdt = Decimal::from_units(10000);     // starting spot wallet (USDT)
  Decimal futures_usdt = Decimal::from_units(10000);  // starting USDT-M futures wallet
  double slippage_bps = 2.0;                          // market orders fill this far past the touch
};

struct Config {
  ExchangeConfig exchange;
  KeysConfig keys;
  RiskConfig risk;
  StrategyConfig strategy;
  StoreConfig store;
  LogConfig log;
  MonitorConfig monitor;
  AlertsConfig alerts;
  ReconcileConfig reconcile;
  BacktestConfig backtest;
  PaperConfig paper;
};

}  // namespace carry::config
