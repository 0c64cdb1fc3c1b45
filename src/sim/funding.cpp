#include "funding.hpp"

#include <algorithm>

namespace carry::sim {

FundingSchedule::FundingSchedule(FundingConfig config, std::int64_t start_ms)
    : config_(std::move(config)), start_ms_(start_ms) {
  std::stable_sort(config_.schedule.begin(), config_.schedule.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

Decimal FundingSchedule::rate_at(const std::string& symbol, std::int64_t now_ms) const {
  if (auto it = override_symbol_.find(symbol); it != override_symbol_.end()) return it->second;
  if (override_all_) return *override_all_;
  const std::int64_t offset = now_ms - start_ms_;
  std::optional<Decimal> scheduled;
  for (const auto& [at, rate] : config_.schedule)
    if (at <= offset) scheduled = rate;
  if (scheduled) return *scheduled;
  if (auto it = config_.symbol_rate.find(symbol); it != config_.symbol_rate.end()) return it->second;
  return config_.rate;
}

std::int64_t FundingSchedule::next_settlement_after(std::int64_t now_ms) const {
  const auto iv = config_.interval_ms;
  return (now_ms / iv + 1) * iv;
}

void FundingSchedule::set_override(const std::string& symbol_or_empty, Decimal rate) {
  if (symbol_or_empty.empty()) {
    override_all_ = rate;
    override_symbol_.clear();
  } else {
    override_symbol_[symbol_or_empty] = rate;
  }
}

void FundingSchedule::clear_overrides() {
  override_all_.reset();
  override_symbol_.clear();
}

Decimal funding_amount(Decimal rate, Decimal signed_size, Decimal mark_price) {
  // Notional first: size x price is exact at 9 decimals, rate x size might not be.
  return -(rate * (signed_size * mark_price));
}

}  // namespace carry::sim
