// Safety rails against the real bitget-sim (carryd and the simulator as processes on loopback):
// positions and orders that are not Carry's stay untouched, --dry-run and --ops-check never place,
// amend or cancel, a paper run never writes the live record, one daemon per store, and
// start_mainnet.sh hands a secret with `$` in it to carryd unchanged without exporting it.
#include <carry_test/paths.hpp>
#include <carry_test/sim_fixture.hpp>

#include <carry_test/process.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <fstream>

namespace {

using carry::test::kClassic;
using carry::test::kUta;
using carry::test::SimAccount;
using carry::test::SimAccountName;
using carry::test::SimFixture;
using carry_test::Process;
using carry_test::TempDir;
using carry_test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr double kForeignPerp = -0.05;  // somebody's short on the same account
constexpr double kForeignSpot = 0.5;    // and the BTC they hold

std::string file_bytes(const std::string& path) { return carry_test::read_file(path); }

// Places a perp market order for someone else (clientOid not Carry's), as any client would.
void place_foreign_perp(const SimFixture& f, const std::string& side, const std::string& size) {
  const json r = f.place_perp({{"marginMode", "crossed"},
                               {"size", size},
                               {"side", side},
                               {"orderType", "market"},
                               {"clientOid", "manual-" + side}});
  ASSERT_EQ(r.value("code", ""), "00000") << r.dump();
}

// (amount, position_size) of every funding event carryd recorded; empty until the table exists.
std::vector<std::pair<double, double>> funding_rows(const SimFixture& f) {
  std::vector<std::pair<double, double>> rows;
  try {
    SQLite::Database db(f.dir.file("carry.db"), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT amount, position_size FROM funding_events WHERE symbol='BTCUSDT'");
    while (q.executeStep())
      rows.emplace_back(std::stod(q.getColumn(0).getString()), std::stod(q.getColumn(1).getString()));
  } catch (const std::exception&) {
    rows.clear();  // not written yet
  }
  return rows;
}

// The rails that involve trading run on a Classic (v2) and on a Unified Trading Account (v3).
class SafetyRailsOnBoth : public ::testing::TestWithParam<SimAccount> {
 protected:
  const SimAccount& account() const { return GetParam(); }
};

TEST_P(SafetyRailsOnBoth, ForeignPositionIsLeftUntouchedThroughOpenCloseAndFlatten) {
  SimFixture f(account(), 20, "0.0003", "{USDT: \"100000\", BTC: \"0.5\", ETH: \"0\"}");
  ASSERT_TRUE(f.sim->is_ready());
  const double lot = f.perp_lot("BTCUSDT");
  place_foreign_perp(f, "sell", "0.05");
  ASSERT_NEAR(f.perp_position("BTCUSDT"), kForeignPerp, 1e-12);
  // Carry's share is what exceeds the foreign legs.
  auto ours_hedged = [&] {
    const double perp = f.perp_position("BTCUSDT") - kForeignPerp;
    const double spot = f.spot_holding("BTC") - kForeignSpot;
    return perp < 0 && spot > lot && std::abs(spot + perp) <= lot + 1e-12;
  };
  auto foreign_intact = [&] {
    EXPECT_NEAR(f.perp_position("BTCUSDT"), kForeignPerp, 1e-12) << f.account().dump();
    EXPECT_GE(f.spot_holding("BTC"), kForeignSpot - 1e-12) << f.account().dump();
    EXPECT_LE(f.spot_holding("BTC"), kForeignSpot + lot) << f.account().dump();  // at most dust of ours
  };
  // Carry's legs are back to nothing: the close is a leader then a follower, so the perp can be
  // flat a moment before the spot sale lands; wait for both.
  auto ours_closed = [&] {
    return std::abs(f.perp_position("BTCUSDT") - kForeignPerp) < 1e-12 && f.spot_holding("BTC") <= kForeignSpot + lot;
  };

  // Open beside the foreign legs, then SIGTERM with --flatten-on-exit: the flatten closes Carry's
  // share and nothing more.
  {
    auto d = f.carryd({"--flatten-on-exit"}, f.keys());
    ASSERT_TRUE(wait_until(ours_hedged, carry::test::kOpenDeadline))
        << "perp=" << f.perp_position("BTCUSDT") << " spot=" << f.spot_holding("BTC") << "\n"
        << carry_test::read_file(f.dir.path() / "logs" / "app.log");
    const auto foreign = f.log_events("reconcile.foreign_position");
    ASSERT_EQ(foreign.size(), 2u);  // the perp short and the spot BTC, both left alone
    for (const auto& e : foreign) {
      EXPECT_FALSE(e["adopted"].get<bool>());
      EXPECT_EQ(e["ours"].get<std::string>(), "0") << e.dump();
    }
    d->signal(SIGTERM);
    ASSERT_EQ(d->wait(120s).value_or(-1), 0) << d->err();
    foreign_intact();
  }

  // A new start while funding is negative: the mirror (sell spot, buy perp) would need spot
  // inventory, and the 0.5 BTC in the wallet are not Carry's: it evaluates and holds.
  f.post("/sim/funding", {{"rate", "-0.0005"}});
  auto d = f.carryd({}, f.keys());
  auto negative_decisions = [&] {
    std::vector<json> out;
    for (const auto& e : f.log_events("strategy.decision"))
      if (e.value("direction", 0) < 0) out.push_back(e);
    return out;
  };
  ASSERT_TRUE(wait_until([&] { return !negative_decisions().empty(); }, 60s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  for (const auto& e : negative_decisions()) {
    EXPECT_EQ(e.value("kind", ""), "HOLD") << e.dump();
    EXPECT_EQ(e.value("reason", ""), "negative_funding_no_spot_inventory") << e.dump();
  }
  foreign_intact();
  // A settlement while Carry holds nothing: the bill pays the foreign short, Carry books 0.
  ASSERT_TRUE(wait_until([&] { return !funding_rows(f).empty(); }, 90s))
      << carry_test::read_file(f.dir.path() / "logs" / "app.log");
  for (const auto& [amount, ours] : funding_rows(f)) {
    EXPECT_EQ(ours, 0.0);
    EXPECT_EQ(amount, 0.0);
  }
  // The log line and the store row are written by two threads: either may land first.
  EXPECT_TRUE(wait_until([&] { return !f.log_events("funding.foreign_share").empty(); }, 10s));

  // Funding turns positive: it opens its own pair; it flips: Carry closes its own legs, only those.
  f.post("/sim/funding", {{"rate", "0.0003"}});
  ASSERT_TRUE(wait_until(ours_hedged, carry::test::kOpenDeadline)) << f.account().dump();
  f.post("/sim/funding", {{"rate", "-0.0005"}});
  EXPECT_TRUE(wait_until(ours_closed, carry::test::kOpenDeadline)) << f.account().dump();
  foreign_intact();
  d->signal(SIGTERM);
  ASSERT_EQ(d->wait(60s).value_or(-1), 0) << d->err();
  foreign_intact();

  // Settlements pay the account's whole net position; Carry books only its own share: never the
  // foreign short's (0.05 BTC x ~105k x 0.0005 = ~2.6 USDT), our 1,000 USDT at most ~0.5.
  for (const auto& [amount, ours] : funding_rows(f)) EXPECT_LT(std::abs(amount), 1.0) << "ours=" << ours;
}

TEST_P(SafetyRailsOnBoth, OpsCheckAndDryRunNeverPlaceAmendOrCancel) {
  SimFixture f(account());
  ASSERT_TRUE(f.sim->is_ready());
  // A foreign order resting far from the market: neither mode may touch it.
  const json placed = f.place_perp({{"marginMode", "crossed"},
                                    {"size", "0.01"},
                                    {"price", "1000"},
                                    {"side", "buy"},
                                    {"orderType", "limit"},
                                    {"force", "gtc"},
                                    {"clientOid", "manual-rest"}});
  ASSERT_EQ(placed.value("code", ""), "00000") << placed.dump();
  const int before = f.trading_requests();
  ASSERT_EQ(before, 1);

  auto ops = f.carryd({"--ops-check"}, f.keys());
  EXPECT_EQ(ops->wait(60s).value_or(-1), 0) << ops->out() << ops->err();
  auto dry = f.carryd({"--dry-run", "--duration", "8"}, f.keys());
  EXPECT_EQ(dry->wait(60s).value_or(-1), 0) << dry->err();

  EXPECT_EQ(f.trading_requests(), before) << f.get("/sim/stats").dump();
  EXPECT_EQ(f.open_orders(), 1);
}

INSTANTIATE_TEST_SUITE_P(Accounts, SafetyRailsOnBoth, ::testing::Values(kClassic, kUta), SimAccountName());

TEST(SafetyRails, DryRunWritesItsOwnDatabaseAndNeverTheLiveOne) {
  SimFixture f;
  ASSERT_TRUE(f.sim->is_ready());
  // A live store exists (a testnet run against the simulator made it).
  {
    auto live = f.carryd({"--duration", "3"}, f.keys());
    ASSERT_EQ(live->wait(60s).value_or(-1), 0) << live->err();
  }
  const std::string live_db = f.dir.file("carry.db");
  ASSERT_TRUE(std::filesystem::exists(live_db));
  const std::string before = file_bytes(live_db);
  const auto live_mtime = std::filesystem::last_write_time(live_db);

  auto dry = f.carryd({"--dry-run", "--duration", "6"}, f.keys());
  ASSERT_EQ(dry->wait(60s).value_or(-1), 0) << dry->err();

  EXPECT_EQ(file_bytes(live_db), before);
  EXPECT_EQ(std::filesystem::last_write_time(live_db), live_mtime);
  const std::string paper_db = f.dir.file("carry-paper.db");
  ASSERT_TRUE(std::filesystem::exists(paper_db));
  // Each store has its own instance id, so the two never share a client id.
  auto instance = [](const std::string& db) {
    SQLite::Database h(db, SQLite::OPEN_READONLY);
    SQLite::Statement q(h, "SELECT value FROM kv WHERE key='instance_id'");
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
  };
  EXPECT_EQ(instance(live_db).size(), 5u);
  EXPECT_EQ(instance(paper_db).size(), 5u);
  EXPECT_NE(instance(live_db), instance(paper_db));
  const auto opened = f.log_events("store.opened");
  ASSERT_EQ(opened.size(), 2u);
  EXPECT_EQ(opened.back()["db"].get<std::string>(), paper_db);
  EXPECT_TRUE(opened.back()["paper"].get<bool>());
}

TEST(SafetyRails, SecondInstanceOnTheSameStoreIsRefusedNamingTheHolder) {
  SimFixture f;
  ASSERT_TRUE(f.sim->is_ready());
  auto first = f.carryd({}, f.keys());
  ASSERT_TRUE(wait_until([&] { return !f.log_events("app.running").empty(); }, 30s)) << first->err();

  auto second = f.carryd({}, f.keys());
  ASSERT_EQ(second->wait(30s).value_or(-1), 1) << second->err();
  const std::string err = second->err();
  EXPECT_NE(err.find("pid " + std::to_string(first->pid())), std::string::npos) << err;
  EXPECT_NE(err.find("carry.db"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;

  auto reset = f.carryd({"--reset-kill-switch"}, {});
  EXPECT_EQ(reset->wait(30s).value_or(-1), 1) << reset->out() << reset->err();
  EXPECT_NE(reset->err().find("pid " + std::to_string(first->pid())), std::string::npos) << reset->err();

  EXPECT_TRUE(first->running());
  first->signal(SIGTERM);
  EXPECT_EQ(first->wait(60s).value_or(-1), 0) << first->err();
  // Released with the process: the next start takes the store.
  auto reset_after = f.carryd({"--reset-kill-switch"}, {});
  EXPECT_EQ(reset_after->wait(30s).value_or(-1), 0) << reset_after->out() << reset_after->err();
}

TEST(SafetyRails, StartMainnetPassesADollarSecretUnchangedAndExportsNoSecret) {
  // The account's secret holds what a shell would expand or run if .env were sourced.
  const std::string secret = "s$HOME$(touch pwned)x";
  SimFixture f(20, "0.0003", "{USDT: \"100000\", BTC: \"0\", ETH: \"0\"}", secret);
  ASSERT_TRUE(f.sim->is_ready());
  TempDir home("start_mainnet");
  std::filesystem::create_directories(home.path() / "scripts");
  std::filesystem::create_directories(home.path() / "config");
  std::filesystem::copy_file(carry::test::kSource + "/scripts/start_mainnet.sh",
                             home.path() / "scripts/start_mainnet.sh");
  // mainnet by name, the simulator by address: loopback needs no live switch.
  std::string yaml = f.daemon_yaml();
  yaml.replace(yaml.find("environment: testnet"), std::string("environment: testnet").size(), "environment: mainnet");
  home.write("config/app.mainnet.yaml", yaml);
  home.write(".env", "KEYS__API_KEY=k1\nKEYS__API_SECRET=" + secret + "\nKEYS__PASSPHRASE=p1\n");
  ::chmod(home.file(".env").c_str(), 0600);
  // carryd behind a wrapper that records the environment it was given.
  home.write("carryd.sh",
             "#!/bin/sh\nenv > \"" + home.file("daemon.env") + "\"\nexec '" + carry_test::carryd_path() + "' \"$@\"\n");
  ::chmod(home.file("carryd.sh").c_str(), 0700);

  Process p({"/bin/bash", home.file("scripts/start_mainnet.sh"), "--ops-check"},
            {{"CARRYD", home.file("carryd.sh")}, {"APP_CONFIG_FILE", ""}}, home.path().string());
  ASSERT_EQ(p.wait(60s).value_or(-1), 0) << p.out() << p.err();
  EXPECT_NE(p.out().find("verdict=PASS"), std::string::npos) << p.out();  // the signature matched
  EXPECT_EQ(f.get("/sim/stats")["signature_failures"].get<int>(), 0);
  EXPECT_FALSE(std::filesystem::exists(home.path() / "pwned"));
  EXPECT_FALSE(std::filesystem::exists(home.path() / "scripts" / "pwned"));
  const std::string env = carry_test::read_file(home.file("daemon.env"));
  ASSERT_FALSE(env.empty());
  EXPECT_EQ(env.find("KEYS__"), std::string::npos);
  EXPECT_EQ(env.find("touch pwned"), std::string::npos);
}

TEST(SafetyRails, StartMainnetRefusesToTradeWithoutTheLiveSwitch) {
  TempDir home("start_mainnet_guard");
  std::filesystem::create_directories(home.path() / "scripts");
  std::filesystem::create_directories(home.path() / "config");
  std::filesystem::copy_file(carry::test::kSource + "/scripts/start_mainnet.sh",
                             home.path() / "scripts/start_mainnet.sh");
  std::filesystem::copy_file(carry::test::kSource + "/config/app.mainnet.example.yaml",
                             home.path() / "config/app.mainnet.yaml");
  Process p({"/bin/bash", home.file("scripts/start_mainnet.sh")},
            {{"CARRYD", carry_test::carryd_path()}, {"APP_CONFIG_FILE", ""}}, home.path().string());
  ASSERT_EQ(p.wait(60s).value_or(-1), 2) << p.out() << p.err();
  EXPECT_NE(p.err().find("EXCHANGE__ALLOW_LIVE=true"), std::string::npos) << p.err();
  EXPECT_NE(p.err().find(".env"), std::string::npos) << p.err();
}

}  // namespace
