#include <carry/market/instruments_cache.hpp>

namespace carry::market {

InstrumentsCache::InstrumentsCache(InstrumentsCacheConfig config, EventSink& events)
    : config_(config), events_(events) {}

bool InstrumentsCache::needs_refresh(MarketType market, UnixNanos now) const {
  const auto& s = slot(market);
  if (s.failed_at && now - *s.failed_at < config_.retry_after_failure) return false;
  if (!s.loaded_at) return true;
  return now - *s.loaded_at >= config_.ttl;
}

void InstrumentsCache::on_refreshed(MarketType market, std::vector<Instrument> instruments, UnixNanos now) {
  if (instruments.empty()) {
    on_refresh_failed(market, "the exchange returned no instruments", now);
    return;
  }
  auto& s = slot(market);
  std::map<std::string, Instrument, std::less<>> fresh;
  for (auto& i : instruments) {
    if (i.market != market) continue;
    std::string key = i.symbol;
    fresh.insert_or_assign(std::move(key), std::move(i));
  }
  const bool first = !s.loaded_at;
  s.by_symbol = std::move(fresh);
  s.loaded_at = now;
  s.failed_at.reset();
  s.consecutive_failures = 0;
  events_.info("instruments.refreshed",
               {{"market", std::string(to_string(market))}, {"count", s.by_symbol.size()}, {"first", first}});
}

void InstrumentsCache::on_refresh_failed(MarketType market, std::string_view error, UnixNanos now) {
  auto& s = slot(market);
  s.failed_at = now;
  ++s.consecutive_failures;
  nlohmann::json fields = {{"market", std::string(to_string(market))},
                           {"error", std::string(error)},
                           {"consecutive_failures", s.consecutive_failures},
                           {"kept", s.by_symbol.size()}};
  if (s.loaded_at) fields["kept_age_s"] = (now - *s.loaded_at).count() / 1'000'000'000;
  events_.warn("instruments.refresh_failed", std::move(fields));
}

const Instrument* InstrumentsCache::find(MarketType market, std::string_view symbol) const {
  const auto& m = slot(market).by_symbol;
  auto it = m.find(symbol);
  return it == m.end() ? nullptr : &it->second;
}

std::size_t InstrumentsCache::size(MarketType market) const { return slot(market).by_symbol.size(); }

std::optional<UnixNanos> InstrumentsCache::loaded_at(MarketType market) const { return slot(market).loaded_at; }

std::optional<std::chrono::nanoseconds> InstrumentsCache::age(MarketType market, UnixNanos now) const {
  const auto& s = slot(market);
  if (!s.loaded_at) return std::nullopt;
  return now - *s.loaded_at;
}

}  // namespace carry::market
