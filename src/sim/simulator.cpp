#include "simulator.hpp"

#include "book_checksum.hpp"
#include "wire.hpp"

#include <algorithm>
#include <set>

namespace carry::sim {

using nlohmann::json;

namespace {
constexpr std::int64_t kRefreshMs = 500;  // re-publish unchanged books/tickers so data stays fresh

BookLevelStrings level_strings(const std::vector<Level>& lv, const InstrumentSpec& spec, std::size_t limit) {
  BookLevelStrings out;
  for (std::size_t i = 0; i < lv.size() && i < limit; ++i)
    out.emplace_back(spec.fmt_price(lv[i].price), spec.fmt_size(lv[i].size));
  return out;
}

// Levels that differ between two ladders: changed or new sizes, and "0" for removed prices.
json level_delta(const std::vector<Level>& old_lv, const std::vector<Level>& new_lv, const InstrumentSpec& spec,
                 bool bids) {
  std::map<std::int64_t, Decimal> old_map, new_map;
  for (const auto& l : old_lv) old_map[l.price.raw()] = l.size;
  for (const auto& l : new_lv) new_map[l.price.raw()] = l.size;
  std::vector<std::pair<Decimal, std::string>> out;
  for (const auto& [p, s] : new_map) {
    auto it = old_map.find(p);
    if (it == old_map.end() || it->second != s) out.emplace_back(Decimal::from_raw(p), spec.fmt_size(s));
  }
  for (const auto& [p, s] : old_map)
    if (!new_map.count(p)) out.emplace_back(Decimal::from_raw(p), "0");
  std::sort(out.begin(), out.end(),
            [bids](const auto& a, const auto& b) { return bids ? a.first > b.first : a.first < b.first; });
  json j = json::array();
  for (const auto& [p, s] : out) j.push_back(json::array({spec.fmt_price(p), s}));
  return j;
}

constexpr std::int64_t kDayMs = 86'400'000;

}  // namespace

Simulator::Simulator(SimConfig config, std::unique_ptr<Tape> tape, const Clock& clock)
    : config_(std::move(config)),
      tape_(std::move(tape)),
      clock_(clock),
      start_ms_(clock.now().ms()),
      market_(config_.instruments, *tape_, start_ms_, config_.speed, config_.loop, config_.book_depth, config_.seed),
      exchange_(market_, config_.modify_delay_ms),
      funding_(config_.funding, start_ms_),
      faults_(config_.faults),
      rng_(config_.seed) {
  for (const auto& a : config_.accounts) {
    auto& acc = exchange_.add_account(a.api_key, a.secret, a.passphrase, config_.balances, config_.default_leverage,
                                      config_.position_mode, config_.margin_mode);
    acc.account_mode = a.account_mode == "uta" ? "unified" : "classic";
  }
  for (const auto& inst : market_.instruments())
    if (inst.spec.market == Market::Perp)
      next_settlement_[inst.spec.symbol] = funding_.next_settlement_after(start_ms_);
  if (config_.history_days > 0) seed_history();
}

void Simulator::seed_history() {
  // Whole days before the start day, plus the start day up to the start.
  const std::int64_t begin = (start_ms_ - start_ms_ % kDayMs) - config_.history_days * kDayMs;
  market_.enable_history(begin, start_ms_);
  // Past settlements on the funding grid up to the start (the next one is live): the configured
  // base rate +-0.0001, varying per settlement so clients can tell rows apart, 8 decimals.
  const std::int64_t iv = config_.funding.interval_ms;
  const Decimal step = Decimal::from_raw(10);  // 1e-8
  for (std::int64_t t = (begin + iv - 1) / iv * iv; t <= start_ms_; t += iv) {
    for (const auto& inst : market_.instruments()) {
      if (inst.spec.market != Market::Perp) continue;
      const std::uint64_t h =
          splitmix64(config_.seed ^ std::hash<std::string>{}(inst.spec.symbol) ^ static_cast<std::uint64_t>(t));
      const double u = static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
      Decimal rate = funding_.rate_at(inst.spec.symbol, t - 1) + Decimal::from_double((u - 0.5) * 0.0002).value();
      rate = rate.round_to_step(step, Rounding::HalfEven).value();
      rate = max(config_.funding.min_rate, min(config_.funding.max_rate, rate));
      const std::int64_t minute = std::min(t, market_.history_end_ms() - 60'000);
      const Decimal mark = minute >= market_.history_begin_ms()
                               ? market_.history_candle(inst, minute - minute % 60'000).open
                               : market_.mark_price(inst.spec.symbol);
      funding_history_.push_back(FundingRecord{inst.spec.symbol, rate, t, mark, {}});
    }
  }
}

FaultActions Simulator::take_actions() {
  FaultActions a = pending_actions_;
  pending_actions_ = FaultActions{};
  return a;
}

bool Simulator::corrupt_next_checksum() {
  if (faults_.corrupt_checksum_next > 0) {
    --faults_.corrupt_checksum_next;
    return true;
  }
  if (faults_.corrupt_checksum_rate > 0.0) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    return u(rng_) < faults_.corrupt_checksum_rate;
  }
  return false;
}

void Simulator::step() {
  const std::int64_t now = now_ms();
  if (!faults_.stale_books) {
    auto changes = market_.advance(now);
    exchange_.on_market(changes, now);
    std::set<const InstrumentMarket*> changed;
    for (const auto& ch : changes) {
      publish_market(ch);
      changed.insert(ch.inst);
    }
    for (auto& inst : market_.instruments()) {
      if (changed.count(&inst)) continue;
      auto& last = last_publish_ms_[{static_cast<int>(inst.spec.market), inst.spec.symbol}];
      if (now - last >= kRefreshMs) publish_refresh(inst);
    }
  }
  settle_due_funding(now);
  exchange_.on_timer(now);
  render_private_events();
}

std::vector<Push> Simulator::drain_pushes() {
  render_private_events();
  std::vector<Push> out;
  out.swap(pushes_);
  return out;
}

wire::FundingView Simulator::funding_view(const InstrumentMarket& perp) const {
  wire::FundingView v;
  v.rate = funding_.rate_at(perp.spec.symbol, now_ms());
  v.next_ms = next_settlement_.at(perp.spec.symbol);
  v.mark = market_.mark_price(perp.spec.symbol);
  v.index = market_.index_price(perp.spec.symbol);
  return v;
}

wire::PositionFigures Simulator::position_figures(const Account& acc, const Position& p) const {
  wire::PositionFigures fig;
  fig.mark = market_.mark_price(p.symbol);
  fig.unrealized_pl = exchange_.unrealized_pl(p);
  fig.margin = exchange_.position_margin(acc, p);
  fig.leverage = acc.leverage_for(p.symbol);
  return fig;
}

Push Simulator::ticker_push(const InstrumentMarket& inst) const {
  const std::int64_t now = now_ms();
  Push p;
  p.inst_type = std::string(inst_type(inst.spec.market));
  p.channel = "ticker";
  p.key = inst.spec.symbol;
  p.ts = now;
  std::optional<wire::FundingView> fv;
  if (inst.spec.market == Market::Perp) fv = funding_view(inst);
  p.data = json::array({wire::ticker_push(inst, market_.stats_24h(inst, now), fv)});
  return p;
}

std::vector<Push> Simulator::book_snapshots(const InstrumentMarket& inst, const std::string& only_channel) const {
  std::vector<Push> out;
  const std::int64_t now = now_ms();
  struct Ch {
    const char* name;
    std::size_t depth;
  };
  const Ch channels[] = {{"books1", 1}, {"books5", 5}, {"books15", 15}, {"books", inst.bids.size() + inst.asks.size()}};
  for (const auto& c : channels) {
    if (!only_channel.empty() && only_channel != c.name) continue;
    if (only_channel.empty() && std::string(c.name) == "books") continue;  // `books` snapshots only on subscribe
    Push p;
    p.inst_type = std::string(inst_type(inst.spec.market));
    p.channel = c.name;
    p.key = inst.spec.symbol;
    p.ts = now;
    const auto bids = level_strings(inst.bids, inst.spec, c.depth);
    const auto asks = level_strings(inst.asks, inst.spec, c.depth);
    p.data = json::array({{{"asks", wire::levels(inst.asks, inst.spec, c.depth)},
                           {"bids", wire::levels(inst.bids, inst.spec, c.depth)},
                           {"checksum", book_checksum(bids, asks)},
                           {"seq", inst.seq},
                           {"pseq", 0},
                           {"ts", std::to_string(now)}}});
    out.push_back(std::move(p));
  }
  return out;
}

void Simulator::publish_market(const MarketChange& ch) {
  const auto& inst = *ch.inst;
  const std::int64_t now = now_ms();
  last_publish_ms_[{static_cast<int>(inst.spec.market), inst.spec.symbol}] = now;
  publish(ticker_push(inst));
  for (auto& p : book_snapshots(inst, "")) publish(std::move(p));
  // Incremental `books` update with the checksum of the full new book (top 25 per side).
  Push u;
  u.inst_type = std::string(inst_type(inst.spec.market));
  u.channel = "books";
  u.key = inst.spec.symbol;
  u.action = "update";
  u.ts = now;
  const std::int32_t checksum =
      book_checksum(level_strings(inst.bids, inst.spec, 25), level_strings(inst.asks, inst.spec, 25));
  u.data = json::array({{{"asks", level_delta(ch.old_asks, inst.asks, inst.spec, false)},
                         {"bids", level_delta(ch.old_bids, inst.bids, inst.spec, true)},
                         {"checksum", checksum},
                         {"seq", inst.seq},
                         {"pseq", inst.seq - 1},
                         {"ts", std::to_string(now)}}});
  publish(std::move(u));
  if (ch.trade) {
    Push t;
    t.inst_type = std::string(inst_type(inst.spec.market));
    t.channel = "trade";
    t.key = inst.spec.symbol;
    t.action = "update";
    t.ts = now;
    t.data = json::array({wire::trade_push(*ch.trade, inst.spec)});
    publish(std::move(t));
  }
}

void Simulator::publish_refresh(InstrumentMarket& inst) {
  const std::int64_t now = now_ms();
  last_publish_ms_[{static_cast<int>(inst.spec.market), inst.spec.symbol}] = now;
  inst.updated_ms = now;
  publish(ticker_push(inst));
  for (auto& p : book_snapshots(inst, "")) publish(std::move(p));
}

void Simulator::settle_due_funding(std::int64_t now) {
  for (auto& [symbol, next] : next_settlement_) {
    if (now < next) continue;
    // The rate advertised until the settlement is the one that settles.
    const Decimal rate = funding_.rate_at(symbol, next - 1);
    exchange_.settle_funding(symbol, rate, next, now);
    ++stats_.funding_settlements;
    FundingRecord rec{symbol, rate, next, market_.mark_price(symbol), {}};
    for (const auto& [key, acc] : exchange_.accounts())
      for (auto b = acc.bills.rbegin(); b != acc.bills.rend() && b->c_time == next; ++b)
        if (b->business_type == "contract_settle_fee" && b->symbol == symbol) rec.payments.emplace_back(key, b->amount);
    funding_history_.push_back(std::move(rec));
    if (funding_history_.size() > 10000) funding_history_.erase(funding_history_.begin());
    next = funding_.next_settlement_after(now);
    if (auto* inst = market_.find(Market::Perp, symbol); inst && !faults_.stale_books) publish(ticker_push(*inst));
  }
}

void Simulator::render_private_events() {
  auto events = exchange_.drain_events();
  if (events.empty()) return;
  const std::int64_t now = now_ms();
  // Account snapshots are rendered from the current state: keep only the last one per account.
  // A UTA account has one account topic for both wallets: one push per account.
  auto is_uta = [this](const std::string& key) {
    const Account* a = exchange_.account(key);
    return a && a->account_mode != "classic";
  };
  std::set<std::pair<std::string, int>> seen_account;
  std::vector<bool> keep(events.size(), true);
  for (std::size_t i = events.size(); i-- > 0;) {
    const auto& e = events[i];
    if (e.kind != PrivateEvent::Kind::FuturesAccount && e.kind != PrivateEvent::Kind::SpotAccount) continue;
    const int kind = is_uta(e.account) ? -1 : static_cast<int>(e.kind);
    if (!seen_account.insert({e.account, kind}).second) keep[i] = false;
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (!keep[i]) continue;
    const auto& e = events[i];
    const Account* acc = exchange_.account(e.account);
    if (!acc) continue;
    if (acc->account_mode != "classic") {  // v3 pushes: the UTA topics
      pushes_.push_back(private_push_v3(e, *acc));
      continue;
    }
    Push p;
    p.is_private = true;
    p.account = e.account;
    p.ts = now;
    p.inst_type = std::string(inst_type(e.market));
    switch (e.kind) {
      case PrivateEvent::Kind::Order: {
        const auto* inst = market_.find(e.market, e.order.symbol);
        p.channel = "orders";
        p.key = e.order.symbol;
        p.data = json::array({wire::order_push(e.order, inst->spec, e.fill)});
        break;
      }
      case PrivateEvent::Kind::Fill: {
        const auto* inst = market_.find(e.market, e.fill->symbol);
        p.channel = "fill";
        p.key = e.fill->symbol;
        p.data = json::array({wire::fill_push(*e.fill, inst->spec)});
        break;
      }
      case PrivateEvent::Kind::Positions: {
        p.channel = "positions";
        p.key = "default";
        p.data = json::array();
        for (const auto& pos : e.positions)
          p.data.push_back(wire::position_push(*acc, pos, position_figures(*acc, pos)));
        break;
      }
      case PrivateEvent::Kind::FuturesAccount:
        p.channel = "account";
        p.key = "default";
        p.data = json::array({wire::futures_account_push(exchange_.futures_figures(*acc))});
        break;
      case PrivateEvent::Kind::SpotAccount:
        p.channel = "account";
        p.key = "default";
        p.data = json::array();
        for (const auto& [coin, amount] : acc->spot_available) p.data.push_back(wire::spot_asset(*acc, coin));
        break;
    }
    pushes_.push_back(std::move(p));
  }
}

std::vector<const WsSub*> Simulator::matches(const WsSession& s, const Push& p) {
  std::vector<const WsSub*> out;
  if (s.is_private != p.is_private || s.dialect != p.dialect) return out;
  if (p.is_private && s.account != p.account) return out;
  for (const auto& sub : s.subs) {
    if (sub.inst_type != p.inst_type || sub.channel != p.channel) continue;
    if (sub.inst_id == p.key || sub.inst_id == "default" || p.key == "default") out.push_back(&sub);
  }
  return out;
}

std::string Simulator::render_for_delivery(const Push& p, const WsSub& sub) {
  // Corrupted checksums are drawn per delivered `books` update, so "the next N" hit a subscriber.
  if (p.channel == "books" && p.action == "update" && corrupt_next_checksum()) {
    Push bad = p;
    bad.data[0]["checksum"] = bad.data[0]["checksum"].get<std::int32_t>() ^ 0x5A5A5A5A;
    ++stats_.faults_injected["corrupt_checksum"];
    return render(bad, sub);
  }
  return render(p, sub);
}

std::string Simulator::render(const Push& p, const WsSub& sub) {
  if (p.dialect == WsDialect::V3) return render_v3(p, sub);
  json arg = {{"instType", sub.inst_type}, {"channel", sub.channel}};
  arg[sub.coin_key ? "coin" : "instId"] = sub.inst_id;
  json j = {{"action", p.action}, {"arg", std::move(arg)}, {"data", p.data}, {"ts", p.ts}};
  return j.dump();
}

json Simulator::stats_json() const {
  json by_path = json::object();
  for (const auto& [k, v] : stats_.requests_by_path) by_path[k] = v;
  json status = json::object();
  for (const auto& [k, v] : stats_.http_status) status[k] = v;
  json faults = json::object();
  for (const auto& [k, v] : stats_.faults_injected) faults[k] = v;
  return {
      {"requests_total", stats_.requests_total},
      {"requests_by_path", by_path},
      {"http_status", status},
      {"private_rest_calls", stats_.private_rest_calls},
      {"ws_login_attempts", stats_.ws_login_attempts},
      {"private_calls", stats_.private_rest_calls + stats_.ws_login_attempts},
      {"signature_failures", stats_.signature_failures},
      {"auth_failures", stats_.auth_failures},
      {"orders_placed", exchange_.orders_placed()},
      {"duplicate_client_oids", exchange_.duplicate_client_oids()},
      {"client_oids_reused", exchange_.client_oids_reused()},
      {"fills", exchange_.fills_count()},
      {"funding_settlements", stats_.funding_settlements},
      {"ws_connections", {{"public", stats_.ws_public_connections}, {"private", stats_.ws_private_connections}}},
      {"ws_messages_sent", stats_.ws_messages_sent},
      {"faults_injected", faults},
      {"server_time", now_ms()},
  };
}

}  // namespace carry::sim
