// apply_fault_json: the one parser behind POST /sim/faults and config/sim.yaml's sim.faults. Every
// knob round-trips through its own JSON; each kind of bad value is refused with a message naming
// the key, and a refused update leaves the knobs as they were.
#include "fault_config.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace carry::sim {
namespace {

using nlohmann::json;

std::string apply_json(FaultConfig& cfg, const json& j) {
  FaultActions actions;
  return apply_fault_json(cfg, actions, j);
}

TEST(FaultConfig, EveryKnobRoundTripsThroughItsJson) {
  FaultConfig set;
  set.http_429_rate = 0.25;
  set.http_5xx_rate = 0.5;
  set.http_429_next = 2;
  set.http_5xx_next = 3;
  set.http_scope = "private_v2";
  set.latency_min_ms = 4;
  set.latency_max_ms = 9;
  set.ws_close_after_messages = 7;
  set.ws_close_every_s = 1.5;
  set.ws_scope = "public";
  set.push_drop_rate = 0.125;
  set.push_drop_next = 1;
  set.push_duplicate_rate = 0.75;
  set.push_reorder_rate = 1.0;
  set.push_channels = {"fill", "orders"};
  set.malformed_rate = 0.0625;
  set.malformed_next = 5;
  set.corrupt_checksum_rate = 0.375;
  set.corrupt_checksum_next = 6;
  set.stale_books = true;
  set.clock_skew_ms = -1500;
  set.response_drop_rate = 0.875;
  set.response_drop_next = 8;
  FaultConfig got;
  ASSERT_EQ(apply_json(got, fault_json(set)), "");
  EXPECT_EQ(fault_json(got), fault_json(set));
  EXPECT_EQ(fault_json(got).size(), 23u);  // a new knob must be added to this test too
}

TEST(FaultConfig, NumbersMayComeAsStrings) {
  FaultConfig cfg;
  ASSERT_EQ(apply_json(cfg, {{"http_429_rate", "0.5"}, {"push_drop_next", "3"}, {"stale_books", "true"}}), "");
  EXPECT_EQ(cfg.http_429_rate, 0.5);
  EXPECT_EQ(cfg.push_drop_next, 3);
  EXPECT_TRUE(cfg.stale_books);
}

TEST(FaultConfig, EachBadValueNamesItsKey) {
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"http_5xx_rate", 1.5}}, "faults.http_5xx_rate: expected a probability in [0, 1]"},
      {{{"push_reorder_rate", "x"}}, "faults.push_reorder_rate: expected a probability in [0, 1]"},
      {{{"malformed_next", -1}}, "faults.malformed_next: expected a non-negative integer"},
      {{{"latency_min_ms", 2.5}}, "faults.latency_min_ms: expected a non-negative integer"},
      {{{"ws_scope", "private_v2"}}, "faults.ws_scope: expected all, public or private"},
      {{{"http_scope", "v3"}}, "faults.http_scope: expected all, public, private or private_v2"},
      {{{"ws_close_every_s", -1}}, "faults.ws_close_every_s: expected a non-negative number"},
      {{{"push_channels", "fill"}}, "faults.push_channels: expected a list of channel names"},
      {{{"push_channels", {"fill", "books"}}}, "faults.push_channels: expected orders, fill, positions or account"},
      {{{"stale_books", 1}}, "faults.stale_books: expected true or false"},
      {{{"clock_skew_ms", 0.5}}, "faults.clock_skew_ms: expected an integer (ms, may be negative)"},
      {{{"ws_close_now", "everyone"}}, "faults.ws_close_now: expected all, public or private"},
      {{{"ws_stall_now", 3}}, "faults.ws_stall_now: expected all, public or private"},
      {{{"ws_service_upgrade", -5}}, "faults.ws_service_upgrade: expected a non-negative integer"},
      {{{"reset", "yes"}}, "faults.reset: expected true or false"},
      {{{"http_429_rat", 0.1}}, "faults: unknown key 'http_429_rat'"},
      {{{"latency_min_ms", 10}, {"latency_max_ms", 5}}, "faults.latency_max_ms: must be >= latency_min_ms"},
      {json::array(), "faults: expected a JSON object"},
  };
  for (const auto& [body, message] : cases) {
    FaultConfig cfg;
    cfg.http_429_rate = 0.5;
    EXPECT_EQ(apply_json(cfg, body), message) << body.dump();
    EXPECT_EQ(cfg.http_429_rate, 0.5) << body.dump();
  }
}

TEST(FaultConfig, ARefusedUpdateChangesNothing) {
  FaultConfig cfg;
  const json before = fault_json(cfg);
  EXPECT_NE(apply_json(cfg, {{"http_429_rate", 0.5}, {"push_drop_next", 2}, {"ws_scope", "nowhere"}}), "");
  EXPECT_EQ(fault_json(cfg), before);
}

TEST(FaultConfig, ActionsAndResetAreReported) {
  FaultConfig cfg;
  cfg.http_5xx_rate = 0.5;
  FaultActions actions;
  ASSERT_EQ(apply_fault_json(cfg, actions,
                             {{"reset", true},
                              {"ws_close_now", "private"},
                              {"ws_stall_now", "public"},
                              {"ws_service_upgrade", 250},
                              {"http_429_next", 1}}),
            "");
  EXPECT_TRUE(actions.reset);
  EXPECT_EQ(actions.ws_close_now, "private");
  EXPECT_EQ(actions.ws_stall_now, "public");
  EXPECT_EQ(actions.ws_service_upgrade_ms, 250);
  EXPECT_EQ(cfg.http_5xx_rate, 0.0);  // reset first, then the other keys
  EXPECT_EQ(cfg.http_429_next, 1);
}

}  // namespace
}  // namespace carry::sim
