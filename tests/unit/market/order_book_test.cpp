#include <carry/market/order_book.hpp>
#include <carry_test/paths.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <vector>

namespace carry::market {
namespace {

BookUpdate make(bool snapshot, std::vector<BookLevelText> bids, std::vector<BookLevelText> asks,
                std::int32_t checksum = 0, std::optional<std::int64_t> seq = {},
                std::optional<std::int64_t> pseq = {}) {
  BookUpdate u;
  u.snapshot = snapshot;
  u.bids = std::move(bids);
  u.asks = std::move(asks);
  u.checksum = checksum;
  u.seq = seq;
  u.pseq = pseq;
  return u;
}

TEST(BookChecksum, ReferenceDocStrings) {
  // REFERENCE section 5: zlib.crc32 of the two documented strings.
  EXPECT_EQ(bitget_crc32("43231.1:4:43232.8:9:43231:6:43232.9:8"), -1504501796);
  EXPECT_EQ(static_cast<std::uint32_t>(bitget_crc32("43231.1:4:43232.8:9:43231:6:43232.9:8")), 2790465500u);
  EXPECT_EQ(bitget_crc32("3366.1:7:3366.8:9:3368:8:3372:8"), 831078360);
}

TEST(OrderBook, InterleavesAndSkipsMissingLevels) {
  RecordingEventSink ev;
  OrderBook b("ETHUSDT", ev);
  // One side shorter than the other: "3366.1:7:3366.8:9:3368:8:3372:8" (doc example).
  ASSERT_EQ(b.apply(make(true, {{"3366.1", "7"}}, {{"3366.8", "9"}, {"3368", "8"}, {"3372", "8"}}, 831078360)),
            OrderBook::Result::Applied);
  EXPECT_EQ(b.checksum_string(), "3366.1:7:3366.8:9:3368:8:3372:8");
  b.reset();
  ASSERT_EQ(b.apply(make(true, {{"43231.1", "4"}, {"43231", "6"}}, {{"43232.8", "9"}, {"43232.9", "8"}}, -1504501796)),
            OrderBook::Result::Applied);
  EXPECT_EQ(b.checksum_string(), "43231.1:4:43232.8:9:43231:6:43232.9:8");
}

TEST(OrderBook, KeepsOriginalStrings) {
  RecordingEventSink ev;
  OrderBook b("X", ev);
  b.apply(make(true, {{"1.50", "0.5000"}}, {{"1.60", "2.0"}}));
  EXPECT_EQ(b.checksum_string(), "1.50:0.5000:1.60:2.0");
  EXPECT_EQ(b.best_bid()->first, "1.5"_dec);
}

TEST(OrderBook, UpdatesMergeAndZeroDeletes) {
  RecordingEventSink ev;
  OrderBook b("X", ev);
  b.apply(make(true, {{"10", "1"}, {"9", "2"}}, {{"11", "1"}, {"12", "3"}}));
  b.apply(make(false, {{"10", "0"}, {"9.5", "4"}}, {{"11", "5"}}));
  EXPECT_EQ(b.bid_depth(), 2u);
  EXPECT_EQ(b.best_bid()->first, "9.5"_dec);
  EXPECT_EQ(b.best_ask()->second, "5"_dec);
  EXPECT_EQ(b.checksum_string(), "9.5:4:11:5:9:2:12:3");
  b.apply(make(false, {{"8", "0"}}, {}));  // deleting an absent level is harmless
  EXPECT_EQ(b.state(), OrderBook::State::Synced);
}

TEST(OrderBook, ChecksumMismatchNeedsResync) {
  RecordingEventSink ev;
  OrderBook b("X", ev);
  b.apply(make(true, {{"10", "1"}}, {{"11", "1"}}));
  auto r = b.apply(make(false, {{"10", "2"}}, {}, 12345));
  EXPECT_EQ(r, OrderBook::Result::NeedsResync);
  EXPECT_EQ(b.state(), OrderBook::State::NeedsResync);
  ASSERT_EQ(ev.count("book.resync"), 1u);
  EXPECT_EQ(ev.last("book.resync")->fields["reason"], "checksum mismatch");
  // Further updates are ignored until a snapshot arrives.
  EXPECT_EQ(b.apply(make(false, {{"10", "3"}}, {})), OrderBook::Result::Ignored);
  EXPECT_EQ(ev.count("book.resync"), 1u);
  EXPECT_EQ(b.apply(make(true, {{"10", "1"}}, {{"11", "1"}})), OrderBook::Result::Applied);
  EXPECT_EQ(b.state(), OrderBook::State::Synced);
}

TEST(OrderBook, OutOfOrderAndGapNeedResync) {
  RecordingEventSink ev;
  OrderBook b("X", ev);
  b.apply(make(true, {{"10", "1"}}, {{"11", "1"}}, 0, 100));
  EXPECT_EQ(b.apply(make(false, {{"10", "2"}}, {}, 0, 105, 100)), OrderBook::Result::Applied);
  EXPECT_EQ(b.apply(make(false, {{"10", "3"}}, {}, 0, 104)), OrderBook::Result::NeedsResync);  // went backwards
  EXPECT_EQ(ev.last("book.resync")->fields["reason"], "sequence went backwards");
  b.apply(make(true, {{"10", "1"}}, {{"11", "1"}}, 0, 200));
  EXPECT_EQ(b.apply(make(false, {{"10", "2"}}, {}, 0, 210, 205)), OrderBook::Result::NeedsResync);  // pseq gap
  EXPECT_EQ(ev.last("book.resync")->fields["reason"], "sequence gap");
}

TEST(OrderBook, UpdateBeforeSnapshotAndBadLevels) {
  RecordingEventSink ev;
  OrderBook b("X", ev);
  EXPECT_EQ(b.apply(make(false, {{"10", "2"}}, {})), OrderBook::Result::NeedsResync);
  EXPECT_EQ(ev.last("book.resync")->fields["reason"], "update before snapshot");
  EXPECT_EQ(b.apply(make(true, {{"abc", "1"}}, {})), OrderBook::Result::NeedsResync);
  EXPECT_EQ(b.apply(make(true, {{"12", "1"}}, {{"11", "1"}})), OrderBook::Result::NeedsResync);  // crossed
}

// The `books` pushes (snapshots and updates) received in the recorded Bitget v1 session, in order.
std::vector<nlohmann::json> recorded_book_pushes() {
  const std::string file =
      std::string(carry_test::fixtures_dir()) + "/bitget/ws/bitget_ws_v1_recording_2022-04-06.jsonl";
  std::ifstream in(file);
  EXPECT_TRUE(in) << file;
  std::vector<nlohmann::json> out;
  std::string line;
  while (std::getline(in, line)) {
    auto row = nlohmann::json::parse(line);
    if (row["t"] != "recv") continue;
    const std::string text = row["data"].get<std::string>();
    if (text.find("\"books\"") == std::string::npos || text.find("\"action\"") == std::string::npos) continue;
    out.push_back(nlohmann::json::parse(text));
  }
  return out;
}

// One item of a recorded `books` push as the update the book applies.
BookUpdate recorded_update(const nlohmann::json& d, bool snapshot) {
  BookUpdate u;
  u.snapshot = snapshot;
  for (const auto& l : d["bids"])
    u.bids.push_back({l[0].get_ref<const std::string&>(), l[1].get_ref<const std::string&>()});
  for (const auto& l : d["asks"])
    u.asks.push_back({l[0].get_ref<const std::string&>(), l[1].get_ref<const std::string&>()});
  u.checksum = static_cast<std::int32_t>(d["checksum"].get<std::int64_t>());
  return u;
}

// All 637 `books` checksums of the recorded Bitget (v1, same snapshot/update semantics) stream.
TEST(OrderBook, ReproducesEveryChecksumOfTheV1Recording) {
  const auto pushes = recorded_book_pushes();
  ASSERT_FALSE(pushes.empty());
  RecordingEventSink ev;
  std::map<std::string, OrderBook> books;
  int snapshots = 0, updates = 0, verified = 0;
  for (const auto& msg : pushes) {
    const std::string key = msg["arg"]["instType"].get<std::string>() + "/" + msg["arg"]["instId"].get<std::string>();
    auto& book = books.try_emplace(key, key, ev).first->second;
    for (const auto& d : msg["data"]) {
      const BookUpdate u = recorded_update(d, msg["action"] == "snapshot");
      ASSERT_NE(u.checksum, 0);
      ASSERT_EQ(book.apply(u), OrderBook::Result::Applied) << key << " " << (u.snapshot ? "snapshot" : "update");
      EXPECT_EQ(book.checksum(), u.checksum);
      ++verified;
      (u.snapshot ? snapshots : updates)++;
    }
  }
  EXPECT_EQ(snapshots, 10);
  EXPECT_EQ(updates, 627);
  EXPECT_EQ(verified, 637);
  EXPECT_EQ(ev.count("book.resync"), 0u);
}

// Dropping one recorded update (a lost frame) is caught by the next checksum.
TEST(OrderBook, RecordingWithADroppedUpdateIsDetected) {
  const auto pushes = recorded_book_pushes();
  ASSERT_FALSE(pushes.empty());
  RecordingEventSink ev;
  std::map<std::string, OrderBook> books;
  std::map<std::string, int> seen_updates;
  int resyncs = 0;
  for (const auto& msg : pushes) {
    const std::string key = msg["arg"]["instId"].get<std::string>();
    auto& book = books.try_emplace(key, key, ev).first->second;
    const bool snapshot = msg["action"] == "snapshot";
    // Drop the 3rd update of every book: the following update's checksum no longer matches.
    if (!snapshot && ++seen_updates[key] == 3) continue;
    for (const auto& d : msg["data"]) {
      if (book.apply(recorded_update(d, snapshot)) == OrderBook::Result::NeedsResync) ++resyncs;
    }
  }
  EXPECT_GT(resyncs, 0);
  EXPECT_EQ(ev.count("book.resync"), static_cast<std::size_t>(resyncs));
}

}  // namespace
}  // namespace carry::market
