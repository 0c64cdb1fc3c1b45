#pragma once
// Full-depth order book for Bitget's `books` channel (REFERENCE section 5): a snapshot then
// incremental updates (size "0" deletes a level), keeping the ORIGINAL price/size strings for
// the CRC32 checksum over the top 25 bids and asks interleaved (bid1:ask1:bid2:...), compared
// as a signed int32. A checksum mismatch, an update before any snapshot, a sequence going
// backwards, or pseq not matching the previous seq puts the book in NeedsResync (event
// book.resync): the caller re-subscribes and waits for a fresh snapshot.
#include <carry/core/decimal.hpp>
#include <carry/core/event_sink.hpp>
#include <carry/core/time.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry::market {

struct BookLevelText {
  std::string_view price, size;  // exactly as received
};

struct BookUpdate {
  bool snapshot = false;
  std::vector<BookLevelText> bids, asks;
  std::int32_t checksum = 0;  // 0 = not provided (books1/5/15 and some snapshots)
  std::optional<std::int64_t> seq, pseq;
  UnixNanos ts;
};

class OrderBook {
 public:
  enum class State : std::uint8_t { Empty, Synced, NeedsResync };
  enum class Result : std::uint8_t { Applied, NeedsResync, Ignored };
  static constexpr std::size_t kChecksumDepth = 25;

  OrderBook(std::string symbol, EventSink& events);

  // Snapshots replace the book; updates merge. Returns NeedsResync once on the message that
  // broke the book, Ignored for updates arriving while a resync is pending.
  Result apply(const BookUpdate& update);
  // Forget everything (reconnect / resubscribe): the next message must be a snapshot.
  void reset();

  State state() const noexcept { return state_; }
  const std::string& symbol() const noexcept { return symbol_; }
  std::size_t bid_depth() const noexcept { return bids_.size(); }
  std::size_t ask_depth() const noexcept { return asks_.size(); }
  std::optional<std::pair<Decimal, Decimal>> best_bid() const;  // price, size
  std::optional<std::pair<Decimal, Decimal>> best_ask() const;
  std::optional<std::int64_t> last_seq() const noexcept { return last_seq_; }
  UnixNanos last_ts() const noexcept { return last_ts_; }

  // The string the checksum is computed over, and its CRC32 as a signed int32.
  std::string checksum_string() const;
  std::int32_t checksum() const;
  std::uint64_t resyncs() const noexcept { return resyncs_; }

 private:
  struct Level {
    Decimal size;
    std::string price_text, size_text;
  };
  using Bids = std::map<Decimal, Level, std::greater<>>;
  using Asks = std::map<Decimal, Level, std::less<>>;

  template <class Side>
  bool merge(Side& side, const std::vector<BookLevelText>& levels, std::string& error);
  Result fail(std::string_view reason, const BookUpdate& u);

  std::string symbol_;
  EventSink& events_;
  State state_ = State::Empty;
  Bids bids_;
  Asks asks_;
  std::optional<std::int64_t> last_seq_;
  UnixNanos last_ts_{};
  std::uint64_t resyncs_ = 0;
};

// CRC-32 (IEEE 802.3, as zlib.crc32) reinterpreted as signed 32-bit, as Bitget sends it.
std::int32_t bitget_crc32(std::string_view text) noexcept;

}  // namespace carry::market
