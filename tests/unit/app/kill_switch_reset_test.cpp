#include <carry/app/kill_switch_reset.hpp>

#include <carry/store/repo.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace carry;
namespace fs = std::filesystem;

namespace {

class KillSwitchResetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("carry_ks_reset_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path db() const { return dir_ / "carry.db"; }

  fs::path dir_;
  ManualClock clock_{UnixNanos::from_ms(1'750'435'200'000)};
  RecordingEventSink events_;
  std::ostringstream out_;
};

TEST_F(KillSwitchResetTest, ATrippedSwitchBecomesActiveAndTheResetIsLogged) {
  {
    store::Repo repo(db());
    ASSERT_TRUE(repo.put_kill_switch({"halted", "daily_loss", UnixNanos::from_ms(1'750'400'000'000)}));
  }
  EXPECT_EQ(app::reset_kill_switch(db(), clock_, events_, out_), 0);
  EXPECT_NE(out_.str().find("was halted: daily_loss"), std::string::npos) << out_.str();
  store::Repo repo(db());
  auto stored = repo.kill_switch();
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->state, "active");
  EXPECT_EQ((*stored)->reason, "operator_reset");
  EXPECT_EQ((*stored)->since, clock_.now());
  ASSERT_NE(events_.last("kill_switch.reset"), nullptr);
  EXPECT_EQ(events_.last("kill_switch.reset")->fields["was"], "halted");
}

TEST_F(KillSwitchResetTest, AnActiveSwitchOrNoDatabaseIsLeftAlone) {
  EXPECT_EQ(app::reset_kill_switch(db(), clock_, events_, out_), 0);
  EXPECT_NE(out_.str().find("no database"), std::string::npos) << out_.str();
  EXPECT_FALSE(fs::exists(db()));  // the command does not create a database
  {
    store::Repo repo(db());
    ASSERT_TRUE(repo.put_kill_switch({"active", "", UnixNanos::from_ms(1)}));
  }
  out_.str("");
  EXPECT_EQ(app::reset_kill_switch(db(), clock_, events_, out_), 0);
  EXPECT_NE(out_.str().find("already active"), std::string::npos) << out_.str();
  EXPECT_EQ(events_.count("kill_switch.reset"), 0u);
}

TEST_F(KillSwitchResetTest, AnUnreadableDatabaseFailsNamingIt) {
  std::ofstream(db()) << "this is not a sqlite database, just text that fills a page or so .......";
  EXPECT_EQ(app::reset_kill_switch(db(), clock_, events_, out_), 1);
  EXPECT_NE(out_.str().find("kill switch:"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("carry.db"), std::string::npos) << out_.str();
}

}  // namespace
