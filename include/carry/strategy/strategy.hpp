#pragma once
// The one interface every strategy implements. Sans-I/O: events in, intents out; time comes from
// the injected Clock (wall time for what the venue dates, its monotonic reading for every timer),
// never from the system clock.
#include <carry/core/events.hpp>
#include <carry/strategy/decision.hpp>
#include <carry/strategy/order_intent.hpp>

#include <string_view>
#include <vector>

namespace carry::strategy {

// What one call produced. The caller clears it between calls (or keeps appending) and executes
// cancels first, then orders; decisions go to the store.
struct Actions {
  std::vector<OrderIntent> orders;
  std::vector<CancelIntent> cancels;
  std::vector<Decision> decisions;

  bool empty() const noexcept { return orders.empty() && cancels.empty() && decisions.empty(); }
  void clear() noexcept {
    orders.clear();
    cancels.clear();
    decisions.clear();
  }
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string_view name() const noexcept = 0;

  virtual void on_market(const MarketEvent& event, Actions& out) = 0;
  // Several market events that happened at the same instant (a replayed candle's spot and perp
  // quotes) come between begin_instant and end_instant: a strategy may take them all in before
  // it reacts, so that it never acts on half an instant. Exec events in between are reacted to
  // at once. Live feeds never batch; the defaults react per event.
  virtual void begin_instant() {}
  virtual void end_instant(Actions& out) { (void)out; }
  virtual void on_exec(const ExecEvent& event, Actions& out) = 0;
  virtual void on_timer(Actions& out) = 0;  // timers are due: the clock says how late it is
  // The OMS refused an intent before it reached the venue (a guard blocked it): the order will
  // never exist, so it is no longer counted as in flight.
  virtual void on_submit_rejected(std::string_view client_oid, std::string_view reason, Actions& out) = 0;
  // Cancel everything and close every leg with reducing orders; no new exposure afterwards.
  virtual void flatten_all(std::string_view reason, Actions& out) = 0;

  // Convenience forms for tests and simple callers.
  Actions on_market(const MarketEvent& event) {
    return collect([&](Actions& a) { on_market(event, a); });
  }
  Actions on_exec(const ExecEvent& event) {
    return collect([&](Actions& a) { on_exec(event, a); });
  }
  Actions on_timer() {
    return collect([&](Actions& a) { on_timer(a); });
  }
  Actions flatten_all(std::string_view reason) {
    return collect([&](Actions& a) { flatten_all(reason, a); });
  }

 private:
  template <class F>
  static Actions collect(F&& f) {
    Actions a;
    f(a);
    return a;
  }
};

}  // namespace carry::strategy
