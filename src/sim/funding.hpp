#pragma once
// Funding: which rate applies when, when settlements happen, and what a settlement pays.
// Settlements fall on multiples of the interval since the Unix epoch (8 h -> 00/08/16 UTC, as
// Bitget's BTCUSDT); an accelerated interval (e.g. 60 s) keeps the same rule.
#include <carry/core/decimal.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace carry::sim {

struct FundingConfig {
  std::int64_t interval_ms = 8LL * 3600 * 1000;
  int reported_interval_hours = 8;            // what contracts / current-fund-rate advertise
  Decimal rate = Decimal::from_raw(100'000);  // 0.0001
  // [offset from simulator start, rate]: from that offset on, the rate applies to every symbol.
  std::vector<std::pair<std::int64_t, Decimal>> schedule;
  std::map<std::string, Decimal> symbol_rate;        // base rate per symbol (wins over `rate`)
  Decimal min_rate = Decimal::from_raw(-3'000'000);  // -0.003
  Decimal max_rate = Decimal::from_raw(3'000'000);
};

class FundingSchedule {
 public:
  FundingSchedule(FundingConfig config, std::int64_t start_ms);

  // Precedence: run-time override (symbol, then all) > schedule > per-symbol rate > base rate.
  Decimal rate_at(const std::string& symbol, std::int64_t now_ms) const;
  // First settlement time strictly after now.
  std::int64_t next_settlement_after(std::int64_t now_ms) const;
  void set_override(const std::string& symbol_or_empty, Decimal rate);
  void clear_overrides();
  const FundingConfig& config() const { return config_; }

 private:
  FundingConfig config_;
  std::int64_t start_ms_;
  std::optional<Decimal> override_all_;
  std::map<std::string, Decimal> override_symbol_;
};

// What a position receives (positive) or pays (negative) at a settlement:
// -rate x signed size (long > 0, short < 0) x mark price. Positive rate: longs pay shorts.
Decimal funding_amount(Decimal rate, Decimal signed_size, Decimal mark_price);

}  // namespace carry::sim
