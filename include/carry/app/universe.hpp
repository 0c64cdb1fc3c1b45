#pragma once
// symbols: auto, the part every mode shares: the ranking's parameters from the config, the set
// change applied to the engine, and the `universe.refresh` event's fields. The daemon feeds the
// ranking from the venue's tickers (runtime_universe.cpp), the backtest from the replay
// (backtest_universe.cpp).
#include <carry/config/config.hpp>
#include <carry/engine/engine.hpp>
#include <carry/strategy/universe.hpp>

#include <nlohmann/json.hpp>

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace carry::app {

strategy::UniverseParams make_universe_params(const config::Config& config);

// Symbols holding anything (a position, an order, a program): they keep their place in the set.
std::set<std::string> pinned_symbols(const engine::Engine& engine);

struct UniverseApplied {
  std::vector<std::string> added, removed;  // what the engine actually took
};
// Removes the choice's leavers (an idle one only: the engine refuses the others) and adds its
// newcomers. The caller then hands the newcomers' instruments, funding and history to the engine.
UniverseApplied apply_universe(engine::Engine& engine, const strategy::UniverseChoice& choice);

// {"members", "added", "removed", "candidates", "eligible", "top": [{"symbol","net_apr","excluded"}...]}
nlohmann::json universe_fields(const strategy::UniverseChoice& choice, const UniverseApplied& applied,
                               std::size_t top = 5);

// The last settled rates per symbol, oldest first (what the venue's history gives the daemon at
// an add), so an added symbol's forecast starts from its own recent past in every mode.
class SettledHistory {
 public:
  explicit SettledHistory(std::size_t keep = 30) : keep_(keep) {}
  void add(const std::string& symbol, double rate, int interval_hours);
  std::vector<double> rates(const std::string& symbol) const;
  int interval_hours(const std::string& symbol) const;

 private:
  struct Entry {
    std::deque<double> rates;
    int interval_hours = 0;
  };
  std::size_t keep_;
  std::map<std::string, Entry, std::less<>> by_symbol_;
};

}  // namespace carry::app
