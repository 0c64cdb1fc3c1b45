#pragma once
// Pure arithmetic of a cash-and-carry trade: basis, slippage estimate, expected net APR of an
// open, funding APR of a held position. doubles on purpose: analytics, never order sizes/prices.
#include <carry/core/decimal.hpp>
#include <carry/core/types.hpp>

namespace carry::strategy {

inline constexpr double kHoursPerYear = 8760.0;  // 365 days

// (perp mid - spot mid) / spot mid in bps. 0 when spot_mid is not positive.
double basis_bps(Decimal spot_mid, Decimal perp_mid) noexcept;

// Expected cost of taking `size` against the touch, in bps of mid: half the spread for what the
// top of book holds, plus `depth_penalty_bps` (an assumption: the book beyond the touch is not
// observed) for the fraction beyond it.
double slippage_bps(Decimal bid, Decimal ask, Decimal top_size, Decimal size, double depth_penalty_bps) noexcept;

// How long capital is tied up and how many settlements it collects.
struct Horizon {
  double hours = 0;
  double settlements = 0;
};
// hold_across_events: holding_horizon_hours and holding_horizon_hours / interval settlements.
// Otherwise one settlement over the pre-event window (open within it, close right after).
Horizon horizon_for(bool hold_across_events, double holding_horizon_hours, int pre_event_open_minutes,
                    int interval_hours) noexcept;

struct OpenCostInput {
  double funding_rate = 0;  // fraction per interval
  Horizon horizon;
  double leader_maker_fee = 0;       // fraction
  double follower_taker_fee = 0;     // fraction
  double follower_slippage_bps = 0;  // one way
  double basis_bps = 0;              // now
  int direction = 0;                 // +1 long spot / short perp, -1 the mirror
};

struct OpenEconomics {
  double funding_bps = 0;     // |rate| x settlements
  double fees_bps = 0;        // 2 x (maker + taker): entry and exit, leader maker + follower taker
  double slippage_bps = 0;    // 2 x follower slippage
  double basis_cost_bps = 0;  // max(0, -direction x basis): adverse basis locked in
  double net_bps = 0;
  double expected_apr = 0;  // net / horizon, annualised (fraction per year)
};
OpenEconomics open_economics(const OpenCostInput& in) noexcept;

// Funding yield of a held position, annualised: position_direction x rate x 8760 / interval.
// Entry and exit costs are sunk or unavoidable, so they do not enter a hold/close decision.
double hold_apr(double funding_rate, int interval_hours, int position_direction) noexcept;

// The leg with the larger taker-maker fee gap leads as maker (it saves the most); tie: perp.
MarketType choose_leader(const Instrument& spot, const Instrument& perp) noexcept;

// Fees and slippage of a round trip (close now, open again later, or the reverse), in bps of the
// notional, as open_economics counts them: the leader's maker fee (its taker fee and half spread
// when leader_taker), the follower's taker fee and half spread, both ways.
struct Touch {
  Decimal bid, ask;
};
double round_trip_bps(const Instrument& spot, const Instrument& perp, Touch spot_touch, Touch perp_touch,
                      bool leader_taker) noexcept;

}  // namespace carry::strategy
