#include <carry/engine/engine.hpp>

namespace carry::engine {

Engine::Engine(EngineSetup setup, ClientOidGenerator& ids, EventSink& events, const Clock& clock,
               EngineRecorder* recorder)
    : events_(events),
      clock_(clock),
      ids_(ids),
      recorder_(recorder),
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
  const auto* update = std::get_if<OrderUpdate>(&event);
  const auto* fill = std::get_if<Fill>(&event);
  if (recorder_) {
    // Ours come back through on_order_update / on_fill once the OMS has applied them; another
    // client's are kept as they came (the audit trail of the account).
    if (update && !ids_.owns(update->client_oid))
      recorder_->order_update(*update);
    else if (fill && !ids_.owns(fill->client_oid))
      recorder_->fill(*fill);
    else if (const auto* p = std::get_if<FundingPayment>(&event))
      recorder_->funding(*p);
  }
  oms_.on_exec(event);
  if (!update && !fill) strategy_.on_exec(event, actions_);  // balances, positions, funding
  apply(actions_);
}

void Engine::on_order_update(const oms::Order& o) {
  OrderUpdate u = o.as_update(clock_.now());
  // Every state the OMS gives an order, an amend's replacement (Sent) included: a place was also
  // written ahead of its request (order_sent), a replacement has no other row until a push names it.
  if (recorder_) recorder_->order_update(u);
  heard_.emplace_back(std::move(u));
}

void Engine::on_fill(const oms::Order&, const Fill& fill) {
  if (recorder_) recorder_->fill(fill);
  heard_.emplace_back(fill);
}

// The OMS calls its listener from inside its own loops; the strategy hears those facts here,
// where no OMS frame is on the stack, so its answers (new orders, cancels) cannot re-enter one.
void Engine::hand_over_heard() {
  // Two buffers swapped back and forth: no allocation per fact once they have grown.
  while (!heard_.empty()) {
    handing_.swap(heard_);
    for (const auto& e : handing_) strategy_.on_exec(e, actions_);
    handing_.clear();
  }
}

void Engine::on_timer() {
  oms_.on_timer();
  risk_.on_timer();
  strategy_.on_timer(actions_);
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
  apply(actions_);
}
void Engine::on_cancel_result(std::string_view client_oid, const Result<OrderAck>& r) {
  oms_.on_cancel_result(client_oid, r);
  apply(actions_);
}
void Engine::on_amend_result(std::string_view new_client_oid, const Result<OrderAck>& r) {
  oms_.on_amend_result(new_client_oid, r);
  apply(actions_);
}
void Engine::on_query_result(std::string_view client_oid, const Result<std::optional<OrderUpdate>>& r) {
  oms_.on_query_result(client_oid, r);
  apply(actions_);
}

// Executes the strategy's actions through the OMS: cancels first, then orders. An order a guard
// refuses never exists, so the strategy hears about it and may answer with new actions.
void Engine::apply(strategy::Actions& actions) {
  if (actions.empty() && heard_.empty()) return;  // most market events: nothing to do
  if (in_apply_) return;                          // re-entered from a listener: the outer loop picks the actions up
  // Reset however this ends: an exception thrown below must not leave every later action ignored.
  struct Reentry {
    bool& flag;
    explicit Reentry(bool& f) : flag(f) { flag = true; }
    ~Reentry() { flag = false; }
  } reentry(in_apply_);
  for (int round = 0; round < kMaxApplyRounds && (!actions.empty() || !heard_.empty()); ++round) {
    hand_over_heard();
    strategy::Actions batch;
    std::swap(batch, actions);
    for (const auto& d : batch.decisions)
      guarded("decision", d.symbol, [&] {
        if (recorder_) recorder_->decision(d);
      });
    for (const auto& c : batch.cancels) guarded("cancel", c.client_oid, [&] { cancel(c); });
    for (const auto& o : batch.orders) {
      // An order that never reached the OMS is a refused one: the strategy must not wait for it.
      if (!guarded("order", o.client_oid, [&] { submit(o, actions); }))
        strategy_.on_submit_rejected(o.client_oid, "engine_exception", actions);
    }
  }
  if (!actions.empty()) {
    // A feedback loop between the strategy and a guard: loud, and the actions are dropped rather
    // than looped forever (the next event re-evaluates from the current state).
    events_.error(
        "engine.actions_dropped",
        {{"orders", actions.orders.size()}, {"cancels", actions.cancels.size()}, {"rounds", kMaxApplyRounds}});
    actions.clear();
  }
}

template <typename F>
bool Engine::guarded(std::string_view what, std::string_view subject, F&& f) {
  try {
    f();
    return true;
  } catch (const std::exception& e) {
    events_.error("engine.action_failed", {{"action", what}, {"subject", subject}, {"error", e.what()}});
  }
  return false;
}

void Engine::cancel(const strategy::CancelIntent& c) {
  auto r = oms_.cancel(c.client_oid, c.reason);
  if (!r && r.error() != make_error_code(Errc::duplicate) && events_.enabled(LogLevel::Debug))
    events_.emit(LogLevel::Debug, "engine.cancel_skipped",
                 {{"client_oid", c.client_oid}, {"symbol", c.symbol}, {"error", r.error().message()}});
}

void Engine::submit(const strategy::OrderIntent& o, strategy::Actions& actions) {
  oms::SubmitRequest intent;
  intent.spec() = o.spec();
  intent.chase = o.chase;
  intent.client_oid = o.client_oid;
  intent.tag = o.tag();
  const auto res = oms_.submit(intent);
  if (!res.accepted()) strategy_.on_submit_rejected(o.client_oid, res.reason, actions);
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

}  // namespace carry::engine
