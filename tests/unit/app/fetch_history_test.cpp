// fetch-history's pure parts: options, file names (as the backtest's discovery reads them), row
// formats, settlement intervals, and the resume point of a partial download.
#include <carry/app/fetch_history.hpp>
#include <carry/backtest/file_discovery.hpp>

#include <carry_test/process.hpp>

#include <gtest/gtest.h>

#include <fstream>

using namespace carry;
using namespace carry::app;

namespace {

CliOptions fetch_cli(std::vector<std::string> extra) {
  std::vector<std::string> args = {"fetch-history", "--symbol", "btcusdt", "--out", "dl"};
  args.insert(args.end(), extra.begin(), extra.end());
  return parse_cli(args);
}

std::string error_of(const CliOptions& cli, int* code = nullptr) {
  try {
    fetch_request_from_cli(cli);
  } catch (const FetchError& e) {
    if (code) *code = e.exit_code();
    return e.what();
  }
  return {};
}

FetchRequest request(const char* from, const char* to, backtest::Timeframe tf = backtest::Timeframe::Minute1) {
  FetchRequest r;
  r.symbol = "BTCUSDT";
  r.from = *UnixNanos::parse_rfc3339(from);
  r.to = *UnixNanos::parse_rfc3339(to);
  r.timeframe = tf;
  return r;
}

void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

}  // namespace

TEST(FetchHistoryOptions, DatesReadAsTheBacktestReadsThem) {
  const auto r = fetch_request_from_cli(fetch_cli({"--from", "2025-05-20", "--to", "2025-06-23"}));
  EXPECT_EQ(r.symbol, "BTCUSDT");
  EXPECT_EQ(r.from.to_rfc3339(), "2025-05-20T00:00:00Z");
  EXPECT_EQ(r.to.to_rfc3339(), "2025-06-24T00:00:00Z");  // a bare --to includes that day
  EXPECT_EQ(r.timeframe, backtest::Timeframe::Minute1);
  EXPECT_EQ(r.out_dir, "dl");
  const auto h = fetch_request_from_cli(
      fetch_cli({"--from", "2025-05-20T08:00:00Z", "--to", "2025-05-21T08:00:00Z", "--timeframe", "1h"}));
  EXPECT_EQ(h.to.to_rfc3339(), "2025-05-21T08:00:00Z");
  EXPECT_EQ(h.timeframe, backtest::Timeframe::Hour1);
}

TEST(FetchHistoryOptions, BadInputNamesTheCulprit) {
  int code = 0;
  const auto backwards = error_of(fetch_cli({"--from", "2025-06-02", "--to", "2025-06-01"}), &code);
  EXPECT_NE(backwards.find("--from/--to: empty range"), std::string::npos) << backwards;
  EXPECT_EQ(code, 2);
  EXPECT_NE(error_of(fetch_cli({"--from", "2025-02-30x", "--to", "2025-06-01"})).find("'2025-02-30x'"),
            std::string::npos);
  EXPECT_NE(error_of(fetch_cli({"--from", "2025-06-01", "--to", "June"})).find("--to: bad date 'June'"),
            std::string::npos);
  auto bad_symbol = fetch_cli({"--from", "2025-06-01", "--to", "2025-06-02"});
  bad_symbol.symbols = {"BTC/USDT"};
  EXPECT_NE(error_of(bad_symbol).find("--symbol 'BTC/USDT'"), std::string::npos);
  for (const auto& msg : {backwards, error_of(bad_symbol)}) EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  EXPECT_THROW(parse_cli({"fetch-history", "--symbol", "BTCUSDT", "--from", "2025-06-01", "--to", "2025-06-02", "--out",
                          "d", "--timeframe", "5m"}),
               CliError);
}

TEST(FetchHistoryFiles, NamesCarryTheRangeAndAreFoundByTheBacktest) {
  const auto r = request("2025-05-20T00:00:00Z", "2025-06-24T00:00:00Z");
  EXPECT_EQ(candle_file_name(r, MarketType::Spot), "bitget_spot_BTCUSDT_1m_20250520-20250623.csv");
  EXPECT_EQ(candle_file_name(r, MarketType::Perp), "bitget_perp_BTCUSDT_1m_20250520-20250623.csv");
  EXPECT_EQ(funding_file_name(r), "bitget_funding_BTCUSDT_20250520-20250623.csv");
  const auto odd = request("2025-05-20T08:30:00Z", "2025-05-21T12:00:00Z", backtest::Timeframe::Hour1);
  EXPECT_EQ(candle_file_name(odd, MarketType::Spot), "bitget_spot_BTCUSDT_1h_20250520T0830Z-20250521T1200Z.csv");

  carry_test::TempDir dir("fetch_names");
  for (const auto& name : {candle_file_name(r, MarketType::Spot), candle_file_name(r, MarketType::Perp),
                           funding_file_name(r), candle_file_name(r, MarketType::Spot) + ".part"})
    write(dir.path() / name, "x\n");
  auto found = backtest::discover_symbol_files(dir.path());
  ASSERT_TRUE(found) << found.error().to_string();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].symbol, "BTCUSDT");
  EXPECT_EQ((*found)[0].spot.filename(), candle_file_name(r, MarketType::Spot));  // not the .part
  EXPECT_EQ((*found)[0].funding.filename(), funding_file_name(r));
  EXPECT_EQ((*found)[0].spot_timeframe, backtest::Timeframe::Minute1);
}

TEST(FetchHistoryRows, MatchTheBacktestFormats) {
  bitget::Candle c;
  c.open_time = UnixNanos::from_ms(1747699200000);
  c.open = *Decimal::parse("105531.50");
  c.high = *Decimal::parse("105568.3");
  c.low = *Decimal::parse("105511");
  c.close = *Decimal::parse("105512.5");
  c.base_volume = *Decimal::parse("105.858");
  c.quote_volume = *Decimal::parse("1");
  EXPECT_EQ(candle_row(c), "1747699200000,2025-05-20T00:00:00Z,105531.5,105568.3,105511,105512.5,105.858\n");
  EXPECT_EQ(funding_row("BTCUSDT", 1740787200000, *Decimal::parse("-0.00000014"), 8),
            "1740787200000,2025-03-01T00:00:00Z,BTCUSDT,-0.00000014,8\n");
}

TEST(FetchHistoryRows, IntervalIsTheGapWhenItIsABitgetInterval) {
  constexpr std::int64_t h = 3'600'000;
  EXPECT_EQ(settlement_interval_hours(0, 8 * h, 4), 8);
  EXPECT_EQ(settlement_interval_hours(0, 4 * h + 3, 8), 4);  // exchange jitter
  EXPECT_EQ(settlement_interval_hours(0, 1 * h, 8), 1);
  EXPECT_EQ(settlement_interval_hours(0, 16 * h, 8), 8);  // a missing settlement: the contract's
  EXPECT_EQ(settlement_interval_hours(0, 3 * h, 4), 4);   // not a Bitget interval
  EXPECT_EQ(settlement_interval_hours(std::nullopt, 8 * h, 2), 2);
}

TEST(FetchHistoryResume, NewFileGetsTheHeader) {
  carry_test::TempDir dir("fetch_resume");
  const auto p = dir.path() / "x.csv.part";
  const auto rp = prepare_resume(p, kCandleHeader);
  EXPECT_FALSE(rp.last_ms);
  EXPECT_EQ(carry_test::read_file(p), std::string(kCandleHeader) + "\n");
  // Header only: still nothing to resume from, file unchanged.
  EXPECT_FALSE(prepare_resume(p, kCandleHeader).last_ms);
  EXPECT_EQ(carry_test::read_file(p), std::string(kCandleHeader) + "\n");
}

TEST(FetchHistoryResume, LastCompleteRowIsTheResumePointAndAnUnfinishedLineIsCut) {
  carry_test::TempDir dir("fetch_resume");
  const auto p = dir.path() / "x.csv.part";
  const std::string rows = std::string(kCandleHeader) + "\n" +
                           "1747699200000,2025-05-20T00:00:00Z,1,2,1,2,3\n"
                           "1747699260000,2025-05-20T00:01:00Z,2,2,1,1,3\n";
  write(p, rows + "1747699320000,2025-05-20T00:02:00Z,1,2");  // killed mid-write
  const auto rp = prepare_resume(p, kCandleHeader);
  ASSERT_TRUE(rp.last_ms);
  EXPECT_EQ(*rp.last_ms, 1747699260000);
  EXPECT_EQ(rp.cut_bytes, std::string("1747699320000,2025-05-20T00:02:00Z,1,2").size());
  EXPECT_EQ(carry_test::read_file(p), rows);
  // Complete file: nothing cut.
  EXPECT_EQ(prepare_resume(p, kCandleHeader).cut_bytes, 0u);
  EXPECT_EQ(carry_test::read_file(p), rows);
}

TEST(FetchHistoryResume, CutHeaderStartsOverAndForeignFilesAreRefused) {
  carry_test::TempDir dir("fetch_resume");
  const auto p = dir.path() / "x.csv.part";
  write(p, "open_time_ms,open_ti");
  EXPECT_FALSE(prepare_resume(p, kCandleHeader).last_ms);
  EXPECT_EQ(carry_test::read_file(p), std::string(kCandleHeader) + "\n");

  write(p, "ts_ms,bid_price,bid_size,ask_price,ask_size\n1,2,3,4,5\n");
  try {
    prepare_resume(p, kCandleHeader);
    FAIL() << "foreign header accepted";
  } catch (const FetchError& e) {
    EXPECT_NE(std::string(e.what()).find("x.csv.part: header 'ts_ms,bid_price"), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), 2);
  }
  write(p, std::string(kCandleHeader) + "\nnot-a-time,1,2\n");
  EXPECT_THROW(prepare_resume(p, kCandleHeader), FetchError);
}
