#pragma once
// carryd against bitget-sim, both as real processes on loopback: the simulator with the bundled
// tape, carryd's configuration pointing at it, and read-outs of the simulator's accounts and of
// carryd's JSONL log. Shared by the daemon integration suites.
#include <carry_test/paths.hpp>
#include <carry_test/sim_process.hpp>

#include <carry_test/process.hpp>

#include <carry/bitget/signer.hpp>

#include <cmath>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace carry::test {

using carry_test::Process;
using carry_test::TempDir;
using carry_test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

inline const std::string kSource = carry_test::source_dir();

// The kind of the simulator's account: the daemon suites run against both (carryd detects it).
struct SimAccount {
  std::string mode;  // "classic" (v2) | "uta" (v3)
  bool uta() const { return mode == "uta"; }
};
inline const SimAccount kClassic{"classic"}, kUta{"uta"};
inline std::ostream& operator<<(std::ostream& o, const SimAccount& a) { return o << a.mode; }
// For INSTANTIATE_TEST_SUITE_P(..., ::testing::Values(kClassic, kUta), SimAccountName).
struct SimAccountName {
  template <class Info>
  std::string operator()(const Info& info) const {
    return info.param.mode;
  }
};
inline const std::string kDefaultSpot = "{USDT: \"100000\", BTC: \"0\", ETH: \"0\"}";

// The bundled tape, funding settled every `interval_s` at `rate`; `spot` the account's starting
// spot wallet (YAML flow map).
inline std::string sim_yaml(int interval_s, const std::string& rate, const std::string& spot = kDefaultSpot,
                            const std::string& secret = "s1", const SimAccount& account = kClassic) {
  return "sim:\n  listen: 127.0.0.1:0\n  tape: " + kSource +
         "/data/sim/tape_btc_eth_2025-05-20.csv\n  loop: true\n  speed: 4\n  seed: 1\n  tick_ms: 50\n"
         "  funding:\n    interval_s: " +
         std::to_string(interval_s) + "\n    reported_interval_hours: 8\n    rate: \"" + rate +
         "\"\n  balances:\n    futures_usdt: \"100000\"\n    spot: " + spot +
         "\n"
         "  accounts:\n    - {api_key: k1, secret: '" +
         secret + "', passphrase: p1, account_mode: " + account.mode + "}\n";
}

// A signed private REST call as any Bitget client sends it (the project's Signer; the simulator
// verifies every signature). `target` is the path with its query.
inline json signed_call(unsigned short port, const carry::bitget::Signer& signer, const std::string& method,
                        const std::string& target, const std::string& body = "") {
  const auto q = target.find('?');
  const std::string path = target.substr(0, q), query = q == std::string::npos ? "" : target.substr(q + 1);
  const auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& h : signer.rest_headers(now, method, path, query, body)) headers.emplace_back(h.name, h.value);
  return http_call(port, method, target, headers, body).json();
}

// A BTCUSDT USDT-M order placed directly on the simulator (someone else's, or a test's set-up),
// written in v2 terms; on a UTA account it is sent as v3's place-order (size -> qty, force ->
// timeInForce; v2's tradeSide and marginMode have no v3 counterpart, v3's posSide passes).
inline json place_perp(unsigned short port, const carry::bitget::Signer& signer, const json& order,
                       const SimAccount& account = kClassic) {
  if (account.uta()) {
    json body = {{"category", "USDT-FUTURES"}, {"symbol", "BTCUSDT"}};
    for (const auto& [k, v] : order.items()) {
      if (k == "size")
        body["qty"] = v;
      else if (k == "force")
        body["timeInForce"] = v;
      else if (k == "side" || k == "orderType" || k == "price" || k == "clientOid" || k == "posSide")
        body[k] = v;
    }
    return signed_call(port, signer, "POST", "/api/v3/trade/place-order", body.dump());
  }
  json body = {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"marginCoin", "USDT"}};
  body.update(order);
  return signed_call(port, signer, "POST", "/api/v2/mix/order/place-order", body.dump());
}

// carryd's JSONL events named `event`, from `dir`/logs/app.jsonl (a partial last line is skipped).
inline std::vector<json> log_events(const TempDir& dir, const std::string& event) {
  std::vector<json> out;
  for (const auto& line : carry_test::read_lines(dir.path() / "logs" / "app.jsonl")) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("event", "") == event) out.push_back(j);
  }
  return out;
}

struct SimFixture {
  TempDir dir{"daemon_sim"};
  std::unique_ptr<SimProcess> sim;
  carry::bitget::Signer signer;
  SimAccount account_kind;

  explicit SimFixture(int interval_s = 20, const std::string& rate = "0.0003", const std::string& spot = kDefaultSpot,
                      const std::string& secret = "s1")
      : SimFixture(kClassic, interval_s, rate, spot, secret) {}
  explicit SimFixture(const SimAccount& kind, int interval_s = 20, const std::string& rate = "0.0003",
                      const std::string& spot = kDefaultSpot, const std::string& secret = "s1")
      : signer(carry::bitget::Credentials{"k1", secret, "p1"}, false), account_kind(kind) {
    const auto cfg = dir.write("sim.yaml", sim_yaml(interval_s, rate, spot, secret, kind));
    sim = std::make_unique<SimProcess>(carry_test::sim_exe(), std::vector<std::string>{"--config", cfg});
  }
  unsigned short port() const { return sim->port(); }
  json get(const std::string& target) const { return http_call(port(), "GET", target).json(); }
  json post(const std::string& target, const json& body) const {
    return http_call(port(), "POST", target, {{"Content-Type", "application/json"}}, body.dump()).json();
  }
  json account() const { return get("/sim/accounts")["k1"]; }

  // A signed private REST call as account k1 (not through carryd).
  json signed_call(const std::string& method, const std::string& target, const json& body = nullptr) const {
    return carry::test::signed_call(port(), signer, method, target, body.is_null() ? std::string() : body.dump());
  }
  json place_perp(const json& order) const { return carry::test::place_perp(port(), signer, order, account_kind); }

  // Requests the simulator served whose path places, amends or cancels an order.
  int trading_requests() const {
    int n = 0;
    const json stats = get("/sim/stats");  // a named value: the loop must not iterate a destroyed temporary
    for (const auto& [path, count] : stats["requests_by_path"].items())
      if (path.find("place") != std::string::npos || path.find("cancel") != std::string::npos ||
          path.find("modify") != std::string::npos || path.find("batch-orders") != std::string::npos)
        n += count.get<int>();
    return n;
  }

  // carryd's configuration: one symbol, the simulator's endpoints, everything written under dir.
  std::string daemon_yaml(const std::string& extra = "") const {
    const std::string host = "127.0.0.1:" + std::to_string(port());
    return "exchange:\n  environment: testnet\n  demo_trading: false\n  rest_url: http://" + host +
           "\n  ws_public_url: ws://" + host + "/v2/ws/public\n  ws_private_url: ws://" + host +
           "/v2/ws/private\n  leverage: 2\n  rest_timeout_ms: 3000\n  bbo_max_age_ms: 3000\n"
           "risk:\n  max_order_notional: 2000\n  max_symbol_notional: 10000\n  max_total_notional: 20000\n"
           "strategy:\n  funding:\n    symbols: [BTCUSDT]\n    min_expected_apr: 0.10\n    close_apr: 0.02\n"
           "    hold_across_events: true\n    holding_horizon_hours: 720\n    adverse_horizon_hours: 0\n"
           "    notional_per_symbol: 1000\n"
           "store:\n  db_path: " +
           dir.file("carry.db") + "\nlog:\n  dir: " + dir.file("logs") +
           "\n  console: false\nmonitor:\n  heartbeat_s: 2\n" + "  reports_dir: " + dir.file("reports") +
           "\n  http:\n    listen: 127.0.0.1:0\n" + extra;
  }
  std::map<std::string, std::string> keys(const std::string& secret = "s1") const {
    return {{"KEYS__API_KEY", "k1"}, {"KEYS__API_SECRET", secret}, {"KEYS__PASSPHRASE", "p1"}};
  }
  std::unique_ptr<Process> carryd(std::vector<std::string> args, std::map<std::string, std::string> env,
                                  const std::string& extra_yaml = "") const {
    const auto cfg = dir.write("carryd.yaml", daemon_yaml(extra_yaml));
    std::vector<std::string> argv = {carry_test::carryd_path(), "--env", "testnet", "--config", cfg};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<Process>(argv, env);
  }

  // Signed base-coin positions on the simulator for one symbol.
  double perp_position(const std::string& symbol) const {
    double total = 0;
    const json acc = account();
    for (const auto& p : acc["positions"]) {
      if (p["symbol"] != symbol) continue;
      const double size = std::stod(p["total"].get<std::string>());
      total += p["holdSide"] == "short" ? -size : size;
    }
    return total;
  }
  double spot_holding(const std::string& coin) const {
    const json acc = account();
    const auto& s = acc["spot"][coin];
    return std::stod(s["available"].get<std::string>()) + std::stod(s["frozen"].get<std::string>());
  }
  int open_orders() const {
    const auto a = account();
    return a["open_orders"]["spot"].get<int>() + a["open_orders"]["perp"].get<int>();
  }
  double perp_lot(const std::string& symbol) const {
    const auto c = get("/api/v2/mix/market/contracts?productType=USDT-FUTURES&symbol=" + symbol);
    return std::stod(c["data"][0]["sizeMultiplier"].get<std::string>());
  }

  std::vector<json> log_events(const std::string& event) const { return carry::test::log_events(dir, event); }
};

inline constexpr auto kOpenDeadline = 90s;

// Carry's hedge on the venue: spot and perp within one lot step, beside `foreign_short` of perp
// that is somebody else's.
inline bool hedged(const SimFixture& f, double lot, double foreign_short = 0) {
  const double perp = f.perp_position("BTCUSDT") + foreign_short;
  const double spot = f.spot_holding("BTC");
  return perp < 0 && spot > 0 && std::abs(spot + perp) <= lot + 1e-12;
}

}  // namespace carry::test
