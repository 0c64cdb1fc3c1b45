// symbols: auto in the daemon: the venue's tickers (two requests for every candidate) ranked every
// universe.refresh_s; symbols join with their instruments, streams, account set-up, funding and
// forecast history, and leave (streams dropped) only when the strategy holds nothing there.
#include "runtime.hpp"

#include "account_setup_runner.hpp"

#include <carry/app/universe.hpp>
#include <carry/bitget/io/gateway.hpp>
#include <carry/paper/exchange.hpp>
#include <carry/store/store.hpp>

#include <chrono>
#include <unordered_map>

namespace carry::app {
namespace asio = boost::asio;

namespace {

strategy::QuoteSide quote_of(const Bbo& b) { return {b.bid_price, b.bid_size, b.ask_price, b.ask_size}; }

std::optional<double> volume_of(const bitget::Ticker& t) {
  if (!t.quote_volume_24h) return std::nullopt;
  return t.quote_volume_24h->to_double();
}

}  // namespace

std::vector<std::string> Runtime::tracked_symbols() const {
  std::vector<std::string> out;
  out.reserve(track_.size());
  for (const auto& [symbol, t] : track_) out.push_back(symbol);
  return out;
}

void Runtime::catalog_instrument(const Instrument& inst) {
  auto& entry = catalog_[inst.symbol];
  (inst.market == MarketType::Spot ? entry.spot : entry.perp) = inst;
}

// Symbols the store says Carry holds or has orders on: they join the set before reconciliation,
// whatever the ranking says, and leave only by their own close rule.
asio::awaitable<void> Runtime::join_held_symbols() {
  std::map<std::string, std::pair<Decimal, Decimal>, std::less<>> net;  // symbol -> spot, perp
  auto fills = co_await store_->fills_since(UnixNanos{0});
  if (fills) {
    for (const auto& r : *fills) {
      if (!ids_->owns(r.fill.client_oid)) continue;
      auto& [spot, perp] = net[r.fill.symbol];
      (r.fill.market == MarketType::Spot ? spot : perp) += r.fill.side == Side::Buy ? r.fill.size : -r.fill.size;
    }
  }
  std::set<std::string> held;
  for (const auto& [symbol, legs] : net)
    if (!legs.first.is_zero() || !legs.second.is_zero()) held.insert(symbol);
  auto open = co_await store_->open_orders();
  if (open)
    for (const auto& o : *open) held.insert(o.symbol);
  for (const auto& s : held) join_symbol(s, "held_at_start");
}

// Synchronous part of a join: engine, paper venue, streams. The awaited part (account set-up,
// funding, forecast history) follows in prepare_symbol.
bool Runtime::join_symbol(const std::string& symbol, std::string_view why) {
  if (track_.contains(symbol) || !engine_->add_symbol(symbol)) return false;
  track_[symbol];
  const auto it = catalog_.find(symbol);
  for (MarketType m : {MarketType::Spot, MarketType::Perp}) {
    const auto* inst = it == catalog_.end() ? nullptr : (m == MarketType::Spot ? &it->second.spot : &it->second.perp);
    if (inst && *inst) {
      instruments_known_.insert(std::string(to_string(m)) + ":" + symbol);
      if (paper_) paper_->add_instrument(**inst);
      engine_->add_instrument(**inst);
    }
  }
  gw_->subscribe_ticker(symbol, MarketType::Perp);
  gw_->subscribe_books1(symbol, MarketType::Spot);
  gw_->subscribe_books1(symbol, MarketType::Perp);
  log_.info("universe.join", {{"symbol", symbol}, {"why", std::string(why)}});
  return true;
}

void Runtime::leave_symbol(const std::string& symbol) {
  gw_->unsubscribe(symbol, MarketType::Perp, "ticker");
  gw_->unsubscribe(symbol, MarketType::Spot, "books1");
  gw_->unsubscribe(symbol, MarketType::Perp, "books1");
  track_.erase(symbol);
  forecast_seeded_.erase(symbol);
  log_.info("universe.leave", {{"symbol", symbol}});
}

asio::awaitable<void> Runtime::prepare_symbol(std::string symbol) {
  if (keys_) {
    SetupSleep wait = [this](std::chrono::milliseconds d) { return sleep(universe_timer_, d); };
    const std::vector<std::string> one{symbol};
    auto wanted = account_setup::wanted_from(cfg_.exchange, one);
    const auto r = co_await run_account_setup(*gw_, std::move(wanted), log_, std::move(wait));
    if (r == AccountSetupResult::Refused) {
      // Not as the strategy assumes: never trade it. It stays flat and leaves at the next refresh.
      log_.error("universe.setup_refused", {{"symbol", symbol}});
      engine_->remove_symbol(symbol);
      if (!engine_->strategy().view(symbol)) leave_symbol(symbol);
      co_return;
    }
  }
  co_await refresh_funding_of(symbol);
}

std::vector<strategy::UniverseCandidate> Runtime::universe_candidates(const std::vector<bitget::Ticker>& perps,
                                                                      const std::vector<bitget::Ticker>& spots) const {
  std::unordered_map<std::string_view, const bitget::Ticker*> spot_by;
  spot_by.reserve(spots.size());
  for (const auto& t : spots) spot_by.emplace(t.bbo.symbol, &t);
  std::vector<strategy::UniverseCandidate> out;
  out.reserve(perps.size());
  for (const auto& t : perps) {
    const auto it = catalog_.find(t.bbo.symbol);
    if (it == catalog_.end() || !it->second.perp || it->second.perp->quote_coin != "USDT") continue;
    strategy::UniverseCandidate& c = out.emplace_back();
    c.symbol = t.bbo.symbol;
    c.perp = it->second.perp;
    c.spot = it->second.spot;
    c.perp_quote = quote_of(t.bbo);
    c.perp_quote_volume_24h = volume_of(t);
    c.interval_hours = c.perp->funding_interval_hours;
    if (const auto s = spot_by.find(t.bbo.symbol); s != spot_by.end()) {
      c.spot_quote = quote_of(s->second->bbo);
      c.spot_quote_volume_24h = volume_of(*s->second);
    }
    const double current = t.funding_rate ? t.funding_rate->to_double() : 0.0;
    c.funding_rate = engine_->strategy().forecast_rate(c.symbol, current, c.interval_hours);
  }
  return out;
}

asio::awaitable<void> Runtime::refresh_universe() {
  auto perps = co_await gw_->all_tickers(MarketType::Perp);
  if (stopping_) co_return;
  auto spots = co_await gw_->all_tickers(MarketType::Spot);
  if (stopping_) co_return;
  if (!perps || !spots) {
    log_.warn("universe.refresh_failed", {{"error", (!perps ? perps.error() : spots.error()).message()}});
    co_return;
  }
  // The loop's own cost: ranking, the engine's set change and the streams (no await inside).
  const auto started = std::chrono::steady_clock::now();
  const auto choice = strategy::choose_universe(universe_candidates(*perps, *spots), tracked_symbols(),
                                                pinned_symbols(*engine_), make_universe_params(cfg_));
  UniverseApplied applied;
  for (const auto& s : choice.removed)
    if (engine_->remove_symbol(s)) {
      leave_symbol(s);
      applied.removed.push_back(s);
    }
  for (const auto& s : choice.added)
    if (join_symbol(s, "ranked")) applied.added.push_back(s);
  const auto loop_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  auto fields = universe_fields(choice, applied);
  fields["loop_us"] = loop_us.count();
  // News at info: a change of the set, or of the ranking's leaders (a better pair waiting for a
  // place shows up once); an unchanged refresh at debug.
  std::string leaders;
  for (const auto& r : fields.at("top"))
    leaders += r.at("symbol").get<std::string>() + (r.at("excluded") == "" ? "+" : "-");
  const bool news = !applied.added.empty() || !applied.removed.empty() || leaders != universe_leaders_;
  universe_leaders_ = std::move(leaders);
  log_.emit(news ? LogLevel::Info : LogLevel::Debug, "universe.refresh", std::move(fields));
  for (const auto& s : applied.added) co_await prepare_symbol(s);
  pump();
}

asio::awaitable<void> Runtime::universe_loop() {
  for (;;) {
    co_await refresh_universe();
    const bool awake = co_await sleep(universe_timer_, std::chrono::seconds(cfg_.strategy.funding.universe.refresh_s));
    if (!awake) co_return;
  }
}

}  // namespace carry::app
