#pragma once
// Knobs of the funding-basis strategy. The first block has the field names of
// config::FundingStrategyConfig (strategy.funding in app.yaml) and is mapped one-to-one; the
// second comes from other config sections (risk.*, exchange.leverage); the third are the
// strategy's own execution knobs with documented defaults (docs/strategy.md).
#include <carry/core/decimal.hpp>
#include <carry/strategy/funding_forecast.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace carry::strategy {

struct FundingBasisParams {
  // ---- strategy.funding (same names as config::FundingStrategyConfig) ----
  std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT"};
  double min_expected_apr = 0.10;     // open when the expected net APR is at least this
  double close_apr = 0.02;            // close when the position's funding APR falls below this
  int pre_event_open_minutes = 60;    // open only this close to a settlement (!hold_across_events)
  bool hold_across_events = true;     // false: open before one settlement, close after it
  double rebalance_band_bps = 50;     // net delta |spot + perp| / (|spot| + |perp|) beyond this
  double basis_stop_bps = 60;         // close when the basis moved this far against the position
  double holding_horizon_hours = 72;  // entry + exit costs are amortised over this
  ForecastParams forecast;            // strategy.funding.forecast.*: the funding entry and exit use
  int close_confirmations = 3;        // a low forecast closes in this many consecutive funding periods
  double adverse_horizon_hours = 0;   // a forecast against the position closes at once only when its
                                      // funding over this many hours costs more than a round trip; 0: at once
  Decimal notional_per_symbol = Decimal::from_units(1000);  // quote coin per leg
  int hedge_timeout_s = 30;                                 // legs apart beyond the bound this long -> Reducing
  std::string client_oid_prefix = "cry";
  int chase_interval_ms = 2000;  // (used by the OMS chaser; kept for the mapping)
  int chase_max_amends = 10;
  double chase_max_distance_bps = 20;

  // ---- from risk.* and exchange.* (0 = no limit) ----
  Decimal max_order_notional = Decimal::from_units(2000);
  Decimal max_symbol_notional = Decimal::from_units(10000);  // one leg
  Decimal max_total_notional = Decimal::from_units(20000);   // every leg of every symbol
  int leverage = 2;                                          // perp margin needed = notional / leverage
  // Spot inventory the strategy may sell: false = only what its own fills bought (the wallet's
  // other coins are foreign, never sold); true = the whole wallet (strategy.funding.adopt_foreign_positions).
  bool adopt_foreign_positions = false;

  // ---- execution (strategy only) ----
  int eval_interval_s = 10;         // evaluate each symbol this often (and on material change)
  int decision_log_interval_s = 0;  // > 0: repeat an unchanged HOLD in the log this often;
                                    // 0: a HOLD is logged only when its reason changes
  int leader_timeout_s = 120;       // an unfinished leader is canceled (open) or replaced by a
                                    // taker (close) after this long
  // The leader takes (IOC at the touch) instead of resting post-only. The backtest sets it on
  // candles: a maker fill somewhere inside a bar can only be hedged at the bar's close, an
  // hour's leg risk that a live hedge (milliseconds later) does not carry.
  bool leader_taker = false;
  int leader_requote_ms = 6000;        // leader gone (e.g. post-only rejected) this long: re-place;
                                       // above the OMS ack timeout so a slow amend replacement
                                       // shows up first
  int order_expiry_s = 60;             // a taker order, or a leader being canceled, with no final
                                       // update this long is no longer counted as in flight
                                       // (its fills, if any, still move the position)
  int reopen_cooldown_s = 900;         // no OPEN this long after a CLOSE (no stop/reopen ping-pong)
  int follower_retry_ms = 1000;        // an unhedged gap with no taker order in flight: retry
  double taker_max_slippage_bps = 10;  // IOC limit = touch +/- this (crossing allowance)
  double depth_penalty_bps = 5;        // assumed extra cost of the part beyond top-of-book size
  int market_data_stale_s = 0;         // BBO older than this blocks OPEN, and a taker order on
                                       // that leg waits for a fresher one; 0 = no check here
};

}  // namespace carry::strategy
