#include <carry/app/status_command.hpp>
#include <carry/store/repo.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace carry;
using namespace carry::app;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Dir {
  fs::path path = fs::temp_directory_path() / ("carry_status_" + std::to_string(::getpid()));
  Dir() { fs::create_directories(path); }
  ~Dir() { fs::remove_all(path); }
};

const UnixNanos kNow = UnixNanos::parse_rfc3339("2026-01-02T04:00:50Z").value();

json status_row() {
  return {{"ts", "2026-01-02T04:00:48.000Z"},
          {"mode", "live"},
          {"environment", "mainnet"},
          {"pid", 4242},
          {"trading", true},
          {"state", "trading"},
          {"kill_switch", "active"},
          {"kill_reason", ""},
          {"heartbeat_s", 30},
          {"open_orders", 0},
          {"symbols", json::array({{{"symbol", "BTCUSDT"},
                                    {"spot_position", "0.011"},
                                    {"perp_position", "-0.011"},
                                    {"net_delta_bps", -2.04},
                                    {"funding_rate", "0.0001"},
                                    {"funding_interval_hours", 8},
                                    {"next_funding", "2026-01-02T08:00:00.000Z"}}})},
          {"pnl", {{"funding", "1.23"}, {"fees", "0.66"}, {"basis", "0.53"}, {"net", "1.1"}}},
          {"last_error", {{"event", "kill_switch.trip"}, {"ts", "2026-01-02T03:00:00.000Z"}, {"detail", "md_stale"}}}};
}

void fill_store(const fs::path& db) {
  store::Repo repo(db);
  ASSERT_TRUE(repo.put_kv("status", status_row().dump(), kNow));
  store::FundingRecord yesterday{
      "BTCUSDT", UnixNanos::parse_rfc3339("2026-01-01T16:00:00Z").value(), {}, {}, {}, Decimal::parse("1.11").value(),
      kNow};
  store::FundingRecord today = yesterday;
  today.ts = UnixNanos::parse_rfc3339("2026-01-02T00:00:00Z").value();
  today.amount = Decimal::parse("0.12").value();
  ASSERT_TRUE(repo.insert_funding(yesterday));
  ASSERT_TRUE(repo.insert_funding(today));
  Fill f;
  f.symbol = "BTCUSDT";
  f.market = MarketType::Perp;
  f.trade_id = "t1";
  f.fee = Decimal::parse("0.66").value();
  f.fee_coin = "USDT";
  f.price = Decimal::parse("100000").value();
  f.size = Decimal::parse("0.011").value();
  f.ts_event = f.ts_init = UnixNanos::parse_rfc3339("2026-01-01T12:00:00Z").value();
  ASSERT_TRUE(repo.insert_fill(f));
  store::DecisionRecord d;
  d.ts = UnixNanos::parse_rfc3339("2026-01-02T04:00:30Z").value();
  d.symbol = "BTCUSDT";
  d.kind = "HOLD";
  d.reason = "funding_ok";
  ASSERT_TRUE(repo.insert_decision(d));
}

}  // namespace

TEST(StatusCommand, ReadsTheStatusRowAndTheTablesIntoOneView) {
  Dir dir;
  const auto db = dir.path / "carry.db";
  fill_store(db);
  const json st = read_status(db, kNow);
  EXPECT_EQ(st["age_s"], 2);
  EXPECT_EQ(st["kill_switch"], "active");
  EXPECT_EQ(st["symbols"][0]["funding_today"], "0.12");
  EXPECT_EQ(st["symbols"][0]["funding_total"], "1.23");
  EXPECT_EQ(st["funding"]["total"], "1.23");
  EXPECT_EQ(st["fees"]["total"]["USDT"], "0.66");
  EXPECT_TRUE(st["fees"]["today"].empty());
  ASSERT_EQ(st["last_decisions"].size(), 1u);
  EXPECT_EQ(st["last_decisions"][0]["reason"], "funding_ok");

  const std::string table = format_status(st);
  EXPECT_NE(table.find("kill switch  active\n"), std::string::npos) << table;
  EXPECT_NE(table.find("mode         live (mainnet), trading, pid 4242"), std::string::npos) << table;
  EXPECT_NE(table.find("BTCUSDT   0.011         -0.011        -2.0      +0.0100%/8h"), std::string::npos) << table;
  EXPECT_NE(table.find("decision     BTCUSDT HOLD at 2026-01-02T04:00:30Z: funding_ok"), std::string::npos) << table;
  EXPECT_NE(table.find("last error   kill_switch.trip at 2026-01-02T03:00:00.000Z: md_stale"), std::string::npos)
      << table;
  EXPECT_EQ(table.find("STALE"), std::string::npos) << table;
  // Older than three heartbeats: said so.
  const json old = read_status(db, UnixNanos{kNow.ns + 120'000'000'000LL});
  EXPECT_NE(format_status(old).find("STALE"), std::string::npos);
}

TEST(StatusCommand, AMissingOrEmptyStoreIsOneLineAndExitOne) {
  Dir dir;
  std::ostringstream out, err;
  EXPECT_EQ(run_status(dir.path / "none.db", false, kNow, out, err), 1);
  EXPECT_EQ(err.str(), "carryd status: no store at " + (dir.path / "none.db").string() +
                           " (has carryd run with this configuration?)\n");
  EXPECT_FALSE(fs::exists(dir.path / "none.db"));
  { store::Repo repo(dir.path / "empty.db"); }  // a store, but no heartbeat yet
  std::ostringstream out2, err2;
  EXPECT_EQ(run_status(dir.path / "empty.db", true, kNow, out2, err2), 1);
  const std::string empty_err = err2.str();
  EXPECT_NE(empty_err.find("holds no status yet"), std::string::npos) << empty_err;
  EXPECT_EQ(std::count(empty_err.begin(), empty_err.end(), '\n'), 1) << empty_err;
  EXPECT_TRUE(out2.str().empty());
  std::ofstream(dir.path / "junk.db") << "not a database";
  std::ostringstream out3, err3;
  EXPECT_EQ(run_status(dir.path / "junk.db", false, kNow, out3, err3), 1);
  EXPECT_EQ(err3.str().rfind("carryd status: ", 0), 0u) << err3.str();
}
