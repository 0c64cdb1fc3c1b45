// The runtime's side of the monitoring endpoint: what /metrics, /health and /status read. All of
// it is in-process state (the heartbeat's inputs, OMS and store counters, the gateway's REST and
// WebSocket bookkeeping), built on request; nothing here calls the exchange.
#include "runtime.hpp"

#include "http_server.hpp"

#include <carry/app/version.hpp>
#include <carry/bitget/io/gateway.hpp>
#include <carry/config/listen_address.hpp>
#include <carry/store/store.hpp>

#include <iostream>

namespace carry::app {

namespace {

std::optional<double> age_s(std::chrono::steady_clock::time_point at, std::chrono::steady_clock::time_point now) {
  if (at == std::chrono::steady_clock::time_point{}) return std::nullopt;
  return std::chrono::duration<double>(now - at).count();
}

int kill_state_number(risk::KillState s) {
  switch (s) {
    case risk::KillState::Active:
      return 0;
    case risk::KillState::Reducing:
      return 1;
    case risk::KillState::Halted:
      return 2;
  }
  return 2;
}

}  // namespace

monitor::MetricsSnapshot Runtime::metrics_snapshot() {
  monitor::MetricsSnapshot s;
  s.version = version();
  if (engine_) {
    s.kill_switch_state = kill_state_number(engine_->risk().kill_switch().state());
    s.heartbeat = monitor::build_heartbeat(heartbeat_input(clock_.now()));
    const auto& t = engine_->oms().metrics().total;
    s.orders = {{"submitted", t.submits}, {"acked", t.acks},     {"rejected", t.rejects}, {"canceled", t.cancels},
                {"amended", t.amends},    {"blocked", t.blocks}, {"unknown", t.unknowns}, {"recovered", t.recovered}};
    s.chase_amends = t.chases;
    s.cooldowns = t.cooldowns;
  }
  s.fills = {{"spot", fills_by_market_[0]}, {"perp", fills_by_market_[1]}};
  s.reconcile_drift = drift_total_;
  if (store_) s.store_write_failures = store_->stats().write_failed;
  if (http_) s.http_rejected = http_->rejected();
  if (!gw_) return s;
  const auto& rm = gw_->rest().metrics();
  for (const auto& [key, n] : rm.requests()) s.rest_requests.push_back({key.endpoint, key.code, n});
  for (const auto& [endpoint, l] : rm.latency()) {
    monitor::RestLatency r;
    r.endpoint = endpoint;
    r.seconds.bounds.assign(bitget::RestMetrics::kBounds.begin(), bitget::RestMetrics::kBounds.end());
    r.seconds.counts.assign(l.counts.begin(), l.counts.end());
    r.seconds.sum = l.sum_s;
    r.seconds.count = l.count;
    s.rest_latency.push_back(std::move(r));
  }
  const auto now = std::chrono::steady_clock::now();
  const auto g = gw_->stats();
  s.ws.push_back({"public", g.public_reconnects, age_s(g.public_data_at, now)});
  if (const auto* ws = gw_->ws_private())
    s.ws.push_back({"private", g.private_reconnects, age_s(ws->stats().last_frame_in, now)});
  return s;
}

// Public stream: market data must keep coming. Private stream: quiet between orders by nature, so
// any frame counts (its pongs arrive every exchange.ws_ping_interval_s).
monitor::Health Runtime::health() {
  monitor::HealthInput in;
  in.started = started_;
  in.stopping = stopping_;
  if (engine_) {
    const auto& ks = engine_->risk().kill_switch();
    in.kill_switch = std::string(risk::to_string(ks.state()));
    in.kill_reason = ks.reason();
  }
  in.stale_after_s = cfg_.risk.market_data_stale_s;
  if (gw_) {
    const auto now = std::chrono::steady_clock::now();
    in.streams.push_back({"public", age_s(gw_->stats().public_data_at, now)});
    if (const auto* ws = gw_->ws_private(); ws && keys_)
      in.streams.push_back({"private", age_s(ws->stats().last_frame_in, now)});
  }
  return monitor::evaluate_health(in);
}

bool Runtime::start_http() {
  const auto& h = cfg_.monitor.http;
  if (h.listen.empty()) {
    log_.info("http.disabled", {{"note", "monitor.http.listen is empty"}});
    return true;
  }
  const auto addr = config::parse_listen_address(h.listen);  // validated by the loader
  monitor::RouterContext routes;
  routes.token = h.token;
  routes.metrics = [this] { return monitor::format_metrics(metrics_snapshot()); };
  routes.health = [this] { return health(); };
  routes.status = [this] {
    if (!engine_) return nlohmann::json{{"status", "starting"}};
    auto j = heartbeat_fields(heartbeat_input(clock_.now()));
    j["health"] = health().body;
    return j;
  };
  http_ = std::make_unique<HttpServer>(ioc_.get_executor(), std::move(routes), log_);
  std::string error = "monitor.http.listen is not an address";
  if (!addr || !http_->listen(*addr, error)) {
    log_.error("http.bind_failed", {{"address", h.listen},
                                    {"error", error},
                                    {"note", "set monitor.http.listen to a free port, or \"\" to turn it off"}});
    std::cerr << "carryd: cannot listen on " << h.listen << " (monitor.http.listen): " << error << "\n";
    http_.reset();
    return false;
  }
  log_.info("http.listening", {{"address", http_->bound_address()},
                               {"token", !h.token.empty()},
                               {"paths", {"/metrics", "/health", "/status"}}});
  http_->start();
  return true;
}

void Runtime::stop_http() {
  if (http_) http_->stop();
}

}  // namespace carry::app
