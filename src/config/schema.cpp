#include "schema.hpp"

#include <carry/config/listen_address.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

namespace carry::config::detail {

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

namespace {

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

bool valid_symbol(const std::string& s) {
  if (s.size() < 5 || s.size() > 20) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isupper(c) || std::isdigit(c); }) &&
         s.ends_with("USDT");
}

// One field per line reads as a table; the formatter would break it apart.
// clang-format off
// NOLINTNEXTLINE(readability-function-size): a table, exempt in scripts/code_size.py too
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
                        [](C& c) -> auto& { return c.exchange.instrument_info_ttl_s; }, 10, 86'400LL * 7));
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

}  // namespace

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

}  // namespace carry::config::detail
