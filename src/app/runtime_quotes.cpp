// The runtime's fallback for quiet public streams: a REST ticker read for a leg whose last quote
// is getting old, so that a taker order (a hedge, a flatten) waiting for a fresh price is not
// held up by a stream that is reconnecting.
#include "runtime.hpp"

#include <carry/bitget/io/gateway.hpp>

namespace carry::app {

namespace asio = boost::asio;

namespace {

std::string leg_key(std::string_view symbol, MarketType market) {
  return std::string(to_string(market)) + ":" + std::string(symbol);
}

}  // namespace

std::chrono::nanoseconds Runtime::rest_quote_after() const {
  return std::chrono::seconds(std::max(1, cfg_.risk.market_data_stale_s)) / 2;
}

// One read per leg at a time, only for a leg whose last quote is older than half the staleness
// threshold: a healthy stream costs nothing.
void Runtime::refresh_stale_quotes() {
  if (!gw_ || !trading_ || stopping_) return;
  const MonoNanos now = clock_.mono();
  for (const auto& [symbol, track] : track_) {
    for (MarketType m : {MarketType::Spot, MarketType::Perp}) {
      const std::string key = leg_key(symbol, m);
      const auto* top = engine_->oms().top(symbol, m);
      if (top != nullptr && now - top->received < rest_quote_after()) {
        rest_quoted_.erase(key);  // the stream is back (or was never gone)
        continue;
      }
      if (!quote_reads_.insert(key).second) continue;  // a read is already out
      spawn(read_quote(symbol, m), "quote_read");
    }
  }
}

asio::awaitable<void> Runtime::read_quote(std::string symbol, MarketType market) {
  const std::string key = leg_key(symbol, market);
  auto r = co_await gw_->ticker(symbol, market);
  quote_reads_.erase(key);
  if (!r || !*r || stopping_) co_return;
  const bitget::Ticker& t = **r;
  // The venue's own timestamp decides, against the venue's clock (the local one may have been
  // stepped): a ticker frozen with the book is no fresher than it.
  const UnixNanos venue_now = UnixNanos::from_ms(gw_->rest().exchange_time_ms());
  if (t.bbo.ts_event.ns == 0 || venue_now - t.bbo.ts_event >= rest_quote_after()) co_return;
  Bbo b = t.bbo;
  b.ts_init = clock_.now();
  if (rest_quoted_.insert(key).second)
    log_.warn("md.rest_quote", {{"symbol", symbol},
                                {"market", to_string(market)},
                                {"bid", b.bid_price.to_string()},
                                {"ask", b.ask_price.to_string()},
                                {"note", "the stream's last quote is old: priced from the REST ticker"}});
  on_market(b);
  pump();
}

}  // namespace carry::app
