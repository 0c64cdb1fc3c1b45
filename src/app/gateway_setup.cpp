#include "gateway_setup.hpp"

#include <algorithm>

namespace carry::app {

bitget::AccountModeSetting account_mode_setting(const config::Config& c) {
  // The loader accepts only the three words.
  return bitget::account_mode_setting_from(c.exchange.account_mode).value_or(bitget::AccountModeSetting::Auto);
}

bitget::GatewayConfig gateway_config(const config::Config& c, bool with_keys) {
  bitget::GatewayConfig g;
  const auto& ex = c.exchange;
  g.rest_base_url = ex.rest_url;
  g.ws_public_url = ex.ws_public_url;
  g.ws_private_url = ex.ws_private_url;
  g.demo = ex.environment == "testnet" && ex.demo_trading;
  // What a run without private calls assumes; a run with keys detects the kind and sets it.
  g.account_kind = bitget::assumed_account_kind(account_mode_setting(c));
  g.ca_file = ex.ca_file;
  if (with_keys) g.credentials = {c.keys.api_key, c.keys.api_secret, c.keys.passphrase};
  g.private_streams = with_keys;
  g.rest_timeout = std::chrono::milliseconds(ex.rest_timeout_ms);
  g.rest_max_concurrency = static_cast<std::size_t>(ex.rest_max_concurrency);
  g.rest_cb_fail_threshold = ex.rest_cb_fail_threshold;
  g.rest_cb_open_seconds = std::chrono::seconds(ex.rest_cb_open_seconds);
  g.ws_ping_interval = std::chrono::seconds(ex.ws_ping_interval_s);
  g.ws_idle_timeout = std::chrono::seconds(ex.ws_dead_after_s);
  // A missing pong counts as dead no later than the idle limit (the pong timer runs after a ping).
  g.ws_pong_timeout = std::min(g.ws_pong_timeout, std::chrono::milliseconds(g.ws_idle_timeout));
  g.time_sync_interval = std::chrono::seconds(ex.time_sync_s);
  g.product_type = ex.product_type;
  g.margin_coin = ex.margin_coin;
  g.margin_mode = ex.margin_mode;
  // The loader accepts one_way only (the strategy's orders are one-way orders); the account is
  // switched to it at start (account_setup).
  g.position_mode = bitget::PositionMode::OneWay;
  return g;
}

}  // namespace carry::app
