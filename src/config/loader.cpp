#include <carry/config/listen_address.hpp>
#include <carry/config/loader.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

extern char** environ;

namespace carry::config {
namespace {

// One configurable key: how to parse a text value into the Config, and how to print it back.
struct Field {
  std::string key;       // dotted, e.g. "exchange.allow_live"
  std::string expected;  // human description used in errors
  bool secret = false;
  bool list = false;
  std::function<bool(Config&, const std::string&)> set;  // false = value not acceptable
  std::function<std::string(const Config&)> get;
};

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

bool parse_bool(const std::string& s, bool& out) {
  if (s == "true" || s == "True" || s == "TRUE") return out = true, true;
  if (s == "false" || s == "False" || s == "FALSE") return out = false, true;
  return false;
}

bool parse_int(const std::string& s, long long& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

bool parse_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && std::isfinite(out);
}

std::string fmt_double(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

template <class M>
Field int_field(std::string key, M member, long long lo, long long hi) {
  Field f;
  f.key = std::move(key);
  f.expected = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  f.set = [member, lo, hi](Config& c, const std::string& s) {
    long long v;
    if (!parse_int(s, v) || v < lo || v > hi) return false;
    std::invoke(member, c) = static_cast<int>(v);
    return true;
  };
  f.get = [member](const Config& c) { return std::to_string(std::invoke(member, const_cast<Config&>(c))); };
  return f;
}

template <class M>
Field double_field(std::string key, M member, double lo, double hi) {
  Field f;
  f.key = std::move(key);
  f.expected = "a number in [" + fmt_double(lo) + ", " + fmt_double(hi) + "]";
  f.set = [member, lo, hi](Config& c, const std::string& s) {
    double v;
    if (!parse_double(s, v) || v < lo || v > hi) return false;
    std::invoke(member, c) = v;
    return true;
  };
  f.get = [member](const Config& c) { return fmt_double(std::invoke(member, const_cast<Config&>(c))); };
  return f;
}

template <class M>
Field decimal_field(std::string key, M member, Decimal lo, Decimal hi) {
  Field f;
  f.key = std::move(key);
  f.expected = "a decimal in [" + lo.to_string() + ", " + hi.to_string() + "]";
  f.set = [member, lo, hi](Config& c, const std::string& s) {
    auto v = Decimal::parse(s);
    if (!v || *v < lo || *v > hi) return false;
    std::invoke(member, c) = *v;
    return true;
  };
  f.get = [member](const Config& c) { return std::invoke(member, const_cast<Config&>(c)).to_string(); };
  return f;
}

template <class M>
Field bool_field(std::string key, M member) {
  Field f;
  f.key = std::move(key);
  f.expected = "true or false";
  f.set = [member](Config& c, const std::string& s) {
    bool v;
    if (!parse_bool(s, v)) return false;
    std::invoke(member, c) = v;
    return true;
  };
  f.get = [member](const Config& c) {
    return std::string(std::invoke(member, const_cast<Config&>(c)) ? "true" : "false");
  };
  return f;
}

template <class M>
Field string_field(std::string key, M member, std::vector<std::string> choices = {}, bool secret = false,
                   bool allow_empty = true) {
  Field f;
  f.key = std::move(key);
  f.secret = secret;
  if (!choices.empty()) {
    f.expected = "one of";
    for (auto& ch : choices) f.expected += " " + ch;
  } else {
    f.expected = allow_empty ? "a string" : "a non-empty string";
  }
  f.set = [member, choices, allow_empty](Config& c, const std::string& s) {
    if (!choices.empty() && std::find(choices.begin(), choices.end(), s) == choices.end()) return false;
    if (!allow_empty && s.empty()) return false;
    std::invoke(member, c) = s;
    return true;
  };
  f.get = [member](const Config& c) { return std::invoke(member, const_cast<Config&>(c)); };
  return f;
}

// An alert destination: https, or plain http to a loopback host only, the rule the REST client
// applies to the exchange URL (a token must never cross a network in clear text). "" = fine.
std::string alert_url_problem(const std::string& u) {
  if (u.empty()) return "";
  const bool tls = u.rfind("https://", 0) == 0;
  if (!tls && u.rfind("http://", 0) != 0) return "expected an https:// URL (or http:// to a loopback host)";
  const std::size_t start = tls ? 8 : 7;
  const std::size_t end = u.find_first_of("/?#", start);
  std::string host = u.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (host.find('@') != std::string::npos) return "a URL with user info is not accepted";
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    host = close == std::string::npos ? "" : host.substr(1, close - 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  if (host.empty()) return "the URL has no host";
  if (tls) return "";
  const bool loopback = host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
  return loopback ? "" : "plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost): use https://";
}

bool valid_symbol(const std::string& s) {
  if (s.size() < 5 || s.size() > 20) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isupper(c) || std::isdigit(c); }) &&
         s.ends_with("USDT");
}

// One field per line reads as a table; the formatter would break it apart.
// clang-format off
std::vector<Field> make_schema() {
  using C = Config;
  std::vector<Field> s;
  // exchange
  s.push_back(string_field("exchange.environment", [](C& c) -> auto& { return c.exchange.environment; },
                           {"mainnet", "testnet"}));
  s.push_back(bool_field("exchange.allow_live", [](C& c) -> auto& { return c.exchange.allow_live; }));
  s.push_back(string_field("exchange.rest_url", [](C& c) -> auto& { return c.exchange.rest_url; }));
  s.push_back(string_field("exchange.ws_public_url", [](C& c) -> auto& { return c.exchange.ws_public_url; }));
  s.push_back(string_field("exchange.ws_private_url", [](C& c) -> auto& { return c.exchange.ws_private_url; }));
  s.push_back(bool_field("exchange.demo_trading", [](C& c) -> auto& { return c.exchange.demo_trading; }));
  s.push_back(string_field("exchange.account_mode", [](C& c) -> auto& { return c.exchange.account_mode; },
                           {"auto", "classic", "uta"}));
  s.push_back(string_field("exchange.ca_file", [](C& c) -> auto& { return c.exchange.ca_file; }));
  s.push_back(string_field("exchange.product_type", [](C& c) -> auto& { return c.exchange.product_type; },
                           {"USDT-FUTURES"}));
  s.push_back(string_field("exchange.margin_coin", [](C& c) -> auto& { return c.exchange.margin_coin; }, {"USDT"}));
  s.push_back(string_field("exchange.margin_mode", [](C& c) -> auto& { return c.exchange.margin_mode; },
                           {"crossed", "isolated"}));
  {
    // hedge (Bitget's other mode) parses only to be refused with its reason below.
    Field f = string_field("exchange.position_mode", [](C& c) -> auto& { return c.exchange.position_mode; },
                           {"one_way", "hedge"});
    f.expected = "one_way (the only supported position mode)";
    s.push_back(std::move(f));
  }
  s.push_back(int_field("exchange.leverage", [](C& c) -> auto& { return c.exchange.leverage; }, 1, 20));
  s.push_back(int_field("exchange.rest_timeout_ms", [](C& c) -> auto& { return c.exchange.rest_timeout_ms; }, 100,
                        60'000));
  s.push_back(int_field("exchange.rest_max_concurrency",
                        [](C& c) -> auto& { return c.exchange.rest_max_concurrency; }, 1, 64));
  s.push_back(int_field("exchange.rest_cb_fail_threshold",
                        [](C& c) -> auto& { return c.exchange.rest_cb_fail_threshold; }, 1, 1000));
  s.push_back(int_field("exchange.rest_cb_open_seconds",
                        [](C& c) -> auto& { return c.exchange.rest_cb_open_seconds; }, 1, 3600));
  s.push_back(int_field("exchange.bbo_max_age_ms", [](C& c) -> auto& { return c.exchange.bbo_max_age_ms; }, 50,
                        600'000));
  s.push_back(int_field("exchange.instrument_info_ttl_s",
                        [](C& c) -> auto& { return c.exchange.instrument_info_ttl_s; }, 10, 86'400 * 7));
  s.push_back(int_field("exchange.ws_ping_interval_s", [](C& c) -> auto& { return c.exchange.ws_ping_interval_s; },
                        1, 30));
  s.push_back(int_field("exchange.ws_dead_after_s", [](C& c) -> auto& { return c.exchange.ws_dead_after_s; }, 2,
                        600));
  s.push_back(int_field("exchange.time_sync_s", [](C& c) -> auto& { return c.exchange.time_sync_s; }, 10, 86'400));
  // keys (secrets: never printed)
  s.push_back(string_field("keys.api_key", [](C& c) -> auto& { return c.keys.api_key; }, {}, true));
  s.push_back(string_field("keys.api_secret", [](C& c) -> auto& { return c.keys.api_secret; }, {}, true));
  s.push_back(string_field("keys.passphrase", [](C& c) -> auto& { return c.keys.passphrase; }, {}, true));
  // risk
  s.push_back(double_field("risk.price_dev_bps_limit", [](C& c) -> auto& { return c.risk.price_dev_bps_limit; },
                           0.1, 10'000));
  s.push_back(int_field("risk.ws_stale_block_ms", [](C& c) -> auto& { return c.risk.ws_stale_block_ms; }, 100,
                        3'600'000));
  s.push_back(int_field("risk.reject_burst_threshold",
                        [](C& c) -> auto& { return c.risk.reject_burst_threshold; }, 1, 1000));
  s.push_back(int_field("risk.reject_burst_window_s", [](C& c) -> auto& { return c.risk.reject_burst_window_s; },
                        1, 86'400));
  s.push_back(int_field("risk.symbol_cooldown_s", [](C& c) -> auto& { return c.risk.symbol_cooldown_s; }, 1,
                        86'400));
  const Decimal big = Decimal::from_units(1'000'000'000);
  s.push_back(decimal_field("risk.max_order_notional", [](C& c) -> auto& { return c.risk.max_order_notional; },
                            Decimal::from_units(1), big));
  s.push_back(decimal_field("risk.max_symbol_notional", [](C& c) -> auto& { return c.risk.max_symbol_notional; },
                            Decimal::from_units(1), big));
  s.push_back(decimal_field("risk.max_total_notional", [](C& c) -> auto& { return c.risk.max_total_notional; },
                            Decimal::from_units(1), big));
  s.push_back(double_field("risk.max_slippage_bps", [](C& c) -> auto& { return c.risk.max_slippage_bps; }, 0,
                           1000));
  s.push_back(double_field("risk.max_net_delta_bps", [](C& c) -> auto& { return c.risk.max_net_delta_bps; }, 1,
                           10'000));
  s.push_back(decimal_field("risk.daily_loss_limit", [](C& c) -> auto& { return c.risk.daily_loss_limit; },
                            Decimal::from_units(0), big));
  s.push_back(int_field("risk.api_error_burst", [](C& c) -> auto& { return c.risk.api_error_burst; }, 1, 10'000));
  s.push_back(int_field("risk.api_error_window_s", [](C& c) -> auto& { return c.risk.api_error_window_s; }, 1,
                        86'400));
  s.push_back(int_field("risk.market_data_stale_s", [](C& c) -> auto& { return c.risk.market_data_stale_s; }, 1,
                        86'400));
  s.push_back(decimal_field("risk.funding_flip_kill_rate",
                            [](C& c) -> auto& { return c.risk.funding_flip_kill_rate; }, Decimal::from_units(0),
                            Decimal::from_units(1)));
  // strategy.funding
  {
    Field f;
    f.key = "strategy.funding.symbols";
    f.expected = "a non-empty list of USDT symbols like BTCUSDT, or auto";
    f.list = true;
    f.set = [](C& c, const std::string& v) {
      if (trim(v) == "auto") {
        c.strategy.funding.symbols.clear();
        c.strategy.funding.auto_symbols = true;
        return true;
      }
      std::vector<std::string> out;
      std::stringstream ss(v);
      std::string item;
      while (std::getline(ss, item, ',')) {
        item = trim(item);
        if (!valid_symbol(item)) return false;
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
      }
      if (out.empty()) return false;
      c.strategy.funding.symbols = std::move(out);
      c.strategy.funding.auto_symbols = false;
      return true;
    };
    f.get = [](const C& c) {
      if (c.strategy.funding.auto_symbols) return std::string("auto");
      std::string out;
      for (const auto& sym : c.strategy.funding.symbols) out += (out.empty() ? "" : ",") + sym;
      return out;
    };
    s.push_back(std::move(f));
  }
  auto& sf = s;
  sf.push_back(double_field("strategy.funding.min_expected_apr",
                            [](C& c) -> auto& { return c.strategy.funding.min_expected_apr; }, 0, 100));
  sf.push_back(double_field("strategy.funding.close_apr", [](C& c) -> auto& { return c.strategy.funding.close_apr; },
                            -100, 100));
  sf.push_back(int_field("strategy.funding.pre_event_open_minutes",
                         [](C& c) -> auto& { return c.strategy.funding.pre_event_open_minutes; }, 1, 1440));
  sf.push_back(bool_field("strategy.funding.hold_across_events",
                          [](C& c) -> auto& { return c.strategy.funding.hold_across_events; }));
  sf.push_back(double_field("strategy.funding.rebalance_band_bps",
                            [](C& c) -> auto& { return c.strategy.funding.rebalance_band_bps; }, 1, 10'000));
  sf.push_back(double_field("strategy.funding.basis_stop_bps",
                            [](C& c) -> auto& { return c.strategy.funding.basis_stop_bps; }, 1, 10'000));
  sf.push_back(double_field("strategy.funding.holding_horizon_hours",
                            [](C& c) -> auto& { return c.strategy.funding.holding_horizon_hours; }, 1, 24 * 365));
  sf.push_back(double_field("strategy.funding.forecast.current_weight",
                            [](C& c) -> auto& { return c.strategy.funding.forecast.current_weight; }, 0, 1));
  sf.push_back(double_field("strategy.funding.forecast.ewma_halflife_settlements",
                            [](C& c) -> auto& { return c.strategy.funding.forecast.ewma_halflife_settlements; }, 0.1,
                            10'000));
  sf.push_back(int_field("strategy.funding.forecast.min_history",
                         [](C& c) -> auto& { return c.strategy.funding.forecast.min_history; }, 1, 10'000));
  sf.push_back(int_field("strategy.funding.universe.max_symbols",
                         [](C& c) -> auto& { return c.strategy.funding.universe.max_symbols; }, 1, 200));
  sf.push_back(double_field("strategy.funding.universe.min_quote_volume_24h",
                            [](C& c) -> auto& { return c.strategy.funding.universe.min_quote_volume_24h; }, 0, 1e15));
  sf.push_back(double_field("strategy.funding.universe.min_rank_apr",
                            [](C& c) -> auto& { return c.strategy.funding.universe.min_rank_apr; }, 0, 100));
  sf.push_back(int_field("strategy.funding.universe.refresh_s",
                         [](C& c) -> auto& { return c.strategy.funding.universe.refresh_s; }, 10, 86'400));
  sf.push_back(int_field("strategy.funding.close_confirmations",
                         [](C& c) -> auto& { return c.strategy.funding.close_confirmations; }, 1, 100));
  sf.push_back(double_field("strategy.funding.adverse_horizon_hours",
                            [](C& c) -> auto& { return c.strategy.funding.adverse_horizon_hours; }, 0, 24 * 365));
  sf.push_back(decimal_field("strategy.funding.notional_per_symbol",
                             [](C& c) -> auto& { return c.strategy.funding.notional_per_symbol; },
                             Decimal::from_units(1), big));
  sf.push_back(int_field("strategy.funding.hedge_timeout_s",
                         [](C& c) -> auto& { return c.strategy.funding.hedge_timeout_s; }, 1, 3600));
  sf.push_back(int_field("strategy.funding.decision_log_interval_s",
                         [](C& c) -> auto& { return c.strategy.funding.decision_log_interval_s; }, 0, 86'400));
  {
    Field f = string_field("strategy.funding.client_oid_prefix",
                           [](C& c) -> auto& { return c.strategy.funding.client_oid_prefix; });
    f.expected = "1-12 characters of [0-9A-Za-z_-]";
    f.set = [](C& c, const std::string& v) {
      if (v.empty() || v.size() > 12) return false;
      for (unsigned char ch : v)
        if (!std::isalnum(ch) && ch != '_' && ch != '-') return false;
      c.strategy.funding.client_oid_prefix = v;
      return true;
    };
    sf.push_back(std::move(f));
  }
  sf.push_back(bool_field("strategy.funding.adopt_foreign_positions",
                          [](C& c) -> auto& { return c.strategy.funding.adopt_foreign_positions; }));
  sf.push_back(int_field("strategy.funding.chase_interval_ms",
                         [](C& c) -> auto& { return c.strategy.funding.chase_interval_ms; }, 100, 600'000));
  sf.push_back(int_field("strategy.funding.chase_max_amends",
                         [](C& c) -> auto& { return c.strategy.funding.chase_max_amends; }, 0, 1000));
  sf.push_back(double_field("strategy.funding.chase_max_distance_bps",
                            [](C& c) -> auto& { return c.strategy.funding.chase_max_distance_bps; }, 0, 1000));
  // store, log, monitor
  s.push_back(string_field("store.db_path", [](C& c) -> auto& { return c.store.db_path; }, {}, false, false));
  s.push_back(string_field("store.paper_db_path", [](C& c) -> auto& { return c.store.paper_db_path; }));
  s.push_back(string_field("log.dir", [](C& c) -> auto& { return c.log.dir; }, {}, false, false));
  s.push_back(string_field("log.level", [](C& c) -> auto& { return c.log.level; },
                           {"trace", "debug", "info", "warn", "error"}));
  s.push_back(int_field("log.max_file_mb", [](C& c) -> auto& { return c.log.max_file_mb; }, 1, 10'000));
  s.push_back(int_field("log.max_files", [](C& c) -> auto& { return c.log.max_files; }, 1, 100));
  s.push_back(bool_field("log.console", [](C& c) -> auto& { return c.log.console; }));
  s.push_back(int_field("reconcile.interval_s", [](C& c) -> auto& { return c.reconcile.interval_s; }, 5, 3600));
  s.push_back(int_field("monitor.heartbeat_s", [](C& c) -> auto& { return c.monitor.heartbeat_s; }, 1, 3600));
  s.push_back(int_field("monitor.position_snapshot_s",
                        [](C& c) -> auto& { return c.monitor.position_snapshot_s; }, 1, 86'400));
  s.push_back(string_field("monitor.reports_dir", [](C& c) -> auto& { return c.monitor.reports_dir; }, {}, false,
                           false));
  s.push_back(string_field("monitor.timezone", [](C& c) -> auto& { return c.monitor.timezone; }, {"UTC"}));
  s.push_back(string_field("monitor.http.listen", [](C& c) -> auto& { return c.monitor.http.listen; }));
  s.push_back(string_field("monitor.http.token", [](C& c) -> auto& { return c.monitor.http.token; }, {}, true));
  // alerts (URLs and the bot token are secrets)
  s.push_back(string_field("alerts.webhook_url", [](C& c) -> auto& { return c.alerts.webhook_url; }, {}, true));
  s.push_back(string_field("alerts.slack_webhook_url", [](C& c) -> auto& { return c.alerts.slack_webhook_url; }, {},
                           true));
  s.push_back(string_field("alerts.telegram.bot_token", [](C& c) -> auto& { return c.alerts.telegram.bot_token; }, {},
                           true));
  s.push_back(string_field("alerts.telegram.chat_id", [](C& c) -> auto& { return c.alerts.telegram.chat_id; }));
  s.push_back(string_field("alerts.telegram.api_url", [](C& c) -> auto& { return c.alerts.telegram.api_url; }, {},
                           false, false));
  s.push_back(int_field("alerts.min_interval_s", [](C& c) -> auto& { return c.alerts.min_interval_s; }, 0, 86'400));
  s.push_back(int_field("alerts.reject_burst", [](C& c) -> auto& { return c.alerts.reject_burst; }, 1, 1000));
  s.push_back(int_field("alerts.reject_window_s", [](C& c) -> auto& { return c.alerts.reject_window_s; }, 1, 86'400));
  s.push_back(int_field("alerts.stream_down_s", [](C& c) -> auto& { return c.alerts.stream_down_s; }, 1, 86'400));
  s.push_back(int_field("alerts.queue_size", [](C& c) -> auto& { return c.alerts.queue_size; }, 1, 100'000));
  // backtest
  s.push_back(double_field("backtest.half_spread_bps", [](C& c) -> auto& { return c.backtest.half_spread_bps; }, 0,
                           1000));
  s.push_back(double_field("backtest.slippage_bps", [](C& c) -> auto& { return c.backtest.slippage_bps; }, 0, 1000));
  const Decimal max_fee = Decimal::from_raw(Decimal::kScale / 10);
  s.push_back(decimal_field("backtest.spot_maker_fee", [](C& c) -> auto& { return c.backtest.spot_maker_fee; },
                            -max_fee, max_fee));
  s.push_back(decimal_field("backtest.spot_taker_fee", [](C& c) -> auto& { return c.backtest.spot_taker_fee; },
                            -max_fee, max_fee));
  s.push_back(decimal_field("backtest.perp_maker_fee", [](C& c) -> auto& { return c.backtest.perp_maker_fee; },
                            -max_fee, max_fee));
  s.push_back(decimal_field("backtest.perp_taker_fee", [](C& c) -> auto& { return c.backtest.perp_taker_fee; },
                            -max_fee, max_fee));
  s.push_back(decimal_field("backtest.spot_usdt", [](C& c) -> auto& { return c.backtest.spot_usdt; },
                            Decimal::from_units(0), big));
  s.push_back(decimal_field("backtest.futures_usdt", [](C& c) -> auto& { return c.backtest.futures_usdt; },
                            Decimal::from_units(0), big));
  s.push_back(string_field("backtest.out_dir", [](C& c) -> auto& { return c.backtest.out_dir; }, {}, false, false));
  // paper (--dry-run)
  s.push_back(decimal_field("paper.spot_usdt", [](C& c) -> auto& { return c.paper.spot_usdt; }, Decimal::from_units(0),
                            big));
  s.push_back(decimal_field("paper.futures_usdt", [](C& c) -> auto& { return c.paper.futures_usdt; },
                            Decimal::from_units(0), big));
  s.push_back(double_field("paper.slippage_bps", [](C& c) -> auto& { return c.paper.slippage_bps; }, 0, 1000));
  return s;
}

// clang-format on

const std::vector<Field>& schema() {
  static const std::vector<Field> s = make_schema();
  return s;
}

const Field* find_field(const std::string& key) {
  for (const auto& f : schema())
    if (f.key == key) return &f;
  return nullptr;
}

bool is_section(const std::string& key) {
  for (const auto& f : schema())
    if (f.key.size() > key.size() && f.key.compare(0, key.size(), key) == 0 && f.key[key.size()] == '.') return true;
  return false;
}

[[noreturn]] void fail(const std::string& key, const std::string& source, const std::string& what) {
  throw ConfigError("config error: " + key + " (from " + source + "): " + what);
}

// `file`: the file the value was read from ("" for the environment).
void apply(LoadedConfig& out, const std::string& key, const std::string& value, const std::string& source,
           const std::string& file) {
  const Field* f = find_field(key);
  if (!f) {
    if (is_section(key)) fail(key, source, "is a section, not a value");
    fail(key, source, "unknown key");
  }
  if (!f->set(out.config, value)) {
    const std::string shown = f->secret ? "***" : "'" + value + "'";
    fail(key, source, "got " + shown + ", expected " + f->expected);
  }
  out.sources[key] = source;
  if (file.empty())
    out.files.erase(key);
  else
    out.files[key] = file;
}

void walk_yaml(LoadedConfig& out, const YAML::Node& node, const std::string& prefix, const std::string& file) {
  if (!node.IsMap()) fail(prefix.empty() ? "<top level>" : prefix, file, "expected a mapping of keys");
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    const YAML::Node& value = kv.second;
    // config/sim.yaml carries the simulator's own section beside the daemon's; bitget-sim reads it.
    if (prefix.empty() && name == "sim") continue;
    const Field* f = find_field(key);
    if (!f) {
      if (!is_section(key)) fail(key, file, "unknown key");
      if (value.IsNull()) continue;  // an empty section keeps its defaults
      walk_yaml(out, value, key, file);
      continue;
    }
    if (value.IsSequence()) {
      if (!f->list) fail(key, file, "got a list, expected " + f->expected);
      std::string joined;
      for (const auto& item : value) {
        if (!item.IsScalar()) fail(key, file, "list items must be plain values");
        joined += (joined.empty() ? "" : ",") + item.as<std::string>();
      }
      apply(out, key, joined, file, file);
    } else if (value.IsScalar()) {
      apply(out, key, value.as<std::string>(), file, file);
    } else if (value.IsNull()) {
      fail(key, file, "has no value, expected " + f->expected);
    } else {
      fail(key, file, "got a mapping, expected " + f->expected);
    }
  }
}

// SECTION__KEY (nested with more __) -> section.key; only variables whose first part is a section.
std::optional<std::string> env_to_key(const std::string& name) {
  std::string key;
  std::size_t pos = 0;
  while (true) {
    const auto next = name.find("__", pos);
    std::string part = name.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    std::transform(part.begin(), part.end(), part.begin(), [](unsigned char c) { return std::tolower(c); });
    key += (key.empty() ? "" : ".") + part;
    if (next == std::string::npos) break;
    pos = next + 2;
  }
  if (name.find("__") == std::string::npos) return std::nullopt;
  const std::string section = key.substr(0, key.find('.'));
  if (!is_section(section)) return std::nullopt;
  return key;
}

// `file`: the .env file the variables come from ("" for the process environment).
void apply_env_map(LoadedConfig& out, const std::map<std::string, std::string>& vars, const std::string& origin,
                   const std::string& file) {
  for (const auto& [name, value] : vars) {
    auto key = env_to_key(name);
    if (!key) continue;
    apply(out, *key, value, origin + " " + name, file);
  }
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace

std::map<std::string, std::string> parse_env_file(const std::string& text, const std::string& name) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line = trim(line.substr(7));
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError("config error: " + name + ":" + std::to_string(lineno) + ": expected KEY=VALUE");
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    } else if (const auto hash = value.find(" #"); hash != std::string::npos) {
      value = trim(value.substr(0, hash));
    }
    out[key] = value;
  }
  return out;
}

LoadedConfig load(const LoadOptions& options) {
  LoadedConfig out;
  for (const auto& f : schema()) out.sources[f.key] = "default";

  std::map<std::string, std::string> env = options.environment;
  if (options.use_process_environment)
    for (auto& [k, v] : process_environment()) env.emplace(k, v);

  // 1. .env (lowest precedence of the three)
  std::map<std::string, std::string> dotenv;
  if (!options.env_file.empty() && std::filesystem::exists(options.env_file)) {
    std::ifstream in(options.env_file);
    std::stringstream ss;
    ss << in.rdbuf();
    dotenv = parse_env_file(ss.str(), options.env_file);
    apply_env_map(out, dotenv, options.env_file, options.env_file);
  }

  // 2. YAML: --config, else APP_CONFIG_FILE (environment, then .env), else the default.
  std::string file;
  if (options.config_file) {
    file = *options.config_file;
  } else if (auto it = env.find("APP_CONFIG_FILE"); it != env.end() && !it->second.empty()) {
    file = it->second;
  } else if (auto it2 = dotenv.find("APP_CONFIG_FILE"); it2 != dotenv.end() && !it2->second.empty()) {
    file = it2->second;
  } else {
    file = options.default_config_file;
  }
  out.config_file = file;
  if (!std::filesystem::exists(file)) throw ConfigError("config error: config file '" + file + "' does not exist");
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::Exception& e) {
    throw ConfigError("config error: " + file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsNull()) walk_yaml(out, root, "", file);

  // 3. environment variables win.
  apply_env_map(out, env, "environment variable", "");

  // Cross-field rules.
  const auto& ex = out.config.exchange;
  auto url_ok = [](const std::string& u, std::initializer_list<const char*> schemes) {
    if (u.empty()) return true;
    for (const char* s : schemes)
      if (u.rfind(s, 0) == 0) return true;
    return false;
  };
  if (!url_ok(ex.rest_url, {"http://", "https://"}))
    fail("exchange.rest_url", out.sources["exchange.rest_url"], "expected an http:// or https:// URL");
  if (!url_ok(ex.ws_public_url, {"ws://", "wss://"}))
    fail("exchange.ws_public_url", out.sources["exchange.ws_public_url"], "expected a ws:// or wss:// URL");
  if (!url_ok(ex.ws_private_url, {"ws://", "wss://"}))
    fail("exchange.ws_private_url", out.sources["exchange.ws_private_url"], "expected a ws:// or wss:// URL");
  if (ex.position_mode == "hedge")
    fail("exchange.position_mode", out.sources["exchange.position_mode"],
         "hedge is not supported: the strategy trades one-way positions only (use one_way; carryd sets the "
         "account to one-way at start)");
  const auto& r = out.config.risk;
  if (ex.ws_dead_after_s >= r.market_data_stale_s)  // a dead socket must be replaced before md_stale flattens
    fail("exchange.ws_dead_after_s", out.sources["exchange.ws_dead_after_s"],
         "must be below risk.market_data_stale_s (" + std::to_string(r.market_data_stale_s) + ")");
  if (ex.ws_ping_interval_s >= ex.ws_dead_after_s)  // a quiet private stream lives on pongs alone
    fail("exchange.ws_ping_interval_s", out.sources["exchange.ws_ping_interval_s"],
         "must be below exchange.ws_dead_after_s (" + std::to_string(ex.ws_dead_after_s) + ")");
  if (r.max_order_notional > r.max_symbol_notional)
    fail("risk.max_order_notional", out.sources["risk.max_order_notional"],
         "must not exceed risk.max_symbol_notional (" + r.max_symbol_notional.to_string() + ")");
  if (r.max_symbol_notional > r.max_total_notional)
    fail("risk.max_symbol_notional", out.sources["risk.max_symbol_notional"],
         "must not exceed risk.max_total_notional (" + r.max_total_notional.to_string() + ")");
  auto& st = out.config.store;
  if (st.paper_db_path.empty()) {
    st.paper_db_path = paper_db_path_for(st.db_path);
    out.sources["store.paper_db_path"] = "default (store.db_path with -paper)";
  }
  if (std::filesystem::path(st.paper_db_path).lexically_normal() ==
      std::filesystem::path(st.db_path).lexically_normal())
    fail("store.paper_db_path", out.sources["store.paper_db_path"],
         "must differ from store.db_path: paper fills never go into the live record");
  if (const auto bad = http_listen_error(out.config.monitor.http)) fail(bad->key, out.sources[bad->key], bad->what);
  const auto& al = out.config.alerts;
  for (const auto& [key, url] : {std::pair<std::string, std::string>{"alerts.webhook_url", al.webhook_url},
                                 {"alerts.slack_webhook_url", al.slack_webhook_url},
                                 {"alerts.telegram.api_url", al.telegram.api_url}})
    if (const auto why = alert_url_problem(url); !why.empty()) fail(key, out.sources[key], why);
  if (al.telegram.bot_token.empty() != al.telegram.chat_id.empty())
    fail(al.telegram.bot_token.empty() ? "alerts.telegram.bot_token" : "alerts.telegram.chat_id",
         out.sources[al.telegram.bot_token.empty() ? "alerts.telegram.bot_token" : "alerts.telegram.chat_id"],
         "alerts.telegram.bot_token and alerts.telegram.chat_id go together");
  const auto& fcfg = out.config.strategy.funding;
  if (fcfg.close_apr >= fcfg.min_expected_apr)
    fail("strategy.funding.close_apr", out.sources["strategy.funding.close_apr"],
         "must be below strategy.funding.min_expected_apr so open and close cannot oscillate");
  return out;
}

std::string render(const LoadedConfig& loaded) {
  std::ostringstream os;
  os << "# effective configuration (file: " << loaded.config_file << ")\n";
  std::string open_path;  // the section path currently open, e.g. "strategy.funding"
  for (const auto& f : schema()) {
    const auto dot = f.key.rfind('.');
    const std::string section = f.key.substr(0, dot);
    const std::string name = f.key.substr(dot + 1);
    if (section != open_path) {
      // Print the section headers that differ from the open path.
      std::vector<std::string> parts;
      std::stringstream ss(section);
      std::string p;
      while (std::getline(ss, p, '.')) parts.push_back(p);
      std::vector<std::string> open_parts;
      std::stringstream so(open_path);
      while (std::getline(so, p, '.')) open_parts.push_back(p);
      std::size_t common = 0;
      while (common < parts.size() && common < open_parts.size() && parts[common] == open_parts[common]) ++common;
      for (std::size_t i = common; i < parts.size(); ++i) os << std::string(2 * i, ' ') << parts[i] << ":\n";
      open_path = section;
    }
    const std::size_t depth = static_cast<std::size_t>(std::count(f.key.begin(), f.key.end(), '.'));
    std::string value = f.get(loaded.config);
    if (f.secret)
      value = value.empty() ? "\"\"" : "\"***\"";
    else if (f.list && value != "auto")
      value = "[" + value + "]";
    else if (value.empty())
      value = "\"\"";
    auto src = loaded.sources.find(f.key);
    os << std::string(2 * depth, ' ') << name << ": " << value << "  # "
       << (src == loaded.sources.end() ? "default" : src->second) << "\n";
  }
  return os.str();
}

std::string paper_db_path_for(const std::string& db_path) {
  const std::filesystem::path p(db_path);
  std::filesystem::path out = p.parent_path() / (p.stem().string() + "-paper" + p.extension().string());
  return out.string();
}

std::vector<std::string> files_holding_secrets(const LoadedConfig& loaded) {
  std::vector<std::string> files;
  for (const auto& f : schema()) {
    if (!f.secret || f.get(loaded.config).empty()) continue;
    auto it = loaded.files.find(f.key);
    if (it == loaded.files.end()) continue;  // a default or an environment variable
    if (std::find(files.begin(), files.end(), it->second) == files.end()) files.push_back(it->second);
  }
  return files;
}

std::vector<std::string> known_keys() {
  std::vector<std::string> keys;
  for (const auto& f : schema()) keys.push_back(f.key);
  return keys;
}

}  // namespace carry::config
