#include <carry/app/backtest_runner.hpp>

#include "backtest_equity.hpp"
#include "backtest_loop.hpp"
#include "backtest_outputs.hpp"
#include "backtest_recorder.hpp"
#include "backtest_universe.hpp"
#include "paper_setup.hpp"

#include <carry/backtest/file_discovery.hpp>
#include <carry/backtest/replay.hpp>
#include <carry/backtest/symbol_data.hpp>
#include <carry/engine/engine.hpp>
#include <carry/log/logger.hpp>
#include <carry/paper/exchange.hpp>
#include <carry/store/repo.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>

namespace carry::app {
namespace fs = std::filesystem;

namespace {

// 10^k with k the integer part of log10(v) (v > 0), as a Decimal.
Decimal pow10_decimal(int k) {
  Decimal d = Decimal::from_units(1);
  for (; k > 0; --k) d = d.mul_int(10);
  for (; k < 0; ++k) d = Decimal::from_raw(d.raw() / 10);
  return d.is_zero() ? Decimal::from_raw(1) : d;
}

// The engine as the backtest runs it: the data's symbols (none for symbols: auto, the first
// refresh fills the set), and no staleness guards (no private stream; candles are minutes apart).
engine::EngineSetup backtest_engine_setup(const BacktestData& data, const config::Config& cfg) {
  config::Config engine_cfg = cfg;
  engine_cfg.strategy.funding.symbols = data.auto_symbols ? std::vector<std::string>{} : data.symbols;
  engine::EngineSetup setup = engine::make_engine_setup(engine_cfg);
  setup.oms.ws_stale_block_ms = 0;     // no private stream in a backtest
  setup.risk.market_data_stale_s = 0;  // candle data is minutes apart by nature
  return setup;
}

paper::PaperParams backtest_paper_params(const config::Config& cfg) {
  paper::PaperParams pp = make_paper_params(cfg);
  pp.market_slippage_bps = cfg.backtest.slippage_bps;
  pp.spot_balances["USDT"] = cfg.backtest.spot_usdt;
  pp.futures_usdt = cfg.backtest.futures_usdt;
  return pp;
}

// Each symbol's two instruments, on the ticks its quotes were loaded on, to everything that
// trades or ranks them; the equity meter marks the symbols in the same order.
void add_instruments(const BacktestData& data, const config::Config& cfg, paper::Exchange& paper,
                     engine::Engine& engine, BacktestUniverse* universe, EquityMeter& meter) {
  for (const auto& s : data.replay.symbols()) {
    const std::string& name = s.symbol;
    const BacktestData::Steps& steps = data.steps.at(name);
    for (MarketType m : {MarketType::Spot, MarketType::Perp}) {
      const auto k = static_cast<std::size_t>(m);
      const Instrument inst = backtest_instrument(name, m, steps.reference_price[k], cfg.backtest);
      if (m == MarketType::Spot) meter.add_symbol(name, inst.base_coin);
      // The steps come from the symbol and the data, never from the config: a mismatch is a bug.
      if (inst.tick != steps.quote_tick[k])
        throw std::logic_error("backtest: " + name + " quotes were loaded on another tick");
      paper.add_instrument(inst);
      engine.add_instrument(inst);
      if (universe) universe->add_instrument(inst);
    }
  }
}

void summarize(BacktestSummary& s, const RunRecord& record, const ReplayLoop::Outcome& outcome,
               const BacktestUniverse* universe) {
  const BacktestRecorder& rec = record.recorder;
  const Decimal initial_equity = record.meter.initial_equity();
  s.days = record.data.window.days();
  s.symbols = record.data.symbols.size();
  s.trades = rec.trades;
  s.funding_pnl = rec.funding_pnl;
  s.fees = rec.fees;
  s.net_pnl = outcome.final_equity - initial_equity;
  s.basis_pnl = s.net_pnl - s.funding_pnl + s.fees;
  s.apr = s.days > 0 && initial_equity.is_positive() ? s.net_pnl.to_double() / initial_equity.to_double() / s.days * 365
                                                     : 0.0;
  s.max_drawdown = record.meter.max_drawdown();
  s.initial_equity = initial_equity;
  s.final_equity = outcome.final_equity;
  s.events = outcome.events;
  for (const auto& b : record.data.baselines) s.baseline_net += b.net;
  if (universe) {
    s.auto_symbols = true;
    s.universe_held = universe->ever_held();
    s.universe_changes = universe->changes();
  }
  s.time_in_market = share_in_market(record.meter.exposure());
}

}  // namespace

Instrument backtest_instrument(const std::string& symbol, MarketType market, Decimal price,
                               const config::BacktestConfig& costs) {
  Instrument i;
  i.symbol = symbol;
  i.market = market;
  i.quote_coin = "USDT";
  i.base_coin = symbol.ends_with("USDT") ? symbol.substr(0, symbol.size() - 4) : symbol;
  i.maker_fee = market == MarketType::Spot ? costs.spot_maker_fee : costs.perp_maker_fee;
  i.taker_fee = market == MarketType::Spot ? costs.spot_taker_fee : costs.perp_taker_fee;
  i.funding_interval_hours = market == MarketType::Perp ? 8 : 0;
  if (symbol == "BTCUSDT") {  // Bitget: perp pricePlace 1 / sizeMultiplier 0.0001; spot 2 / 6 decimals
    i.tick = market == MarketType::Perp ? "0.1"_dec : "0.01"_dec;
    i.lot = market == MarketType::Perp ? "0.0001"_dec : "0.000001"_dec;
  } else if (symbol == "ETHUSDT") {
    i.tick = "0.01"_dec;
    i.lot = market == MarketType::Perp ? "0.01"_dec : "0.0001"_dec;
  } else {
    // About 5 significant digits of price and lots worth about 1 USDT.
    const int mag = price.is_positive() ? static_cast<int>(std::floor(std::log10(price.to_double()))) : 0;
    i.tick = pow10_decimal(std::max(mag - 4, -8));
    i.lot = pow10_decimal(std::min(std::max(-mag, -8), 4));
  }
  i.min_size = i.lot;
  i.min_notional = market == MarketType::Perp ? "5"_dec : "1"_dec;
  auto decimals = [](Decimal step) {
    int d = 0;
    for (std::int64_t raw = step.raw(); d < 9 && raw % Decimal::kScale != 0; raw *= 10) ++d;
    return d;
  };
  i.price_decimals = decimals(i.tick);
  i.size_decimals = decimals(i.lot);
  return i;
}

backtest::BaselineCosts baseline_costs(const config::Config& cfg) {
  auto slippage = Decimal::from_double(cfg.backtest.slippage_bps / 10'000);
  if (!slippage) throw BacktestError("backtest.slippage_bps: not representable");
  return {cfg.strategy.funding.notional_per_symbol, cfg.backtest.spot_taker_fee, cfg.backtest.perp_taker_fee,
          *slippage};
}

BacktestData load_backtest_data(const CliOptions& cli, const config::Config& cfg, std::ostream& info) {
  using namespace carry::backtest;
  std::vector<SymbolFiles> files;
  const bool auto_symbols =
      cli.symbols.empty() ? cfg.strategy.funding.auto_symbols : cli.symbols.size() == 1 && cli.symbols[0] == "auto";
  if (auto_symbols && cli.spot_file) throw BacktestError("--symbols auto: ranks the symbols of one --data folder");
  if (cli.spot_file) {
    auto f = explicit_symbol_files(cli.symbols.empty() ? "" : cli.symbols.front(), *cli.spot_file, *cli.perp_file,
                                   *cli.funding_file);
    if (!f) throw BacktestError(f.error().to_string());
    files.push_back(*f);
  } else {
    DiscoveryOptions d;
    // auto: every symbol of the folder is a candidate (one window per folder: see docs/backtest.md).
    if (!auto_symbols) d.symbols = cli.symbols.empty() ? cfg.strategy.funding.symbols : cli.symbols;
    if (cli.timeframe) d.timeframe = parse_timeframe(*cli.timeframe);
    auto found = discover_symbol_files(*cli.data_dir, d);
    if (!found) throw BacktestError(found.error().to_string());
    files = *found;
  }
  backtest::LoadOptions load;
  auto spread = Decimal::from_double(cfg.backtest.half_spread_bps);
  if (!spread) throw BacktestError("backtest.half_spread_bps: not representable");
  load.candle_bbo.half_spread_bps = *spread;
  auto loaded = load_symbols(files, load);
  if (!loaded) throw BacktestError(loaded.error().to_string());
  TimeRange range;
  if (cli.from || cli.to) {
    auto r = parse_time_range(cli.from.value_or(""), cli.to.value_or(""));
    if (!r) throw BacktestError(r.error().to_string());
    range = *r;
  }
  // Before the quotes go onto the tick: a candle quote's mid is then its close.
  std::vector<backtest::BaselineResult> baselines;
  for (const auto& s : *loaded) baselines.push_back(always_on_carry(baseline_input(s, range), baseline_costs(cfg)));
  std::vector<std::string> symbols;
  std::int64_t bar_ms = 0;
  for (const auto& s : *loaded) {
    info << s.describe() << "\n";
    for (const auto& w : s.warnings) info << "warning: " << w.summary() << "\n";
    bar_ms = std::max({bar_ms, s.spot.interval_ms, s.perp.interval_ms});
    symbols.push_back(s.symbol);
  }
  // Said up front, so a trader comparing with live settings knows what the run used.
  engine::EngineSetup lifetimes = engine::make_engine_setup(cfg);
  for (const auto& r : fit_lifetimes_to_bars(lifetimes, bar_ms))
    info << "note: " << bar_ms / 1000 << " s bars: " << r.line() << "\n";
  // Quotes onto the instruments' ticks once here, not on every replayed quote (two 64-bit
  // divisions per event were ~5 % of a run).
  std::map<std::string, BacktestData::Steps, std::less<>> steps;
  for (auto& s : *loaded) {
    auto& ref = steps[s.symbol].reference_price;
    auto& tick = steps[s.symbol].quote_tick;
    for (MarketType m : {MarketType::Spot, MarketType::Perp}) {
      auto& quotes = m == MarketType::Spot ? s.spot.quotes : s.perp.quotes;
      const auto k = static_cast<std::size_t>(m);
      ref[k] = quotes.empty() ? Decimal::from_units(1) : quotes.front().bid_price;
      tick[k] = backtest_instrument(s.symbol, m, ref[k], cfg.backtest).tick;
      for (Quote& q : quotes) {
        auto bid = q.bid_price.round_to_step(tick[k], Rounding::Down);
        auto ask = q.ask_price.round_to_step(tick[k], Rounding::Up);
        if (!bid || !ask) throw BacktestError(s.symbol + ": a quote cannot be put on the tick " + tick[k].to_string());
        q.bid_price = *bid;
        q.ask_price = *ask;
      }
    }
  }
  Replay replay(std::move(*loaded), range);
  Period window{};
  for (std::size_t i = 0; i < replay.symbols().size(); ++i) {
    const Period w = replay.window(i);
    if (w.empty()) throw BacktestError(replay.symbols()[i].symbol + ": no data inside --from/--to");
    window = i == 0 ? w : Period{std::min(window.start, w.start), std::max(window.end, w.end)};
  }
  return BacktestData{std::move(replay), std::move(symbols),  auto_symbols, window, bar_ms,
                      std::move(steps),  std::move(baselines)};
}

BacktestRun run_backtest(const CliOptions& cli, const config::Config& cfg, std::ostream& info) {
  BacktestData data = load_backtest_data(cli, cfg, info);
  return run_backtest(data, cli, cfg);
}

BacktestRun run_backtest(BacktestData& data, const CliOptions& cli, const config::Config& cfg) {
  data.replay.rewind();
  const fs::path out = cli.out_dir.value_or(cfg.backtest.out_dir);
  BacktestRun run = prepare_outputs(out);

  ManualClock clock(data.window.start);
  log::Logger events({.dir = (out / "logs").string(), .level = LogLevel::Info, .console = false}, clock);
  store::Repo repo(run.db_path, {.durable = false, .clock = &clock});
  BacktestRecorder rec(repo);

  engine::EngineSetup setup = backtest_engine_setup(data, cfg);
  run.summary.raised = fit_lifetimes_to_bars(setup, data.bar_ms);
  ClientOidGenerator ids(cfg.strategy.funding.client_oid_prefix, 0);
  engine::Engine engine(setup, ids, events, clock, &rec);
  std::optional<BacktestUniverse> universe;
  if (data.auto_symbols) universe.emplace(cfg, data.window.start);
  BacktestUniverse* const ranking = universe ? &*universe : nullptr;

  paper::Exchange paper(backtest_paper_params(cfg), clock);
  EquityMeter meter(paper, cfg.backtest.spot_usdt + cfg.backtest.futures_usdt, cfg.exchange.leverage,
                    data.window.start);
  add_instruments(data, cfg, paper, engine, ranking, meter);
  // The strategy sizes from the account it can see: tell it the starting balances.
  for (const auto& b : paper.balances()) engine.on_exec(b);

  ReplayLoop loop({data.replay, engine, paper, clock, rec, repo, meter, ranking, events}, data.window);
  const ReplayLoop::Outcome outcome = loop.run();
  const RunRecord record{data, cfg, rec, meter, outcome.end};
  summarize(run.summary, record, outcome, ranking);
  write_outputs(run, repo, record);
  events.flush();
  return run;
}

}  // namespace carry::app
