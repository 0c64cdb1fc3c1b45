#include <carry/paper/driver.hpp>

#include <stdexcept>

namespace carry::paper {

void Driver::on_market(const MarketEvent& event) {
  exchange_.on_market(event);
  if (exchange_.has_events()) deliver();
  oms_.on_market(event);
  for (const auto& listener : market_listeners_) listener(event);
  if (oms_.has_commands()) pump();
}

void Driver::deliver() {
  events_.clear();
  exchange_.drain_events(events_);
  for (auto& e : events_) {
    if (hold_)
      held_.push_back(std::move(e));
    else
      oms_.on_exec(e);
  }
  events_.clear();
}

void Driver::release_held() {
  std::vector<ExecEvent> out;
  out.swap(held_);
  for (const auto& e : out) oms_.on_exec(e);
  pump();
}

void Driver::report(const boost::system::error_code& ec) {
  if (api_listener_) api_listener_(ec);
}

void Driver::execute(oms::Command& command) {
  ++executed_;
  std::visit(
      [this](auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, PlaceOrderRequest>) {
          auto r = exchange_.place(c);
          if (lose_next_place_) {
            lose_next_place_ = false;
            exchange_.drain_events(held_);
            const auto timeout = make_error_code(Errc::timeout);
            report(timeout);
            oms_.on_place_result(c.client_oid, timeout);
            return;
          }
          deliver();
          report(r ? boost::system::error_code{} : r.error());
          oms_.on_place_result(c.client_oid, r);
        } else if constexpr (std::is_same_v<T, CancelOrderRequest>) {
          auto r = exchange_.cancel(c);
          deliver();
          report(r ? boost::system::error_code{} : r.error());
          oms_.on_cancel_result(c.client_oid, r);
        } else if constexpr (std::is_same_v<T, AmendOrderRequest>) {
          auto r = exchange_.amend(c);
          deliver();
          report(r ? boost::system::error_code{} : r.error());
          oms_.on_amend_result(c.new_client_oid, r);
        } else if constexpr (std::is_same_v<T, oms::QueryOrderRequest>) {
          oms_.on_query_result(c.client_oid, exchange_.order_by_client_oid(c.symbol, c.market, c.client_oid));
        }
      },
      command);
}

void Driver::pump() {
  // Each round's results may queue follow-ups (a query, a chain shrink); a bounded number of rounds
  // turns a feedback loop between OMS and exchange into a loud failure instead of a hang.
  for (int round = 0; oms_.has_commands(); ++round) {
    if (round > 1000) throw std::logic_error("paper::Driver: OMS keeps issuing commands");
    commands_.clear();
    oms_.take_commands(commands_);
    for (auto& c : commands_) execute(c);
  }
}

}  // namespace carry::paper
