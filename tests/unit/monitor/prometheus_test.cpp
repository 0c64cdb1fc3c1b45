// The /metrics text on a hand-made snapshot: HELP/TYPE once per family, escaping, histograms.
#include <carry/monitor/prometheus.hpp>

#include <gtest/gtest.h>

#include <sstream>

using namespace carry;
using namespace carry::monitor;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

MetricsSnapshot sample() {
  MetricsSnapshot s;
  s.version = "1.2.3";
  s.kill_switch_state = 1;
  s.heartbeat.ts = UnixNanos{1'000'000'000'000};
  SymbolHeartbeat b;
  b.symbol = "BTCUSDT";
  b.spot_position = "0.011"_dec;
  b.perp_position = "-0.011"_dec;
  b.net_delta_bps = 2.5;
  b.notional = "1100.5"_dec;
  b.funding_rate = "0.0003"_dec;
  b.next_funding = UnixNanos{1'000'000'000'000 + 90'000'000'000};
  b.pnl.funding = "1.25"_dec;
  b.pnl.fees = "0.5"_dec;
  s.heartbeat.symbols.push_back(b);
  s.heartbeat.total_pnl.funding = "1.25"_dec;
  s.heartbeat.total_pnl.fees = "0.5"_dec;
  s.heartbeat.total_pnl.net = "0.75"_dec;  // basis unknown: no sample
  s.orders = {{"submitted", 4}, {"rejected", 1}};
  s.fills = {{"spot", 2}, {"perp", 3}};
  s.chase_amends = 7;
  s.rest_requests = {{"/api/v2/mix/order/place-order", "200", 5}, {"/api/v2/spot/x", "timeout", 1}};
  RestLatency lat;
  lat.endpoint = "/api/v2/mix/order/place-order";
  lat.seconds.bounds = {0.01, 0.1};
  lat.seconds.counts = {2, 2, 1};
  lat.seconds.sum = 0.75;
  lat.seconds.count = 5;
  s.rest_latency.push_back(lat);
  s.ws = {{"public", 2, 0.25}, {"private", 0, std::nullopt}};
  return s;
}

}  // namespace

TEST(Prometheus, EscapesBackslashQuoteAndNewline) {
  EXPECT_EQ(escape_label_value(R"(a\b"c)"
                               "\nd"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(escape_label_value("plain"), "plain");
}

TEST(Prometheus, ValuesAreShortestAndSpecialValuesSpelledOut) {
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(-3), "-3");
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_value(0.0 / 0.0), "NaN");
}

TEST(Prometheus, FormatsEveryFamilyWithHelpAndType) {
  const std::string t = format_metrics(sample());
  EXPECT_TRUE(has_line(t, "# TYPE carry_up gauge")) << t;
  EXPECT_TRUE(has_line(t, "carry_up 1"));
  EXPECT_TRUE(has_line(t, "carry_build_info{version=\"1.2.3\"} 1"));
  EXPECT_TRUE(has_line(t, "carry_kill_switch_state 1"));
  EXPECT_TRUE(has_line(t, "carry_position_base{symbol=\"BTCUSDT\",market=\"spot\"} 0.011"));
  EXPECT_TRUE(has_line(t, "carry_position_base{symbol=\"BTCUSDT\",market=\"perp\"} -0.011"));
  EXPECT_TRUE(has_line(t, "carry_net_delta_bps{symbol=\"BTCUSDT\"} 2.5"));
  EXPECT_TRUE(has_line(t, "carry_notional_usdt{symbol=\"BTCUSDT\"} 1100.5"));
  EXPECT_TRUE(has_line(t, "carry_funding_rate{symbol=\"BTCUSDT\"} 0.0003"));
  EXPECT_TRUE(has_line(t, "carry_next_funding_seconds{symbol=\"BTCUSDT\"} 90"));
  EXPECT_TRUE(has_line(t, "carry_funding_received_usdt_total{symbol=\"BTCUSDT\"} 1.25"));
  EXPECT_TRUE(has_line(t, "carry_fees_paid_usdt_total{symbol=\"BTCUSDT\"} 0.5"));
  EXPECT_TRUE(has_line(t, "carry_pnl_usdt{kind=\"net\"} 0.75"));
  EXPECT_EQ(t.find("kind=\"basis\""), std::string::npos) << "unknown values are left out, never 0";
  EXPECT_TRUE(has_line(t, "carry_orders_total{event=\"rejected\"} 1"));
  EXPECT_TRUE(has_line(t, "carry_fills_total{market=\"perp\"} 3"));
  EXPECT_TRUE(has_line(t, "carry_chase_amends_total 7"));
  EXPECT_TRUE(has_line(t, "carry_cooldowns_total 0"));
  EXPECT_TRUE(has_line(t, "carry_reconcile_drift_total 0"));
  EXPECT_TRUE(has_line(t, "carry_store_write_failures_total 0"));
  EXPECT_TRUE(has_line(t, "carry_rest_requests_total{endpoint=\"/api/v2/spot/x\",code=\"timeout\"} 1"));
  EXPECT_TRUE(has_line(t, "carry_ws_reconnects_total{session=\"public\"} 2"));
  EXPECT_TRUE(has_line(t, "carry_ws_last_message_age_seconds{session=\"public\"} 0.25"));
  EXPECT_EQ(t.find("carry_ws_last_message_age_seconds{session=\"private\"}"), std::string::npos);
  // Each family announced exactly once, and every sample line belongs to a carry_ name.
  std::istringstream in(t);
  int types = 0;
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("# TYPE ", 0) == 0) ++types;
    if (!l.empty() && l[0] != '#') {
      EXPECT_EQ(l.rfind("carry_", 0), 0u) << l;
    }
  }
  EXPECT_EQ(types, 22);
  EXPECT_EQ(t.back(), '\n');
}

TEST(Prometheus, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  const std::string t = format_metrics(sample());
  const std::string ep = "endpoint=\"/api/v2/mix/order/place-order\"";
  EXPECT_TRUE(has_line(t, "# TYPE carry_rest_latency_seconds histogram"));
  EXPECT_TRUE(has_line(t, "carry_rest_latency_seconds_bucket{" + ep + ",le=\"0.01\"} 2")) << t;
  EXPECT_TRUE(has_line(t, "carry_rest_latency_seconds_bucket{" + ep + ",le=\"0.1\"} 4"));
  EXPECT_TRUE(has_line(t, "carry_rest_latency_seconds_bucket{" + ep + ",le=\"+Inf\"} 5"));
  EXPECT_TRUE(has_line(t, "carry_rest_latency_seconds_sum{" + ep + "} 0.75"));
  EXPECT_TRUE(has_line(t, "carry_rest_latency_seconds_count{" + ep + "} 5"));
}

TEST(Prometheus, LabelValuesFromOutsideAreEscaped) {
  auto s = sample();
  s.version = "v\"1\\\n";
  const std::string t = format_metrics(s);
  EXPECT_TRUE(has_line(t, R"(carry_build_info{version="v\"1\\\n"} 1)")) << t;
}
