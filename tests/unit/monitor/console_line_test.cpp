#include <carry/monitor/console_line.hpp>
#include <carry/monitor/heartbeat.hpp>

#include <gtest/gtest.h>

using namespace carry;
using namespace carry::monitor;

TEST(ConsoleLine, HeartbeatIsOneCompactLinePerSymbol) {
  HeartbeatInput in;
  in.now = UnixNanos::parse_rfc3339("2026-01-02T04:00:48Z").value();
  in.kill_switch = "active";
  SymbolState s;
  s.symbol = "BTCUSDT";
  s.spot_position = "0.011"_dec;
  s.perp_position = "-0.011"_dec;
  s.spot_bid = "99999"_dec, s.spot_ask = "100001"_dec;
  s.perp_bid = "100019"_dec, s.perp_ask = "100021"_dec;
  s.funding_rate = "0.0001"_dec;
  s.funding_interval_hours = 8;
  s.next_funding = UnixNanos::parse_rfc3339("2026-01-02T08:00:00Z").value();
  s.funding_pnl = "1.234"_dec;
  in.symbols.push_back(s);
  SymbolState e;
  e.symbol = "ETHUSDT";
  in.symbols.push_back(e);  // no prices, no funding yet
  const auto line = console_line("metrics.heartbeat", to_json(build_heartbeat(in)));
  ASSERT_TRUE(line);
  EXPECT_EQ(*line,
            "heartbeat active | BTCUSDT spot +0.0110 perp -0.0110 Δ-2bp f=+0.010%/8h next 03:59:12 earned 1.23 | "
            "ETHUSDT spot +0.0000 perp +0.0000 Δ? f=? earned 0.00");
  EXPECT_FALSE(console_line("order.submit", nlohmann::json::object()));
}

TEST(ConsoleLine, SignedSizesKeepEveryDigit) {
  EXPECT_EQ(signed_size("0.011"), "+0.0110");
  EXPECT_EQ(signed_size("-0.011"), "-0.0110");
  EXPECT_EQ(signed_size("0.00005"), "+0.00005");
  EXPECT_EQ(signed_size("12"), "+12.0000");
  EXPECT_EQ(signed_size(""), "?");
}
