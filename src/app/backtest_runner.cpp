#include <carry/app/backtest_runner.hpp>

#include "backtest_report.hpp"
#include "backtest_universe.hpp"
#include "engine_records.hpp"
#include "paper_setup.hpp"

#include <carry/app/png_chart.hpp>
#include <carry/backtest/file_discovery.hpp>
#include <carry/backtest/replay.hpp>
#include <carry/backtest/symbol_data.hpp>
#include <carry/core/symbol_lookup.hpp>
#include <carry/engine/engine.hpp>
#include <carry/log/logger.hpp>
#include <carry/paper/exchange.hpp>
#include <carry/store/repo.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

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

// Writes the engine's durable facts into the backtest's SQLite file (same tables as live) and
// keeps the running totals the summary needs.
class RepoRecorder final : public engine::EngineRecorder {
 public:
  explicit RepoRecorder(store::Repo& repo) : repo_(repo) { check(repo_.begin(), "begin"); }

  void order_sent(const PlaceOrderRequest& req, UnixNanos ts) override {
    check(repo_.upsert_order(store::OrderRecord::from_request(req, OrderStatus::Sent, ts)), "orders");
  }
  void order_update(const OrderUpdate& u) override { check(repo_.append_order_update(u), "order_events"); }
  void fill(const Fill& f) override {
    auto inserted = repo_.insert_fill(f);
    if (!inserted) fail("fills");
    if (*inserted) {
      ++trades;
      fees += f.fee;
      day().trades += 1;
      day().fees += f.fee;
    }
    tick();
  }
  void funding(const FundingPayment& p) override {
    auto inserted = repo_.insert_funding(store::FundingRecord::from(p));
    if (!inserted) fail("funding_events");
    if (*inserted) {
      funding_pnl += p.amount;
      day().funding += p.amount;
      ++settlements;
    }
    tick();
  }
  void decision(const strategy::Decision& d) override {
    check(repo_.insert_decision(decision_record(d)), "decisions");
    ++decisions;
  }
  void kill_switch(const risk::KillSwitch& ks) override { check(repo_.put_kill_switch(kill_switch_record(ks)), "kv"); }

  void finish() { check(repo_.commit(), "commit"); }
  void check(Result<void> r, const char* what) {
    if (!r) fail(what);
    tick();
  }

  using Day = BacktestDay;
  Day& day() { return days[current_day]; }

  std::string current_day;
  std::map<std::string, Day> days;
  std::size_t trades = 0, settlements = 0, decisions = 0;
  Decimal funding_pnl, fees;

 private:
  [[noreturn]] void fail(const char* what) {
    throw BacktestError("cannot write " + repo_.file().string() + " (" + what + "): " + repo_.last_error());
  }
  // Large transactions: the backtest's database is rebuilt from scratch on every run.
  void tick() {
    if (++writes_ % 20'000 == 0) {
      check_raw(repo_.commit());
      check_raw(repo_.begin());
    }
  }
  void check_raw(Result<void> r) {
    if (!r) fail("commit");
  }
  store::Repo& repo_;
  std::uint64_t writes_ = 0;
};

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
  using namespace carry::backtest;
  Replay& replay = data.replay;
  const std::vector<std::string>& symbols = data.symbols;
  const Period window = data.window;
  replay.rewind();

  // ---- outputs (rebuilt from scratch: determinism) ----
  const fs::path out = cli.out_dir.value_or(cfg.backtest.out_dir);
  fs::create_directories(out);
  BacktestRun run;
  run.out_dir = out.string();
  run.db_path = (out / "backtest.db").string();
  run.report_path = (out / "report.md").string();
  run.chart_path = (out / "equity.png").string();
  for (const char* f : {"backtest.db", "backtest.db-wal", "backtest.db-shm", "report.md", "equity.png"})
    fs::remove(out / f);
  fs::remove_all(out / "logs");

  ManualClock clock(window.start);
  log::Logger events({.dir = (out / "logs").string(), .level = LogLevel::Info, .console = false}, clock);
  store::Repo repo(run.db_path, {.durable = false, .clock = &clock});
  RepoRecorder rec(repo);

  config::Config engine_cfg = cfg;
  // auto: the set starts empty; the first refresh (at the first instant) fills it.
  engine_cfg.strategy.funding.symbols = data.auto_symbols ? std::vector<std::string>{} : symbols;
  engine::EngineSetup setup = engine::make_engine_setup(engine_cfg);
  setup.oms.ws_stale_block_ms = 0;  // no private stream in a backtest
  setup.risk.md_stale_ms = 0;       // candle data is minutes apart by nature
  run.summary.raised = fit_lifetimes_to_bars(setup, data.bar_ms);
  ClientOidGenerator ids(cfg.strategy.funding.client_oid_prefix, 0);
  engine::Engine engine(setup, ids, events, clock, &rec);
  std::optional<BacktestUniverse> universe;
  if (data.auto_symbols) universe.emplace(cfg, window.start);

  paper::PaperParams pp = make_paper_params(cfg);
  pp.market_slippage_bps = cfg.backtest.slippage_bps;
  pp.spot_balances["USDT"] = cfg.backtest.spot_usdt;
  pp.futures_usdt = cfg.backtest.futures_usdt;
  paper::Exchange paper(pp, clock);
  const Decimal initial_equity = cfg.backtest.spot_usdt + cfg.backtest.futures_usdt;

  // Per-symbol state the loop touches on every quote: a flat list (a handful of symbols) found by
  // name, so no map lookups or string copies per event.
  struct SymbolState {
    std::string name, base;
    bool has_spot_mid = false;
    Decimal spot_mid;
  };
  std::vector<SymbolState> book;
  auto state_of = [&book](const std::string& name) -> SymbolState& {
    for (auto& st : book)
      if (same_symbol(st.name, name)) return st;
    throw BacktestError("event for a symbol that was not loaded: " + name);
  };
  for (const auto& s : replay.symbols()) {
    const std::string& name = s.symbol;
    const BacktestData::Steps& steps = data.steps.at(name);
    SymbolState& st = book.emplace_back();
    st.name = name;
    st.base = name.size() > 4 ? name.substr(0, name.size() - 4) : name;
    for (MarketType m : {MarketType::Spot, MarketType::Perp}) {
      const auto k = static_cast<std::size_t>(m);
      const Instrument inst = backtest_instrument(name, m, steps.reference_price[k], cfg.backtest);
      // The steps come from the symbol and the data, never from the config: a mismatch is a bug.
      if (inst.tick != steps.quote_tick[k])
        throw std::logic_error("backtest: " + name + " quotes were loaded on another tick");
      paper.add_instrument(inst);
      engine.add_instrument(inst);
      if (universe) universe->add_instrument(inst);
    }
  }

  // The strategy sizes from the account it can see: tell it the starting balances.
  for (const auto& b : paper.balances()) engine.on_exec(b);

  // ---- the loop ----
  std::vector<oms::Command> commands;
  std::vector<ExecEvent> exec;
  auto pump = [&] {
    for (int round = 0; round < 1000; ++round) {
      bool progressed = false;
      commands.clear();
      engine.take_commands(commands);
      for (const auto& cmd : commands) {
        progressed = true;
        std::visit(
            [&](const auto& c) {
              using T = std::decay_t<decltype(c)>;
              if constexpr (std::is_same_v<T, PlaceOrderRequest>) {
                rec.order_sent(c, clock.now());
                engine.on_place_result(c.client_oid, paper.place(c));
              } else if constexpr (std::is_same_v<T, CancelOrderRequest>) {
                engine.on_cancel_result(c.client_oid, paper.cancel(c));
              } else if constexpr (std::is_same_v<T, AmendOrderRequest>) {
                engine.on_amend_result(c.new_client_oid, paper.amend(c));
              } else {
                engine.on_query_result(c.client_oid, Result<std::optional<OrderUpdate>>(
                                                         paper.order_by_client_oid(c.symbol, c.market, c.client_oid)));
              }
            },
            cmd);
      }
      exec.clear();
      paper.drain_events(exec);
      for (const auto& ev : exec) engine.on_exec(ev);
      progressed = progressed || !exec.empty();
      if (!progressed) return;
    }
    throw BacktestError("engine did not settle after 1000 rounds at " + clock.now().to_rfc3339());
  };

  auto equity = [&] {
    Decimal e = paper.futures_equity() + paper.spot_balance("USDT").total();
    for (const auto& st : book) {
      if (!st.has_spot_mid) continue;
      const Decimal held = paper.spot_balance(st.base).total();
      if (!held.is_zero()) e += held * st.spot_mid;
    }
    return e;
  };

  // Capital at work for the report's APR on capital used and time in market (ExposureSample).
  std::vector<ExposureSample> exposure;
  const Decimal leverage = Decimal::from_units(std::max(cfg.exchange.leverage, 1));
  auto expose = [&](UnixNanos t) {
    ExposureSample x{t, {}, false};
    const auto add = [&x](Decimal worth) {
      x.capital += worth;
      x.open = x.open || worth >= Decimal::from_units(1);
    };
    for (const auto& st : book)
      if (st.has_spot_mid) add(paper.spot_balance(st.base).total().abs() * st.spot_mid);
    for (const auto& p : paper.positions())
      add((p.size * p.mark_price.value_or(p.entry_price.value_or(Decimal{}))).abs() / leverage);
    exposure.push_back(x);
  };

  std::vector<double> curve_x, curve_y;
  Decimal peak = initial_equity, max_dd;
  auto sample = [&](UnixNanos t) {
    expose(t);
    const Decimal e = equity();
    if (e > peak) peak = e;
    if (peak - e > max_dd) max_dd = peak - e;
    curve_x.push_back(static_cast<double>((t - window.start).count()) / 3.6e12);
    curve_y.push_back((e - initial_equity).to_double());
    return e;
  };
  auto day_of = [](UnixNanos t) { return t.to_rfc3339().substr(0, 10); };
  auto close_day = [&](UnixNanos t) {
    if (rec.current_day.empty()) return;
    rec.day().equity_end = equity();
    for (const auto& p : paper.positions()) {
      auto r = repo.insert_position_snapshot(store::PositionSnapshotRecord::from(p));
      if (!r) throw BacktestError("cannot write position_snapshots: " + repo.last_error());
    }
    (void)t;
  };

  std::int64_t next_hour = (window.start.ns / 3'600'000'000'000LL + 1) * 3'600'000'000'000LL;
  std::int64_t last_timer_s = window.start.seconds();
  constexpr std::int64_t kNsPerDay = 86'400'000'000'000LL;
  auto day_number = [](UnixNanos t) { return t.ns >= 0 ? t.ns / kNsPerDay : (t.ns + 1) / kNsPerDay - 1; };
  std::int64_t current_day_number = day_number(window.start);
  std::size_t events_seen = 0;
  ReplayEvent ev;
  MarketEvent settle_event;
  std::vector<ExecEvent> instant_exec;
  bool in_instant = false;
  sample(window.start);
  rec.current_day = day_of(window.start);
  rec.day().equity_start = initial_equity;
  // The simulated clock moves to `t`: hourly equity samples and day ends on the way.
  auto advance_to = [&](UnixNanos t) {
    while (next_hour <= t.ns) {
      clock.set(UnixNanos{next_hour});
      sample(UnixNanos{next_hour});
      next_hour += 3'600'000'000'000LL;
    }
    clock.set(t);
    if (const std::int64_t dn = day_number(t); dn != current_day_number) {  // the date string only on a new day
      current_day_number = dn;
      close_day(t);
      const Decimal start_equity = rec.day().equity_end;
      rec.current_day = day_of(t);
      rec.day().equity_start = start_equity;
    }
  };
  auto timer = [&](std::int64_t second) {
    last_timer_s = second;
    engine.on_timer();
    pump();
  };
  std::int64_t last_instant = window.start.ns - 1;
  while (replay.next(ev)) {
    ++events_seen;
    const UnixNanos t = ev.ts;
    if (t.ns != last_instant) {
      // Between instants (quotes a minute or an hour apart) the timer keeps ticking every second
      // while something is under way, as it does live: a maker order is canceled when it times
      // out, not when the next candle has already moved through it.
      last_instant = t.ns;
      for (std::int64_t s = last_timer_s + 1; UnixNanos::from_seconds(s) < t && engine.busy(); ++s) {
        advance_to(UnixNanos::from_seconds(s));
        timer(s);
      }
      if (universe && universe->due(t)) {  // between instants: the set may change here only
        advance_to(t);
        universe->refresh(t, engine, events);
        pump();
      }
    }
    advance_to(t);
    if (ev.kind == ReplayEvent::Kind::Settlement) {
      // Settle now, on the position held up to this instant, before anything stamped now (a timer
      // action, a fill) can change it, and even when no later event follows (the last one).
      // paper::Exchange settles when an event reaches its scheduled time: a rate update carrying
      // the settled rate is that event (it schedules nothing new, the time is already settled).
      if (universe) universe->settled(ev.settlement);
      FundingRateUpdate& f = settle_event.emplace<FundingRateUpdate>();
      f.symbol = ev.settlement.symbol;
      f.rate = ev.settlement.rate;
      f.interval_hours = ev.settlement.interval_hours;
      f.next_settlement = t;
      f.ts_event = f.ts_init = t;
      paper.on_market(settle_event);
      exec.clear();
      paper.drain_events(exec);
      for (const auto& e : exec) engine.on_exec(e);
    } else {
      // One instant's quotes (a candle gives the spot and the perp quote the same stamp) reach
      // the engine as one: the exchange matches resting orders against all of them, the engine
      // takes them all in, then hears of those fills, then the strategy reacts. Event by event
      // it would act on this candle's spot against the previous candle's perp (an hour apart on
      // 1h data) and treat the difference as basis.
      if (!in_instant) {
        engine.begin_instant();
        in_instant = true;
      }
      if (auto* b = std::get_if<Bbo>(&ev.market); b != nullptr && b->market == MarketType::Spot) {
        SymbolState& st = state_of(b->symbol);  // quotes are on the tick already (load_backtest_data)
        st.spot_mid = b->mid();
        st.has_spot_mid = true;
      }
      if (ev.has_bar) {  // the venue model hears of the candle's range before its closing quote
        const Bbo& q = std::get<Bbo>(ev.market);
        paper.on_bar({q.symbol, q.market, ev.bar_start, t, ev.bar.high, ev.bar.low, q.bid_size});
      }
      if (universe) universe->observe(ev.market);
      paper.on_market(ev.market);
      paper.drain_events(instant_exec);  // fills of resting orders at this instant
      engine.on_market(ev.market);
    }
    if (replay.peek_time().value_or(UnixNanos{t.ns + 1}) == t) continue;  // the instant goes on
    if (in_instant) {
      for (const auto& e : instant_exec) engine.on_exec(e);
      instant_exec.clear();
      in_instant = false;
      engine.end_instant();
    }
    if (t.seconds() != last_timer_s) {  // the once-a-second timer, after the whole instant
      timer(t.seconds());
    } else {
      pump();
    }
  }
  const UnixNanos end = clock.now();
  close_day(end);
  const Decimal final_equity = sample(end);
  rec.finish();

  // ---- daily table and summary ----
  BacktestSummary& s = run.summary;
  s.days = window.days();
  s.symbols = symbols.size();
  s.trades = rec.trades;
  s.funding_pnl = rec.funding_pnl;
  s.fees = rec.fees;
  s.net_pnl = final_equity - initial_equity;
  s.basis_pnl = s.net_pnl - s.funding_pnl + s.fees;
  s.apr = s.days > 0 && initial_equity.is_positive() ? s.net_pnl.to_double() / initial_equity.to_double() / s.days * 365
                                                     : 0.0;
  s.max_drawdown = max_dd;
  s.initial_equity = initial_equity;
  s.final_equity = final_equity;
  s.events = events_seen;
  for (const auto& b : data.baselines) s.baseline_net += b.net;
  if (universe) {
    s.auto_symbols = true;
    s.universe_held = universe->ever_held();
    s.universe_changes = universe->changes();
  }

  for (auto& [date, day] : rec.days) {
    store::DailyPnlRecord row;
    row.date = date;
    row.funding = day.funding;
    row.fees = day.fees;
    row.net_pnl = day.equity_end - day.equity_start;
    row.basis_pnl = row.net_pnl - day.funding + day.fees;
    row.updated = end;
    if (!repo.upsert_daily_pnl(row)) throw BacktestError("cannot write daily_pnl: " + repo.last_error());
  }

  // ---- report ----
  s.time_in_market = share_in_market(exposure);
  if (!write_file(run.chart_path, render_line_chart({ChartSeries{curve_x, curve_y, 0x1f77b4}})))
    throw BacktestError("cannot write " + run.chart_path);
  std::ofstream md(run.report_path);
  write_report(md, {s, window, symbols, cfg, rec.days, rec.settlements, rec.decisions, data.baselines, exposure});
  if (!md) throw BacktestError("cannot write " + run.report_path);
  events.flush();
  return run;
}

}  // namespace carry::app
