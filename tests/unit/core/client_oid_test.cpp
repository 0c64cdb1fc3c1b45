#include <carry/core/client_oid.hpp>

#include <gtest/gtest.h>

#include <set>

using namespace carry;

TEST(ClientOidGenerator, MonotonicPersistedBeforeUse) {
  std::uint64_t persisted = 0;
  ClientOidGenerator gen("cry", 41, [&](std::uint64_t v) { persisted = v; });
  EXPECT_EQ(gen.next(), "cry-42");
  EXPECT_EQ(persisted, 42u);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(seen.insert(gen.next()).second);
  EXPECT_EQ(gen.last_used(), 1042u);
  EXPECT_LE(gen.next().size(), 32u);
}

TEST(ClientOidGenerator, OwnershipAndPrefixRules) {
  ClientOidGenerator gen("cry", 0);
  EXPECT_TRUE(gen.owns("cry-1"));
  EXPECT_FALSE(gen.owns("cryx-1"));
  EXPECT_FALSE(gen.owns("manual-1"));
  EXPECT_FALSE(gen.owns("cry-"));
  EXPECT_THROW(ClientOidGenerator("bad prefix", 0), std::invalid_argument);
  EXPECT_THROW(ClientOidGenerator("", 0), std::invalid_argument);
  EXPECT_THROW(ClientOidGenerator("waytoolongprefix", 0), std::invalid_argument);
}
