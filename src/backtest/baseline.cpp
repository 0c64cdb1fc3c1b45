#include <carry/backtest/baseline.hpp>

#include <algorithm>
#include <cstdint>

namespace carry::backtest {
namespace {

// Index of the last point stamped before `ts_ns` (points ascending), or npos.
std::size_t last_before(const std::vector<PricePoint>& pts, std::int64_t ts_ns) {
  const auto it =
      std::lower_bound(pts.begin(), pts.end(), ts_ns, [](const PricePoint& p, std::int64_t t) { return p.ts_ns < t; });
  return it == pts.begin() ? std::string::npos : static_cast<std::size_t>(it - pts.begin()) - 1;
}

// The first (or last) instant both legs have a price: the spot file has outage hours the perp
// does not, and a pair is only opened or closed with both prices known.
std::pair<std::size_t, std::size_t> common_instant(const BaselineInput& in, bool first) {
  std::size_t i = first ? 0 : in.spot.size(), j = first ? 0 : in.perp.size();
  while (first ? (i < in.spot.size() && j < in.perp.size()) : (i > 0 && j > 0)) {
    const std::int64_t s = in.spot[first ? i : i - 1].ts_ns, p = in.perp[first ? j : j - 1].ts_ns;
    if (s == p) return first ? std::pair{i, j} : std::pair{i - 1, j - 1};
    if (first)
      (s < p ? i : j) += 1;
    else
      (s > p ? i : j) -= 1;
  }
  return {std::string::npos, std::string::npos};
}

}  // namespace

BaselineResult always_on_carry(const BaselineInput& in, const BaselineCosts& costs) {
  BaselineResult r;
  r.symbol = in.symbol;
  const auto [si, pi] = common_instant(in, true);
  const auto [sj, pj] = common_instant(in, false);
  if (si == std::string::npos || in.spot[si].ts_ns >= in.spot[sj].ts_ns || !in.spot[si].price.is_positive())
    return r;  // nothing to hold: one instant or none
  r.traded = true;
  r.open_ts = UnixNanos{in.spot[si].ts_ns};
  r.close_ts = UnixNanos{in.spot[sj].ts_ns};
  r.spot_open = in.spot[si].price;
  r.perp_open = in.perp[pi].price;
  r.spot_close = in.spot[sj].price;
  r.perp_close = in.perp[pj].price;
  r.size = costs.notional / r.spot_open;

  // Each fill pays the slippage past the close: buys above it, sells below it.
  const Decimal up = Decimal::from_units(1) + costs.slippage, down = Decimal::from_units(1) - costs.slippage;
  const Decimal spot_buy = r.size * (r.spot_open * up), spot_sell = r.size * (r.spot_close * down);
  const Decimal perp_sell = r.size * (r.perp_open * down), perp_buy = r.size * (r.perp_close * up);
  r.fees = (spot_buy + spot_sell) * costs.spot_taker_fee + (perp_sell + perp_buy) * costs.perp_taker_fee;
  r.price_pnl = r.size * (r.spot_close - r.spot_open) + r.size * (r.perp_open - r.perp_close);
  r.slippage = r.price_pnl - ((spot_sell - spot_buy) + (perp_sell - perp_buy));

  for (const FundingRow& f : in.funding) {
    const std::int64_t t = f.time_ms * 1'000'000;
    if (t <= r.open_ts.ns || t > r.close_ts.ns) continue;
    const std::size_t k = last_before(in.perp, t);
    if (k == std::string::npos) continue;
    const Decimal amount = f.rate * in.perp[k].price * r.size;  // short perp: + when longs pay
    r.funding += amount;
    r.funding_by_month[UnixNanos{t}.to_rfc3339().substr(0, 7)] += amount;
    ++r.settlements;
  }
  r.net = r.funding - r.fees - r.slippage + r.price_pnl;
  return r;
}

BaselineInput baseline_input(const SymbolData& data, const TimeRange& range) {
  BaselineInput in;
  in.symbol = data.symbol;
  const Period window{range.from.value_or(UnixNanos{INT64_MIN}), range.to.value_or(UnixNanos{INT64_MAX})};
  const auto closes = [&window](const std::vector<Quote>& quotes, std::vector<PricePoint>& out) {
    out.reserve(quotes.size());
    for (const Quote& q : quotes)
      if (window.contains(UnixNanos{q.ts_ns}))
        out.push_back({q.ts_ns, Decimal::from_raw((q.bid_price.raw() + q.ask_price.raw()) / 2)});
  };
  closes(data.spot.quotes, in.spot);
  closes(data.perp.quotes, in.perp);
  for (const FundingRow& f : data.funding)
    if (window.contains(UnixNanos::from_ms(f.time_ms))) in.funding.push_back(f);
  return in;
}

}  // namespace carry::backtest
