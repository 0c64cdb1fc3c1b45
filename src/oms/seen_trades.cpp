#include <carry/oms/seen_trades.hpp>

namespace carry::oms {

std::string SeenTrades::key(MarketType market, std::string_view trade_id) {
  std::string k;
  k.reserve(trade_id.size() + 2);
  k += market == MarketType::Spot ? 's' : 'p';
  k += ':';
  k += trade_id;
  return k;
}

bool SeenTrades::contains(MarketType market, std::string_view trade_id) const {
  return !trade_id.empty() && keys_.contains(key(market, trade_id));
}

bool SeenTrades::insert(MarketType market, std::string_view trade_id) {
  if (trade_id.empty()) return true;
  auto [it, added] = keys_.insert(key(market, trade_id));
  if (!added) return false;
  oldest_first_.push_back(*it);
  if (oldest_first_.size() > capacity_) {
    keys_.erase(oldest_first_.front());
    oldest_first_.pop_front();
  }
  return true;
}

}  // namespace carry::oms
