#pragma once
// The real bitget::Gateway against a bitget-sim process over loopback, as a test fixture: a
// Classic account by default, a Unified Trading Account with `kind = AccountKind::Uta` set before
// start().
#include <carry_test/paths.hpp>
#include <carry_test/sim_process.hpp>

#include <carry/bitget/io/gateway.hpp>
#include <carry/core/event_sink.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>

namespace carry::test {

using namespace std::chrono_literals;
using nlohmann::json;
namespace asio = boost::asio;

class GatewaySim : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--listen",
                                     "127.0.0.1:0",
                                     "--synthetic",
                                     "--seed",
                                     "11",
                                     "--speed",
                                     "5",
                                     "--tick-ms",
                                     "20",
                                     "--account",
                                     "gw-key,gw-secret,gw-pass"};
    if (kind == bitget::AccountKind::Uta) args.insert(args.end(), {"--account-mode", "uta"});
    args.insert(args.end(), extra.begin(), extra.end());
    sim = std::make_unique<SimProcess>(carry_test::sim_exe(), args);
    ASSERT_TRUE(sim->is_ready()) << sim->ready().dump();
    bitget::GatewayConfig cfg;
    cfg.rest_base_url = sim->ready()["rest"];
    cfg.ws_public_url = sim->ready()["ws_public"];
    cfg.ws_private_url = sim->ready()["ws_private"];
    cfg.credentials = bitget::Credentials{"gw-key", "gw-secret", "gw-pass"};
    cfg.rest_timeout = 3000ms;
    cfg.ws_ping_interval = 400ms;
    cfg.ws_pong_timeout = 600ms;
    cfg.ws_idle_timeout = 1500ms;
    cfg.ws_backoff.initial = 50ms;
    cfg.ws_backoff.cap = 400ms;
    cfg.rest_cb_fail_threshold = 3;
    cfg.rest_cb_open_seconds = std::chrono::seconds(1);
    cfg.time_sync_interval = time_sync_interval;
    cfg.ws_rotate_after = rotate_after;
    cfg.account_kind = kind;  // the WS paths follow it (/v3/ws/... for UTA)
    gw = std::make_unique<bitget::Gateway>(io.get_executor(), cfg, events, clock);
    gw->set_market_handler([this](const MarketEvent& e) { market.push_back(e); });
    gw->set_exec_handler([this](const ExecEvent& e) { exec.push_back(e); });
    auto r = run(gw->start());
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(*r) << r->error().message();
  }

  void TearDown() override {
    if (gw) gw->stop();
    pump(50ms);
    gw.reset();
  }

  void pump(std::chrono::milliseconds d) {
    if (io.stopped()) io.restart();
    io.run_for(d);
  }

  template <class T>
  std::optional<T> run(asio::awaitable<T> a, std::chrono::milliseconds deadline = 10s) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(a), [&out](std::exception_ptr e, T v) {
      if (e) std::rethrow_exception(e);
      out.emplace(std::move(v));
    });
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!out && std::chrono::steady_clock::now() < until) pump(10ms);
    return out;
  }

  bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline = 10s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!pred() && std::chrono::steady_clock::now() < until) pump(10ms);
    return pred();
  }

  json admin(const std::string& method, const std::string& path, const std::string& body = "") {
    return http_call(sim->port(), method, path, {}, body).json();
  }

  template <class T>
  std::vector<T> exec_of() const {
    std::vector<T> out;
    for (const auto& e : exec)
      if (const auto* v = std::get_if<T>(&e)) out.push_back(*v);
    return out;
  }

  std::size_t bbo_count(const std::string& symbol, MarketType m) const {
    std::size_t n = 0;
    for (const auto& e : market)
      if (const auto* b = std::get_if<Bbo>(&e); b && b->symbol == symbol && b->market == m) ++n;
    return n;
  }

  std::optional<Bbo> last_bbo(const std::string& symbol, MarketType m) const {
    for (auto it = market.rbegin(); it != market.rend(); ++it)
      if (const auto* b = std::get_if<Bbo>(&*it); b && b->symbol == symbol && b->market == m) return *b;
    return std::nullopt;
  }

  bool has_order_status(const std::string& client_oid, OrderStatus s) const {
    for (const auto& o : exec_of<OrderUpdate>())
      if (o.client_oid == client_oid && o.status == s) return true;
    return false;
  }

  // Spot fill pushes carry no clientOid: match on the order id from the ack.
  bool has_fill(const std::string& order_id) const {
    for (const auto& f : exec_of<Fill>())
      if (f.order_id == order_id) return true;
    return false;
  }

  std::size_t reconnects(bool private_stream) const {
    std::size_t n = 0;
    for (const auto& r : exec_of<StreamReconnected>()) n += r.private_stream == private_stream;
    return n;
  }

  std::int64_t sim_auth_failures() { return admin("GET", "/sim/stats")["auth_failures"].get<std::int64_t>(); }

  bitget::AccountKind kind = bitget::AccountKind::Classic;
  std::chrono::seconds time_sync_interval{300};
  std::chrono::seconds rotate_after{0};
  std::unique_ptr<SimProcess> sim;
  asio::io_context io;
  RecordingEventSink events;
  SystemClock clock;
  std::unique_ptr<bitget::Gateway> gw;
  std::vector<MarketEvent> market;
  std::vector<ExecEvent> exec;
};

}  // namespace carry::test
