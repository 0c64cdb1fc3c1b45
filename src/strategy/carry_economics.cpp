#include <carry/strategy/carry_economics.hpp>

#include <algorithm>
#include <cmath>

namespace carry::strategy {

double basis_bps(Decimal spot_mid, Decimal perp_mid) noexcept {
  if (!spot_mid.is_positive()) return 0.0;
  return (perp_mid.to_double() - spot_mid.to_double()) / spot_mid.to_double() * 1e4;
}

double slippage_bps(Decimal bid, Decimal ask, Decimal top_size, Decimal size, double depth_penalty_bps) noexcept {
  const double b = bid.to_double(), a = ask.to_double();
  const double mid = (a + b) / 2.0;
  if (mid <= 0.0 || a < b) return 0.0;
  const double half_spread = (a - b) / 2.0 / mid * 1e4;
  if (!size.is_positive() || top_size >= size) return half_spread;
  const double beyond = 1.0 - std::max(0.0, top_size.to_double()) / size.to_double();
  return half_spread + beyond * depth_penalty_bps;
}

Horizon horizon_for(bool hold_across_events, double holding_horizon_hours, int pre_event_open_minutes,
                    int interval_hours) noexcept {
  if (interval_hours <= 0) return {};
  if (hold_across_events) return {holding_horizon_hours, holding_horizon_hours / interval_hours};
  // One event: opened inside the pre-event window, closed right after the settlement.
  return {std::max(pre_event_open_minutes, 1) / 60.0, 1.0};
}

OpenEconomics open_economics(const OpenCostInput& in) noexcept {
  OpenEconomics e;
  e.funding_bps = in.direction * in.funding_rate * in.horizon.settlements * 1e4;
  e.fees_bps = 2.0 * (in.leader_maker_fee + in.follower_taker_fee) * 1e4;
  e.slippage_bps = 2.0 * in.follower_slippage_bps;
  e.basis_cost_bps = std::max(0.0, -in.direction * in.basis_bps);
  e.net_bps = e.funding_bps - e.fees_bps - e.slippage_bps - e.basis_cost_bps;
  e.expected_apr = in.horizon.hours > 0 ? e.net_bps / 1e4 * kHoursPerYear / in.horizon.hours : 0.0;
  return e;
}

double hold_apr(double funding_rate, int interval_hours, int position_direction) noexcept {
  if (interval_hours <= 0) return 0.0;
  return position_direction * funding_rate * kHoursPerYear / interval_hours;
}

MarketType choose_leader(const Instrument& spot, const Instrument& perp) noexcept {
  const Decimal spot_gap = spot.taker_fee - spot.maker_fee;
  const Decimal perp_gap = perp.taker_fee - perp.maker_fee;
  return spot_gap > perp_gap ? MarketType::Spot : MarketType::Perp;
}

double round_trip_bps(const Instrument& spot, const Instrument& perp, Touch spot_touch, Touch perp_touch,
                      bool leader_taker) noexcept {
  const bool spot_leads = choose_leader(spot, perp) == MarketType::Spot;
  const Instrument& li = spot_leads ? spot : perp;
  const Instrument& fi = spot_leads ? perp : spot;
  const Touch& lq = spot_leads ? spot_touch : perp_touch;
  const Touch& fq = spot_leads ? perp_touch : spot_touch;
  double one_way = fi.taker_fee.to_double() * 1e4 + slippage_bps(fq.bid, fq.ask, Decimal{}, Decimal{}, 0);
  if (leader_taker)
    one_way += li.taker_fee.to_double() * 1e4 + slippage_bps(lq.bid, lq.ask, Decimal{}, Decimal{}, 0);
  else
    one_way += li.maker_fee.to_double() * 1e4;
  return 2.0 * one_way;
}

}  // namespace carry::strategy
