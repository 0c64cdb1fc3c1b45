// Runtime: what the venue knows, read back. Funding settlements from the account bills, the
// start-up and reconnect reconciliation (orders, positions, Carry's share vs the foreign part),
// the periodic recovery of fills that pushes missed, and the drift check.
#include "reconciler.hpp"
#include "runtime.hpp"
#include "runtime_util.hpp"

#include <carry/app/position_share.hpp>
#include <carry/bitget/io/gateway.hpp>
#include <carry/store/store.hpp>

#include <map>
#include <optional>
#include <set>

namespace carry::app {
namespace asio = boost::asio;
using runtime_util::base_coin;
using runtime_util::bill_key;
using runtime_util::dec;

// Funding settlements as the venue booked them (Classic: the account bills; UTA: the financial
// records), deduplicated by symbol and time.
asio::awaitable<void> Runtime::poll_funding_bills() {
  auto settled = co_await gw_->funding_settlements(bills_since_);
  if (!settled) {
    log_.warn("funding.bills_failed", {{"error", settled.error().message()}});
    co_return;
  }
  for (auto& p : *settled) {
    auto it = track_.find(p.symbol);
    if (it == track_.end()) continue;
    if (!bills_seen_.insert(bill_key(p)).second) continue;
    // What we knew at the settlement: the rate, our perp position and the mark price.
    if (const auto& fu = it->second.funding.last()) {
      if (!p.rate) p.rate = fu->rate;
      if (!p.mark_price) p.mark_price = fu->mark_price;
    }
    if (!p.mark_price && it->second.perp) p.mark_price = it->second.perp->mid();
    if (!p.position_size) p.position_size = it->second.pnl.position(MarketType::Perp);
    attribute_funding(p, it->second.pnl.position(MarketType::Perp));
    on_exec(p);
  }
}

// The venue settles the account's whole net position; with a foreign position beside ours only
// our share of the bill is Carry's funding (never the operator's own position's).
void Runtime::attribute_funding(FundingPayment& p, Decimal ours) {
  auto f = foreign_perp_.find(p.symbol);
  if (f == foreign_perp_.end() || f->second.is_zero()) return;
  const Decimal venue = ours + f->second;
  const Decimal whole = p.amount;
  p.amount = venue.is_zero() ? Decimal{} : p.amount * ours / venue;
  log_.info("funding.foreign_share", {{"symbol", p.symbol},
                                      {"venue_amount", dec(whole)},
                                      {"ours", dec(p.amount)},
                                      {"our_position", dec(ours)},
                                      {"foreign_position", dec(f->second)}});
}

asio::awaitable<void> Runtime::reconcile_task(std::string why) {
  co_await recover_fills(why);
  co_await reconcile(std::move(why), false);
}

// Pushes are the fast path, not the record: every reconcile.interval_s our fills and open orders
// are read back over REST, so a lost fill or order push is found within one interval.
asio::awaitable<void> Runtime::reconcile_loop() {
  while (true) {
    const bool awake = co_await sleep(reconcile_timer_, std::chrono::seconds(cfg_.reconcile.interval_s));
    if (!awake) co_return;
    co_await recover_fills("periodic");
    co_await check_drift("periodic");
  }
}

// The venue's perp position against ours plus the foreign part: a difference beyond one lot step
// that our fills cannot explain is reported (reconcile.drift); still there at the next pass (the
// fills and order queries of this one have had an interval to land), the kill switch goes to
// Reducing: Carry does not trade on a record it cannot reconcile.
asio::awaitable<void> Runtime::check_drift(std::string why) {
  if (!trading_ || paper() || stopping_) co_return;
  auto positions = co_await venue_->positions();
  if (stopping_) co_return;
  if (!positions) {
    log_.warn("reconcile.failed", {{"step", "positions"}, {"error", positions.error().message()}, {"why", why}});
    co_return;
  }
  std::map<std::string, Decimal, std::less<>> venue;
  for (const auto& p : *positions) venue[p.symbol] += p.size;
  for (auto& [symbol, t] : track_) {
    const Instrument* inst = engine_->oms().instrument(symbol, MarketType::Perp);
    if (inst == nullptr) continue;
    const Decimal foreign = foreign_perp_[symbol];
    const auto v = drift_.observe(symbol, venue[symbol], foreign, t.pnl.position(MarketType::Perp), inst->lot);
    if (v.cleared) log_.info("reconcile.drift_cleared", {{"symbol", symbol}, {"market", "perp"}});
    if (!v.drifted) continue;
    ++drift_total_;
    log_.warn("reconcile.drift", {{"symbol", symbol},
                                  {"market", "perp"},
                                  {"venue", dec(venue[symbol])},
                                  {"foreign", dec(foreign)},
                                  {"ours", dec(t.pnl.position(MarketType::Perp))},
                                  {"unexplained", dec(v.unexplained)},
                                  {"lot", dec(inst->lot)},
                                  {"passes", v.passes},
                                  {"why", why}});
    if (v.trip) engine_->risk().trip(risk::KillState::Reducing, "reconcile_drift:" + symbol);
  }
  pump();
}

// Our fills on the venue since the last pass (with an overlap for late-stamped ones) that the OMS
// has not seen go through the one exec path: OMS, strategy, store. Fills first, then the open
// orders' status, so no order is seen finished before the fills that finished it.
asio::awaitable<void> Runtime::recover_fills(std::string why) {
  if (!trading_ || paper() || stopping_) co_return;
  const UnixNanos now = clock_.now();
  const UnixNanos from = fills_overlap_ ? fills_since_ - std::chrono::minutes(2) : fills_since_;
  std::vector<std::string> symbols;
  for (const auto& [symbol, t] : track_) symbols.push_back(symbol);
  bool complete = true;
  int recovered = 0;
  for (const auto& symbol : symbols) {
    for (const MarketType market : {MarketType::Spot, MarketType::Perp}) {
      auto r = co_await venue_->fills(symbol, market, from, now + std::chrono::seconds(5));
      if (stopping_) co_return;
      if (!r) {
        complete = false;
        log_.warn("reconcile.fills_failed", {{"symbol", symbol},
                                             {"market", std::string(to_string(market))},
                                             {"error", r.error().message()},
                                             {"why", why}});
        continue;
      }
      auto missed = reconciler::missed_fills(
          std::move(*r), [this](MarketType m, std::string_view id) { return engine_->oms().has_trade(m, id); },
          [this](std::string_view order_id) {
            const auto* o = engine_->oms().find_venue_order(order_id);
            return o ? std::optional<std::string>(o->client_oid) : std::nullopt;
          },
          [this](std::string_view oid) { return ids_->owns(oid); });
      for (auto& f : missed.unnamed) unnamed_fills_.hold(std::move(f), std::chrono::steady_clock::now());
      for (auto& f : missed.ours) {
        ++recovered;
        log_missed_fill(f, why);
        on_exec(f);
      }
      for (auto& f : missed.foreign) on_exec(f);  // the OMS reports it; the foreign part follows
    }
  }
  if (complete) {
    fills_since_ = now;
    fills_overlap_ = true;
  }
  engine_->oms().query_open_orders();
  pump();
  if (recovered > 0) log_.warn("reconcile.fills_recovered", {{"count", recovered}, {"why", why}});
}

// Compares the exchange with the store and the OMS. Our open orders are adopted (at start-up they
// are then cancelled: the strategy re-decides from the positions), orders the store left in
// flight are resolved by client id, foreign orders are reported and left alone, and the positions
// are handed to the strategy, which rebalances an unhedged remainder.
asio::awaitable<bool> Runtime::reconcile(std::string why, bool startup) {
  if (reconciling_) co_return true;
  reconciling_ = true;
  struct Reset {
    bool& b;
    ~Reset() { b = false; }
  } reset{reconciling_};
  log_.info("reconcile.start", {{"why", why}});

  auto ledger = co_await read_ledger(startup);
  if (!ledger) co_return false;
  auto orders = co_await reconcile_orders(why, *ledger);
  if (!orders) co_return false;
  const bool positions = co_await reconcile_positions(startup, *ledger, orders->adopted);
  if (!positions) co_return false;
  log_.info("reconcile.done", {{"why", why},
                               {"open_on_exchange", orders->open_on_exchange},
                               {"adopted", orders->adopted.size()},
                               {"foreign", orders->foreign},
                               {"resolved", orders->resolved}});
  pump();
  co_return true;
}

// Our own recorded fills: what the exchange reports beyond them happened while we were away.
asio::awaitable<std::optional<reconciler::Ledger>> Runtime::read_ledger(bool startup) {
  auto fills = co_await store_->fills_since(UnixNanos{0});
  if (!fills) {
    log_.error("reconcile.failed", {{"step", "store_fills"}, {"error", fills.error().message()}});
    co_return std::nullopt;
  }
  std::vector<Fill> stored;
  stored.reserve(fills->size());
  for (auto& fr : *fills) stored.push_back(std::move(fr.fill));
  if (startup) {
    const bool backfilled = co_await backfill_fills(stored);
    if (!backfilled) co_return std::nullopt;
    // The store's trades are applied already (they are in the positions adopted below): a copy
    // read back later, or replayed by the stream, is a duplicate to the OMS too.
    for (const auto& f : stored) engine_->oms().remember_trade(f.market, f.trade_id);
  }
  co_return reconciler::ledger_from(stored, [this](std::string_view oid) { return ids_->owns(oid); });
}

// The venue's open orders against the store's and the OMS's (reconciler::plan_orders), and the
// store's rows left in flight resolved by a query each.
asio::awaitable<std::optional<Runtime::OrdersReconciled>> Runtime::reconcile_orders(std::string why,
                                                                                    reconciler::Ledger& ledger) {
  auto open = co_await venue_->open_orders("");
  if (!open) {
    log_.error("reconcile.failed", {{"step", "open_orders"}, {"error", open.error().message()}});
    co_return std::nullopt;
  }
  auto known = co_await store_->open_orders();
  if (!known) {
    log_.error("reconcile.failed", {{"step", "store_open_orders"}, {"error", known.error().message()}});
    co_return std::nullopt;
  }
  const reconciler::OmsView oms{[this](std::string_view oid) { return engine_->oms().find(oid) != nullptr; },
                                [this](std::string_view oid) {
                                  const auto* o = engine_->oms().find(oid);
                                  return o != nullptr && o->is_open();
                                }};
  auto plan = reconciler::plan_orders(
      *open, *known, [this](std::string_view s) { return track_.contains(s); },
      [this](std::string_view oid) { return ids_->owns(oid); }, oms, ledger);
  execute_order_plan(plan);
  OrdersReconciled out;
  const bool resolved = co_await resolve_orders(plan.resolve, why, ledger, out.resolved);
  if (!resolved) co_return std::nullopt;
  out.open_on_exchange = open->size();
  out.foreign = plan.foreign.size();
  out.adopted = std::move(plan.adopt);
  co_return out;
}

// Store rows open but neither listed by the venue nor open in the OMS: what the venue says each
// became is recorded; a request that never arrived is closed as such.
asio::awaitable<bool> Runtime::resolve_orders(const std::vector<store::OrderRecord>& rows, std::string why,
                                              reconciler::Ledger& ledger, int& resolved) {
  for (const auto& row : rows) {
    auto r = co_await look_up(row.symbol, row.market, row.client_oid, row.order_id);
    if (!r) {
      log_.error("reconcile.failed",
                 {{"step", "order_by_client_oid"}, {"client_oid", row.client_oid}, {"error", r.error().message()}});
      co_return false;
    }
    ++resolved;
    const auto res = reconciler::resolve(row, *r, clock_.now(), ledger);
    if (res.missed) log_missed_quantity(*res.missed);
    store_->append(res.record);
    log_.info("idempotent.recover", {{"client_oid", row.client_oid},
                                     {"status", res.reached_venue ? std::string(to_string(res.record.status))
                                                                  : std::string("never_reached_exchange")},
                                     {"filled", dec(res.record.filled_size)},
                                     {"why", why}});
  }
  co_return true;
}

// Balances and positions go through the exec path; at start-up each tracked symbol's share of
// them is adopted, and the orders adopted above are taken off the book.
asio::awaitable<bool> Runtime::reconcile_positions(bool startup, reconciler::Ledger& ledger,
                                                   const std::vector<OrderUpdate>& adopted) {
  auto positions = co_await venue_->positions();
  if (!positions) {
    log_.error("reconcile.failed", {{"step", "positions"}, {"error", positions.error().message()}});
    co_return false;
  }
  auto balances = co_await venue_->balances();
  if (!balances) {
    log_.error("reconcile.failed", {{"step", "balances"}, {"error", balances.error().message()}});
    co_return false;
  }
  for (const auto& b : *balances) on_exec(b);
  std::map<std::string, Decimal, std::less<>> perp;
  for (const auto& p : *positions) {
    on_exec(p);
    perp[p.symbol] += p.size;
  }
  if (!startup) co_return true;
  for (auto& [symbol, t] : track_) adopt_start_position(symbol, t, ledger, *balances, perp[symbol]);
  // The strategy that placed the adopted orders is gone with the old process: take them off the
  // book; it re-decides from the positions above.
  for (const auto& u : adopted) engine_->oms().cancel(u.client_oid, "reconcile_adopted");
  co_return true;
}

// Start-up: Carry's share of the symbol's legs (owned_legs) is booked in the PnL and handed to
// the engine, priced at the current mark (REST funding info, else a quote). Unpriced legs cannot
// be booked honestly: the strategy still gets them, the guards are told why they cannot.
void Runtime::adopt_start_position(const std::string& symbol, SymbolTrack& t, reconciler::Ledger& ledger,
                                   const std::vector<BalanceUpdate>& balances, Decimal venue_perp) {
  const std::string base = base_coin(symbol);
  Decimal wallet;
  for (const auto& b : balances)
    if (b.account == MarketType::Spot && b.coin == base) wallet = b.available + b.frozen;
  const OwnedLegs legs = owned_legs(symbol, ledger.spot_net[symbol], wallet, ledger.perp_net[symbol], venue_perp);
  const Decimal spot = legs.spot, p = legs.perp;
  t.pnl.adopt(MarketType::Spot, spot, t.spot ? std::optional<Decimal>(t.spot->mid()) : std::nullopt);
  t.pnl.adopt(MarketType::Perp, p, t.perp ? std::optional<Decimal>(t.perp->mid()) : std::nullopt);
  if (spot.is_zero() && p.is_zero()) return;
  std::optional<Decimal> price;
  if (t.funding.last() && t.funding.last()->mark_price)
    price = t.funding.last()->mark_price;
  else if (t.perp)
    price = t.perp->mid();
  else if (t.spot)
    price = t.spot->mid();
  if (price) {
    engine_->adopt_positions(symbol, spot, p, *price);
  } else {
    engine_->strategy().adopt_positions(symbol, spot, p);
    log_.error("reconcile.position_unpriced",
               {{"symbol", symbol}, {"note", "no mark price yet: the OMS and risk guards do not see it"}});
  }
  log_.info("reconcile.position", {{"symbol", symbol},
                                   {"spot", dec(spot)},
                                   {"perp", dec(p)},
                                   {"unhedged", dec(spot + p)},
                                   {"spot_wallet", dec(wallet)},
                                   {"venue_perp", dec(venue_perp)}});
}

// What part of each leg is ours. Our fills say what we bought and sold; the venue can only hold
// less of it (a manual close, fees), never more: the remainder of the venue's position is foreign,
// reported and left alone unless strategy.funding.adopt_foreign_positions takes it over.
// Start-up: fills of ours the venue made while carryd was away (or whose pushes died with it) go
// to the store first, so the positions below are made of fills, not of order states, and the fill
// recovery later never books one a second time. A fill without its client id is named by looking
// its order up.
asio::awaitable<bool> Runtime::backfill_fills(std::vector<Fill>& stored) {
  const UnixNanos now = clock_.now();
  UnixNanos from = now - std::chrono::hours(1);
  std::set<std::string> have;
  for (const auto& f : stored) {
    have.insert(std::string(to_string(f.market)) + ":" + f.trade_id);
    if (ids_->owns(f.client_oid)) from = std::max(from, f.ts_event - std::chrono::minutes(2));
  }
  std::map<std::string, std::string> names;       // order id -> client id, looked up once
  for (const auto& symbol : tracked_symbols()) {  // a copy: the set may change across the awaits
    for (const MarketType market : {MarketType::Spot, MarketType::Perp}) {
      auto r = co_await venue_->fills(symbol, market, from, now + std::chrono::seconds(5));
      if (!r) {
        log_.error("reconcile.failed", {{"step", "backfill_fills"},
                                        {"symbol", symbol},
                                        {"market", std::string(to_string(market))},
                                        {"error", r.error().message()}});
        co_return false;
      }
      for (auto& f : *r) {
        if (!have.insert(std::string(to_string(f.market)) + ":" + f.trade_id).second) continue;
        if (f.client_oid.empty() && !f.order_id.empty()) {
          if (!names.contains(f.order_id)) {
            auto o = co_await venue_->order_by_id(symbol, market, f.order_id);
            if (!o) co_return false;
            names[f.order_id] = *o ? (*o)->client_oid : std::string();
          }
          f.client_oid = names[f.order_id];
        }
        if (!ids_->owns(f.client_oid)) continue;
        log_missed_fill(f, "startup");
        store_->append(f);
        stored.push_back(std::move(f));
      }
    }
  }
  co_return true;
}

// One line per trade the pushes never delivered, whichever pass found it.
void Runtime::log_missed_fill(const Fill& f, std::string_view why) {
  log_.warn("reconcile.missed_fill", {{"trade_id", f.trade_id},
                                      {"client_oid", f.client_oid},
                                      {"order_id", f.order_id},
                                      {"symbol", f.symbol},
                                      {"market", std::string(to_string(f.market))},
                                      {"side", std::string(to_string(f.side))},
                                      {"size", dec(f.size)},
                                      {"price", dec(f.price)},
                                      {"ts_event", f.ts_event.to_rfc3339_ms()},
                                      {"why", why}});
}

void Runtime::log_missed_quantity(const reconciler::MissedQuantity& m) {
  log_.warn("reconcile.missed_fills", {{"client_oid", m.client_oid},
                                       {"symbol", m.symbol},
                                       {"market", std::string(to_string(m.market))},
                                       {"size", dec(m.size)}});
}

// The venue's open orders: ours are recorded (and adopted when the OMS never heard of them),
// another client's are reported and left alone.
void Runtime::execute_order_plan(const reconciler::OrderPlan& plan) {
  for (const auto& u : plan.foreign)
    log_.warn("reconcile.foreign_order", {{"symbol", u.symbol},
                                          {"market", std::string(to_string(u.market))},
                                          {"client_oid", u.client_oid},
                                          {"order_id", u.order_id},
                                          {"note", "not ours: left alone"}});
  for (const auto& m : plan.missed) log_missed_quantity(m);
  for (const auto& u : plan.record) store_->append(u);
  for (const auto& u : plan.adopt) {
    engine_->oms().adopt(u);
    log_.info("reconcile.adopted", {{"client_oid", u.client_oid},
                                    {"symbol", u.symbol},
                                    {"market", std::string(to_string(u.market))},
                                    {"filled", dec(u.filled_size)},
                                    {"size", dec(u.size)}});
  }
}

Runtime::OwnedLegs Runtime::owned_legs(const std::string& symbol, Decimal spot_ours, Decimal spot_wallet,
                                       Decimal perp_ours, Decimal perp_venue) {
  const LegShare spot = split_leg(spot_ours, spot_wallet), perp = split_leg(perp_ours, perp_venue);
  const bool adopt = cfg_.strategy.funding.adopt_foreign_positions;
  foreign_perp_[symbol] = adopt ? Decimal{} : perp.foreign;
  for (const auto& [market, share] : {std::pair{MarketType::Spot, spot}, std::pair{MarketType::Perp, perp}}) {
    if (share.foreign.is_zero()) continue;
    log_.warn("reconcile.foreign_position",
              {{"symbol", symbol},
               {"market", std::string(to_string(market))},
               {"venue", dec(share.ours + share.foreign)},
               {"ours", dec(share.ours)},
               {"foreign", dec(share.foreign)},
               {"adopted", adopt},
               {"note", adopt ? "adopted: strategy.funding.adopt_foreign_positions is true"
                              : "not ours: never hedged, reduced or flattened"}});
  }
  return adopt ? OwnedLegs{spot_wallet, perp_venue} : OwnedLegs{spot.ours, perp.ours};
}

// Fills without a client id: named by the OMS, else by a REST lookup of their order id, and only
// then (the venue does not have it, or nothing could name it in a minute) called someone else's.
void Runtime::name_waiting_fills() {
  if (unnamed_fills_.waiting() == 0) return;
  auto plan = unnamed_fills_.step(std::chrono::steady_clock::now(), [this](const std::string& order_id) {
    const auto* o = engine_->oms().find_venue_order(order_id);
    return o ? std::optional<std::string>(o->client_oid) : std::nullopt;
  });
  for (const auto& l : plan.lookups) spawn(look_up_order(l.symbol, l.market, l.order_id), "order_lookup");
  for (auto& f : plan.named) on_exec(f);
  for (auto& f : plan.foreign) {
    log_.warn("fill.unnamed", {{"order_id", f.order_id},
                               {"trade_id", f.trade_id},
                               {"symbol", f.symbol},
                               {"note", "the venue names no order of ours with this id"}});
    on_exec(f);
  }
}

asio::awaitable<void> Runtime::look_up_order(std::string symbol, MarketType market, std::string order_id) {
  auto r = co_await venue_->order_by_id(symbol, market, order_id);
  const auto now = std::chrono::steady_clock::now();
  if (!r) {
    log_.warn("fill.lookup_failed", {{"order_id", order_id}, {"error", r.error().message()}});
    unnamed_fills_.on_lookup(order_id, std::nullopt, true, now);
    co_return;
  }
  std::optional<std::string> client_oid;
  if (*r) {
    client_oid = (*r)->client_oid;
    log_.info("fill.named", {{"order_id", order_id}, {"client_oid", (*r)->client_oid}, {"via", "order_lookup"}});
    // The OMS learns the order (adopting it if it was lost with its ack) before its fills arrive.
    engine_->on_exec(**r);
  }
  unnamed_fills_.on_lookup(order_id, std::move(client_oid), false, now);
  name_waiting_fills();
  pump();
}

}  // namespace carry::app
