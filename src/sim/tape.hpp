#pragma once
// Market tape: top-of-book rows per instrument, replayed against the wall clock.
// CSV format (header required): ts_ms,symbol,market,bid,bid_size,ask,ask_size
// with market = spot | perp. Rows of one instrument must be in non-decreasing ts order.
#include "instrument_spec.hpp"

#include <carry/core/decimal.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace carry::sim {

struct TapeRow {
  std::int64_t ts_ms = 0;
  Decimal bid, bid_size, ask, ask_size;
};

struct TapeSeries {
  std::string symbol;
  Market market = Market::Spot;
  std::vector<TapeRow> rows;
};

// Thrown for unreadable or invalid tapes; the message names the file and line.
struct TapeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Tape {
 public:
  // Every instrument must have at least one row; rows for unknown instruments are errors.
  static Tape load_csv(const std::string& path, const std::vector<InstrumentSpec>& instruments);
  static Tape parse_csv(const std::string& text, const std::string& name,
                        const std::vector<InstrumentSpec>& instruments);
  // Seeded random walk (spot mid log-returns, perp = spot x (1 + mean-reverting basis)), one row
  // per instrument every `step_ms`, `duration_ms` long, starting at tape time 0.
  static Tape synthetic(std::uint64_t seed, const std::vector<InstrumentSpec>& instruments,
                        std::int64_t duration_ms = 6LL * 3600 * 1000, std::int64_t step_ms = 1000);

  const TapeSeries* find(Market market, const std::string& symbol) const;
  const std::vector<TapeSeries>& series() const { return series_; }
  std::int64_t start_ms() const { return start_ms_; }
  std::int64_t end_ms() const { return end_ms_; }
  // Length of one replay loop: first row to last row plus one row spacing.
  std::int64_t period_ms() const { return period_ms_; }
  std::size_t row_count() const;

 private:
  void finish();
  std::vector<TapeSeries> series_;
  std::int64_t start_ms_ = 0, end_ms_ = 0, period_ms_ = 1;
};

// Position of one series at tape offset `offset_ms` from the tape start (looping when `loop`):
// the index of the last row at or before that time, and the loop number.
struct TapeCursor {
  std::int64_t loop = 0;
  std::size_t index = 0;
  friend bool operator==(const TapeCursor&, const TapeCursor&) = default;
};
TapeCursor locate(const Tape& tape, const TapeSeries& series, std::int64_t offset_ms, bool loop);

}  // namespace carry::sim
