#include <carry/engine/paper_driver.hpp>

#include <stdexcept>
#include <type_traits>

namespace carry::engine {

namespace {

boost::system::error_code error_of(const Result<OrderAck>& r) { return r ? boost::system::error_code{} : r.error(); }

}  // namespace

void PaperDriver::on_market(const MarketEvent& event) {
  exchange_.on_market(event);
  deliver();
  engine_.on_market(event);
  if (!pump()) throw std::logic_error("engine::PaperDriver: the engine keeps issuing commands");
}

void PaperDriver::deliver() {
  events_.clear();
  exchange_.drain_events(events_);
  for (auto& e : events_) {
    if (hold_)
      held_.push_back(std::move(e));
    else
      push(e);
  }
  events_.clear();
}

void PaperDriver::push(const ExecEvent& e) {
  if (taps_.on_push) taps_.on_push(e);
  engine_.on_exec(e);
}

void PaperDriver::release_held() {
  std::vector<ExecEvent> out;
  out.swap(held_);
  for (const auto& e : out) push(e);
  (void)pump();
}

bool PaperDriver::pump() {
  for (int round = 0; round < kMaxRounds; ++round) {
    commands_.clear();
    engine_.take_commands(commands_);
    for (const auto& cmd : commands_) execute(cmd);
    const bool had_events = exchange_.has_events();
    deliver();
    if (commands_.empty() && !had_events) return true;
  }
  return false;
}

void PaperDriver::execute(const oms::Command& command) {
  ++executed_;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, PlaceOrderRequest>) {
          if (recorder_ != nullptr) recorder_->order_sent(c, clock_.now());
          if (taps_.on_place) taps_.on_place(c);
          if (taps_.refuse_place && taps_.refuse_place(c)) {
            engine_.on_place_result(c.client_oid, make_error_code(Errc::exchange_rejected));
            return;
          }
          auto r = exchange_.place(c);
          if (lose_next_place_) {
            lose_next_place_ = false;
            exchange_.drain_events(held_);
            r = make_error_code(Errc::timeout);
          }
          engine_.on_api_result(error_of(r));
          engine_.on_place_result(c.client_oid, r);
        } else if constexpr (std::is_same_v<T, CancelOrderRequest>) {
          auto r = exchange_.cancel(c);
          engine_.on_api_result(error_of(r));
          engine_.on_cancel_result(c.client_oid, r);
        } else if constexpr (std::is_same_v<T, AmendOrderRequest>) {
          auto r = exchange_.amend(c);
          engine_.on_api_result(error_of(r));
          engine_.on_amend_result(c.new_client_oid, r);
        } else {
          engine_.on_query_result(c.client_oid, Result<std::optional<OrderUpdate>>(
                                                    exchange_.order_by_client_oid(c.symbol, c.market, c.client_oid)));
        }
      },
      command);
}

}  // namespace carry::engine
