#include "market.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace carry::sim {

std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

namespace {

// A later candle of the same bucket folded into it.
void extend(Candle& bucket, const Candle& later) {
  bucket.high = max(bucket.high, later.high);
  bucket.low = min(bucket.low, later.low);
  bucket.close = later.close;
  bucket.base_volume += later.base_volume;
  bucket.quote_volume += later.quote_volume;
}

constexpr std::int64_t kMinute = 60'000;
constexpr std::size_t kMaxCandles = std::size_t{3} * 1440;
constexpr std::size_t kMaxTrades = 500;

double unit(std::uint64_t h) { return static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53); }

// Relative deviation of a symbol's synthetic history path at `minute` (a few waves: days, hours,
// minutes); the perp adds a slowly moving premium of a few basis points.
double path_offset(std::uint64_t symbol_hash, std::int64_t minute, bool perp) {
  constexpr double kTwoPi = 6.283185307179586;
  const double ph = kTwoPi * unit(symbol_hash);
  const auto t = static_cast<double>(minute);
  double x = 0.02 * std::sin(kTwoPi * t / 4320.0 + ph) + 0.006 * std::sin(kTwoPi * t / 223.0 + 2.0 * ph) +
             0.0015 * std::sin(kTwoPi * t / 19.0 + 3.0 * ph);
  if (perp) x += 0.0003 * std::sin(kTwoPi * t / 617.0 + ph);
  return x;
}

std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  return t >= 0 ? t - t % step : -((-t + step - 1) / step) * step;
}

}  // namespace

Decimal InstrumentMarket::mid() const { return (row.bid + row.ask) / Decimal::from_units(2); }

MarketState::MarketState(std::vector<InstrumentSpec> instruments, const Tape& tape, std::int64_t start_ms, double speed,
                         bool loop, int depth, std::uint64_t seed)
    : tape_(tape), start_ms_(start_ms), speed_(speed), loop_(loop), depth_(std::max(depth, 1)), seed_(seed) {
  instruments_.reserve(instruments.size());
  for (auto& spec : instruments) {
    InstrumentMarket inst;
    inst.series = tape.find(spec.market, spec.symbol);
    inst.spec = std::move(spec);
    instruments_.push_back(std::move(inst));
  }
  for (auto& inst : instruments_) {
    if (!inst.series || inst.series->rows.empty()) continue;
    inst.cursor = locate(tape_, *inst.series, 0, loop_);
    apply_row(inst, inst.series->rows[inst.cursor.index], start_ms);
    inst.last_price = inst.row.bid;
  }
}

InstrumentMarket* MarketState::find(Market market, const std::string& symbol) {
  for (auto& i : instruments_)
    if (i.spec.market == market && i.spec.symbol == symbol) return &i;
  return nullptr;
}

const InstrumentMarket* MarketState::find(Market market, const std::string& symbol) const {
  for (const auto& i : instruments_)
    if (i.spec.market == market && i.spec.symbol == symbol) return &i;
  return nullptr;
}

Decimal MarketState::depth_size(const InstrumentMarket& inst, Decimal price, bool bid) const {
  // Deterministic per price level, so a level keeps its size while the ladder slides.
  std::uint64_t h = seed_ ^ std::hash<std::string>{}(inst.spec.symbol);
  h = splitmix64(h ^ static_cast<std::uint64_t>(price.raw()) ^ (bid ? 0x5bd1e995ULL : 0x1b873593ULL) ^
                 (inst.spec.market == Market::Perp ? 0xABCDEFULL : 0));
  const double u = static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
  const double notional = 5000.0 + 45000.0 * u;
  auto q = Decimal::from_double(notional / price.to_double()).value();
  q = q.round_to_step(inst.spec.size_multiplier, Rounding::Down).value();
  return q.is_positive() ? q : inst.spec.size_multiplier;
}

void MarketState::apply_row(InstrumentMarket& inst, const TapeRow& row, std::int64_t now_ms) {
  inst.row = row;
  inst.updated_ms = now_ms;
  const Decimal tick = inst.spec.tick();
  inst.bids.clear();
  inst.asks.clear();
  for (int i = 0; i < depth_; ++i) {
    if (i == 0) {
      inst.bids.push_back({row.bid, row.bid_size});
      inst.asks.push_back({row.ask, row.ask_size});
      continue;
    }
    const Decimal off = tick.mul_int(i);
    if (row.bid - off > Decimal{}) inst.bids.push_back({row.bid - off, depth_size(inst, row.bid - off, true)});
    inst.asks.push_back({row.ask + off, depth_size(inst, row.ask + off, false)});
  }
  inst.bid_taken.assign(inst.bids.size(), Decimal{});
  inst.ask_taken.assign(inst.asks.size(), Decimal{});
  ++inst.seq;
  touch_candle(inst, inst.mid(), Decimal{}, now_ms);
}

std::vector<MarketChange> MarketState::advance(std::int64_t now_ms) {
  std::vector<MarketChange> changes;
  const auto offset = static_cast<std::int64_t>(static_cast<double>(now_ms - start_ms_) * speed_);
  for (auto& inst : instruments_) {
    if (!inst.series) continue;
    auto cursor = locate(tape_, *inst.series, offset, loop_);
    if (cursor == inst.cursor) continue;
    MarketChange ch;
    ch.inst = &inst;
    ch.old_bids = inst.bids;
    ch.old_asks = inst.asks;
    const Decimal old_mid = inst.mid();
    inst.cursor = cursor;
    apply_row(inst, inst.series->rows[cursor.index], now_ms);
    const Decimal new_mid = inst.mid();
    if (new_mid != old_mid) {
      const bool buy = new_mid > old_mid;
      auto size = (min(inst.row.bid_size, inst.row.ask_size) / Decimal::from_units(10))
                      .round_to_step(inst.spec.size_multiplier, Rounding::Down)
                      .value();
      if (!size.is_positive()) size = inst.spec.size_multiplier;
      ch.trade = record_trade(inst, buy ? inst.row.ask : inst.row.bid, size, buy, now_ms);
    }
    changes.push_back(std::move(ch));
  }
  return changes;
}

Decimal MarketState::mark_price(const std::string& symbol) const {
  const auto* perp = find(Market::Perp, symbol);
  if (!perp) return {};
  return perp->mid().round_to_step(perp->spec.tick(), Rounding::HalfEven).value();
}

Decimal MarketState::index_price(const std::string& symbol) const {
  const auto* perp = find(Market::Perp, symbol);
  const auto* spot = find(Market::Spot, symbol);
  if (!perp) return spot ? spot->mid() : Decimal{};
  if (!spot) return mark_price(symbol);
  return spot->mid().round_to_step(perp->spec.tick(), Rounding::HalfEven).value();
}

PublicTrade MarketState::record_trade(InstrumentMarket& inst, Decimal price, Decimal size, bool buy,
                                      std::int64_t now_ms) {
  PublicTrade t;
  t.ts_ms = now_ms;
  t.price = price;
  t.size = size;
  t.buy = buy;
  t.trade_id = std::to_string(3'000'000'000'000'000'000LL + static_cast<std::int64_t>(++trade_counter_));
  inst.last_price = price;
  inst.trades.push_back(t);
  if (inst.trades.size() > kMaxTrades) inst.trades.pop_front();
  touch_candle(inst, price, size, now_ms);
  return t;
}

void MarketState::touch_candle(InstrumentMarket& inst, Decimal price, Decimal size, std::int64_t now_ms) {
  const std::int64_t bucket = now_ms - (now_ms % kMinute);
  if (inst.candles.empty() || inst.candles.back().open_ms != bucket) {
    Candle c;
    c.open_ms = bucket;
    c.open = c.high = c.low = c.close = price;
    inst.candles.push_back(c);
    if (inst.candles.size() > kMaxCandles) inst.candles.pop_front();
  }
  auto& c = inst.candles.back();
  c.high = max(c.high, price);
  c.low = min(c.low, price);
  c.close = price;
  c.base_volume += size;
  c.quote_volume += size * price;
}

MarketState::Stats MarketState::stats_24h(const InstrumentMarket& inst, std::int64_t now_ms) const {
  Stats s;
  bool first = true;
  for (const auto& c : inst.candles) {
    if (c.open_ms < now_ms - 24LL * 60 * kMinute) continue;
    if (first) {
      s.open = c.open;
      s.high = c.high;
      s.low = c.low;
      first = false;
    }
    s.high = max(s.high, c.high);
    s.low = min(s.low, c.low);
    s.base_volume += c.base_volume;
    s.quote_volume += c.quote_volume;
  }
  if (first) s.open = s.high = s.low = inst.mid();
  return s;
}

void MarketState::enable_history(std::int64_t begin_ms, std::int64_t end_ms) {
  history_begin_ms_ = floor_to(begin_ms, kMinute);
  history_end_ms_ = std::max(history_begin_ms_, floor_to(end_ms, kMinute));
  for (auto& inst : instruments_) inst.history_anchor = inst.mid();
}

Candle MarketState::history_candle(const InstrumentMarket& inst, std::int64_t open_ms) const {
  const bool perp = inst.spec.market == Market::Perp;
  const std::uint64_t sym = splitmix64(seed_ ^ std::hash<std::string>{}(inst.spec.symbol));
  const std::int64_t m = open_ms / kMinute;
  const std::int64_t end_m = history_end_ms_ / kMinute;
  const double anchor = inst.history_anchor.to_double();
  const auto price = [&](std::int64_t k) {
    return anchor * (1.0 + path_offset(sym, k, perp) - path_offset(sym, end_m, perp));
  };
  const Decimal tick = inst.spec.tick();
  const auto on_tick = [&](double p, Rounding r) {
    return max(Decimal::from_double(p).value().round_to_step(tick, r).value(), tick);
  };
  const double o = price(m), c = price(m + 1);
  const std::uint64_t h =
      splitmix64(sym ^ (static_cast<std::uint64_t>(m) * 0x9E3779B97F4A7C15ULL) ^ (perp ? 0xABCDEFULL : 0));
  Candle k;
  k.open_ms = open_ms;
  k.open = on_tick(o, Rounding::HalfEven);
  k.close = on_tick(c, Rounding::HalfEven);
  k.high = max(on_tick(std::max(o, c) * (1.0 + 0.0004 * unit(splitmix64(h ^ 1))), Rounding::Up), max(k.open, k.close));
  k.low = min(on_tick(std::min(o, c) * (1.0 - 0.0004 * unit(splitmix64(h ^ 2))), Rounding::Down), min(k.open, k.close));
  const double notional = 20'000.0 + 480'000.0 * unit(splitmix64(h ^ 3));  // USDT per minute
  k.base_volume =
      Decimal::from_double(notional / c).value().round_to_step(inst.spec.size_multiplier, Rounding::Down).value();
  k.quote_volume = k.base_volume * k.close;
  return k;
}

std::vector<Candle> MarketState::candles(const InstrumentMarket& inst, std::int64_t granularity_ms,
                                         std::int64_t start_ms, std::int64_t end_ms, std::size_t limit) const {
  std::vector<Candle> out;
  if (history_end_ms_ > history_begin_ms_ && inst.history_anchor.is_positive() && granularity_ms > 0 && limit > 0) {
    // Only the newest `limit` buckets can survive the trim below: synthesise just those.
    const std::int64_t g = granularity_ms;
    const std::int64_t first =
        std::max(floor_to(history_begin_ms_, g), floor_to(start_ms, g) + (start_ms % g != 0 ? g : 0));
    const std::int64_t last = floor_to(std::min(end_ms, history_end_ms_ - 1), g);
    for (std::int64_t b = std::max(first, last - static_cast<std::int64_t>(limit - 1) * g); b <= last; b += g) {
      const std::int64_t to = std::min(b + g, history_end_ms_);
      for (std::int64_t t = std::max(b, history_begin_ms_); t < to; t += kMinute) {
        const Candle c = history_candle(inst, t);
        if (t == std::max(b, history_begin_ms_)) {
          out.push_back(c);
          out.back().open_ms = b;
          continue;
        }
        extend(out.back(), c);
      }
    }
  }
  for (const auto& c : inst.candles) {
    const std::int64_t bucket = c.open_ms - (c.open_ms % granularity_ms);
    if (bucket < start_ms || bucket > end_ms) continue;
    if (out.empty() || out.back().open_ms != bucket) {
      Candle n = c;
      n.open_ms = bucket;
      out.push_back(n);
      continue;
    }
    extend(out.back(), c);
  }
  if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
  return out;
}

}  // namespace carry::sim
