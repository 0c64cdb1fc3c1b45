// Simulator: the matching engine's names, construction, order lookups and event queue. Placement,
// cancel and modify are in exchange_orders.cpp, matching and fills in exchange_matching.cpp, the
// accounts, positions and funding in exchange_account.cpp.
#include "exchange.hpp"

namespace carry::sim {

std::string_view to_string(Side s) noexcept { return s == Side::Buy ? "buy" : "sell"; }
std::string_view to_string(OrdType t) noexcept { return t == OrdType::Limit ? "limit" : "market"; }
std::string_view to_string(Force f) noexcept {
  switch (f) {
    case Force::Gtc:
      return "gtc";
    case Force::PostOnly:
      return "post_only";
    case Force::Ioc:
      return "ioc";
    case Force::Fok:
      return "fok";
  }
  return "gtc";
}
std::string_view to_string(OrdStatus s, Market m) noexcept {
  switch (s) {
    case OrdStatus::Live:
      return "live";
    case OrdStatus::PartiallyFilled:
      return "partially_filled";
    case OrdStatus::Filled:
      return "filled";
    case OrdStatus::Canceled:
      return m == Market::Spot ? "cancelled" : "canceled";
  }
  return "live";
}

Decimal Order::avg_price() const {
  if (!filled.is_positive()) return {};
  return filled_quote / filled;
}

Exchange::Exchange(MarketState& market, std::int64_t modify_delay_ms)
    : market_(market), modify_delay_ms_(modify_delay_ms) {}

std::string Exchange::next_id(std::uint64_t& counter, std::int64_t base) {
  return std::to_string(base + static_cast<std::int64_t>(++counter));
}

const Order* Exchange::find_order(const std::string& account, Market market, const std::string& order_id,
                                  const std::string& client_oid) const {
  if (!order_id.empty()) {
    auto it = orders_.find(order_id);
    if (it == orders_.end() || it->second.account != account || it->second.market != market) return nullptr;
    return &it->second;
  }
  if (client_oid.empty()) return nullptr;
  const Order* best = nullptr;
  for (const auto& [id, o] : orders_)  // ids ascend with time: the last match is the newest
    if (o.account == account && o.market == market && o.client_oid == client_oid) best = &o;
  return best;
}

std::vector<const Order*> Exchange::orders(const std::string& account, Market market, bool pending) const {
  std::vector<const Order*> out;
  for (auto it = orders_.rbegin(); it != orders_.rend(); ++it)
    if (it->second.account == account && it->second.market == market && it->second.pending() == pending)
      out.push_back(&it->second);
  return out;
}

void Exchange::push_order(const Order& o, const std::optional<Fill>& fill) {
  PrivateEvent e;
  e.kind = PrivateEvent::Kind::Order;
  e.account = o.account;
  e.market = o.market;
  e.order = o;
  e.fill = fill;
  events_.push_back(std::move(e));
}

void Exchange::push_positions(Account& acc, std::vector<Position> closed) {
  PrivateEvent e;
  e.kind = PrivateEvent::Kind::Positions;
  e.account = acc.api_key;
  e.market = Market::Perp;
  e.positions = acc.positions;
  for (auto& c : closed) e.positions.push_back(std::move(c));
  events_.push_back(std::move(e));
}

void Exchange::push_account(const Account& acc, Market m) {
  PrivateEvent e;
  e.kind = m == Market::Perp ? PrivateEvent::Kind::FuturesAccount : PrivateEvent::Kind::SpotAccount;
  e.account = acc.api_key;
  e.market = m;
  events_.push_back(std::move(e));
}

std::vector<PrivateEvent> Exchange::drain_events() {
  std::vector<PrivateEvent> out;
  out.swap(events_);
  return out;
}

}  // namespace carry::sim
