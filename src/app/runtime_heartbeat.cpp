// Runtime: the heartbeat. Every monitor.heartbeat_s it assembles the per-symbol state (positions,
// quotes, funding, PnL), logs it as metrics.heartbeat, writes the status row, the position
// snapshots that are due and the day's daily_pnl rows. The same assembly feeds /metrics and
// /status (runtime_http.cpp).
#include "runtime.hpp"

#include <carry/bitget/io/gateway.hpp>
#include <carry/monitor/heartbeat.hpp>
#include <carry/store/store.hpp>

namespace carry::app {
namespace asio = boost::asio;

asio::awaitable<void> Runtime::heartbeat_loop() {
  for (;;) {
    const bool awake = co_await sleep(heartbeat_timer_, std::chrono::seconds(cfg_.monitor.heartbeat_s));
    if (!awake) co_return;
    heartbeat();
  }
}

void Runtime::heartbeat() {
  const UnixNanos now = clock_.now();
  roll_day(now);
  monitor::HeartbeatInput in = heartbeat_input(now);
  if (store_) snapshot_positions(in, now);
  auto hb = heartbeat_fields(in);
  engine_->oms().metrics().period = {};  // the heartbeat's period counters start again
  write_status(hb);
  log_.info("metrics.heartbeat", std::move(hb));
  write_daily_pnl(now);
}

monitor::HeartbeatInput Runtime::heartbeat_input(UnixNanos now) {
  monitor::HeartbeatInput in;
  in.now = now;
  for (const auto& [symbol, t] : track_) {
    monitor::SymbolState s;
    s.symbol = symbol;
    if (auto v = engine_->strategy().view(symbol)) {
      s.spot_position = v->spot_position;
      s.perp_position = v->perp_position;
    } else {
      s.spot_position = t.pnl.position(MarketType::Spot);
      s.perp_position = t.pnl.position(MarketType::Perp);
    }
    if (t.spot) s.spot_bid = t.spot->bid_price, s.spot_ask = t.spot->ask_price;
    if (t.perp) s.perp_bid = t.perp->bid_price, s.perp_ask = t.perp->ask_price;
    s.spot_entry_price = t.pnl.entry_price(MarketType::Spot);
    s.perp_entry_price = t.pnl.entry_price(MarketType::Perp);
    if (const auto& fu = t.funding.last()) {
      s.funding_rate = fu->rate;
      s.next_funding = fu->next_settlement;
      s.funding_interval_hours = fu->interval_hours;
    }
    s.funding_pnl = t.pnl.funding();
    s.fees_paid = t.pnl.fees();
    in.symbols.push_back(s);
  }
  in.kill_switch = std::string(risk::to_string(engine_->risk().kill_switch().state()));
  return in;
}

nlohmann::json Runtime::heartbeat_fields(const monitor::HeartbeatInput& in) {
  auto hb = monitor::to_json(monitor::build_heartbeat(in));
  const auto& m = engine_->oms().metrics();
  hb["oms"] = {{"period", m.period.to_json()}, {"total", m.total.to_json()}};
  hb["mode"] = std::string(to_string(mode_));
  hb["trading"] = trading_;
  hb["orders_in_flight"] = in_flight_;
  hb["open_orders"] = engine_->oms().open_orders().size();
  if (store_) {
    const auto st = store_->stats();
    hb["store"] = {{"written", st.written}, {"write_failed", st.write_failed}, {"queue_depth", st.queue_depth}};
  }
  if (gw_) {
    const auto g = gw_->stats();
    hb["gateway"] = {{"public_frames", g.public_frames},
                     {"private_frames", g.private_frames},
                     {"rejected_frames", g.rejected_frames},
                     {"book_resyncs", g.book_resyncs}};
  }
  return hb;
}

// Each leg whose snapshot is due (SnapshotThrottle), marked at the current mid.
void Runtime::snapshot_positions(const monitor::HeartbeatInput& in, UnixNanos now) {
  for (const auto& s : in.symbols) {
    const auto& t = track_.at(s.symbol);
    for (const auto market : {MarketType::Spot, MarketType::Perp}) {
      store::PositionSnapshotRecord snap;
      snap.ts = now;
      snap.symbol = s.symbol;
      snap.market = market;
      snap.size = market == MarketType::Spot ? s.spot_position : s.perp_position;
      if (!snapshots_.due(s.symbol, market, snap.size, now)) continue;
      snap.entry_price = market == MarketType::Spot ? s.spot_entry_price : s.perp_entry_price;
      const auto& bbo = market == MarketType::Spot ? t.spot : t.perp;
      if (bbo) snap.mark_price = bbo->mid();
      if (snap.entry_price && snap.mark_price) snap.unrealized_pnl = snap.size * (*snap.mark_price - *snap.entry_price);
      store_->append(snap);
    }
  }
}

void Runtime::roll_day(UnixNanos now) {
  const std::string today = now.to_rfc3339().substr(0, 10);
  if (day_.empty()) day_ = today;
  if (today == day_) return;
  write_daily_pnl(now);  // closes the old day with its final figures
  for (auto& [symbol, t] : track_) t.pnl.start_day();
  day_ = today;
}

// One row per symbol, then the total (no symbol).
void Runtime::write_daily_pnl(UnixNanos now) {
  if (!store_ || day_.empty()) return;
  store::DailyPnlRecord total;
  total.date = day_;
  total.updated = now;
  for (const auto& [symbol, t] : track_) {
    const store::DailyPnlRecord r = t.pnl.day_row(day_, symbol, now);
    total.funding += r.funding;
    total.fees += r.fees;
    total.net_pnl += r.net_pnl;
    store_->append(r);
  }
  store_->append(total);
}

}  // namespace carry::app
