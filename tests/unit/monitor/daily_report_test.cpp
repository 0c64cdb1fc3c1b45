#include <carry/monitor/daily_report.hpp>
#include <carry_test/paths.hpp>

#include <carry_test/temp_dir.hpp>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <fstream>
#include <sstream>

using namespace carry;
using namespace carry::monitor;
using carry_test::TempDir;

namespace {

constexpr UnixNanos kDay = UnixNanos::from_seconds(1735689600);  // 2025-01-01T00:00:00Z

Fill fill(std::string trade_id, MarketType market, Side side, const char* price, const char* size, const char* fee,
          std::string fee_coin, bool maker, UnixNanos ts) {
  Fill f;
  f.symbol = "BTCUSDT";
  f.market = market;
  f.trade_id = std::move(trade_id);
  f.side = side;
  f.price = Decimal::parse(price).value();
  f.size = Decimal::parse(size).value();
  f.fee = Decimal::parse(fee).value();
  f.fee_coin = std::move(fee_coin);
  f.maker = maker;
  f.ts_event = ts;
  f.ts_init = ts;
  return f;
}

void seed(store::Repo& repo) {
  using std::chrono::hours;
  ASSERT_TRUE(
      repo.insert_fill(fill("p1", MarketType::Perp, Side::Sell, "100000", "0.05", "1", "USDT", true, kDay + hours(1))));
  ASSERT_TRUE(repo.insert_fill(
      fill("p2", MarketType::Perp, Side::Sell, "100010", "0.05", "1.0005", "USDT", true, kDay + hours(1))));
  ASSERT_TRUE(repo.insert_fill(
      fill("s1", MarketType::Spot, Side::Buy, "99990", "0.1", "0.0001", "BTC", false, kDay + hours(1))));
  // The next day: not in this report.
  ASSERT_TRUE(repo.insert_fill(fill("p3", MarketType::Perp, Side::Buy, "1", "1", "9", "USDT", true, kDay + hours(25))));

  store::FundingRecord f{"BTCUSDT", kDay + hours(8), "0.0001"_dec, "-0.1"_dec, "100000"_dec, "1"_dec, kDay + hours(8)};
  ASSERT_TRUE(repo.insert_funding(f));
  f.ts = kDay + hours(16);
  f.rate = "-0.00005"_dec;
  f.amount = "-0.5"_dec;
  ASSERT_TRUE(repo.insert_funding(f));

  ASSERT_TRUE(
      repo.upsert_daily_pnl({"2025-01-01", "BTCUSDT", "0.5"_dec, "2.0005"_dec, "3"_dec, "0"_dec, "1.4995"_dec, kDay}));
  ASSERT_TRUE(repo.upsert_daily_pnl({"2025-01-01", "", "0.5"_dec, "2.0005"_dec, "3"_dec, "0"_dec, "1.4995"_dec, kDay}));

  for (auto [hour, kind, reason] :
       {std::tuple{0, "HOLD", "apr below threshold"}, std::tuple{1, "OPEN", "apr 15.3% | pre-event"},
        std::tuple{2, "HOLD", "in position"}}) {
    ASSERT_TRUE(repo.insert_decision({0, kDay + hours(hour), "BTCUSDT", kind, reason, {{"apr", 0.153}}}));
  }

  store::PositionSnapshotRecord p;
  p.ts = kDay + hours(20);
  p.symbol = "BTCUSDT";
  p.market = MarketType::Perp;
  p.size = "-0.1"_dec;
  p.entry_price = "100005"_dec;
  p.mark_price = "100100"_dec;
  p.unrealized_pnl = "-9.5"_dec;
  ASSERT_TRUE(repo.insert_position_snapshot(p));
  p.ts = kDay + hours(30);  // after the day: must not be the one reported
  p.size = "0"_dec;
  ASSERT_TRUE(repo.insert_position_snapshot(p));
}

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(DailyReport, SummarisesTheDayFromTheStore) {
  TempDir dir;
  store::Repo repo(dir.file());
  seed(repo);
  auto data = load_daily_report_data(repo, "2025-01-01");
  ASSERT_TRUE(data) << repo.last_error();
  EXPECT_EQ(data->fills.size(), 3u);
  EXPECT_EQ(data->funding.size(), 2u);
  EXPECT_EQ(data->decisions.size(), 3u);
  ASSERT_EQ(data->positions.size(), 1u);
  EXPECT_EQ(data->positions[0].size, "-0.1"_dec);

  auto file = write_daily_report(dir.path() / "reports", *data);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->filename(), "2025-01-01.md");
  const std::string md = read(*file);
  EXPECT_NE(md.find("# Carry daily report: 2025-01-01 (UTC)"), std::string::npos) << md;
  EXPECT_NE(md.find("| Fills | 3 (maker 2, taker 1) |"), std::string::npos) << md;
  // 100000 x 0.05 + 100010 x 0.05 + 99990 x 0.1
  EXPECT_NE(md.find("| Traded notional (quote) | 19999.5 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Fees (+ paid, - rebate) | 0.0001 BTC, 2.0005 USDT |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Funding received | 1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Funding paid | 0.5 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Funding net | 0.5 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Net PnL | 1.4995 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Decisions | 3 (HOLD 2, OPEN 1) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| BTCUSDT | perp | 2 | 2 | 0 | 0.1 | 10000.5 | 2.0005 USDT |"), std::string::npos) << md;
  EXPECT_NE(md.find("| BTCUSDT | spot | 1 | 0 | 0.1 | 0 | 9999 | 0.0001 BTC |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 2025-01-01T16:00:00Z | BTCUSDT | -0.00005 | -0.1 | 100000 | -0.5 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Total | 0.5 | 2.0005 | 3 | 0 | 1.4995 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| BTCUSDT | HOLD | 2025-01-01T02:00:00Z | in position |"), std::string::npos) << md;
  EXPECT_NE(md.find("| BTCUSDT | perp | -0.1 | 100005 | 100100 | -9.5 | 2025-01-01T20:00:00Z |"), std::string::npos)
      << md;
  EXPECT_EQ(md.find("p3"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "reports" / "2025-01-01.md.tmp"));
}

// The whole report of the seeded day, byte for byte, against the reviewed copy in the fixtures.
TEST(DailyReport, WholeReportMatchesTheReviewedCopy) {
  TempDir dir;
  store::Repo repo(dir.file());
  seed(repo);
  auto data = load_daily_report_data(repo, "2025-01-01");
  ASSERT_TRUE(data) << repo.last_error();
  const std::string md = render_daily_report(*data);
  const std::string expected =
      read(std::filesystem::path(carry_test::fixtures_dir()) / "monitor" / "daily_report_2025-01-01.md");
  EXPECT_EQ(md, expected);
}

TEST(DailyReport, NetPnlWithoutATotalRowSumsTheSymbols) {
  DailyReportData d;
  d.date = "2025-01-01";
  d.pnl.push_back({"2025-01-01", "BTCUSDT", "0.5"_dec, "1"_dec, "0"_dec, "0"_dec, "-0.5"_dec, kDay});
  d.pnl.push_back({"2025-01-01", "ETHUSDT", "1"_dec, "0.25"_dec, "0"_dec, "0"_dec, "0.75"_dec, kDay});
  const std::string md = render_daily_report(d);
  EXPECT_NE(md.find("| Net PnL (sum of symbols) | 0.25 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| ETHUSDT | 1 | 0.25 | 0 | 0 | 0.75 |"), std::string::npos) << md;
  EXPECT_NE(md.find("## Positions at end of day\n\nNone recorded.\n"), std::string::npos) << md;
  EXPECT_NE(md.find("## Decisions\n\nNone.\n\n"), std::string::npos) << md;
}

TEST(DailyReport, FreeTextCannotBreakTheTable) {
  DailyReportData d;
  d.date = "2025-01-01";
  d.decisions.push_back({1, kDay, "BTCUSDT", "OPEN", "a | b\nc", {}});
  const std::string md = render_daily_report(d);
  EXPECT_NE(md.find("| a \\| b c |"), std::string::npos) << md;
}

TEST(DailyReport, EmptyDaySaysSo) {
  TempDir dir;
  store::Repo repo(dir.file());
  auto data = load_daily_report_data(repo, "2025-01-01");
  ASSERT_TRUE(data);
  const std::string md = render_daily_report(*data);
  EXPECT_NE(md.find("| Fills | 0 (maker 0, taker 0) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Net PnL | not recorded |"), std::string::npos) << md;
  EXPECT_NE(md.find("## Funding settlements\n\nNone."), std::string::npos) << md;
}

TEST(DailyReport, RejectsABadDate) {
  TempDir dir;
  store::Repo repo(dir.file());
  auto data = load_daily_report_data(repo, "../../etc/passwd");
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error(), make_error_code(Errc::invalid_argument));
  DailyReportData bad;
  bad.date = "../x";
  EXPECT_FALSE(write_daily_report(dir.path(), bad));
}

TEST(DailyReport, WrittenFromTheStoreWithoutBlockingTheLoop) {
  TempDir dir;
  boost::asio::io_context io;
  RecordingEventSink sink;
  store::Store store(dir.file(), io.get_executor(), sink);
  store.append(
      fill("p1", MarketType::Perp, Side::Sell, "100000", "0.05", "1", "USDT", true, kDay + std::chrono::hours(1)));
  std::optional<Result<std::filesystem::path>> written;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        // The append queued above is committed before the report's queries run.
        written = co_await write_daily_report(store, dir.path() / "reports", "2025-01-01");
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!written && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(written.has_value());
  ASSERT_TRUE(*written);
  EXPECT_EQ(**written, dir.path() / "reports" / "2025-01-01.md");
  EXPECT_NE(read(**written).find("| Fills | 1 (maker 1, taker 0) |"), std::string::npos);
}
