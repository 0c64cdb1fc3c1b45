#include <carry/bitget/fast_bbo.hpp>
#include <carry/bitget/ws_parsers.hpp>
#include <carry_test/paths.hpp>

#include "sample_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace carry::bitget {
namespace {

using test::sample;

// The simdjson hot path must agree with the reference (nlohmann) parsers on every sample.
void expect_same_as_reference(const std::string& frame) {
  FastBboParser fast;
  auto f = fast.parse(frame);
  ASSERT_TRUE(f) << frame << ": " << f.error().to_string();
  auto m = parse_ws_message(frame).value();
  const auto& push = std::get<WsPush>(m);
  Bbo ref;
  if (push.arg.channel == "ticker") {
    auto t = parse_ws_ticker(push, {}).value();
    ref = t.at(0).ticker.bbo;
    EXPECT_EQ(f->funding_rate, t[0].ticker.funding_rate);
    EXPECT_EQ(f->mark_price, t[0].ticker.mark_price);
    EXPECT_EQ(f->index_price, t[0].ticker.index_price);
    if (t[0].funding) {
      EXPECT_EQ(f->next_funding_time, t[0].funding->next_settlement);
    }
  } else {
    ref = bbo_from_book(parse_ws_books(push).value().at(0), {}).value();
  }
  EXPECT_EQ(f->symbol, ref.symbol);
  EXPECT_EQ(f->market, ref.market);
  EXPECT_EQ(f->bid_price, ref.bid_price);
  EXPECT_EQ(f->bid_size, ref.bid_size);
  EXPECT_EQ(f->ask_price, ref.ask_price);
  EXPECT_EQ(f->ask_size, ref.ask_size);
  EXPECT_EQ(f->ts_event, ref.ts_event);
}

TEST(FastBbo, AgreesWithReferenceParsersOnSamples) {
  for (const char* file :
       {"ws_books5_snapshot_futures.json", "ws_books5_snapshot_spot.json", "ws_books5_snapshot_spot_doc.json",
        "ws_ticker_futures.json", "ws_ticker_futures_doc.json", "ws_ticker_spot.json"}) {
    SCOPED_TRACE(file);
    expect_same_as_reference(sample(file));
  }
}

TEST(FastBbo, TickerFieldValues) {
  FastBboParser p;
  auto f = p.parse(sample("ws_ticker_futures.json")).value();
  EXPECT_EQ(f.channel, "ticker");
  EXPECT_EQ(f.symbol, "BTCUSDT");
  EXPECT_EQ(f.market, MarketType::Perp);
  EXPECT_EQ(f.bid_price, "43476.3"_dec);
  EXPECT_EQ(f.ask_size, "3.055"_dec);
  EXPECT_EQ(*f.funding_rate, "0.000096"_dec);
  EXPECT_EQ(*f.next_funding_time, UnixNanos::from_ms(1701849600000));
  auto s = p.parse(sample("ws_ticker_spot.json")).value();
  EXPECT_EQ(s.market, MarketType::Spot);
  EXPECT_FALSE(s.funding_rate);
}

TEST(FastBbo, TardisBooks1Lines) {
  std::ifstream in(std::string(carry_test::fixtures_dir()) + "/bitget/ws/bitget_ws_v2_v3_message_samples.jsonl");
  ASSERT_TRUE(in);
  std::string line;
  int ok = 0, empty_side = 0;
  FastBboParser p;
  while (std::getline(in, line)) {
    if (line.find("\"api_version\":\"v2\"") == std::string::npos || line.find("\"books1\"") == std::string::npos)
      continue;
    // The raw push text, byte for byte.
    const auto start = line.find("\"msg\":") + 6;
    const std::string frame = line.substr(start, line.size() - start - 1);
    auto f = p.parse(frame);
    if (frame.find("\"bids\":[]") != std::string::npos) {
      ASSERT_FALSE(f);
      EXPECT_NE(f.error().message.find("empty"), std::string::npos);
      ++empty_side;
      continue;
    }
    ASSERT_TRUE(f) << frame << ": " << f.error().to_string();
    expect_same_as_reference(frame);
    ++ok;
  }
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(empty_side, 1);
}

TEST(FastBbo, RejectsOtherChannelsAndGarbage) {
  FastBboParser p;
  auto t = p.parse(sample("ws_trade_futures.json"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().errc, Errc::unsupported);
  auto g = p.parse("{\"arg\":");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().errc, Errc::bad_payload);
  auto bad = p.parse(
      R"({"action":"snapshot","arg":{"instType":"SPOT","channel":"books1","instId":"X"},"data":[{"asks":[["1","x"]],"bids":[["0.5","1"]],"ts":"1"}],"ts":1})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("ask size"), std::string::npos) << bad.error().message;
  auto no_ts = p.parse(
      R"({"action":"snapshot","arg":{"instType":"SPOT","channel":"books1","instId":"X"},"data":[{"asks":[["1","1"]],"bids":[["0.5","1"]]}],"ts":1})");
  ASSERT_FALSE(no_ts);
  EXPECT_NE(no_ts.error().message.find("data[0].ts"), std::string::npos);
  // The parser stays usable after errors.
  EXPECT_TRUE(p.parse(sample("ws_ticker_spot.json")));
}

}  // namespace
}  // namespace carry::bitget
