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
  EXPECT_THROW(ClientOidGenerator("muchtoolongprefix1", 0), std::invalid_argument);  // 18 > 17
}

TEST(ClientOidGenerator, InstanceTagsMakeOtherStoresOrdersForeign) {
  // carryd's tag is prefix + the store's instance id: two stores on one account never own each
  // other's orders, nor the ids of the format before instance ids.
  ClientOidGenerator a("cryab12c", 0), b("cryzz99x", 0);
  const std::string id = a.next();
  EXPECT_EQ(id, "cryab12c-1");
  EXPECT_TRUE(a.owns(id));
  EXPECT_FALSE(b.owns(id));
  EXPECT_FALSE(a.owns(b.next()));
  EXPECT_FALSE(a.owns("cry-1"));
  // The longest configurable prefix (12) plus a 5-character instance id, a dash and a 14-digit
  // counter fit Bitget's 32-character clientOid.
  ClientOidGenerator longest(
      "abcdefghijkl"
      "x1y2z",
      99'999'999'999'998ull);
  EXPECT_LE(longest.next().size(), 32u);
}
