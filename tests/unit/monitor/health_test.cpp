// /health rules as a table: the first failing rule decides, most severe first.
#include <carry/monitor/health.hpp>

#include <gtest/gtest.h>

using namespace carry::monitor;

namespace {

HealthInput healthy() {
  HealthInput in;
  in.started = true;
  in.kill_switch = "active";
  in.streams = {{"public", 1.0}, {"private", 3.0}};
  in.stale_after_s = 30;
  return in;
}

struct Row {
  const char* name;
  void (*change)(HealthInput&);
  int http;
  const char* status;
  const char* reason_part;
};

const Row kRows[] = {
    {"healthy", [](HealthInput&) {}, 200, "ok", ""},
    {"stopping", [](HealthInput& i) { i.stopping = true; }, 503, "stopping", "shutting down"},
    {"halted", [](HealthInput& i) { i.kill_switch = "halted", i.kill_reason = "daily_loss"; }, 503, "halted",
     "daily_loss"},
    {"reducing", [](HealthInput& i) { i.kill_switch = "reducing", i.kill_reason = "md_stale"; }, 503, "reducing",
     "md_stale"},
    {"not started", [](HealthInput& i) { i.started = false; }, 503, "starting", "reconciliation"},
    {"public stale", [](HealthInput& i) { i.streams[0].age_s = 31; }, 503, "stale",
     "public stream: no message for 31.0 s"},
    {"private stale", [](HealthInput& i) { i.streams[1].age_s = 45.5; }, 503, "stale", "private stream"},
    {"never received", [](HealthInput& i) { i.streams[0].age_s.reset(); }, 503, "stale", "nothing received yet"},
    {"exactly at the limit is live", [](HealthInput& i) { i.streams[0].age_s = 30; }, 200, "ok", ""},
    {"halted beats stale", [](HealthInput& i) { i.kill_switch = "halted", i.streams[0].age_s = 99; }, 503, "halted",
     ""},
    {"starting beats stale", [](HealthInput& i) { i.started = false, i.streams[0].age_s.reset(); }, 503, "starting",
     ""},
    {"paper: public stream only", [](HealthInput& i) { i.streams.pop_back(); }, 200, "ok", ""},
};

}  // namespace

TEST(Health, Table) {
  for (const auto& row : kRows) {
    HealthInput in = healthy();
    row.change(in);
    const Health h = evaluate_health(in);
    EXPECT_EQ(h.http_status, row.http) << row.name;
    EXPECT_EQ(h.status, row.status) << row.name;
    EXPECT_EQ(h.body["status"], row.status) << row.name;
    EXPECT_NE(h.reason.find(row.reason_part), std::string::npos) << row.name << ": " << h.reason;
    EXPECT_EQ(h.body.contains("reason"), h.http_status != 200) << row.name;
  }
}

TEST(Health, BodyListsStreamAges) {
  const Health h = evaluate_health(healthy());
  EXPECT_EQ(h.body["streams"]["public"], 1.0);
  EXPECT_EQ(h.body["kill_switch"], "active");
}
