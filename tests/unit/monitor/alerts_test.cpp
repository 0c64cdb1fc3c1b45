#include <carry/monitor/alerts.hpp>

#include <gtest/gtest.h>

using namespace carry;
using namespace carry::monitor;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const AlertTime t0{std::chrono::seconds(1000)};

}  // namespace

TEST(AlertRules, KillSwitchTripBecomesAnAlertWithItsReasonAndFields) {
  AlertRules rules;
  const json f{{"from", "active"}, {"to", "reducing"}, {"reason", "md_stale"}, {"symbol", "BTCUSDT"}};
  const auto a = rules.observe(t0, LogLevel::Error, "kill_switch.trip", f);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->event, "kill_switch.trip");
  EXPECT_EQ(a->level, LogLevel::Error);
  EXPECT_EQ(a->text, "Kill switch active -> reducing: md_stale");
  EXPECT_EQ(a->fields["symbol"], "BTCUSDT");
  EXPECT_TRUE(AlertRules::watched("kill_switch.trip"));
  EXPECT_FALSE(AlertRules::watched("order.submit"));
  EXPECT_FALSE(rules.observe(t0, LogLevel::Info, "order.submit", json::object()));
  EXPECT_FALSE(rules.observe(t0, LogLevel::Warn, "alert.failed", json::object()));  // never loops on itself
}

TEST(AlertRules, EveryWatchedEventKindMapsToReadableText) {
  AlertRules rules({0s, 3, 300s, 60s});
  const auto text = [&](std::string_view e, const json& f) {
    auto a = rules.observe(t0, LogLevel::Warn, e, f);
    return a ? a->text : std::string("<none>");
  };
  EXPECT_EQ(text("hedge.deviation_halt", {{"symbol", "ETHUSDT"}}),
            "Hedge deviation halt on ETHUSDT: the legs differ beyond the limit");
  EXPECT_EQ(text("reconcile.drift", {{"symbol", "BTCUSDT"}, {"venue", "-0.02"}, {"ours", "-0.01"}}),
            "Position drift on BTCUSDT: venue -0.02, ours -0.01");
  EXPECT_EQ(text("app.running", {{"mode", "testnet"}, {"environment", "testnet"}}),
            "carryd started (testnet, testnet)");
  EXPECT_EQ(text("app.stop", {{"exit_code", 0}}), "carryd stopped (exit 0)");
  EXPECT_EQ(text("report.daily", {{"date", "2026-01-02"}, {"file", "reports/2026-01-02.md"}, {"net", "1.5"}}),
            "Daily report 2026-01-02, net 1.5 (reports/2026-01-02.md)");
  EXPECT_EQ(text("kill_switch.reset", {{"was", "halted"}}), "Kill switch reset to active (was halted)");
}

TEST(AlertRules, RateLimitIsPerKind) {
  AlertRules rules({300s, 3, 300s, 60s});
  const json f{{"from", "active"}, {"to", "reducing"}, {"reason", "x"}};
  EXPECT_TRUE(rules.observe(t0, LogLevel::Error, "kill_switch.trip", f));
  EXPECT_FALSE(rules.observe(t0 + 10s, LogLevel::Error, "kill_switch.trip", f));
  EXPECT_EQ(rules.suppressed(), 1u);
  // Another kind is not held back by the first.
  EXPECT_TRUE(rules.observe(t0 + 10s, LogLevel::Critical, "kill_switch.halt", f));
  EXPECT_TRUE(rules.observe(t0 + 301s, LogLevel::Error, "kill_switch.trip", f));
}

TEST(AlertRules, OrderRejectionsAlertOnlyAsABurstWithinTheWindow) {
  AlertRules rules({0s, 3, 60s, 60s});
  const json f{{"reason", "40762 insufficient balance"}};
  EXPECT_FALSE(rules.observe(t0, LogLevel::Warn, "order.reject", f));
  EXPECT_FALSE(rules.observe(t0 + 61s, LogLevel::Warn, "order.reject", f));  // the first fell out of the window
  EXPECT_FALSE(rules.observe(t0 + 70s, LogLevel::Warn, "order.reject", f));
  const auto a = rules.observe(t0 + 80s, LogLevel::Warn, "order.reject", f);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->event, "order.rejections");
  EXPECT_EQ(a->fields["rejections"], 3);
  EXPECT_NE(a->text.find("40762"), std::string::npos) << a->text;
  EXPECT_FALSE(rules.observe(t0 + 81s, LogLevel::Warn, "order.reject", f));  // counting starts again
}

TEST(AlertRules, AStreamDownLongerThanTheLimitAlertsOnceAndItsReturnToo) {
  AlertRules rules({0s, 3, 60s, 60s});
  EXPECT_FALSE(rules.observe(t0, LogLevel::Warn, "ws.closed", {{"session", "public"}, {"reason", "eof"}}));
  EXPECT_FALSE(rules.observe(t0 + 5s, LogLevel::Warn, "ws.backoff", {{"session", "public"}, {"reason", "refused"}}));
  EXPECT_TRUE(rules.tick(t0 + 59s).empty());
  const auto down = rules.tick(t0 + 61s);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].event, "stream.down");
  EXPECT_EQ(down[0].text, "Stream public down for 61 s: eof");
  EXPECT_TRUE(rules.tick(t0 + 120s).empty());  // once per outage
  const auto up = rules.observe(t0 + 130s, LogLevel::Info, "ws.streaming", {{"session", "public"}});
  ASSERT_TRUE(up);
  EXPECT_EQ(up->text, "Stream public is back after 130 s");
  // A short blip raises nothing, neither down nor up.
  EXPECT_FALSE(rules.observe(t0 + 200s, LogLevel::Warn, "ws.closed", {{"session", "private"}}));
  EXPECT_FALSE(rules.observe(t0 + 210s, LogLevel::Info, "ws.streaming", {{"session", "private"}}));
  EXPECT_TRUE(rules.tick(t0 + 400s).empty());
}

TEST(BoundedQueue, AFullQueueDropsTheOldestAndCountsIt) {
  BoundedQueue<int> q(2);
  EXPECT_TRUE(q.push(1));
  EXPECT_TRUE(q.push(2));
  EXPECT_FALSE(q.push(3));
  EXPECT_EQ(q.dropped(), 1u);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), 3);
  EXPECT_FALSE(q.pop());
}

TEST(AlertDelivery, RetriesWithGrowingBackoffThenGivesUpAndNeverRetriesARefusal) {
  AlertDelivery d(4, {1000ms, 30'000ms, 2.0, 0.0});
  auto n = d.on_result(AlertDelivery::Outcome::Retryable);
  EXPECT_FALSE(n.done);
  EXPECT_EQ(n.retry_after, 1000ms);
  EXPECT_EQ(d.on_result(AlertDelivery::Outcome::Retryable).retry_after, 2000ms);
  EXPECT_EQ(d.on_result(AlertDelivery::Outcome::Retryable).retry_after, 4000ms);
  n = d.on_result(AlertDelivery::Outcome::Retryable);
  EXPECT_TRUE(n.done);
  EXPECT_FALSE(n.delivered);
  EXPECT_EQ(d.attempts(), 4);

  AlertDelivery refused;
  n = refused.on_result(AlertDelivery::Outcome::Refused);
  EXPECT_TRUE(n.done);
  EXPECT_FALSE(n.delivered);
  AlertDelivery ok;
  EXPECT_TRUE(ok.on_result(AlertDelivery::Outcome::Delivered).delivered);
  EXPECT_EQ(AlertDelivery::classify_http(204), AlertDelivery::Outcome::Delivered);
  EXPECT_EQ(AlertDelivery::classify_http(429), AlertDelivery::Outcome::Retryable);
  EXPECT_EQ(AlertDelivery::classify_http(503), AlertDelivery::Outcome::Retryable);
  EXPECT_EQ(AlertDelivery::classify_http(404), AlertDelivery::Outcome::Refused);
}

TEST(AlertBodies, WebhookSlackAndTelegramCarryTheAlert) {
  Alert a;
  a.event = "kill_switch.trip";
  a.level = LogLevel::Error;
  a.text = "Kill switch active -> reducing: md_stale";
  a.fields = {{"reason", "md_stale"}};
  const auto w = json::parse(webhook_body(a));
  EXPECT_EQ(w["event"], "kill_switch.trip");
  EXPECT_EQ(w["level"], "error");
  EXPECT_EQ(w["text"], a.text);
  EXPECT_EQ(w["fields"]["reason"], "md_stale");
  EXPECT_EQ(json::parse(slack_body(a))["text"], "[carry] ERROR Kill switch active -> reducing: md_stale");
  const auto t = json::parse(telegram_body(a, "-100123"));
  EXPECT_EQ(t["chat_id"], "-100123");
  EXPECT_EQ(t["text"], "[carry] ERROR Kill switch active -> reducing: md_stale");
}
