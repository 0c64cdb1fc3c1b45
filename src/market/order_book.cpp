#include <carry/market/order_book.hpp>

#include <boost/crc.hpp>

namespace carry::market {

std::int32_t bitget_crc32(std::string_view text) noexcept {
  boost::crc_32_type crc;
  crc.process_bytes(text.data(), text.size());
  return static_cast<std::int32_t>(crc.checksum());
}

OrderBook::OrderBook(std::string symbol, EventSink& events) : symbol_(std::move(symbol)), events_(events) {}

void OrderBook::reset() {
  bids_.clear();
  asks_.clear();
  last_seq_.reset();
  state_ = State::Empty;
}

template <class Side>
bool OrderBook::merge(Side& side, const std::vector<BookLevelText>& levels, std::string& error) {
  for (const auto& l : levels) {
    auto price = Decimal::parse(l.price);
    auto size = Decimal::parse(l.size);
    if (!price || !size || size->is_negative() || !price->is_positive()) {
      error = "bad level [\"" + std::string(l.price) + "\", \"" + std::string(l.size) + "\"]";
      return false;
    }
    if (size->is_zero()) {
      side.erase(*price);
    } else {
      auto& lvl = side[*price];
      lvl.size = *size;
      lvl.price_text.assign(l.price);
      lvl.size_text.assign(l.size);
    }
  }
  return true;
}

OrderBook::Result OrderBook::fail(std::string_view reason, const BookUpdate& u) {
  state_ = State::NeedsResync;
  ++resyncs_;
  nlohmann::json fields = {{"symbol", symbol_}, {"reason", std::string(reason)}};
  if (u.seq) fields["seq"] = *u.seq;
  if (last_seq_) fields["last_seq"] = *last_seq_;
  events_.warn("book.resync", std::move(fields));
  bids_.clear();
  asks_.clear();
  last_seq_.reset();
  return Result::NeedsResync;
}

OrderBook::Result OrderBook::apply(const BookUpdate& u) {
  if (!u.snapshot) {
    if (state_ == State::NeedsResync) return Result::Ignored;
    if (state_ == State::Empty) return fail("update before snapshot", u);
    if (u.seq && last_seq_) {
      if (*u.seq <= *last_seq_) return fail("sequence went backwards", u);
      if (u.pseq && *u.pseq != 0 && *u.pseq != *last_seq_) return fail("sequence gap", u);
    }
  } else {
    bids_.clear();
    asks_.clear();
  }
  std::string error;
  if (!merge(bids_, u.bids, error) || !merge(asks_, u.asks, error)) return fail(error, u);
  if (!bids_.empty() && !asks_.empty() && bids_.begin()->first >= asks_.begin()->first) return fail("crossed book", u);
  if (u.checksum != 0 && checksum() != u.checksum) return fail("checksum mismatch", u);
  if (u.seq) last_seq_ = u.seq;
  last_ts_ = u.ts;
  state_ = State::Synced;
  return Result::Applied;
}

std::optional<std::pair<Decimal, Decimal>> OrderBook::best_bid() const {
  if (bids_.empty()) return std::nullopt;
  return std::make_pair(bids_.begin()->first, bids_.begin()->second.size);
}

std::optional<std::pair<Decimal, Decimal>> OrderBook::best_ask() const {
  if (asks_.empty()) return std::nullopt;
  return std::make_pair(asks_.begin()->first, asks_.begin()->second.size);
}

std::string OrderBook::checksum_string() const {
  std::string s;
  s.reserve(2 * kChecksumDepth * 24);
  auto b = bids_.begin();
  auto a = asks_.begin();
  auto add = [&s](const Level& l) {
    if (!s.empty()) s.push_back(':');
    s += l.price_text;
    s.push_back(':');
    s += l.size_text;
  };
  for (std::size_t i = 0; i < kChecksumDepth; ++i) {
    if (b != bids_.end()) add((b++)->second);
    if (a != asks_.end()) add((a++)->second);
  }
  return s;
}

std::int32_t OrderBook::checksum() const { return bitget_crc32(checksum_string()); }

}  // namespace carry::market
