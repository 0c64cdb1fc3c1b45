#pragma once
// Latest best bid/offer per (market, symbol) with a freshness rule: older than `max_age`
// (by local receive time, ts_init) is stale and the caller must fall back to the REST ticker
// (event bbo.rest_fallback). Updates with an older exchange time than the stored one are
// dropped (reordered frames); crossed or non-positive quotes are rejected and counted.
#include <carry/core/event_sink.hpp>
#include <carry/core/events.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace carry::market {

struct BboCacheConfig {
  std::chrono::milliseconds max_age{3000};  // bbo_max_age_ms
};

class BboCache {
 public:
  enum class Freshness : std::uint8_t { Fresh, Stale, Missing };
  enum class UpdateResult : std::uint8_t { Applied, OutOfOrder, Rejected };

  BboCache(BboCacheConfig config, EventSink& events);

  UpdateResult update(const Bbo& bbo);
  // Hot path: no Bbo temporary, no allocation once the symbol is known.
  UpdateResult update(MarketType market, std::string_view symbol, Decimal bid_price, Decimal bid_size,
                      Decimal ask_price, Decimal ask_size, UnixNanos ts_event, UnixNanos ts_init);

  Freshness freshness(MarketType market, std::string_view symbol, UnixNanos now) const;
  // The stored quote whatever its age (nullptr when none).
  const Bbo* peek(MarketType market, std::string_view symbol) const;
  // A fresh quote, or nullopt after emitting bbo.rest_fallback (the caller fetches the REST ticker
  // and feeds it back through update()).
  std::optional<Bbo> fresh(MarketType market, std::string_view symbol, UnixNanos now);

  std::uint64_t applied() const noexcept { return applied_; }
  std::uint64_t out_of_order() const noexcept { return out_of_order_; }
  std::uint64_t rejected() const noexcept { return rejected_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, Bbo, Hash, std::equal_to<>>;
  Map& map(MarketType m) { return m == MarketType::Spot ? spot_ : perp_; }
  const Map& map(MarketType m) const { return m == MarketType::Spot ? spot_ : perp_; }

  BboCacheConfig config_;
  EventSink& events_;
  Map spot_, perp_;
  std::uint64_t applied_ = 0, out_of_order_ = 0, rejected_ = 0;
};

std::string_view to_string(BboCache::Freshness f) noexcept;

}  // namespace carry::market
