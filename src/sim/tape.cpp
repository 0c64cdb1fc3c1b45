#include "tape.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace carry::sim {

namespace {

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

const InstrumentSpec* find_spec(const std::vector<InstrumentSpec>& specs, Market m, const std::string& sym) {
  for (const auto& s : specs)
    if (s.market == m && s.symbol == sym) return &s;
  return nullptr;
}

}  // namespace

std::size_t Tape::row_count() const {
  std::size_t n = 0;
  for (const auto& s : series_) n += s.rows.size();
  return n;
}

const TapeSeries* Tape::find(Market market, const std::string& symbol) const {
  for (const auto& s : series_)
    if (s.market == market && s.symbol == symbol) return &s;
  return nullptr;
}

void Tape::finish() {
  start_ms_ = INT64_MAX;
  end_ms_ = INT64_MIN;
  std::int64_t spacing = INT64_MAX;
  for (const auto& s : series_) {
    start_ms_ = std::min(start_ms_, s.rows.front().ts_ms);
    end_ms_ = std::max(end_ms_, s.rows.back().ts_ms);
    for (std::size_t i = 1; i < s.rows.size(); ++i) {
      auto gap = s.rows[i].ts_ms - s.rows[i - 1].ts_ms;
      if (gap > 0) spacing = std::min(spacing, gap);
    }
  }
  if (spacing == INT64_MAX) spacing = 1000;
  period_ms_ = end_ms_ - start_ms_ + spacing;
}

Tape Tape::load_csv(const std::string& path, const std::vector<InstrumentSpec>& instruments) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TapeError("tape " + path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_csv(ss.str(), path, instruments);
}

Tape Tape::parse_csv(const std::string& text, const std::string& name, const std::vector<InstrumentSpec>& instruments) {
  std::istringstream in(text);
  std::string line;
  std::size_t lineno = 0;
  auto fail = [&](const std::string& what) -> TapeError {
    return TapeError("tape " + name + ":" + std::to_string(lineno) + ": " + what);
  };
  std::map<std::pair<int, std::string>, TapeSeries> by_key;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto f = split(line, ',');
    if (!header_seen) {
      if (line != "ts_ms,symbol,market,bid,bid_size,ask,ask_size")
        throw fail("expected header 'ts_ms,symbol,market,bid,bid_size,ask,ask_size', got '" + line + "'");
      header_seen = true;
      continue;
    }
    if (f.size() != 7) throw fail("expected 7 fields, got " + std::to_string(f.size()));
    TapeRow row;
    try {
      std::size_t pos = 0;
      row.ts_ms = std::stoll(f[0], &pos);
      if (pos != f[0].size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw fail("ts_ms '" + f[0] + "' is not an integer");
    }
    Market m;
    if (f[2] == "spot")
      m = Market::Spot;
    else if (f[2] == "perp")
      m = Market::Perp;
    else
      throw fail("market '" + f[2] + "' is neither spot nor perp");
    const InstrumentSpec* spec = find_spec(instruments, m, f[1]);
    if (!spec) throw fail("instrument " + f[1] + " (" + f[2] + ") is not configured");
    const char* names[] = {"bid", "bid_size", "ask", "ask_size"};
    Decimal* dst[] = {&row.bid, &row.bid_size, &row.ask, &row.ask_size};
    for (int i = 0; i < 4; ++i) {
      auto d = Decimal::parse(f[3 + i]);
      if (!d) throw fail(std::string(names[i]) + " '" + f[3 + i] + "' is not a decimal");
      if (!d->is_positive()) throw fail(std::string(names[i]) + " must be positive, got '" + f[3 + i] + "'");
      *dst[i] = *d;
    }
    if (row.bid >= row.ask) throw fail("bid " + f[3] + " is not below ask " + f[5]);
    auto tick = spec->tick();
    if (!(row.bid.round_to_step(tick, Rounding::Down).value() == row.bid) ||
        !(row.ask.round_to_step(tick, Rounding::Down).value() == row.ask))
      throw fail("price not a multiple of the tick " + tick.to_string() + " of " + f[1] + " " + f[2]);
    auto& s = by_key[{static_cast<int>(m), f[1]}];
    if (s.rows.empty()) {
      s.symbol = f[1];
      s.market = m;
    } else if (row.ts_ms < s.rows.back().ts_ms) {
      throw fail("ts_ms " + f[0] + " goes backwards for " + f[1] + " " + f[2]);
    }
    s.rows.push_back(row);
  }
  if (!header_seen) throw TapeError("tape " + name + ": empty (no header)");
  Tape tape;
  for (const auto& spec : instruments) {
    auto it = by_key.find({static_cast<int>(spec.market), spec.symbol});
    if (it == by_key.end())
      throw TapeError("tape " + name + ": no rows for configured instrument " + spec.symbol + " (" +
                      std::string(to_string(spec.market)) + ")");
    tape.series_.push_back(std::move(it->second));
  }
  tape.finish();
  return tape;
}

Tape Tape::synthetic(std::uint64_t seed, const std::vector<InstrumentSpec>& instruments, std::int64_t duration_ms,
                     std::int64_t step_ms) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto start_price = [](const std::string& base) {
    if (base == "BTC") return 100000.0;
    if (base == "ETH") return 2500.0;
    return 100.0;
  };
  // One spot path per base coin; the perp follows it with a basis that mean-reverts to -3 bp.
  std::map<std::string, std::vector<double>> spot_mid;
  std::map<std::string, std::vector<double>> perp_mid;
  const std::size_t n = static_cast<std::size_t>(duration_ms / step_ms);
  for (const auto& spec : instruments) {
    if (spot_mid.count(spec.base_coin)) continue;
    std::vector<double> s(n), p(n);
    double mid = start_price(spec.base_coin), basis = -0.0003;
    for (std::size_t i = 0; i < n; ++i) {
      mid *= std::exp(0.00015 * noise(rng));
      basis += 0.05 * (-0.0003 - basis) + 0.00003 * noise(rng);
      s[i] = mid;
      p[i] = mid * (1.0 + basis);
    }
    spot_mid[spec.base_coin] = std::move(s);
    perp_mid[spec.base_coin] = std::move(p);
  }
  Tape tape;
  for (const auto& spec : instruments) {
    TapeSeries series;
    series.symbol = spec.symbol;
    series.market = spec.market;
    const auto& mids = spec.market == Market::Spot ? spot_mid[spec.base_coin] : perp_mid[spec.base_coin];
    const Decimal tick = spec.tick();
    for (std::size_t i = 0; i < n; ++i) {
      TapeRow row;
      row.ts_ms = static_cast<std::int64_t>(i) * step_ms;
      auto mid = Decimal::from_double(mids[i]).value();
      row.bid = mid.round_to_step(tick, Rounding::Down).value();
      row.ask = row.bid + tick;
      // Top-of-book depth worth 20k..200k USDT, on the lot step.
      auto sz = [&] {
        auto notional = 20000.0 + 180000.0 * unit(rng);
        auto q = Decimal::from_double(notional / mids[i])
                     .value()
                     .round_to_step(spec.size_multiplier, Rounding::Down)
                     .value();
        return q.is_positive() ? q : spec.size_multiplier;
      };
      row.bid_size = sz();
      row.ask_size = sz();
      series.rows.push_back(row);
    }
    tape.series_.push_back(std::move(series));
  }
  tape.finish();
  return tape;
}

TapeCursor locate(const Tape& tape, const TapeSeries& series, std::int64_t offset_ms, bool loop) {
  TapeCursor c;
  if (offset_ms < 0) offset_ms = 0;
  std::int64_t t;
  if (loop) {
    c.loop = offset_ms / tape.period_ms();
    t = tape.start_ms() + offset_ms % tape.period_ms();
  } else {
    t = tape.start_ms() + offset_ms;
  }
  const auto& rows = series.rows;
  auto it = std::upper_bound(rows.begin(), rows.end(), t, [](std::int64_t v, const TapeRow& r) { return v < r.ts_ms; });
  c.index = it == rows.begin() ? 0 : static_cast<std::size_t>(it - rows.begin() - 1);
  return c;
}

}  // namespace carry::sim
