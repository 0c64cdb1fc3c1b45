#include <carry/store/client_id_counter.hpp>

#include <carry/core/client_oid.hpp>

#include <carry_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

using namespace carry;
using namespace carry::store;
using carry_test::TempDir;

TEST(ClientIdCounter, StartsAtZeroAndReservesDurably) {
  TempDir dir;
  {
    ClientIdCounter counter(dir.file());
    EXPECT_EQ(counter.last_reserved(), 0u);
    EXPECT_EQ(counter.reserve_client_ids(10).value(), 1u);
    EXPECT_EQ(counter.reserve_client_ids(5).value(), 11u);
    EXPECT_EQ(counter.last_reserved(), 15u);
  }
  ClientIdCounter reopened(dir.file());
  EXPECT_EQ(reopened.last_reserved(), 15u);
  EXPECT_EQ(reopened.reserve_client_ids(1).value(), 16u);
}

TEST(ClientIdCounter, GeneratorIdsStayUniqueAcrossRestarts) {
  TempDir dir;
  std::set<std::string> seen;
  std::uint64_t highest = 0;
  for (int run = 0; run < 3; ++run) {  // each run = a daemon start that "crashes" mid-block
    ClientIdCounter counter(dir.file(), /*block=*/8);
    EXPECT_GE(counter.last_reserved(), highest);
    ClientOidGenerator gen("cx", counter.last_reserved(), counter.persist_callback());
    for (int i = 0; i < 13; ++i) {
      const std::string id = gen.next();
      EXPECT_TRUE(seen.insert(id).second) << "reused " << id;
      // Durable before use: the persisted mark already covers the id handed out.
      EXPECT_LE(gen.last_used(), counter.last_reserved());
    }
    highest = gen.last_used();
  }
  EXPECT_EQ(seen.size(), 39u);
}

TEST(ClientIdCounter, WritesOncePerBlock) {
  TempDir dir;
  ClientIdCounter counter(dir.file(), /*block=*/64);
  counter.persist_counter(1);
  EXPECT_EQ(counter.last_reserved(), 64u);
  counter.persist_counter(64);
  EXPECT_EQ(counter.last_reserved(), 64u);  // covered: no write
  counter.persist_counter(65);
  EXPECT_EQ(counter.last_reserved(), 128u);
  Repo repo(dir.file());
  EXPECT_EQ(repo.counter().value(), 128u);
}

TEST(ClientIdCounter, SharesTheFileWithTheStoreTables) {
  TempDir dir;
  ClientIdCounter counter(dir.file());
  Repo repo(dir.file());
  ASSERT_TRUE(repo.put_kill_switch({"Active", "", UnixNanos::from_seconds(1)}));
  EXPECT_EQ(counter.reserve_client_ids(3).value(), 1u);
  EXPECT_EQ(repo.counter().value(), 3u);
  EXPECT_EQ(repo.kill_switch().value()->state, "Active");
}

static bool counter_reaches(Repo& repo, std::uint64_t value) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (repo.counter().value() != value && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  return repo.counter().value() == value;
}

TEST(ClientIdCounter, TopUpReservesTheNextBlockInTheBackgroundAfterHalfIsUsed) {
  TempDir dir;
  ClientIdCounter counter(dir.file(), /*block=*/64);
  for (std::uint64_t v = 1; v <= 31; ++v) counter.persist_counter(v);
  counter.top_up();
  Repo repo(dir.file());
  EXPECT_EQ(repo.counter().value(), 64u);  // less than half used: nothing ahead yet
  counter.persist_counter(33);             // 31 left: the order path itself does not start it...
  EXPECT_EQ(repo.counter().value(), 64u);
  counter.top_up();  // ...the timer's top-up does
  EXPECT_TRUE(counter_reaches(repo, 128u));
  for (std::uint64_t v = 34; v <= 128; ++v) {
    counter.persist_counter(v);
    EXPECT_LE(v, counter.last_reserved());
  }
  EXPECT_EQ(counter.reserve_client_ids(1).value(), 193u);  // 129..192 were reserved ahead
}

TEST(ClientIdCounter, WithoutTopUpTheOrderPathReservesAheadAtThreeQuarters) {
  TempDir dir;
  ClientIdCounter counter(dir.file(), /*block=*/64);
  for (std::uint64_t v = 1; v <= 48; ++v) counter.persist_counter(v);
  Repo repo(dir.file());
  EXPECT_EQ(repo.counter().value(), 64u);  // 16 left: not yet
  counter.persist_counter(49);             // 15 left: reserved ahead, off this thread
  EXPECT_TRUE(counter_reaches(repo, 128u));
  for (std::uint64_t v = 50; v <= 128; ++v) {
    counter.persist_counter(v);
    EXPECT_LE(v, counter.last_reserved());
  }
}
