// The lost-ack fault (response_drop_rate / response_drop_next): how its knobs parse (config file
// and POST /sim/faults share apply_fault_json) and what the simulator does with a request it hits:
// executes it, then loses the answer. Also GET /sim/orders, the ledger that shows it happened.
#include "fault_config.hpp"
#include "sim_config.hpp"
#include "simulator.hpp"

#include <carry/bitget/signer.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace carry::sim {
namespace {

using nlohmann::json;

std::string apply(FaultConfig& cfg, const json& j) {
  FaultActions actions;
  return apply_fault_json(cfg, actions, j);
}

TEST(ResponseDropFaults, ParseRatesAndCountsLikeTheOtherKnobs) {
  FaultConfig cfg;
  EXPECT_EQ(cfg.response_drop_rate, 0.0);
  EXPECT_EQ(cfg.response_drop_next, 0);
  ASSERT_EQ(apply(cfg, {{"response_drop_rate", 0.25}, {"response_drop_next", 3}}), "");
  EXPECT_EQ(cfg.response_drop_rate, 0.25);
  EXPECT_EQ(cfg.response_drop_next, 3);
  // Strings as YAML scalars arrive.
  ASSERT_EQ(apply(cfg, {{"response_drop_rate", "0.5"}, {"response_drop_next", "2"}}), "");
  EXPECT_EQ(cfg.response_drop_rate, 0.5);
  EXPECT_EQ(cfg.response_drop_next, 2);
  const json shown = fault_json(cfg);
  EXPECT_EQ(shown["response_drop_rate"], 0.5);
  EXPECT_EQ(shown["response_drop_next"], 2);
  ASSERT_EQ(apply(cfg, {{"reset", true}}), "");
  EXPECT_EQ(cfg.response_drop_rate, 0.0);
  EXPECT_EQ(cfg.response_drop_next, 0);
}

TEST(ResponseDropFaults, BadValuesNameTheKeyAndLeaveTheConfigUnchanged) {
  FaultConfig cfg;
  cfg.response_drop_rate = 0.1;
  const struct {
    json body;
    const char* expected;
  } cases[] = {
      {{{"response_drop_rate", 1.5}}, "faults.response_drop_rate: expected a probability in [0, 1]"},
      {{{"response_drop_rate", -0.1}}, "faults.response_drop_rate: expected a probability in [0, 1]"},
      {{{"response_drop_rate", "often"}}, "faults.response_drop_rate: expected a probability in [0, 1]"},
      {{{"response_drop_next", -1}}, "faults.response_drop_next: expected a non-negative integer"},
      {{{"response_drop_next", 1.5}}, "faults.response_drop_next: expected a non-negative integer"},
      {{{"response_drop_next", true}}, "faults.response_drop_next: expected a non-negative integer"},
      // A valid key beside a bad one: nothing is applied.
      {{{"response_drop_next", 4}, {"response_drop_rate", 2}},
       "faults.response_drop_rate: expected a probability in [0, 1]"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(apply(cfg, c.body), c.expected) << c.body.dump();
    EXPECT_EQ(cfg.response_drop_rate, 0.1) << c.body.dump();
    EXPECT_EQ(cfg.response_drop_next, 0) << c.body.dump();
  }
}

TEST(ResponseDropFaults, ReadFromTheConfigFile) {
  const auto path = (std::filesystem::temp_directory_path() / "carry_sim_response_drop.yaml").string();
  std::ofstream(path)
      << "sim:\n  faults:\n    response_drop_rate: 0.2\n    response_drop_next: 1\n    http_scope: private\n";
  SimConfig cfg;
  load_sim_yaml(cfg, path);
  EXPECT_EQ(cfg.faults.response_drop_rate, 0.2);
  EXPECT_EQ(cfg.faults.response_drop_next, 1);
  EXPECT_EQ(cfg.faults.http_scope, "private");
  std::ofstream(path) << "sim:\n  faults:\n    response_drop_rate: 3\n";
  SimConfig bad;
  try {
    load_sim_yaml(bad, path);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("response_drop_rate"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

struct ResponseDropSim : ::testing::Test {
  ManualClock clock{UnixNanos::from_ms(1'700'000'010'000)};
  std::unique_ptr<Simulator> sim;
  bitget::Signer signer{bitget::Credentials{"key1", "secret1", "pass1"}, false};

  void SetUp() override {
    SimConfig cfg;
    cfg.accounts.push_back({"key1", "secret1", "pass1"});
    sim = std::make_unique<Simulator>(cfg, std::make_unique<Tape>(Tape::synthetic(3, cfg.instruments, 600'000, 1000)),
                                      clock);
    clock.advance(std::chrono::milliseconds(1000));
    sim->step();
  }
  HttpResponse call(const std::string& method, const std::string& target, const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    return sim->handle_http(r);
  }
  HttpResponse place(const std::string& client_oid) {
    const json b = {{"symbol", "BTCUSDT"},     {"productType", "USDT-FUTURES"},
                    {"marginMode", "crossed"}, {"marginCoin", "USDT"},
                    {"size", "0.010"},         {"side", "buy"},
                    {"orderType", "limit"},    {"price", "1000.0"},
                    {"clientOid", client_oid}};
    HttpRequest r;
    r.method = "POST";
    r.target = "/api/v2/mix/order/place-order";
    r.body = b.dump();
    for (const auto& h : signer.rest_headers(clock.now().ms(), "POST", r.target, "", r.body)) {
      std::string n(h.name);
      for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[n] = h.value;
    }
    return sim->handle_http(r);
  }
  json stats() { return json::parse(call("GET", "/sim/stats").body); }
};

TEST_F(ResponseDropSim, TheOrderIsPlacedButItsAnswerIsLost) {
  ASSERT_EQ(call("POST", "/sim/faults", R"({"response_drop_next":1})").status, 200);
  const auto lost = place("lost-1");
  EXPECT_TRUE(lost.drop_connection || lost.status == 503) << lost.status << " " << lost.body;
  EXPECT_EQ(lost.body.find("00000"), std::string::npos) << "the ack must not reach the client";
  EXPECT_EQ(stats()["orders_placed"], 1);
  EXPECT_EQ(stats()["faults_injected"]["response_dropped"], 1);
  // The ledger has it, under the client's id.
  const json orders = json::parse(call("GET", "/sim/orders").body)["key1"];
  ASSERT_EQ(orders.size(), 1u) << orders.dump();
  EXPECT_EQ(orders[0]["clientOid"], "lost-1");
  EXPECT_EQ(orders[0]["market"], "perp");
  EXPECT_EQ(orders[0]["status"], "live");
  // One-shot: the next call is answered, and the still-pending id cannot be reused.
  EXPECT_EQ(place("lost-2").status, 200);
  const auto dup = place("lost-1");
  EXPECT_EQ(dup.status, 400);
  EXPECT_NE(dup.body.find("45034"), std::string::npos) << dup.body;
}

TEST_F(ResponseDropSim, BothWaysOfLosingAnAnswerOccurAndHttpScopeIsHonoured) {
  ASSERT_EQ(call("POST", "/sim/faults", R"({"response_drop_rate":1,"http_scope":"private"})").status, 200);
  EXPECT_EQ(call("GET", "/api/v2/public/time").status, 200);  // public: out of scope
  int closed = 0, unavailable = 0;
  for (int i = 0; i < 40; ++i) {
    const auto r = place("rate-" + std::to_string(i));
    if (r.drop_connection)
      ++closed;
    else if (r.status == 503)
      ++unavailable;
  }
  EXPECT_EQ(closed + unavailable, 40);
  EXPECT_GT(closed, 0);
  EXPECT_GT(unavailable, 0);
  EXPECT_EQ(stats()["orders_placed"], 40);  // every one executed
  EXPECT_EQ(stats()["http_status"]["closed"], closed);
  // Scope public: private calls are answered again.
  ASSERT_EQ(call("POST", "/sim/faults", R"({"http_scope":"public"})").status, 200);
  EXPECT_EQ(place("answered").status, 200);
  const auto pub = call("GET", "/api/v2/public/time");
  EXPECT_TRUE(pub.drop_connection || pub.status == 503) << pub.status;
  const auto bad = call("POST", "/sim/faults", R"({"response_drop_next":"x"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("response_drop_next"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace carry::sim
