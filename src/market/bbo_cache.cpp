#include <carry/market/bbo_cache.hpp>

namespace carry::market {

std::string_view to_string(BboCache::Freshness f) noexcept {
  switch (f) {
    case BboCache::Freshness::Fresh:
      return "fresh";
    case BboCache::Freshness::Stale:
      return "stale";
    case BboCache::Freshness::Missing:
      return "missing";
  }
  return "?";
}

BboCache::BboCache(BboCacheConfig config, EventSink& events) : config_(config), events_(events) {}

BboCache::UpdateResult BboCache::update(const Bbo& b) {
  return update(b.market, b.symbol, b.bid_price, b.bid_size, b.ask_price, b.ask_size, b.ts_event, b.ts_init);
}

BboCache::UpdateResult BboCache::update(MarketType market, std::string_view symbol, Decimal bid_price, Decimal bid_size,
                                        Decimal ask_price, Decimal ask_size, UnixNanos ts_event, UnixNanos ts_init) {
  if (!bid_price.is_positive() || !ask_price.is_positive() || bid_price >= ask_price || bid_size.is_negative() ||
      ask_size.is_negative()) {
    ++rejected_;
    return UpdateResult::Rejected;
  }
  auto& m = map(market);
  auto it = m.find(symbol);
  if (it == m.end()) {
    it = m.emplace(std::string(symbol), Bbo{}).first;
    it->second.symbol = std::string(symbol);
    it->second.market = market;
  } else if (ts_event < it->second.ts_event) {
    ++out_of_order_;
    return UpdateResult::OutOfOrder;
  }
  Bbo& b = it->second;
  b.bid_price = bid_price;
  b.bid_size = bid_size;
  b.ask_price = ask_price;
  b.ask_size = ask_size;
  b.ts_event = ts_event;
  b.ts_init = ts_init;
  ++applied_;
  return UpdateResult::Applied;
}

const Bbo* BboCache::peek(MarketType market, std::string_view symbol) const {
  const auto& m = map(market);
  auto it = m.find(symbol);
  return it == m.end() ? nullptr : &it->second;
}

BboCache::Freshness BboCache::freshness(MarketType market, std::string_view symbol, UnixNanos now) const {
  const Bbo* b = peek(market, symbol);
  if (!b) return Freshness::Missing;
  return now - b->ts_init > config_.max_age ? Freshness::Stale : Freshness::Fresh;
}

std::optional<Bbo> BboCache::fresh(MarketType market, std::string_view symbol, UnixNanos now) {
  const auto f = freshness(market, symbol, now);
  if (f == Freshness::Fresh) return *peek(market, symbol);
  nlohmann::json fields = {{"symbol", std::string(symbol)},
                           {"market", std::string(to_string(market))},
                           {"reason", std::string(to_string(f))}};
  if (const Bbo* b = peek(market, symbol)) fields["age_ms"] = (now - b->ts_init).count() / 1'000'000;
  events_.warn("bbo.rest_fallback", std::move(fields));
  return std::nullopt;
}

}  // namespace carry::market
