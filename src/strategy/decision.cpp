#include <carry/strategy/decision.hpp>

namespace carry::strategy {

std::string_view to_string(DecisionKind kind) noexcept {
  switch (kind) {
    case DecisionKind::Open:
      return "OPEN";
    case DecisionKind::Close:
      return "CLOSE";
    case DecisionKind::Rebalance:
      return "REBALANCE";
    case DecisionKind::Hold:
      return "HOLD";
  }
  return "?";
}

nlohmann::json decision_numbers(const Decision& d) {
  nlohmann::json j = {
      {"funding_rate", d.funding_rate},
      {"interval_hours", d.interval_hours},
      {"next_settlement", d.next_settlement.ns > 0 ? d.next_settlement.to_rfc3339() : std::string()},
      {"direction", d.direction},
      {"forecast_rate", d.forecast_rate},
      {"ewma_rate", d.ewma_rate},
      {"forecast_weight", d.forecast_weight},
      {"settlements_seen", d.settlements_seen},
      {"close_confirmations", d.close_confirmations},
      {"spot_mid", d.spot_mid},
      {"perp_mid", d.perp_mid},
      {"basis_bps", d.basis_bps},
      {"entry_basis_bps", d.entry_basis_bps},
      {"horizon_hours", d.horizon_hours},
      {"funding_bps", d.funding_bps},
      {"fees_bps", d.fees_bps},
      {"slippage_bps", d.slippage_bps},
      {"basis_cost_bps", d.basis_cost_bps},
      {"expected_apr", d.expected_apr},
      {"spot_position", d.spot_position.to_string()},
      {"perp_position", d.perp_position.to_string()},
      {"target_spot", d.target_spot.to_string()},
      {"target_perp", d.target_perp.to_string()},
      {"net_delta_bps", d.net_delta_bps},
  };
  if (!d.limited_by.empty()) j["limited_by"] = d.limited_by;
  return j;
}

nlohmann::json to_json(const Decision& d) {
  nlohmann::json j = decision_numbers(d);
  j["kind"] = std::string(to_string(d.kind));
  j["symbol"] = d.symbol;
  j["reason"] = d.reason;
  j["decision_ts"] = d.ts.to_rfc3339_ms();
  return j;
}

}  // namespace carry::strategy
