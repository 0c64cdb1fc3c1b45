#include "fill_namer.hpp"

namespace carry::app {

void FillNamer::hold(Fill fill, Clock::time_point now) {
  auto [it, added] = orders_.try_emplace(fill.order_id);
  if (added) it->second.first_seen = now;
  fills_.push_back(std::move(fill));
}

FillNamer::Plan FillNamer::step(Clock::time_point now, const Known& known) {
  Plan plan;
  std::vector<Fill> still;
  for (auto& f : fills_) {
    Order& o = orders_[f.order_id];
    if (o.state != State::Named) {
      if (auto oid = known(f.order_id)) {
        o.state = State::Named;
        o.client_oid = *oid;
      }
    }
    if (o.state == State::Named) {
      f.client_oid = o.client_oid;
      plan.named.push_back(std::move(f));
    } else if (o.state == State::NotFound || now - o.first_seen >= kGiveUp || f.order_id.empty()) {
      f.client_oid = "venue-" + f.order_id;
      plan.foreign.push_back(std::move(f));
    } else {
      still.push_back(std::move(f));
    }
  }
  fills_ = std::move(still);
  for (auto& [order_id, o] : orders_) {
    const bool first = o.state == State::Waiting && now - o.first_seen >= kLookupAfter;
    const bool again = o.state == State::Failed && now - o.last_ask >= kRetryEvery;
    if (!first && !again) continue;
    for (const auto& f : fills_)
      if (f.order_id == order_id) {
        plan.lookups.push_back({f.symbol, f.market, order_id});
        o.state = State::Asking;
        o.last_ask = now;
        break;
      }
  }
  // Orders with no fill left waiting are done.
  for (auto it = orders_.begin(); it != orders_.end();) {
    bool used = false;
    for (const auto& f : fills_) used = used || f.order_id == it->first;
    if (!used && it->second.state != State::Asking)
      it = orders_.erase(it);
    else
      ++it;
  }
  return plan;
}

void FillNamer::on_lookup(const std::string& order_id, std::optional<std::string> client_oid, bool failed,
                          Clock::time_point now) {
  auto it = orders_.find(order_id);
  if (it == orders_.end()) return;
  Order& o = it->second;
  o.last_ask = now;
  if (failed) {
    o.state = State::Failed;
  } else if (client_oid && !client_oid->empty()) {
    o.state = State::Named;
    o.client_oid = std::move(*client_oid);
  } else {
    o.state = State::NotFound;
  }
}

}  // namespace carry::app
