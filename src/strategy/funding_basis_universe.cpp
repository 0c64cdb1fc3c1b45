// FundingBasis: the symbol set changing at run time (symbols: auto).
#include <carry/strategy/funding_basis.hpp>

#include <algorithm>

namespace carry::strategy {

bool FundingBasis::add_symbol(std::string_view symbol) {
  if (deferring_ || symbol.empty() || find(symbol) != nullptr) return false;
  auto& st = states_.emplace_back();
  st.symbol = std::string(symbol);
  return true;
}

bool FundingBasis::idle(std::string_view symbol) const {
  const SymbolState* st = find(symbol);
  return st != nullptr && st->mode == SymbolMode::Flat && st->prog.kind == ProgramKind::None && st->flat() &&
         book_.working_count(*st) == 0;
}

bool FundingBasis::remove_symbol(std::string_view symbol) {
  // Erasing from the deque moves other states: never while an instant holds pointers to them.
  if (deferring_ || !idle(symbol)) return false;
  const SymbolState* st = find(symbol);
  const auto it = std::find_if(states_.begin(), states_.end(), [&](const SymbolState& s) { return &s == st; });
  states_.erase(it);
  return true;
}

std::vector<std::string> FundingBasis::symbols() const {
  std::vector<std::string> out;
  out.reserve(states_.size());
  for (const auto& st : states_) out.push_back(st.symbol);
  return out;
}

double FundingBasis::forecast_rate(std::string_view symbol, double current_rate, int interval_hours) const {
  const SymbolState* st = find(symbol);
  if (st == nullptr) return current_rate;
  return forecast_funding(current_rate, interval_hours, st->settled, params_.forecast).rate;
}

}  // namespace carry::strategy
