#include <carry/engine/engine_setup.hpp>

#include <algorithm>

namespace carry::engine {

EngineSetup make_engine_setup(const config::Config& c) {
  EngineSetup s;
  const auto& r = c.risk;
  const auto& f = c.strategy.funding;
  s.oms.price_dev_bps_limit = r.price_dev_bps_limit;
  s.oms.ws_stale_block_ms = r.ws_stale_block_ms;
  s.oms.reject_burst_threshold = r.reject_burst_threshold;
  s.oms.reject_burst_window_s = r.reject_burst_window_s;
  s.oms.symbol_cooldown_s = r.symbol_cooldown_s;
  s.oms.chase_interval_ms = f.chase_interval_ms;
  s.oms.chase_max_amends = f.chase_max_amends;
  s.oms.chase_max_distance_bps = f.chase_max_distance_bps;
  s.oms.ack_timeout_ms = std::max<std::int64_t>(c.exchange.rest_timeout_ms + 1000, 2000);

  s.risk.max_order_notional = r.max_order_notional;
  s.risk.max_symbol_notional = r.max_symbol_notional;
  s.risk.max_total_notional = r.max_total_notional;
  s.risk.max_slippage_bps = r.max_slippage_bps;
  s.risk.max_net_delta_bps = r.max_net_delta_bps;
  s.risk.daily_loss_limit = r.daily_loss_limit;
  s.risk.api_error_burst = r.api_error_burst;
  s.risk.api_error_window_s = r.api_error_window_s;
  s.risk.market_data_stale_s = r.market_data_stale_s;
  s.risk.funding_flip_kill_rate = r.funding_flip_kill_rate;

  auto& p = s.strategy;
  p.symbols = f.symbols;
  p.min_expected_apr = f.min_expected_apr;
  p.close_apr = f.close_apr;
  p.pre_event_open_minutes = f.pre_event_open_minutes;
  p.hold_across_events = f.hold_across_events;
  p.rebalance_band_bps = f.rebalance_band_bps;
  p.basis_stop_bps = f.basis_stop_bps;
  p.holding_horizon_hours = f.holding_horizon_hours;
  p.forecast = {f.forecast.current_weight, f.forecast.ewma_halflife_settlements, f.forecast.min_history};
  p.close_confirmations = f.close_confirmations;
  p.adverse_horizon_hours = f.adverse_horizon_hours;
  p.notional_per_symbol = f.notional_per_symbol;
  p.hedge_timeout_s = f.hedge_timeout_s;
  p.decision_log_interval_s = f.decision_log_interval_s;
  p.client_oid_prefix = f.client_oid_prefix;
  p.chase_interval_ms = f.chase_interval_ms;
  p.chase_max_amends = f.chase_max_amends;
  p.chase_max_distance_bps = f.chase_max_distance_bps;
  p.max_order_notional = r.max_order_notional;
  p.max_symbol_notional = r.max_symbol_notional;
  p.max_total_notional = r.max_total_notional;
  p.leverage = c.exchange.leverage;
  p.adopt_foreign_positions = f.adopt_foreign_positions;
  // Never open on a quote the risk engine would call stale (a stalled feed while flat, or a
  // replay between candles): the same threshold that trips the kill switch with a position.
  p.market_data_stale_s = r.market_data_stale_s;
  p.taker_max_slippage_bps = std::min(p.taker_max_slippage_bps, r.max_slippage_bps);
  return s;
}

}  // namespace carry::engine
