#pragma once
// One evaluation of one symbol: what the strategy decided, with every number it used and why.
// Emitted as `strategy.decision` through EventSink and returned to the caller so the store can
// write it to the `decisions` table (store::DecisionRecord{ts, symbol, kind, reason, numbers}).
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace carry::strategy {

enum class DecisionKind : std::uint8_t { Open, Close, Rebalance, Hold };
std::string_view to_string(DecisionKind kind) noexcept;  // "OPEN", "CLOSE", "REBALANCE", "HOLD"

struct Decision {
  DecisionKind kind = DecisionKind::Hold;
  std::string symbol;
  UnixNanos ts;
  std::string reason;  // machine-readable snake_case, e.g. "apr_below_min", "basis_stop"

  // Funding state
  double funding_rate = 0;  // fraction per interval
  int interval_hours = 0;
  UnixNanos next_settlement;
  int direction = 0;  // +1: long spot / short perp, -1: short spot / long perp, 0: none
  // Forecast per settlement (docs/strategy.md): weight x funding_rate + (1 - weight) x ewma_rate
  double forecast_rate = 0;     // what entry and exit use
  double ewma_rate = 0;         // mean of settled rates in this interval's terms (0: none known)
  double forecast_weight = 1;   // weight of the current rate (1 until min_history settlements)
  int settlements_seen = 0;     // settled rates learned for this symbol
  int close_confirmations = 0;  // consecutive funding periods with the forecast below close_apr

  // Market
  double spot_mid = 0, perp_mid = 0;
  double basis_bps = 0;        // (perp mid - spot mid) / spot mid
  double entry_basis_bps = 0;  // basis at which the open position was entered (0 when flat)

  // Economics (bps of the notional over the holding horizon, see docs/strategy.md)
  double horizon_hours = 0;
  double funding_bps = 0;     // expected funding income over the horizon
  double fees_bps = 0;        // entry + exit fees
  double slippage_bps = 0;    // entry + exit slippage of the taker leg
  double basis_cost_bps = 0;  // adverse basis locked in at entry
  double expected_apr = 0;    // OPEN: net return annualised; open position: funding APR

  // Positions and targets (base coin, signed: + long, - short)
  Decimal spot_position, perp_position;
  Decimal target_spot, target_perp;
  double net_delta_bps = 0;  // |spot + perp| / (|spot| + |perp|)
  std::string limited_by;    // which limit sized the target (OPEN), "" otherwise
};

// Everything but ts/symbol/kind/reason: the `numbers` column of the decisions table.
nlohmann::json decision_numbers(const Decision& d);
// The full record (the `strategy.decision` event's fields).
nlohmann::json to_json(const Decision& d);

}  // namespace carry::strategy
