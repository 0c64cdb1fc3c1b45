// paper::Exchange: construction, lookups and the market-data feed. Placement is in
// exchange_orders.cpp, matching and fills in exchange_matching.cpp, balances and positions in
// exchange_account.cpp, funding in exchange_funding.cpp, bars in exchange_bars.cpp.
#include <carry/paper/exchange.hpp>

#include "exchange_internal.hpp"

#include <carry/core/symbol_lookup.hpp>

#include <stdexcept>

namespace carry::paper {

using namespace detail;

Exchange::Exchange(PaperParams params, const Clock& clock) : params_(std::move(params)), clock_(clock) {
  if (params_.leverage < 1) throw std::invalid_argument("exchange.leverage must be at least 1 for the paper venue");
  for (const auto& [coin, amount] : params_.spot_balances) spot_[coin].available = amount;
  wallet_ = params_.futures_usdt;
}

// ---------------------------------------------------------------- lookups

Exchange::Symbol* Exchange::find_symbol(std::string_view name) noexcept {
  auto it = find_symbol_entry(symbols_, name);
  return it == symbols_.end() ? nullptr : &it->second;
}

const Exchange::Symbol* Exchange::find_symbol(std::string_view name) const noexcept {
  auto it = find_symbol_entry(symbols_, name);
  return it == symbols_.end() ? nullptr : &it->second;
}

Exchange::Symbol& Exchange::symbol(std::string_view name) {
  auto it = find_symbol_entry(symbols_, name);
  if (it == symbols_.end()) it = symbols_.emplace(std::string(name), Symbol{}).first;
  return it->second;
}

Exchange::Order* Exchange::find_order(std::string_view order_id, std::string_view client_oid) noexcept {
  if (!order_id.empty()) {
    auto it = by_id_.find(order_id);
    return it == by_id_.end() ? nullptr : it->second;
  }
  auto it = by_client_.find(client_oid);
  return it == by_client_.end() ? nullptr : it->second;
}

const Exchange::Order* Exchange::find_order(std::string_view order_id, std::string_view client_oid) const noexcept {
  return const_cast<Exchange*>(this)->find_order(order_id, client_oid);
}

void Exchange::add_instrument(const Instrument& instrument) {
  symbol(instrument.symbol).books[mi(instrument.market)].instrument = instrument;
}

UnixNanos Exchange::stamp(UnixNanos t) noexcept {
  if (t > venue_ts_) venue_ts_ = t;
  return venue_ts_;
}

// ---------------------------------------------------------------- market data

void Exchange::on_market(const MarketEvent& event) {
  if (const Bbo* b = std::get_if<Bbo>(&event)) {
    const UnixNanos now = stamp(b->ts_event);
    if (next_settlement_.ns && now >= next_settlement_) settle_funding(now);
    Symbol* s = find_symbol(b->symbol);
    if (!s) s = &symbol(b->symbol);
    Book& book = s->books[mi(b->market)];
    book.has_bbo = true;
    book.bid = b->bid_price;
    book.ask = b->ask_price;
    book.bid_left = b->bid_size;
    book.ask_left = b->ask_size;
    if (!book.resting.empty() && !book.bars) match_resting(*s, book, now);
  } else if (const TradeTick* t = std::get_if<TradeTick>(&event)) {
    const UnixNanos now = stamp(t->ts_event);
    if (next_settlement_.ns && now >= next_settlement_) settle_funding(now);
    Symbol* s = find_symbol(t->symbol);
    if (!s || !params_.fill_on_trades) return;
    Book& book = s->books[mi(t->market)];
    if (!book.resting.empty()) match_trade(*s, book, *t, now);
  } else if (const FundingRateUpdate* f = std::get_if<FundingRateUpdate>(&event)) {
    const UnixNanos now = stamp(f->ts_event);
    if (next_settlement_.ns && now >= next_settlement_) settle_funding(now);
    Funding& fs = symbol(f->symbol).funding;
    fs.rate = f->rate;
    if (f->interval_hours > 0) fs.interval_hours = f->interval_hours;
    if (f->mark_price) fs.mark = f->mark_price;
    if (f->next_settlement > fs.last_settled) fs.next = f->next_settlement;  // never settle one time twice
    recompute_next_settlement();
  } else if (const InstrumentUpdate* iu = std::get_if<InstrumentUpdate>(&event)) {
    add_instrument(iu->instrument);
  }
}

void Exchange::drain_events(std::vector<ExecEvent>& out) {
  for (auto& e : events_) out.push_back(std::move(e));
  events_.clear();
}

}  // namespace carry::paper
