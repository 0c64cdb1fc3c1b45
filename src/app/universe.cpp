#include <carry/app/universe.hpp>

#include <algorithm>

namespace carry::app {

strategy::UniverseParams make_universe_params(const config::Config& c) {
  const auto& f = c.strategy.funding;
  const engine::EngineSetup setup = engine::make_engine_setup(c);  // the entry's own cost knobs, one mapping
  strategy::UniverseParams p;
  p.max_symbols = static_cast<std::size_t>(f.universe.max_symbols);
  p.min_quote_volume_24h = f.universe.min_quote_volume_24h;
  p.min_rank_apr = f.universe.min_rank_apr;
  p.holding_horizon_hours = setup.strategy.holding_horizon_hours;
  p.hold_across_events = setup.strategy.hold_across_events;
  p.pre_event_open_minutes = setup.strategy.pre_event_open_minutes;
  p.depth_penalty_bps = setup.strategy.depth_penalty_bps;
  p.notional_per_symbol = setup.strategy.notional_per_symbol;
  return p;
}

std::set<std::string> pinned_symbols(const engine::Engine& engine) {
  std::set<std::string> out;
  for (const auto& s : engine.symbols())
    if (!engine.strategy().idle(s)) out.insert(s);
  return out;
}

UniverseApplied apply_universe(engine::Engine& engine, const strategy::UniverseChoice& choice) {
  UniverseApplied a;
  for (const auto& s : choice.removed)
    if (engine.remove_symbol(s)) a.removed.push_back(s);
  for (const auto& s : choice.added)
    if (engine.add_symbol(s)) a.added.push_back(s);
  return a;
}

nlohmann::json universe_fields(const strategy::UniverseChoice& choice, const UniverseApplied& applied,
                               std::size_t top) {
  nlohmann::json ranked = nlohmann::json::array();
  std::size_t eligible = 0;
  for (const auto& r : choice.ranking) {
    eligible += r.excluded.empty();
    if (ranked.size() < top)
      ranked.push_back({{"symbol", r.symbol}, {"net_apr", r.net_apr}, {"excluded", std::string(r.excluded)}});
  }
  return {{"members", choice.members},           {"added", applied.added}, {"removed", applied.removed},
          {"candidates", choice.ranking.size()}, {"eligible", eligible},   {"top", std::move(ranked)}};
}

void SettledHistory::add(const std::string& symbol, double rate, int interval_hours) {
  Entry& e = by_symbol_[symbol];
  e.rates.push_back(rate);
  if (e.rates.size() > keep_) e.rates.pop_front();
  if (interval_hours > 0) e.interval_hours = interval_hours;
}

std::vector<double> SettledHistory::rates(const std::string& symbol) const {
  const auto it = by_symbol_.find(symbol);
  return it == by_symbol_.end() ? std::vector<double>{}
                                : std::vector<double>(it->second.rates.begin(), it->second.rates.end());
}

int SettledHistory::interval_hours(const std::string& symbol) const {
  const auto it = by_symbol_.find(symbol);
  return it == by_symbol_.end() ? 0 : it->second.interval_hours;
}

}  // namespace carry::app
