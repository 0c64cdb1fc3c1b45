#pragma once
// carryd against bitget-sim, both as real processes on loopback: the simulator with the bundled
// tape, carryd's configuration pointing at it, and read-outs of the simulator's accounts and of
// carryd's JSONL log. Shared by the daemon integration suites.
#include "sim_process.hpp"

#include <carry_test/process.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace carry::test {

using carry_test::Process;
using carry_test::TempDir;
using carry_test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

inline const std::string kSource = CARRY_SOURCE_DIR;

// The bundled tape, funding settled every `interval_s` at `rate`; `spot` the account's starting
// spot wallet (YAML flow map).
inline std::string sim_yaml(int interval_s, const std::string& rate,
                            const std::string& spot = "{USDT: \"100000\", BTC: \"0\", ETH: \"0\"}",
                            const std::string& secret = "s1") {
  return "sim:\n  listen: 127.0.0.1:0\n  tape: " + kSource +
         "/data/sim/tape_btc_eth_2025-05-20.csv\n  loop: true\n  speed: 4\n  seed: 1\n  tick_ms: 50\n"
         "  funding:\n    interval_s: " +
         std::to_string(interval_s) + "\n    reported_interval_hours: 8\n    rate: \"" + rate +
         "\"\n  balances:\n    futures_usdt: \"100000\"\n    spot: " + spot + "\n"
         "  accounts:\n    - {api_key: k1, secret: '" + secret + "', passphrase: p1}\n";
}

struct SimFixture {
  TempDir dir{"daemon_sim"};
  std::unique_ptr<SimProcess> sim;

  explicit SimFixture(int interval_s = 20, const std::string& rate = "0.0003",
                      const std::string& spot = "{USDT: \"100000\", BTC: \"0\", ETH: \"0\"}",
                      const std::string& secret = "s1") {
    const auto cfg = dir.write("sim.yaml", sim_yaml(interval_s, rate, spot, secret));
    sim = std::make_unique<SimProcess>(BITGET_SIM_EXE, std::vector<std::string>{"--config", cfg});
  }
  unsigned short port() const { return sim->port(); }
  json get(const std::string& target) const { return http_call(port(), "GET", target).json(); }
  json post(const std::string& target, const json& body) const {
    return http_call(port(), "POST", target, {{"Content-Type", "application/json"}}, body.dump()).json();
  }
  json account() const { return get("/sim/accounts")["k1"]; }

  // A signed private REST call as account k1, as any Bitget client sends it (not through Carry).
  json signed_call(const std::string& method, const std::string& target, const json& body = nullptr,
                   const std::string& secret = "s1") const {
    const std::string ts = std::to_string(get("/sim/stats")["server_time"].get<long long>());
    const std::string text = body.is_null() ? std::string() : body.dump();
    const std::string prehash = ts + method + target + text;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(prehash.data()), prehash.size(), mac, &len);
    std::string sign(4 * ((len + 2) / 3), '\0');
    EVP_EncodeBlock(reinterpret_cast<unsigned char*>(sign.data()), mac, static_cast<int>(len));
    return http_call(port(), method, target,
                     {{"ACCESS-KEY", "k1"}, {"ACCESS-SIGN", sign}, {"ACCESS-TIMESTAMP", ts},
                      {"ACCESS-PASSPHRASE", "p1"}, {"Content-Type", "application/json"}, {"locale", "en-US"}},
                     text)
        .json();
  }

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
           "    hold_across_events: true\n    holding_horizon_hours: 720\n    notional_per_symbol: 1000\n"
           "store:\n  db_path: " +
           dir.file("carry.db") + "\nlog:\n  dir: " + dir.file("logs") + "\n  console: false\nmonitor:\n  heartbeat_s: 2\n" +
           "  reports_dir: " + dir.file("reports") + "\n" + extra;
  }
  std::map<std::string, std::string> keys(const std::string& secret = "s1") const {
    return {{"KEYS__API_KEY", "k1"}, {"KEYS__API_SECRET", secret}, {"KEYS__PASSPHRASE", "p1"}};
  }
  std::unique_ptr<Process> carryd(std::vector<std::string> args, std::map<std::string, std::string> env,
                                  const std::string& extra_yaml = "") const {
    const auto cfg = dir.write("carryd.yaml", daemon_yaml(extra_yaml));
    std::vector<std::string> argv = {CARRYD_PATH, "--env", "testnet", "--config", cfg};
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

  std::vector<json> log_events(const std::string& event) const {
    std::vector<json> out;
    for (const auto& line : carry_test::read_lines(dir.path() / "logs" / "app.jsonl")) {
      auto j = json::parse(line, nullptr, false);
      if (j.is_object() && j.value("event", "") == event) out.push_back(j);
    }
    return out;
  }
};

inline constexpr auto kOpenDeadline = 90s;

inline bool hedged(const SimFixture& f, double lot) {
  const double perp = f.perp_position("BTCUSDT");
  const double spot = f.spot_holding("BTC");
  return perp < 0 && spot > 0 && std::abs(spot + perp) <= lot + 1e-12;
}

}  // namespace carry::test
