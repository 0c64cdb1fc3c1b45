#pragma once
// symbols: auto in a backtest: the replay's latest quotes, funding and settlements of every symbol
// in the data folder stand in for the venue's tickers; every universe.refresh_s of replay time the
// same ranking as live chooses the set and the engine takes it (app/universe.hpp).
#include <carry/app/universe.hpp>
#include <carry/backtest/replay.hpp>
#include <carry/core/event_sink.hpp>

#include <optional>
#include <string>
#include <vector>

namespace carry::app {

class BacktestUniverse {
 public:
  BacktestUniverse(const config::Config& config, UnixNanos start);
  void add_instrument(const Instrument& instrument);
  // Every market event of the replay (cheap: the latest quote and rate per symbol).
  void observe(const MarketEvent& event);
  void settled(const backtest::FundingSettlement& settlement);
  bool due(UnixNanos t) const noexcept { return t >= next_; }
  // Between instants only (the strategy refuses set changes inside one). Logs `universe.refresh`
  // when the set changes.
  void refresh(UnixNanos t, engine::Engine& engine, EventSink& events);
  std::size_t changes() const noexcept { return changes_; }
  const std::vector<std::string>& ever_held() const noexcept { return ever_; }

 private:
  struct Symbol {
    std::string name;
    std::optional<Instrument> spot, perp;
    strategy::QuoteSide spot_quote, perp_quote;
    std::optional<FundingRateUpdate> funding;
  };
  Symbol& symbol(std::string_view name);
  strategy::UniverseCandidate candidate(const Symbol& s, const engine::Engine& engine) const;

  strategy::UniverseParams params_;
  strategy::ForecastParams forecast_;
  std::chrono::seconds every_;
  UnixNanos next_;
  std::vector<Symbol> symbols_;  // a few per data folder: found by a linear scan
  SettledHistory history_;
  std::size_t changes_ = 0;
  std::vector<std::string> ever_;  // every symbol the set has held, in order of first entry
};

}  // namespace carry::app
