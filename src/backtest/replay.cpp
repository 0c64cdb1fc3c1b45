#include <carry/backtest/replay.hpp>

#include <carry/core/symbol_lookup.hpp>

#include <algorithm>
#include <stdexcept>

namespace carry::backtest {
namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;
constexpr std::int64_t kNsPerHour = 3'600'000'000'000;

std::int64_t settle_ns(const FundingRow& r) { return r.time_ms * kNsPerMs; }

// When the rate of row i becomes known: at the previous settlement (first row: one interval before).
std::int64_t announce_ns(const std::vector<FundingRow>& rows, std::size_t i) {
  return i > 0 ? settle_ns(rows[i - 1]) : settle_ns(rows[0]) - rows[0].interval_hours * kNsPerHour;
}

// A ">" on (ts, stream) turns std::*_heap into a min-heap; the stream index breaks ties.
struct Later {
  template <class T>
  bool operator()(const T& a, const T& b) const noexcept {
    return a.ts != b.ts ? a.ts > b.ts : a.stream > b.stream;
  }
};

// Replaces the earliest item of a `Later` min-heap and sifts it down: one pass where pop + push
// take two (this runs once per replayed event). Same order: (ts, stream) is a total order.
template <class Item>
void replace_top(std::vector<Item>& heap, Item item) {
  const std::size_t n = heap.size();
  std::size_t i = 0;
  for (std::size_t c = 1; c < n; c = 2 * i + 1) {
    if (c + 1 < n && Later{}(heap[c], heap[c + 1])) ++c;  // the earlier child
    if (!Later{}(item, heap[c])) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = item;
}

}  // namespace

DataResult<TimeRange> parse_time_range(std::string_view from, std::string_view to) {
  TimeRange r;
  if (!from.empty()) {
    auto t = UnixNanos::parse_rfc3339(from);
    if (!t) return DataError{"--from", 0, "bad date '" + std::string(from) + "' (expected YYYY-MM-DD or RFC 3339 UTC)"};
    r.from = *t;
  }
  if (!to.empty()) {
    auto t = UnixNanos::parse_rfc3339(to);
    if (!t) return DataError{"--to", 0, "bad date '" + std::string(to) + "' (expected YYYY-MM-DD or RFC 3339 UTC)"};
    // A bare date names a whole day; the range end is exclusive, so move to the next midnight.
    r.to = to.size() == 10 ? *t + std::chrono::hours(24) : *t;
  }
  if (r.from && r.to && *r.from >= *r.to)
    return DataError{"--from/--to", 0, "empty range: " + r.from->to_rfc3339() + " is not before " + r.to->to_rfc3339()};
  return r;
}

Replay::Replay(std::vector<SymbolData> symbols, TimeRange range) : symbols_(std::move(symbols)) {
  std::stable_sort(symbols_.begin(), symbols_.end(),
                   [](const SymbolData& a, const SymbolData& b) { return a.symbol < b.symbol; });
  for (std::size_t i = 1; i < symbols_.size(); ++i)
    if (symbols_[i].symbol == symbols_[i - 1].symbol)
      throw std::invalid_argument("Replay: symbol " + symbols_[i].symbol + " given twice");
  for (const SymbolData& s : symbols_) {
    Period w = s.period;
    if (range.from) w.start = std::max(w.start, *range.from);
    if (range.to) w.end = std::min(w.end, *range.to);
    windows_.push_back(w);
  }
  const auto quotes_in = [](const std::vector<Quote>& q, const Period& w) {
    const auto lo =
        std::lower_bound(q.begin(), q.end(), w.start.ns, [](const Quote& x, std::int64_t t) { return x.ts_ns < t; });
    const auto hi = std::lower_bound(lo, q.end(), w.end.ns, [](const Quote& x, std::int64_t t) { return x.ts_ns < t; });
    return std::pair<std::size_t, std::size_t>(static_cast<std::size_t>(lo - q.begin()),
                                               static_cast<std::size_t>(hi - q.begin()));
  };
  // Stream index order is the tie-break order: class, then symbol, then spot before perp.
  for (StreamKind kind : {StreamKind::Settlement, StreamKind::RateUpdate, StreamKind::SpotQuote}) {
    for (std::uint32_t si = 0; si < symbols_.size(); ++si) {
      const SymbolData& s = symbols_[si];
      const Period& w = windows_[si];
      const std::vector<FundingRow>& f = s.funding;
      std::size_t b = 0, e = 0;
      if (w.empty()) {
        // nothing from this symbol
      } else if (kind == StreamKind::Settlement) {
        while (b < f.size() && settle_ns(f[b]) < w.start.ns) ++b;
        e = b;
        while (e < f.size() && settle_ns(f[e]) < w.end.ns) ++e;
      } else if (kind == StreamKind::RateUpdate) {
        while (b < f.size() && settle_ns(f[b]) <= w.start.ns) ++b;  // already settled: stale
        e = b;
        while (e < f.size() && std::max(announce_ns(f, e), w.start.ns) < w.end.ns) ++e;
      }
      if (kind == StreamKind::SpotQuote) {
        auto [sb, se] = w.empty() ? std::pair<std::size_t, std::size_t>{0, 0} : quotes_in(s.spot.quotes, w);
        streams_.push_back(Stream{StreamKind::SpotQuote, si, sb, se, sb});
        auto [pb, pe] = w.empty() ? std::pair<std::size_t, std::size_t>{0, 0} : quotes_in(s.perp.quotes, w);
        streams_.push_back(Stream{StreamKind::PerpQuote, si, pb, pe, pb});
        counts_.quotes += (se - sb) + (pe - pb);
      } else {
        streams_.push_back(Stream{kind, si, b, e, b});
        (kind == StreamKind::Settlement ? counts_.settlements : counts_.rate_updates) += e - b;
      }
    }
  }
  rewind();
}

std::int64_t Replay::stream_ts(const Stream& s, std::size_t i) const noexcept {
  const SymbolData& d = symbols_[s.symbol];
  switch (s.kind) {
    case StreamKind::Settlement:
      return settle_ns(d.funding[i]);
    case StreamKind::RateUpdate:
      return std::max(announce_ns(d.funding, i), windows_[s.symbol].start.ns);
    case StreamKind::SpotQuote:
      return d.spot.quotes[i].ts_ns;
    case StreamKind::PerpQuote:
      return d.perp.quotes[i].ts_ns;
  }
  return 0;
}

void Replay::push(std::uint32_t stream) {
  const Stream& s = streams_[stream];
  heap_.push_back(HeapItem{stream_ts(s, s.pos), stream});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

void Replay::rewind() {
  heap_.clear();
  heap_.reserve(streams_.size());
  for (std::uint32_t i = 0; i < streams_.size(); ++i) {
    streams_[i].pos = streams_[i].begin;
    if (streams_[i].pos < streams_[i].end) push(i);
  }
}

std::optional<UnixNanos> Replay::peek_time() const {
  if (heap_.empty()) return std::nullopt;
  return UnixNanos{heap_.front().ts};
}

bool Replay::next(ReplayEvent& out) {
  if (heap_.empty()) return false;
  const HeapItem top = heap_.front();
  Stream& s = streams_[top.stream];
  const std::size_t i = s.pos++;
  const SymbolData& d = symbols_[s.symbol];
  const UnixNanos ts{top.ts};
  out.ts = ts;
  out.has_bar = false;
  switch (s.kind) {
    case StreamKind::Settlement: {
      const FundingRow& r = d.funding[i];
      out.kind = ReplayEvent::Kind::Settlement;
      out.settlement.symbol = d.symbol;
      out.settlement.rate = r.rate;
      out.settlement.interval_hours = r.interval_hours;
      out.settlement.ts = ts;
      break;
    }
    case StreamKind::RateUpdate: {
      const FundingRow& r = d.funding[i];
      out.kind = ReplayEvent::Kind::Market;
      auto* f = std::get_if<FundingRateUpdate>(&out.market);
      if (!f) f = &out.market.emplace<FundingRateUpdate>();
      f->symbol = d.symbol;
      f->rate = r.rate;
      f->next_settlement = UnixNanos{settle_ns(r)};
      f->interval_hours = r.interval_hours;
      f->mark_price.reset();
      f->index_price.reset();
      f->ts_event = ts;
      f->ts_init = ts;
      break;
    }
    case StreamKind::SpotQuote:
    case StreamKind::PerpQuote: {
      const bool spot = s.kind == StreamKind::SpotQuote;
      const PriceStream& ps = spot ? d.spot : d.perp;
      const Quote& q = ps.quotes[i];
      if (!ps.bars.empty()) {  // the quote is stamped at the candle's last ms
        out.has_bar = true;
        out.bar = ps.bars[i];
        out.bar_start = UnixNanos{ts.ns - (ps.interval_ms - 1) * kNsPerMs};
      }
      out.kind = ReplayEvent::Kind::Market;
      auto* b = std::get_if<Bbo>(&out.market);
      if (!b) b = &out.market.emplace<Bbo>();
      // Reusing the Bbo keeps its string buffer: no allocation per event, and no copy when the
      // previous quote was the same symbol's (a candle's spot and perp quotes come together).
      if (!same_symbol(b->symbol, d.symbol)) b->symbol = d.symbol;
      b->market = spot ? MarketType::Spot : MarketType::Perp;
      b->bid_price = q.bid_price;
      b->bid_size = q.bid_size;
      b->ask_price = q.ask_price;
      b->ask_size = q.ask_size;
      b->ts_event = ts;
      b->ts_init = ts;
      break;
    }
  }
  if (s.pos < s.end) {
    replace_top(heap_, HeapItem{stream_ts(s, s.pos), top.stream});
  } else {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
  return true;
}

}  // namespace carry::backtest
