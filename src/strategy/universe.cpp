#include <carry/strategy/universe.hpp>

#include <carry/strategy/carry_economics.hpp>

#include <algorithm>

namespace carry::strategy {
namespace {

// Half the spread plus the depth penalty for what the touch (the side a buy or sell takes) lacks.
double follower_slippage(const QuoteSide& q, bool buys, Decimal notional, double depth_penalty_bps) {
  const Decimal price = buys ? q.ask : q.bid;
  const Decimal top = buys ? q.ask_size : q.bid_size;
  auto size = notional.checked_div(price, Rounding::Down);
  return slippage_bps(q.bid, q.ask, top, size ? *size : Decimal{}, depth_penalty_bps);
}

Decimal mid(const QuoteSide& q) { return Decimal::from_raw((q.bid.raw() + q.ask.raw()) / 2); }

}  // namespace

RankedCandidate rank_candidate(const UniverseCandidate& c, const UniverseParams& p) {
  RankedCandidate r{c.symbol, 0, ""};
  if (!c.perp) return r.excluded = "no_perp_market", r;
  if (!c.spot) return r.excluded = "no_spot_market", r;
  if (!c.spot_quote.valid() || !c.perp_quote.valid()) return r.excluded = "no_quote", r;
  const int interval = c.interval_hours > 0 ? c.interval_hours : c.perp->funding_interval_hours;
  if (interval <= 0) return r.excluded = "no_funding_interval", r;

  const MarketType leader = choose_leader(*c.spot, *c.perp);
  const Instrument& li = leader == MarketType::Spot ? *c.spot : *c.perp;
  const Instrument& fi = leader == MarketType::Spot ? *c.perp : *c.spot;
  const QuoteSide& fq = leader == MarketType::Spot ? c.perp_quote : c.spot_quote;
  OpenCostInput in;
  in.funding_rate = c.funding_rate;
  in.horizon = horizon_for(p.hold_across_events, p.holding_horizon_hours, p.pre_event_open_minutes, interval);
  in.leader_maker_fee = li.maker_fee.to_double();
  in.follower_taker_fee = fi.taker_fee.to_double();
  // Direction +1: the follower buys when it is spot, sells when it is the perp.
  in.follower_slippage_bps =
      follower_slippage(fq, leader == MarketType::Perp, p.notional_per_symbol, p.depth_penalty_bps);
  in.basis_bps = basis_bps(mid(c.spot_quote), mid(c.perp_quote));
  in.direction = 1;
  r.net_apr = open_economics(in).expected_apr;

  // Volume after the APR: the ranking table shows what a thin market would have paid.
  const auto thin = [&](const std::optional<double>& v) { return v && *v < p.min_quote_volume_24h; };
  if (thin(c.perp_quote_volume_24h) || thin(c.spot_quote_volume_24h)) return r.excluded = "low_volume", r;
  if (c.funding_rate <= 0) return r.excluded = "funding_not_positive", r;
  if (r.net_apr < p.min_rank_apr) r.excluded = "below_min_rank_apr";
  return r;
}

UniverseChoice choose_universe(const std::vector<UniverseCandidate>& candidates,
                               const std::vector<std::string>& current, const std::set<std::string>& pinned,
                               const UniverseParams& p) {
  UniverseChoice out;
  out.ranking.reserve(candidates.size());
  for (const auto& c : candidates) out.ranking.push_back(rank_candidate(c, p));
  std::sort(out.ranking.begin(), out.ranking.end(), [](const RankedCandidate& a, const RankedCandidate& b) {
    const bool ea = a.excluded.empty(), eb = b.excluded.empty();
    if (ea != eb) return ea;
    if (ea && a.net_apr != b.net_apr) return a.net_apr > b.net_apr;
    return a.symbol < b.symbol;
  });

  // Held members first, in their rank order, then those missing from the tickers by name.
  const auto in_current = [&](const std::string& s) {
    return std::find(current.begin(), current.end(), s) != current.end();
  };
  std::set<std::string> placed;
  for (const auto& r : out.ranking)
    if (pinned.contains(r.symbol) && in_current(r.symbol) && placed.insert(r.symbol).second)
      out.members.push_back(r.symbol);
  for (const auto& s : current)
    if (pinned.contains(s) && placed.insert(s).second) out.members.push_back(s);
  for (const auto& r : out.ranking) {
    if (out.members.size() >= p.max_symbols) break;
    if (r.excluded.empty() && placed.insert(r.symbol).second) out.members.push_back(r.symbol);
  }
  for (const auto& s : out.members)
    if (!in_current(s)) out.added.push_back(s);
  for (const auto& s : current)
    if (!placed.contains(s)) out.removed.push_back(s);
  return out;
}

}  // namespace carry::strategy
