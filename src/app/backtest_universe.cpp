#include "backtest_universe.hpp"

#include <algorithm>

namespace carry::app {

BacktestUniverse::BacktestUniverse(const config::Config& c, UnixNanos start)
    : params_(make_universe_params(c)),
      forecast_(engine::make_engine_setup(c).strategy.forecast),
      every_(c.strategy.funding.universe.refresh_s),
      next_(start) {}

BacktestUniverse::Symbol& BacktestUniverse::symbol(std::string_view name) {
  for (auto& s : symbols_)
    if (s.name == name) return s;
  Symbol& s = symbols_.emplace_back();
  s.name = std::string(name);
  return s;
}

void BacktestUniverse::add_instrument(const Instrument& i) {
  (i.market == MarketType::Spot ? symbol(i.symbol).spot : symbol(i.symbol).perp) = i;
}

void BacktestUniverse::observe(const MarketEvent& ev) {
  if (const auto* b = std::get_if<Bbo>(&ev)) {
    Symbol& s = symbol(b->symbol);
    (b->market == MarketType::Spot ? s.spot_quote : s.perp_quote) =
        strategy::QuoteSide{b->bid_price, b->bid_size, b->ask_price, b->ask_size};
  } else if (const auto* f = std::get_if<FundingRateUpdate>(&ev)) {
    symbol(f->symbol).funding = *f;
  }
}

void BacktestUniverse::settled(const backtest::FundingSettlement& s) {
  history_.add(s.symbol, s.rate.to_double(), s.interval_hours);
}

strategy::UniverseCandidate BacktestUniverse::candidate(const Symbol& s, const engine::Engine& engine) const {
  strategy::UniverseCandidate c;
  c.symbol = s.name;
  c.spot = s.spot;
  c.perp = s.perp;
  c.spot_quote = s.spot_quote;
  c.perp_quote = s.perp_quote;
  if (s.funding) {
    c.interval_hours =
        s.funding->interval_hours > 0 ? s.funding->interval_hours : (s.perp ? s.perp->funding_interval_hours : 0);
    const double current = s.funding->rate.to_double();
    const auto members = engine.symbols();
    if (std::find(members.begin(), members.end(), s.name) != members.end()) {
      c.funding_rate = engine.strategy().forecast_rate(s.name, current, c.interval_hours);
    } else {
      strategy::SettledFunding learned;
      for (double r : history_.rates(s.name)) learned.add(r, c.interval_hours, forecast_.ewma_halflife_settlements);
      c.funding_rate = strategy::forecast_funding(current, c.interval_hours, learned, forecast_).rate;
    }
  }
  // Candle files carry no 24 h turnover this runner reads: volume is not a filter here.
  return c;
}

void BacktestUniverse::refresh(UnixNanos t, engine::Engine& engine, EventSink& events) {
  while (next_ <= t) next_ = next_ + every_;
  std::vector<strategy::UniverseCandidate> cs;
  cs.reserve(symbols_.size());
  for (const auto& s : symbols_) cs.push_back(candidate(s, engine));
  const auto choice = strategy::choose_universe(cs, engine.symbols(), pinned_symbols(engine), params_);
  const UniverseApplied applied = apply_universe(engine, choice);
  for (const auto& name : applied.added) {
    const Symbol& s = symbol(name);
    if (s.spot) engine.add_instrument(*s.spot);
    if (s.perp) engine.add_instrument(*s.perp);
    engine.strategy().seed_settled_funding(name, history_.rates(name), history_.interval_hours(name));
    if (s.funding) engine.on_market(*s.funding);
    if (std::find(ever_.begin(), ever_.end(), name) == ever_.end()) ever_.push_back(name);
  }
  if (applied.added.empty() && applied.removed.empty()) return;
  ++changes_;
  events.info("universe.refresh", universe_fields(choice, applied));
}

}  // namespace carry::app
