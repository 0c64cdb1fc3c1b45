#pragma once
// Time-ordered replay of several symbols' data: a k-way merge of per-symbol streams, pulled one
// event at a time. Nothing is copied or pre-merged: each stream is a cursor over SymbolData.
//
// Streams per symbol: funding settlements, funding-rate announcements, spot quotes, perp quotes.
// Order: by timestamp; at equal timestamps (documented, deterministic):
//   1. funding settlements    (a settlement at T settles the position held up to T, before
//                              anything stamped T can change it)
//   2. funding-rate updates
//   3. quotes (Bbo)
// and within a class by symbol name, then spot before perp; rows of one stream keep file order.
//
// Funding model: the rate recorded for the settlement at s_i is announced at the previous
// settlement s_{i-1} (for the first row: s_0 - interval) as a FundingRateUpdate with
// next_settlement = s_i; a FundingSettlement at s_i carries the same rate for the engine to settle
// the position it holds at s_i. (Exchanges show a predicted rate that converges to this value
// during the interval; announcing the final value one interval early is the simplification.)
//
// Window: a symbol's events are limited to its SymbolData::period intersected with the range.
// The announcement current at the window start (announced earlier, settling later) is delivered
// at the window start so the run starts knowing the rate. Every event's ts_event = ts_init = ts.
#include <carry/backtest/data_error.hpp>
#include <carry/backtest/period.hpp>
#include <carry/backtest/quote.hpp>
#include <carry/backtest/symbol_data.hpp>
#include <carry/core/events.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry::backtest {

// [from, to); unset bounds are open.
struct TimeRange {
  std::optional<UnixNanos> from, to;
};

// --from/--to text (RFC 3339 or a bare date, UTC). A bare date as `to` includes that whole day:
// --from 2025-06-01 --to 2025-06-01 is one day. Errors name the flag; from >= to is an error.
DataResult<TimeRange> parse_time_range(std::string_view from, std::string_view to);

// The engine settles funding here: payment = -rate x position x price, at the position it holds.
struct FundingSettlement {
  std::string symbol;
  Decimal rate;  // fraction of notional for the interval ending now
  int interval_hours = 0;
  UnixNanos ts;
};

struct ReplayEvent {
  enum class Kind : std::uint8_t { Market, Settlement };
  Kind kind = Kind::Market;
  UnixNanos ts;
  MarketEvent market;            // Bbo or FundingRateUpdate when kind == Market
  FundingSettlement settlement;  // when kind == Settlement
  // A Bbo made from a candle also carries that candle (its range and start) for the venue model
  // only: `market` stays what a live feed would give the strategy.
  bool has_bar = false;
  UnixNanos bar_start;
  BarRange bar;
};

struct ReplayCounts {
  std::size_t quotes = 0, rate_updates = 0, settlements = 0;
  std::size_t total() const noexcept { return quotes + rate_updates + settlements; }
};

class Replay {
 public:
  // Symbols are ordered by name for tie-breaking whatever the input order. The same symbol twice
  // would double its events: std::invalid_argument (a caller bug, not a data problem).
  explicit Replay(std::vector<SymbolData> symbols, TimeRange range = {});

  // Writes the next event into `out` (reusing its storage) and returns true; false at the end.
  bool next(ReplayEvent& out);
  // Timestamp of the next event, without consuming it.
  std::optional<UnixNanos> peek_time() const;
  // Back to the first event (same sequence again).
  void rewind();

  const std::vector<SymbolData>& symbols() const noexcept { return symbols_; }
  // The window each symbol is replayed over (its period ∩ range); empty if they do not overlap.
  // Indexes follow symbols(), which is sorted by name.
  Period window(std::size_t symbol_index) const { return windows_[symbol_index]; }
  // Events the whole replay yields, by class.
  const ReplayCounts& counts() const noexcept { return counts_; }

 private:
  enum class StreamKind : std::uint8_t { Settlement, RateUpdate, SpotQuote, PerpQuote };
  struct Stream {
    StreamKind kind;
    std::uint32_t symbol;
    std::size_t begin, end, pos;
  };
  struct HeapItem {
    std::int64_t ts;
    std::uint32_t stream;  // stream index encodes the tie-break order
  };

  std::int64_t stream_ts(const Stream& s, std::size_t i) const noexcept;
  void push(std::uint32_t stream);

  std::vector<SymbolData> symbols_;
  std::vector<Period> windows_;
  std::vector<Stream> streams_;
  std::vector<HeapItem> heap_;
  ReplayCounts counts_;
};

}  // namespace carry::backtest
