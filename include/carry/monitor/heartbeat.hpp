#pragma once
// The `metrics.heartbeat` event (every 30 s): a pure function of plain inputs, so the daemon, the
// paper mode and the backtest build it the same way and tests need no clock or socket.
//
// Definitions (per symbol; base-coin sizes, quote-coin money, mids = (bid + ask) / 2):
//   spot_notional = |spot_position| x spot_mid, perp_notional = |perp_position| x perp_mid
//   notional      = max(spot_notional, perp_notional)            (the hedged size)
//   net_delta     = spot_position + perp_position                (base coin; 0 = fully hedged)
//   net_delta_bps = (spot_position x spot_mid + perp_position x perp_mid) / notional x 1e4
//   basis_bps     = (perp_mid - spot_mid) / spot_mid x 1e4
//   pnl.funding   = funding received (+) or paid (-) so far, pnl.fees = fees paid (+)
//   pnl.basis     = spot_position x (spot_mid - spot_entry) + perp_position x (perp_mid - perp_entry)
//   pnl.net       = funding - fees + basis
// A value whose inputs are missing (no BBO yet, no entry price) is null, never a made-up zero.
#include <carry/core/decimal.hpp>
#include <carry/core/time.hpp>
#include <carry/monitor/metrics_registry.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace carry::monitor {

struct SymbolState {
  std::string symbol;
  Decimal spot_position;  // base coin held
  Decimal perp_position;  // signed: - short
  std::optional<Decimal> spot_bid, spot_ask, perp_bid, perp_ask;
  std::optional<Decimal> spot_entry_price, perp_entry_price;  // average entry of the open position
  std::optional<Decimal> funding_rate;                        // current rate per interval
  std::optional<UnixNanos> next_funding;
  int funding_interval_hours = 0;
  Decimal funding_pnl;  // cumulative, + received
  Decimal fees_paid;    // cumulative, + paid (quote coin)
};

struct HeartbeatInput {
  UnixNanos now;
  std::vector<SymbolState> symbols;
  std::vector<CounterValue> counters;  // e.g. MetricsRegistry::counters() (OMS, store, gateway)
  std::string kill_switch;             // the risk module's state name; "" = not reported
};

struct PnlEstimate {
  Decimal funding, fees;
  std::optional<Decimal> basis, net;
};

struct SymbolHeartbeat {
  std::string symbol;
  Decimal spot_position, perp_position;
  std::optional<Decimal> net_delta;
  std::optional<Decimal> spot_mid, perp_mid, spot_notional, perp_notional, notional;
  std::optional<double> net_delta_bps, basis_bps;
  std::optional<Decimal> funding_rate;
  std::optional<double> funding_apr;  // rate x settlements per year (when the interval is known)
  int funding_interval_hours = 0;     // 0 = not known
  std::optional<UnixNanos> next_funding;
  PnlEstimate pnl;
};

struct Heartbeat {
  UnixNanos ts;
  std::vector<SymbolHeartbeat> symbols;
  std::optional<Decimal> total_notional;  // null if any symbol's notional is unknown
  PnlEstimate total_pnl;
  std::vector<CounterValue> counters;
  std::string kill_switch;
};

Heartbeat build_heartbeat(const HeartbeatInput& input);

// The JSONL fields: decimals as exact strings, times RFC 3339 (ms), counters
// {"<name>": {"period": p, "total": t}}.
nlohmann::json to_json(const Heartbeat& heartbeat);

}  // namespace carry::monitor
