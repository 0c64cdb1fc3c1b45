#include <carry/store/client_id_counter.hpp>
#include <carry/store/repo.hpp>
#include <carry/store/store_lock.hpp>

#include <carry_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <optional>

using namespace carry::store;
using carry_test::TempDir;

TEST(StoreLock, SecondHolderIsRefusedNamingTheFirstAndTheStore) {
  TempDir dir;
  const auto db = dir.file("sub/carry.db");
  std::optional<StoreLock> first(std::in_place, db);
  EXPECT_TRUE(std::filesystem::exists(StoreLock::lock_path_for(db)));
  try {
    StoreLock second(db);
    FAIL() << "a second lock on the same store was granted";
  } catch (const StoreLockError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("pid " + std::to_string(::getpid())), std::string::npos) << what;
    EXPECT_NE(what.find(db), std::string::npos) << what;
  }
  // Another store is another lock.
  StoreLock other(dir.file("other.db"));
  first.reset();
  StoreLock again(db);  // released with its holder
  SUCCEED();
}

TEST(InstanceId, DrawnOnceKeptForeverDifferentPerStore) {
  TempDir dir;
  std::string a;
  {
    Repo repo(dir.file("a.db"));
    a = repo.instance_id().value();
    EXPECT_EQ(a.size(), Repo::kInstanceIdLength);
    for (char c : a) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << a;
    EXPECT_EQ(repo.instance_id().value(), a);
  }
  ClientIdCounter reopened(dir.file("a.db"));
  EXPECT_EQ(reopened.instance_id(), a);
  // Two fresh stores: different ids (36^5 values; a collision here would be a broken generator).
  ClientIdCounter b(dir.file("b.db")), c(dir.file("c.db"));
  EXPECT_NE(b.instance_id(), c.instance_id());
  EXPECT_NE(b.instance_id(), a);
}
