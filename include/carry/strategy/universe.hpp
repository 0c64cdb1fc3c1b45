#pragma once
// `strategy.funding.symbols: auto`: which of the venue's USDT perps with a spot market Carry holds.
// Pure and deterministic: the daemon feeds it the venue's tickers (two calls for every candidate),
// the backtest the replay's latest quotes and funding; both apply the answer the same way.
// docs/strategy.md ("Universe") has the rules and a worked example.
#include <carry/core/decimal.hpp>
#include <carry/core/types.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace carry::strategy {

struct UniverseParams {
  std::size_t max_symbols = 3;
  double min_quote_volume_24h = 0;  // on the perp and on the spot market
  double min_rank_apr = 0.10;
  // The entry's own economics (FundingBasisParams): the same costs rank a candidate.
  double holding_horizon_hours = 720;
  bool hold_across_events = true;
  int pre_event_open_minutes = 60;
  double depth_penalty_bps = 5;
  Decimal notional_per_symbol = Decimal::from_units(1000);
};

struct QuoteSide {
  Decimal bid, bid_size, ask, ask_size;
  bool valid() const noexcept { return bid.is_positive() && ask >= bid; }
};

struct UniverseCandidate {
  std::string symbol;
  std::optional<Instrument> spot, perp;  // the instruments (fees, interval); no spot: not a carry
  QuoteSide spot_quote, perp_quote;
  double funding_rate = 0;  // forecast per settlement (the strategy's blend when known)
  int interval_hours = 0;   // 0: the perp instrument's
  std::optional<double> perp_quote_volume_24h, spot_quote_volume_24h;  // unknown: not a filter
};

struct RankedCandidate {
  std::string symbol;
  double net_apr = 0;         // forecast net APR of an open now (after fees, spread, depth, basis)
  std::string_view excluded;  // "" = eligible; else why not (no_spot_market, no_quote, ...)
};

struct UniverseChoice {
  std::vector<std::string> members;  // the new set, best rank first (held ones first)
  std::vector<std::string> added, removed;
  std::vector<RankedCandidate> ranking;  // every candidate, eligible best first, then excluded by name
};

// Net APR of opening the carry on one candidate (direction +1 only: `auto` buys spot, it never
// sells inventory it was not given). The leader leg quotes as maker, the follower pays taker fee
// and half the spread, plus the depth penalty for the part of notional_per_symbol beyond its touch.
RankedCandidate rank_candidate(const UniverseCandidate& c, const UniverseParams& p);

// The new set: every member in `pinned` (a position or an order: it leaves only by its own close
// rule) stays; the free places, up to max_symbols, go to the best eligible candidates at or above
// min_rank_apr (ties: by name). A current member that is neither pinned nor chosen is removed.
UniverseChoice choose_universe(const std::vector<UniverseCandidate>& candidates,
                               const std::vector<std::string>& current, const std::set<std::string>& pinned,
                               const UniverseParams& p);

}  // namespace carry::strategy
