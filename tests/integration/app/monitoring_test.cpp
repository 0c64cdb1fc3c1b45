// The monitoring endpoint (issue 17) on a real carryd against bitget-sim: /metrics parsed by the
// Prometheus Python client's own parser, /health following the simulator's books going stale and
// coming back, garbage at the port that must not disturb trading, and a taken port at start-up.
// Every daemon listens on 127.0.0.1:0 and the test reads the bound address from http.listening.
#include <carry_test/sim_fixture.hpp>

#include <carry_test/process.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <random>

namespace {

using carry::test::kClassic;
using carry::test::kUta;
using carry::test::SimAccount;
using carry::test::SimAccountName;
using carry::test::SimFixture;
using carry_test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

// The port carryd bound (from its http.listening event), 0 until it is logged.
unsigned short http_port(const SimFixture& f) {
  const auto ev = f.log_events("http.listening");
  if (ev.empty()) return 0;
  const std::string addr = ev.front().value("address", "");
  return static_cast<unsigned short>(std::stoi(addr.substr(addr.rfind(':') + 1)));
}

unsigned short wait_http_port(const SimFixture& f) {
  unsigned short port = 0;
  wait_until([&] { return (port = http_port(f)) != 0; }, 30s);
  return port;
}

// One raw exchange over a plain socket: send `bytes` (then, if `half_close`, end our side) and
// read whatever comes back until the peer closes or 10 s pass.
std::string raw(unsigned short port, const std::string& bytes, bool half_close = true) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    if (half_close) ::shutdown(fd, SHUT_WR);
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

std::string python() { return ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3"; }

// The scrape through prometheus_client.parser.text_string_to_metric_families; a parse error or a
// missing module fails the test with the parser's message (scripts/deps.sh installs
// python3-prometheus-client).
json parse_with_prometheus_client(const carry_test::TempDir& dir, const std::string& text, std::string& error) {
  const std::string in = dir.write("scrape.txt", text);
  const std::string out = dir.file("scrape.json"), err = dir.file("scrape.err");
  const std::string cmd = python() + " '" + carry::test::kSource + "/tests/integration/app/prom_parse.py' < '" + in +
                          "' > '" + out + "' 2> '" + err + "'";
  const int rc = std::system(cmd.c_str());
  if (rc != 0) {
    error = "prom_parse.py exit " + std::to_string(rc) + ": " + carry_test::read_file(err);
    return nullptr;
  }
  return json::parse(carry_test::read_file(out), nullptr, false);
}

// The value of one sample of a parsed family, NaN when absent.
double sample(const json& families, const std::string& family, const std::string& name,
              const json& labels = json::object()) {
  if (!families.contains(family)) return std::nan("");
  for (const auto& s : families[family]["samples"]) {
    if (s[0] != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels.items()) match = match && s[1].value(k, "") == v;
    if (match && !s[2].is_null()) return s[2].get<double>();
  }
  return std::nan("");
}

class Monitoring : public ::testing::TestWithParam<SimAccount> {
 protected:
  const SimAccount& account() const { return GetParam(); }
};

TEST_P(Monitoring, MetricsParseWithThePrometheusClientAndShowTheHedgeAndFunding) {
  SimFixture f(account(), 20, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  auto d = f.carryd({}, f.keys());
  const unsigned short port = wait_http_port(f);
  ASSERT_NE(port, 0) << d->err();
  ASSERT_TRUE(wait_until([&] { return carry::test::hedged(f, lot); }, carry::test::kOpenDeadline))
      << f.account().dump();

  // Once a settlement has paid the hedge, everything the acceptance asks for is on one scrape.
  json fam;
  std::string text, error;
  const bool paid = wait_until(
      [&] {
        const auto r = carry::test::http_call(port, "GET", "/metrics");
        if (r.status != 200) return false;
        text = r.body;
        fam = parse_with_prometheus_client(f.dir, text, error);
        if (fam.is_null()) return true;  // a parse failure: reported below
        return sample(fam, "carry_funding_received_usdt_total", "carry_funding_received_usdt_total",
                      {{"symbol", "BTCUSDT"}}) > 0 &&
               sample(fam, "carry_position_base", "carry_position_base", {{"symbol", "BTCUSDT"}, {"market", "spot"}}) >
                   0;
      },
      90s, 500ms);
  ASSERT_FALSE(fam.is_null()) << error << "\n" << text;
  ASSERT_TRUE(paid) << text;

  const double spot =
      sample(fam, "carry_position_base", "carry_position_base", {{"symbol", "BTCUSDT"}, {"market", "spot"}});
  const double perp =
      sample(fam, "carry_position_base", "carry_position_base", {{"symbol", "BTCUSDT"}, {"market", "perp"}});
  EXPECT_GT(spot, 0);
  EXPECT_LT(perp, 0);
  EXPECT_NEAR(spot + perp, 0, lot + 1e-12) << text;
  EXPECT_NEAR(perp, f.perp_position("BTCUSDT"), lot + 1e-12) << "the venue's position";
  EXPECT_DOUBLE_EQ(sample(fam, "carry_funding_rate", "carry_funding_rate", {{"symbol", "BTCUSDT"}}), 0.0003);
  const double next = sample(fam, "carry_next_funding_seconds", "carry_next_funding_seconds", {{"symbol", "BTCUSDT"}});
  EXPECT_GT(next, -5);
  EXPECT_LE(next, 8 * 3600);
  EXPECT_GT(sample(fam, "carry_notional_usdt", "carry_notional_usdt", {{"symbol", "BTCUSDT"}}), 500);
  EXPECT_FALSE(std::isnan(sample(fam, "carry_net_delta_bps", "carry_net_delta_bps", {{"symbol", "BTCUSDT"}})));
  EXPECT_GT(sample(fam, "carry_fees_paid_usdt", "carry_fees_paid_usdt_total", {{"symbol", "BTCUSDT"}}), 0);
  EXPECT_FALSE(std::isnan(sample(fam, "carry_pnl_usdt", "carry_pnl_usdt", {{"kind", "net"}})));
  EXPECT_EQ(sample(fam, "carry_up", "carry_up"), 1);
  EXPECT_EQ(sample(fam, "carry_kill_switch_state", "carry_kill_switch_state"), 0);
  EXPECT_EQ(sample(fam, "carry_build_info", "carry_build_info"), 1);
  EXPECT_GE(sample(fam, "carry_orders", "carry_orders_total", {{"event", "submitted"}}), 2);
  EXPECT_GE(sample(fam, "carry_fills", "carry_fills_total", {{"market", "spot"}}), 1);
  EXPECT_GE(sample(fam, "carry_fills", "carry_fills_total", {{"market", "perp"}}), 1);
  EXPECT_EQ(sample(fam, "carry_reconcile_drift", "carry_reconcile_drift_total"), 0);
  EXPECT_EQ(sample(fam, "carry_store_write_failures", "carry_store_write_failures_total"), 0);
  EXPECT_FALSE(std::isnan(sample(fam, "carry_chase_amends", "carry_chase_amends_total")));
  EXPECT_FALSE(std::isnan(sample(fam, "carry_cooldowns", "carry_cooldowns_total")));
  // Orders went out over REST: some place endpoint answered 200, and its round trips are timed.
  std::string place;
  for (const auto& smp : fam["carry_rest_requests"]["samples"])
    if (smp[1].value("endpoint", "").find("place") != std::string::npos && smp[1].value("code", "") == "200" &&
        smp[2].get<double>() >= 1)
      place = smp[1]["endpoint"];
  ASSERT_FALSE(place.empty()) << text;
  EXPECT_EQ(fam["carry_rest_latency_seconds"]["type"], "histogram");
  EXPECT_GE(sample(fam, "carry_rest_latency_seconds", "carry_rest_latency_seconds_count", {{"endpoint", place}}), 1);
  EXPECT_GE(sample(fam, "carry_rest_latency_seconds", "carry_rest_latency_seconds_bucket",
                   {{"endpoint", place}, {"le", "+Inf"}}),
            1);
  EXPECT_EQ(sample(fam, "carry_ws_reconnects", "carry_ws_reconnects_total", {{"session", "public"}}), 0);
  EXPECT_EQ(sample(fam, "carry_ws_reconnects", "carry_ws_reconnects_total", {{"session", "private"}}), 0);
  EXPECT_LT(
      sample(fam, "carry_ws_last_message_age_seconds", "carry_ws_last_message_age_seconds", {{"session", "public"}}),
      30);
  for (const auto& [name, family] : fam.items()) EXPECT_EQ(name.rfind("carry_", 0), 0u) << name;

  const auto health = carry::test::http_call(port, "GET", "/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.json()["status"], "ok");
  const auto status = carry::test::http_call(port, "GET", "/status").json();
  ASSERT_TRUE(status.contains("symbols")) << status.dump();
  EXPECT_EQ(status["symbols"][0]["symbol"], "BTCUSDT");
  EXPECT_EQ(status["kill_switch"], "active");
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

INSTANTIATE_TEST_SUITE_P(Accounts, Monitoring, ::testing::Values(kClassic, kUta), SimAccountName());

// Market data only (no keys, so no position the stale-data guard would have to unwind): /health
// follows the public stream alone. A token is configured, so every call carries it.
TEST(MonitoringHealth, TurnsUnhealthyWhileTheBooksAreStaleAndHealthyAfter) {
  SimFixture f(600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  // The simulator's tape moves every few seconds (quiet books push nothing in between): the
  // limit sits well above that gap, so only the injected freeze can cross it.
  constexpr int kStaleS = 20;
  std::map<std::string, std::string> env = {{"RISK__MARKET_DATA_STALE_S", std::to_string(kStaleS)},
                                            {"EXCHANGE__WS_DEAD_AFTER_S", "15"},
                                            {"MONITOR__HTTP__TOKEN", "tok-123"}};
  auto d = f.carryd({}, env);
  const unsigned short port = wait_http_port(f);
  ASSERT_NE(port, 0) << d->err();
  const std::vector<std::pair<std::string, std::string>> auth = {{"Authorization", "Bearer tok-123"}};
  carry::test::HttpResult h;
  const auto health = [&] { return h = carry::test::http_call(port, "GET", "/health", auth), h.status; };
  EXPECT_EQ(carry::test::http_call(port, "GET", "/health").status, 401);
  ASSERT_TRUE(wait_until([&] { return health() == 200; }, 60s)) << h.body;
  // Healthy through the tape's natural pauses: nothing but 200 for 10 s.
  const auto calm_until = std::chrono::steady_clock::now() + 10s;
  bool calm = true;
  wait_until([&] { return (calm = calm && health() == 200, !calm) || std::chrono::steady_clock::now() > calm_until; },
             15s, 200ms);
  EXPECT_TRUE(calm) << h.body;

  const auto frozen_at = std::chrono::steady_clock::now();
  f.post("/sim/faults", {{"stale_books", true}});
  ASSERT_TRUE(wait_until([&] { return health() == 503; }, 45s, 200ms)) << h.body;
  EXPECT_EQ(h.json()["status"], "stale") << h.body;
  EXPECT_NE(h.json().value("reason", "").find("public stream"), std::string::npos) << h.body;
  EXPECT_GT(h.json()["streams"]["public"].get<double>(), kStaleS);
  // Not before the last push the freeze stopped had aged past the limit.
  EXPECT_GE(std::chrono::steady_clock::now() - frozen_at, std::chrono::seconds(kStaleS) - 10s);
  const auto metrics = carry::test::http_call(port, "GET", "/metrics", auth);
  EXPECT_EQ(metrics.status, 200);

  f.post("/sim/faults", {{"stale_books", false}});
  ASSERT_TRUE(wait_until([&] { return health() == 200; }, 60s, 200ms)) << h.body;
  EXPECT_EQ(h.json()["status"], "ok");
  EXPECT_TRUE(d->running());
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

// Paper mode has no private stream: /health follows the public one alone.
TEST(MonitoringHealth, PaperModeIsHealthyOnThePublicStreamAlone) {
  SimFixture f(600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  auto d = f.carryd({"--dry-run"}, f.keys());
  const unsigned short port = wait_http_port(f);
  ASSERT_NE(port, 0) << d->err();
  carry::test::HttpResult h;
  ASSERT_TRUE(wait_until([&] { return (h = carry::test::http_call(port, "GET", "/health")).status == 200; }, 60s))
      << h.body;
  const auto body = h.json();
  EXPECT_EQ(body["status"], "ok");
  EXPECT_TRUE(body["streams"].contains("public")) << h.body;
  EXPECT_FALSE(body["streams"].contains("private")) << h.body;
  EXPECT_EQ(carry::test::http_call(port, "GET", "/status").json()["mode"], "paper");
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
  EXPECT_EQ(f.get("/sim/stats")["private_calls"].get<int>(), 0);
}

TEST(MonitoringHealth, GarbageAtThePortNeverDisturbsTrading) {
  SimFixture f(600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  auto d = f.carryd({}, f.keys());
  const unsigned short port = wait_http_port(f);
  ASSERT_NE(port, 0) << d->err();
  ASSERT_TRUE(wait_until([&] { return carry::test::hedged(f, lot); }, carry::test::kOpenDeadline))
      << f.account().dump();
  ASSERT_TRUE(wait_until([&] { return carry::test::http_call(port, "GET", "/health").status == 200; }, 30s));
  ASSERT_TRUE(wait_until([&] { return f.open_orders() == 0; }, 30s)) << "the hedge settles before the garbage";
  const double perp_before = f.perp_position("BTCUSDT");
  const double spot_before = f.spot_holding("BTC");
  const int placed_before = f.get("/sim/stats")["orders_placed"].get<int>();

  // Random bytes, then truncated requests: nothing must come back but an error or a close.
  std::mt19937 rng(17);
  for (int i = 0; i < 150; ++i) {
    std::string junk(1 + rng() % 2048, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    const std::string r = raw(port, junk);
    EXPECT_TRUE(r.empty() || status_of(r) == 400 || status_of(r) == 431 || status_of(r) == 405 || status_of(r) == 413 ||
                status_of(r) == 404)
        << r.substr(0, 200);
  }
  for (const char* cut :
       {"GET /metr", "GET /metrics HTTP/1.1\r\nHost: x\r\n", "GET", "\r\n\r\n", "GET / HTTP/9.9\r\n\r\n"})
    (void)raw(port, cut);
  // The status codes the issue names.
  EXPECT_EQ(status_of(raw(port, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), 404);
  const std::string post = raw(port, "POST /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(post), 405);
  EXPECT_NE(post.find("Allow: GET, HEAD"), std::string::npos) << post;
  EXPECT_EQ(status_of(raw(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n")),
            431);
  EXPECT_EQ(status_of(raw(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")), 413);
  const std::string head = raw(port, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(head), 200);
  EXPECT_EQ(head.find("carry_up"), std::string::npos) << "HEAD sends no body";
  // Keep-alive: two requests on one connection, two answers.
  const std::string two =
      raw(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(two.find("HTTP/1.1 200"), two.rfind("HTTP/1.1 200")) << two;

  // Many connections at once: beyond the cap of 16 the newcomers get a 503 and are closed.
  std::vector<int> idle;
  for (int i = 0; i < 40; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0)
      idle.push_back(fd);
    else
      ::close(fd);
  }
  ASSERT_EQ(idle.size(), 40u);
  int busy = 0;
  timeval tv{10, 0};
  for (std::size_t i = 16; i < idle.size(); ++i) {  // the first 16 were accepted as sessions
    ::setsockopt(idle[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[256];
    const ssize_t n = ::recv(idle[i], buf, sizeof buf, 0);
    if (n > 0 && status_of(std::string(buf, static_cast<std::size_t>(n))) == 503) ++busy;
  }
  EXPECT_GE(busy, 20);
  for (const int fd : idle) ::close(fd);

  // Still answering, still trading, nothing changed on the venue, and the rejections counted.
  ASSERT_TRUE(wait_until([&] { return carry::test::http_call(port, "GET", "/health").status == 200; }, 30s));
  const auto m = carry::test::http_call(port, "GET", "/metrics").body;
  EXPECT_NE(m.find("carry_http_rejected_total "), std::string::npos);
  EXPECT_EQ(m.find("carry_http_rejected_total 0\n"), std::string::npos) << "rejections are counted";
  EXPECT_TRUE(d->running());
  EXPECT_EQ(f.perp_position("BTCUSDT"), perp_before);
  EXPECT_EQ(f.spot_holding("BTC"), spot_before);
  EXPECT_EQ(f.get("/sim/stats")["orders_placed"].get<int>(), placed_before);
  EXPECT_TRUE(f.log_events("app.task_failed").empty());
  EXPECT_TRUE(f.log_events("kill_switch.trip").empty());
  EXPECT_FALSE(f.log_events("http.rejected").empty());
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
}

TEST(MonitoringHealth, ATakenPortStopsStartUpWithExit1NamingTheAddress) {
  SimFixture f(600, "0.0003");
  ASSERT_TRUE(f.sim->is_ready());
  const int taken = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(taken, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(taken, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string address = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto d = f.carryd({}, {{"MONITOR__HTTP__LISTEN", address}});
  const auto code = d->wait(30s);
  ::close(taken);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1) << d->err();
  EXPECT_NE(d->err().find(address), std::string::npos) << d->err();
  EXPECT_NE(d->err().find("monitor.http.listen"), std::string::npos) << d->err();
  const auto failed = f.log_events("http.bind_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["address"], address);
  EXPECT_TRUE(f.log_events("store.opened").empty()) << "nothing else was started";
}

}  // namespace
