#include <carry/backtest/replay.hpp>

#include "test_files.hpp"

#include <gtest/gtest.h>

namespace carry::backtest {
namespace {

using namespace carry::backtest::testing;

constexpr std::int64_t kH = 3'600'000;  // ms

std::string describe(const ReplayEvent& e) {
  const std::string t = e.ts.to_rfc3339_ms().substr(11, 12);  // HH:MM:SS.mmm
  if (e.kind == ReplayEvent::Kind::Settlement)
    return t + " settle " + e.settlement.symbol + " " + e.settlement.rate.to_string();
  if (const auto* f = std::get_if<FundingRateUpdate>(&e.market))
    return t + " rate " + f->symbol + " " + f->rate.to_string() + " next " +
           f->next_settlement.to_rfc3339().substr(11, 5);
  const auto& b = std::get<Bbo>(e.market);
  return t + " bbo " + b.symbol + " " + std::string(to_string(b.market)) + " " + b.bid_price.to_string() + "/" +
         b.ask_price.to_string();
}

std::vector<std::string> drain(Replay& r) {
  std::vector<std::string> out;
  ReplayEvent e;
  while (r.next(e)) out.push_back(describe(e));
  return out;
}

SymbolData synthetic(const std::string& symbol, const std::string& price) {
  SymbolData d;
  d.symbol = symbol;
  const Decimal p = Decimal::parse(price).value();
  for (std::int64_t t : {kT0 + 8 * kH}) {  // a quote exactly at a settlement instant (tick data can do this)
    d.spot.quotes.push_back(Quote{t * 1'000'000, p, "1"_dec, p + "1"_dec, "1"_dec});
    d.perp.quotes.push_back(Quote{t * 1'000'000, p + "2"_dec, "1"_dec, p + "3"_dec, "1"_dec});
  }
  d.funding = {FundingRow{kT0 + 8 * kH, "0.0001"_dec, 8}, FundingRow{kT0 + 16 * kH, "-0.0002"_dec, 8}};
  d.period = Period{UnixNanos::from_ms(kT0), UnixNanos::from_ms(kT0 + 24 * kH)};
  return d;
}

TEST(Replay, TiesAreOrderedSettlementThenRateThenQuotesBySymbolThenSpotPerp) {
  std::vector<SymbolData> in;
  in.push_back(synthetic("ETHUSDT", "10"));
  in.push_back(synthetic("BTCUSDT", "100"));  // input order must not matter: symbols sort by name
  Replay r(std::move(in));
  EXPECT_EQ(r.counts().quotes, 4u);
  EXPECT_EQ(r.counts().settlements, 4u);
  EXPECT_EQ(r.counts().rate_updates, 4u);
  const std::vector<std::string> expected = {
      "00:00:00.000 rate BTCUSDT 0.0001 next 08:00",  // announced one interval ahead
      "00:00:00.000 rate ETHUSDT 0.0001 next 08:00",  "08:00:00.000 settle BTCUSDT 0.0001",
      "08:00:00.000 settle ETHUSDT 0.0001",           "08:00:00.000 rate BTCUSDT -0.0002 next 16:00",
      "08:00:00.000 rate ETHUSDT -0.0002 next 16:00", "08:00:00.000 bbo BTCUSDT spot 100/101",
      "08:00:00.000 bbo BTCUSDT perp 102/103",        "08:00:00.000 bbo ETHUSDT spot 10/11",
      "08:00:00.000 bbo ETHUSDT perp 12/13",          "16:00:00.000 settle BTCUSDT -0.0002",
      "16:00:00.000 settle ETHUSDT -0.0002",
  };
  EXPECT_EQ(drain(r), expected);
  EXPECT_FALSE(r.peek_time().has_value());
  r.rewind();
  EXPECT_EQ(r.peek_time(), UnixNanos::from_ms(kT0));
  EXPECT_EQ(drain(r), expected);
}

TEST(Replay, SameSymbolTwiceIsACallerBug) {
  std::vector<SymbolData> in;
  in.push_back(synthetic("BTCUSDT", "100"));
  in.push_back(synthetic("BTCUSDT", "100"));
  EXPECT_THROW(Replay r(std::move(in)), std::invalid_argument);
}

TEST(Replay, EventsCarryTheirTimeAsEventAndInitTime) {
  std::vector<SymbolData> in;
  in.push_back(synthetic("BTCUSDT", "100"));
  Replay r(std::move(in));
  ReplayEvent e;
  std::size_t n = 0;
  while (r.next(e)) {
    ++n;
    if (const auto* b = std::get_if<Bbo>(&e.market); b && e.kind == ReplayEvent::Kind::Market) {
      EXPECT_EQ(b->ts_event, e.ts);
      EXPECT_EQ(b->ts_init, e.ts);
    }
    if (const auto* f = std::get_if<FundingRateUpdate>(&e.market); f && e.kind == ReplayEvent::Kind::Market) {
      EXPECT_EQ(f->ts_event, e.ts);
      EXPECT_GT(f->next_settlement, e.ts);
      EXPECT_EQ(f->interval_hours, 8);
    }
  }
  EXPECT_EQ(n, r.counts().total());
}

class RealReplay : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto files = discover_symbol_files(repo_data_dir());
    ASSERT_TRUE(files) << files.error().to_string();
    auto data = load_symbols(*files);
    ASSERT_TRUE(data) << data.error().to_string();
    data_ = new std::vector<SymbolData>(std::move(*data));
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  static std::vector<SymbolData>* data_;
};
std::vector<SymbolData>* RealReplay::data_ = nullptr;

// FNV-1a over each event's description: a fingerprint of the whole sequence.
std::uint64_t fingerprint(Replay& r, std::size_t* count = nullptr) {
  std::uint64_t h = 1469598103934665603ull;
  ReplayEvent e;
  std::size_t n = 0;
  while (r.next(e)) {
    for (char c : describe(e)) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    ++n;
  }
  if (count) *count = n;
  return h;
}

TEST_F(RealReplay, WholePeriodIsTimeOrderedAndComplete) {
  Replay r(*data_);
  // 4 files x 50,400 candles; 35 days x 3 settlements x 2 symbols; the rate announced at
  // 05-20T00:00 (for 08:00) through the one announced at 06-23T16:00 (for 06-24T00:00).
  EXPECT_EQ(r.counts().quotes, 201'600u);
  EXPECT_EQ(r.counts().settlements, 210u);
  EXPECT_EQ(r.counts().rate_updates, 210u);
  ReplayEvent e;
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  std::size_t n = 0, settlements = 0;
  while (r.next(e)) {
    ASSERT_GE(e.ts.ns, last) << "event " << n;
    last = e.ts.ns;
    ++n;
    if (e.kind == ReplayEvent::Kind::Settlement) {
      ++settlements;
      // The settlement carries the recorded rate of that very settlement.
      const auto& f = (e.settlement.symbol == "BTCUSDT" ? (*data_)[0] : (*data_)[1]).funding;
      const auto it = std::find_if(f.begin(), f.end(), [&](const FundingRow& x) { return x.time_ms == e.ts.ms(); });
      ASSERT_NE(it, f.end());
      EXPECT_EQ(it->rate, e.settlement.rate);
      EXPECT_EQ(e.ts.ns % (8 * kH * 1'000'000), 0);
    }
  }
  EXPECT_EQ(n, r.counts().total());
  EXPECT_EQ(settlements, 210u);
  EXPECT_EQ(UnixNanos{last}.to_rfc3339_ms(), "2025-06-23T23:59:59.999Z");
}

TEST_F(RealReplay, SameInputsGiveTheSameSequence) {
  Replay a(*data_);
  std::vector<SymbolData> reversed(data_->rbegin(), data_->rend());
  Replay b(std::move(reversed));
  std::size_t na = 0, nb = 0;
  const auto fa = fingerprint(a, &na);
  const auto fb = fingerprint(b, &nb);
  EXPECT_EQ(na, nb);
  EXPECT_EQ(fa, fb);
  a.rewind();
  EXPECT_EQ(fingerprint(a), fa);
}

TEST_F(RealReplay, OneDayRange) {
  auto range = parse_time_range("2025-06-01", "2025-06-01");
  ASSERT_TRUE(range) << range.error().to_string();
  Replay r(*data_, *range);
  EXPECT_EQ(r.counts().quotes, 4u * 1440u);
  EXPECT_EQ(r.counts().settlements, 6u);
  EXPECT_EQ(r.counts().rate_updates, 6u);
  ReplayEvent e;
  std::vector<std::string> head;
  for (int i = 0; i < 6 && r.next(e); ++i) head.push_back(describe(e));
  ASSERT_EQ(head.size(), 6u);
  EXPECT_EQ(head[0].substr(0, 27), "00:00:00.000 settle BTCUSDT");
  EXPECT_EQ(head[1].substr(0, 27), "00:00:00.000 settle ETHUSDT");
  EXPECT_EQ(head[2].substr(0, 25), "00:00:00.000 rate BTCUSDT");
  EXPECT_EQ(head[3].substr(0, 25), "00:00:00.000 rate ETHUSDT");
  EXPECT_EQ(head[4].substr(0, 28), "00:00:59.999 bbo BTCUSDT spo");
  EXPECT_EQ(head[5].substr(0, 28), "00:00:59.999 bbo BTCUSDT per");
  EXPECT_EQ(r.window(0).start.to_rfc3339(), "2025-06-01T00:00:00Z");
  EXPECT_EQ(r.window(0).end.to_rfc3339(), "2025-06-02T00:00:00Z");
}

TEST_F(RealReplay, RateCurrentAtTheStartIsDeliveredAtTheStart) {
  auto range = parse_time_range("2025-06-01T03:00:00Z", "2025-06-01T09:00:00Z");
  ASSERT_TRUE(range);
  Replay r(*data_, *range);
  ReplayEvent e;
  ASSERT_TRUE(r.next(e));
  ASSERT_EQ(e.kind, ReplayEvent::Kind::Market);
  const auto& f = std::get<FundingRateUpdate>(e.market);
  EXPECT_EQ(f.symbol, "BTCUSDT");
  EXPECT_EQ(e.ts.to_rfc3339(), "2025-06-01T03:00:00Z");
  EXPECT_EQ(f.next_settlement.to_rfc3339(), "2025-06-01T08:00:00Z");
  const auto& rows = (*data_)[0].funding;
  const auto it =
      std::find_if(rows.begin(), rows.end(), [&](const FundingRow& x) { return x.time_ms == f.next_settlement.ms(); });
  ASSERT_NE(it, rows.end());
  EXPECT_EQ(f.rate, it->rate);
  EXPECT_EQ(r.counts().settlements, 2u);   // 08:00 for both symbols
  EXPECT_EQ(r.counts().rate_updates, 4u);  // 03:00 (clamped) and 08:00 (for 16:00), both symbols
}

TEST_F(RealReplay, RangeOutsideThePeriodYieldsNothing) {
  auto range = parse_time_range("2025-01-01", "2025-02-01");
  ASSERT_TRUE(range);
  Replay r(*data_, *range);
  EXPECT_EQ(r.counts().total(), 0u);
  EXPECT_TRUE(r.window(0).empty());
  ReplayEvent e;
  EXPECT_FALSE(r.next(e));
}

// The venue model needs each candle's range; the strategy's event (the Bbo) is unchanged.
TEST(Replay, CandleQuotesCarryTheirBarTickQuotesDoNot) {
  SymbolData d = synthetic("BTCUSDT", "100");
  CandleSeries candles;
  candles.interval_ms = kH;
  candles.rows = {Candle{kT0 + 7 * kH, "100"_dec, "104"_dec, "97"_dec, "101"_dec, "10"_dec}};
  d.spot.interval_ms = kH;
  d.spot.quotes = candles_to_quotes(candles, {}).value();
  d.spot.bars = candle_ranges(candles);
  std::vector<SymbolData> in;
  in.push_back(std::move(d));
  Replay r(std::move(in));
  ReplayEvent e;
  std::size_t quotes = 0;
  while (r.next(e)) {
    const auto* b = e.kind == ReplayEvent::Kind::Market ? std::get_if<Bbo>(&e.market) : nullptr;
    if (!b) {
      EXPECT_FALSE(e.has_bar);
      continue;
    }
    ++quotes;
    if (b->market == MarketType::Spot) {
      ASSERT_TRUE(e.has_bar);
      EXPECT_EQ(e.ts.to_rfc3339_ms().substr(11, 12), "07:59:59.999");  // known at its last ms
      EXPECT_EQ(e.bar_start, UnixNanos::from_ms(kT0 + 7 * kH));
      EXPECT_EQ(e.bar.high, "104"_dec);
      EXPECT_EQ(e.bar.low, "97"_dec);
    } else {
      EXPECT_FALSE(e.has_bar);  // the perp stream here is BBO ticks
    }
  }
  EXPECT_EQ(quotes, 2u);
}

TEST(ReplayRange, ParsesDatesAndRejectsBadOnes) {
  auto r = parse_time_range("2025-06-01T12:00:00Z", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->from->to_rfc3339(), "2025-06-01T12:00:00Z");
  EXPECT_FALSE(r->to.has_value());
  auto bad = parse_time_range("06/01/2025", "");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().to_string(), "--from: bad date '06/01/2025' (expected YYYY-MM-DD or RFC 3339 UTC)");
  auto empty = parse_time_range("2025-06-02", "2025-06-01T00:00:00Z");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().to_string(),
            "--from/--to: empty range: 2025-06-02T00:00:00Z is not before 2025-06-01T00:00:00Z");
}

}  // namespace
}  // namespace carry::backtest
