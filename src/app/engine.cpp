#include <carry/app/engine.hpp>

namespace carry::app {

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
  s.risk.max_daily_loss = r.daily_loss_limit;
  s.risk.api_error_burst_threshold = r.api_error_burst;
  s.risk.api_error_burst_window_s = r.api_error_window_s;
  s.risk.md_stale_ms = static_cast<std::int64_t>(r.market_data_stale_s) * 1000;
  s.risk.funding_flip_threshold = r.funding_flip_kill_rate;

  auto& p = s.strategy;
  p.symbols = f.symbols;
  p.min_expected_apr = f.min_expected_apr;
  p.close_apr = f.close_apr;
  p.pre_event_open_minutes = f.pre_event_open_minutes;
  p.hold_across_events = f.hold_across_events;
  p.rebalance_band_bps = f.rebalance_band_bps;
  p.basis_stop_bps = f.basis_stop_bps;
  p.holding_horizon_hours = f.holding_horizon_hours;
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
  p.wallet_is_inventory = f.adopt_foreign_positions;
  // Never open on a quote the risk engine would call stale (a stalled feed while flat, or a
  // replay between candles): the same threshold that trips the kill switch with a position.
  p.max_quote_age_s = r.market_data_stale_s;
  p.taker_max_slippage_bps = std::min(p.taker_max_slippage_bps, r.max_slippage_bps);
  return s;
}

paper::PaperParams make_paper_params(const config::Config& c) {
  paper::PaperParams p;
  p.perp_leverage = c.exchange.leverage;
  return p;
}

Engine::Engine(EngineSetup setup, ClientOidGenerator& ids, EventSink& events, const Clock& clock,
               EngineRecorder* recorder)
    : events_(events),
      clock_(clock),
      recorder_(recorder),
      symbols_(setup.strategy.symbols),
      oms_(setup.oms, ids, events, clock),
      risk_(setup.risk, events, clock),
      strategy_(setup.strategy, ids, events, clock) {
  risk_.attach(oms_);
  oms_.set_listener(this);
  risk_.set_state_listener([this](const risk::KillSwitch& ks) { on_kill_switch(ks); });
}

void Engine::add_instrument(const Instrument& instrument) {
  oms_.add_instrument(instrument);
  const MarketEvent ev = InstrumentUpdate{instrument, clock_.now(), clock_.now()};
  strategy_.on_market(ev, actions_);
  apply(actions_);
}

void Engine::on_market(const MarketEvent& event) {
  oms_.on_market(event);
  risk_.on_market(event);
  strategy_.on_market(event, actions_);
  apply(actions_);
}

void Engine::on_exec(const ExecEvent& event) {
  if (recorder_) {
    if (const auto* u = std::get_if<OrderUpdate>(&event)) recorder_->order_update(*u);
    else if (const auto* f = std::get_if<Fill>(&event)) recorder_->fill(*f);
    else if (const auto* p = std::get_if<FundingPayment>(&event)) recorder_->funding(*p);
  }
  oms_.on_exec(event);
  strategy_.on_exec(event, actions_);
  apply(actions_);
}

void Engine::on_timer() {
  oms_.on_timer();
  risk_.on_timer();
  strategy_.on_timer(clock_.now(), actions_);
  apply(actions_);
}

void Engine::end_instant() {
  strategy_.end_instant(actions_);
  apply(actions_);
}

void Engine::flatten_all(std::string_view reason) {
  strategy_.flatten_all(reason, actions_);
  apply(actions_);
}

void Engine::adopt_positions(std::string_view symbol, Decimal spot, Decimal perp, Decimal price) {
  oms_.adopt_position(symbol, MarketType::Spot, spot, price);
  oms_.adopt_position(symbol, MarketType::Perp, perp, price);
  strategy_.adopt_positions(symbol, spot, perp);
}

void Engine::on_place_result(std::string_view client_oid, const Result<OrderAck>& r) {
  oms_.on_place_result(client_oid, r);
}
void Engine::on_cancel_result(std::string_view client_oid, const Result<OrderAck>& r) {
  oms_.on_cancel_result(client_oid, r);
}
void Engine::on_amend_result(std::string_view new_client_oid, const Result<OrderAck>& r) {
  oms_.on_amend_result(new_client_oid, r);
}
void Engine::on_query_result(std::string_view client_oid, const Result<std::optional<OrderUpdate>>& r) {
  oms_.on_query_result(client_oid, r);
}

// Executes the strategy's actions through the OMS: cancels first, then orders. An order a guard
// refuses never exists, so the strategy hears about it and may answer with new actions.
void Engine::apply(strategy::Actions& actions) {
  if (actions.empty()) return;  // most market events: nothing to do
  if (in_apply_) return;  // re-entered from a listener: the outer loop picks the actions up
  in_apply_ = true;
  for (int round = 0; round < 16 && !actions.empty(); ++round) {
    strategy::Actions batch;
    std::swap(batch, actions);
    for (const auto& d : batch.decisions)
      if (recorder_) recorder_->decision(d);
    for (const auto& c : batch.cancels) {
      auto r = oms_.cancel(c.client_oid, c.reason);
      if (!r && r.error() != make_error_code(Errc::duplicate) && events_.enabled(LogLevel::Debug))
        events_.emit(LogLevel::Debug, "engine.cancel_skipped",
                     {{"client_oid", c.client_oid}, {"symbol", c.symbol}, {"error", r.error().message()}});
    }
    for (const auto& o : batch.orders) {
      oms::OrderIntent intent;
      intent.symbol = o.symbol;
      intent.market = o.market;
      intent.side = o.side;
      intent.type = o.type;
      intent.tif = o.tif;
      intent.price = o.price;
      intent.size = o.size;
      intent.reduce_only = o.reduce_only;
      intent.chase = o.chase;
      intent.client_oid = o.client_oid;
      intent.tag = o.tag();
      const auto res = oms_.submit(intent);
      if (!res.accepted()) strategy_.on_submit_rejected(o.client_oid, res.reason, actions);
    }
  }
  actions.clear();
  in_apply_ = false;
}

void Engine::on_kill_switch(const risk::KillSwitch& ks) {
  if (recorder_) recorder_->kill_switch(ks);
  const auto state = ks.state();
  if (state == last_kill_) return;
  last_kill_ = state;
  if (state == risk::KillState::Reducing) {
    // Exposure must come down: the strategy closes every leg with reducing orders.
    strategy_.flatten_all("kill_switch:" + ks.reason(), actions_);
    apply(actions_);
  } else if (state == risk::KillState::Halted) {
    oms_.cancel_all({}, "kill_switch_halted");
  }
}

}  // namespace carry::app
