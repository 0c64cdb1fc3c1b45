#pragma once
// Instrument rules (tick, lot, minimums) per market, refreshed on a TTL. A failed refresh keeps
// the last good copy and is reported (instruments.refresh_failed); it is retried after
// `retry_after_failure`, not on every tick. Time comes from the caller.
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>
#include <carry/core/types.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry::market {

struct InstrumentsCacheConfig {
  std::chrono::seconds ttl{3600};  // instrument_info_ttl_s
  std::chrono::seconds retry_after_failure{30};
};

class InstrumentsCache {
 public:
  InstrumentsCache(InstrumentsCacheConfig config, EventSink& events);

  // True when the market was never loaded, the TTL expired, or a failed refresh may be retried.
  bool needs_refresh(MarketType market, UnixNanos now) const;
  // Replaces the market's instruments. An empty list is treated as a failure (keeps the old copy).
  void on_refreshed(MarketType market, std::vector<Instrument> instruments, UnixNanos now);
  void on_refresh_failed(MarketType market, std::string_view error, UnixNanos now);

  const Instrument* find(MarketType market, std::string_view symbol) const;
  std::size_t size(MarketType market) const;
  std::optional<UnixNanos> loaded_at(MarketType market) const;
  // How old the copy in use is (nullopt when never loaded).
  std::optional<std::chrono::nanoseconds> age(MarketType market, UnixNanos now) const;

 private:
  struct PerMarket {
    std::map<std::string, Instrument, std::less<>> by_symbol;
    std::optional<UnixNanos> loaded_at;
    std::optional<UnixNanos> failed_at;
    int consecutive_failures = 0;
  };
  PerMarket& slot(MarketType m) { return m == MarketType::Spot ? spot_ : perp_; }
  const PerMarket& slot(MarketType m) const { return m == MarketType::Spot ? spot_ : perp_; }

  InstrumentsCacheConfig config_;
  EventSink& events_;
  PerMarket spot_, perp_;
};

}  // namespace carry::market
