#pragma once
// Live market state of every instrument: the tape row in effect, a synthetic depth ladder
// around it, the liquidity our takers consumed from it, 1-minute candles, public trades.
#include "instrument_spec.hpp"
#include "tape.hpp"

#include <carry/core/decimal.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace carry::sim {

struct Level {
  Decimal price;
  Decimal size;
  friend bool operator==(const Level&, const Level&) = default;
};

struct Candle {
  std::int64_t open_ms = 0;
  Decimal open, high, low, close, base_volume, quote_volume;
};

// SplitMix64 finaliser: the seeded hash behind every deterministic pseudo-random value of the
// simulator (depth sizes, history paths, fault draws).
std::uint64_t splitmix64(std::uint64_t x) noexcept;

struct PublicTrade {
  std::int64_t ts_ms = 0;
  Decimal price, size;
  bool buy = true;  // taker side
  std::string trade_id;
};

struct InstrumentMarket {
  InstrumentSpec spec;
  const TapeSeries* series = nullptr;
  TapeCursor cursor;
  TapeRow row;
  std::int64_t updated_ms = 0;                // wall time of the last change
  std::vector<Level> bids, asks;              // best first
  std::vector<Decimal> bid_taken, ask_taken;  // consumed by our takers since the row changed
  std::int64_t seq = 0;
  Decimal last_price;
  std::deque<Candle> candles;      // 1-minute buckets of wall time, oldest first
  Decimal history_anchor;          // price the synthetic history ends at (the mid when it was enabled)
  std::deque<PublicTrade> trades;  // newest last

  Decimal mid() const;
};

// What changed in one instrument on a tape step (for `books` deltas and trade pushes).
struct MarketChange {
  InstrumentMarket* inst = nullptr;
  std::vector<Level> old_bids, old_asks;
  std::optional<PublicTrade> trade;
};

class MarketState {
 public:
  MarketState(std::vector<InstrumentSpec> instruments, const Tape& tape, std::int64_t start_ms, double speed, bool loop,
              int depth, std::uint64_t seed);

  // Moves every instrument to the tape row in effect at wall time `now_ms`.
  std::vector<MarketChange> advance(std::int64_t now_ms);

  InstrumentMarket* find(Market market, const std::string& symbol);
  const InstrumentMarket* find(Market market, const std::string& symbol) const;
  std::vector<InstrumentMarket>& instruments() { return instruments_; }
  const std::vector<InstrumentMarket>& instruments() const { return instruments_; }

  // Perp mid on the perp tick; index = spot mid on the perp tick (mark if no spot).
  Decimal mark_price(const std::string& symbol) const;
  Decimal index_price(const std::string& symbol) const;

  // Records a trade (tape-derived or one of our fills) into candles and the trade list.
  PublicTrade record_trade(InstrumentMarket& inst, Decimal price, Decimal size, bool buy, std::int64_t now_ms);
  // 24 h statistics from the candles.
  struct Stats {
    Decimal open, high, low, base_volume, quote_volume;
  };
  Stats stats_24h(const InstrumentMarket& inst, std::int64_t now_ms) const;
  // Candles of `granularity_ms` aggregated from the 1-minute buckets (synthetic history first,
  // then what was shown live), newest last; at most the newest `limit` buckets in [start, end].
  std::vector<Candle> candles(const InstrumentMarket& inst, std::int64_t granularity_ms, std::int64_t start_ms,
                              std::int64_t end_ms, std::size_t limit) const;

  std::int64_t start_ms() const { return start_ms_; }

  // Serves deterministic synthetic 1-minute candles for [begin_ms, end_ms) (minute-aligned, before
  // the live candles), so clients can page through days of history (fetch-history). Prices move
  // smoothly around each instrument's current mid and end at it; spot and perp of a symbol share
  // the path, the perp with a small premium. A function of (seed, symbol, market, minute) only.
  void enable_history(std::int64_t begin_ms, std::int64_t end_ms);
  std::int64_t history_begin_ms() const { return history_begin_ms_; }
  std::int64_t history_end_ms() const { return history_end_ms_; }
  // The synthetic 1-minute candle starting at `open_ms` (must be inside the history span).
  Candle history_candle(const InstrumentMarket& inst, std::int64_t open_ms) const;

 private:
  void apply_row(InstrumentMarket& inst, const TapeRow& row, std::int64_t now_ms);
  void touch_candle(InstrumentMarket& inst, Decimal price, Decimal size, std::int64_t now_ms);
  Decimal depth_size(const InstrumentMarket& inst, Decimal price, bool bid) const;

  std::vector<InstrumentMarket> instruments_;
  const Tape& tape_;
  std::int64_t start_ms_;
  double speed_;
  bool loop_;
  int depth_;
  std::uint64_t seed_;
  std::uint64_t trade_counter_ = 0;
  std::int64_t history_begin_ms_ = 0, history_end_ms_ = 0;  // empty span: no history
};

}  // namespace carry::sim
