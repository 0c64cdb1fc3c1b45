#pragma once
// The one record of which trades Carry has applied (per market: Bitget's trade ids are unique per
// venue market). Bounded: the oldest are forgotten first. Duplicates arrive close together (a push
// and its REST recovery, a replayed push) and fill recovery windows start at the last fill seen,
// so forgetting a trade 100,000 trades old never lets one count twice.
#include <carry/core/types.hpp>

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>

namespace carry::oms {

class SeenTrades {
 public:
  static constexpr std::size_t kDefaultCapacity = 100'000;
  explicit SeenTrades(std::size_t capacity = kDefaultCapacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  bool contains(MarketType market, std::string_view trade_id) const;
  // False when it was already there (a duplicate). An empty trade id is never recorded.
  bool insert(MarketType market, std::string_view trade_id);
  std::size_t size() const noexcept { return keys_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  static std::string key(MarketType market, std::string_view trade_id);

  std::size_t capacity_;
  std::unordered_set<std::string, Hash, std::equal_to<>> keys_;
  std::deque<std::string> oldest_first_;
};

}  // namespace carry::oms
