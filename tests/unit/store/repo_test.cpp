#include <carry/store/repo.hpp>

#include <carry_test/temp_dir.hpp>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

using namespace carry;
using namespace carry::store;
using carry_test::TempDir;

namespace {

constexpr UnixNanos kDay = UnixNanos::from_seconds(1735689600);  // 2025-01-01T00:00:00Z

Fill make_fill(std::string trade_id, UnixNanos ts, MarketType market = MarketType::Perp) {
  Fill f;
  f.symbol = "BTCUSDT";
  f.market = market;
  f.client_oid = "cx-1";
  f.order_id = "1001";
  f.trade_id = std::move(trade_id);
  f.side = Side::Sell;
  f.price = "97000.1"_dec;
  f.size = "0.001"_dec;
  f.fee = "0.0388"_dec;
  f.fee_coin = "USDT";
  f.maker = true;
  f.ts_event = ts;
  f.ts_init = ts + std::chrono::milliseconds(3);
  return f;
}

OrderUpdate make_update(std::string client_oid, OrderStatus status, UnixNanos ts, std::string order_id = "42") {
  OrderUpdate u;
  u.symbol = "ETHUSDT";
  u.market = MarketType::Spot;
  u.client_oid = std::move(client_oid);
  u.order_id = std::move(order_id);
  u.side = Side::Buy;
  u.type = OrderType::Limit;
  u.tif = TimeInForce::PostOnly;
  u.price = "3300.25"_dec;
  u.size = "0.5"_dec;
  u.filled_size = status == OrderStatus::Filled ? "0.5"_dec : "0"_dec;
  u.status = status;
  u.ts_event = ts;
  u.ts_init = ts;
  return u;
}

}  // namespace

TEST(Repo, MigratesEmptyFileToLatestVersionInWalMode) {
  TempDir dir;
  Repo repo(dir.file());
  EXPECT_EQ(repo.schema_version(), Repo::kSchemaVersion);
  EXPECT_EQ(repo.journal_mode(), "wal");
  for (const char* table :
       {"orders", "order_events", "fills", "funding_events", "position_snapshots", "daily_pnl", "decisions", "kv"}) {
    auto n = repo.count_rows(table);
    ASSERT_TRUE(n) << table << ": " << repo.last_error();
    EXPECT_EQ(*n, 0) << table;
  }
  EXPECT_FALSE(repo.count_rows("sqlite_master; DROP TABLE fills"));
}

TEST(Repo, ReopenIsIdempotentAndKeepsData) {
  TempDir dir;
  {
    Repo repo(dir.file());
    ASSERT_TRUE(repo.insert_fill(make_fill("t1", kDay)));
  }
  Repo again(dir.file());
  EXPECT_EQ(again.schema_version(), Repo::kSchemaVersion);
  EXPECT_EQ(*again.count_rows("fills"), 1);
  Repo third(dir.file());  // two connections on one file: migrations not re-applied
  EXPECT_EQ(*third.count_rows("fills"), 1);
}

TEST(Repo, RefusesADatabaseNewerThanTheBuild) {
  TempDir dir;
  {
    SQLite::Database db(dir.file(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA user_version = " + std::to_string(Repo::kSchemaVersion + 1));
  }
  try {
    Repo repo(dir.file());
    FAIL() << "opened a newer schema";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

TEST(Repo, DuplicateTradeIdIsIgnoredPerMarket) {
  TempDir dir;
  Repo repo(dir.file());
  auto first = repo.insert_fill(make_fill("T-9", kDay));
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  auto dup = repo.insert_fill(make_fill("T-9", kDay + std::chrono::seconds(1)));
  ASSERT_TRUE(dup);
  EXPECT_FALSE(*dup);
  // The same id on the other market is a different trade.
  auto spot = repo.insert_fill(make_fill("T-9", kDay, MarketType::Spot));
  ASSERT_TRUE(spot);
  EXPECT_TRUE(*spot);
  EXPECT_EQ(*repo.count_rows("fills"), 2);

  auto fills = repo.fills_since(kDay);
  ASSERT_TRUE(fills);
  ASSERT_EQ(fills->size(), 2u);
  const Fill& f = (*fills)[0].fill;
  EXPECT_EQ(f.trade_id, "T-9");
  EXPECT_EQ(f.price, "97000.1"_dec);
  EXPECT_EQ(f.fee, "0.0388"_dec);
  EXPECT_EQ(f.side, Side::Sell);
  EXPECT_TRUE(f.maker);
  EXPECT_EQ(f.ts_init, kDay + std::chrono::milliseconds(3));
}

TEST(Repo, FillsSinceAndBetweenFilterByEventTime) {
  TempDir dir;
  Repo repo(dir.file());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(repo.insert_fill(make_fill("t" + std::to_string(i), kDay + std::chrono::hours(i))));
  EXPECT_EQ(repo.fills_since(kDay + std::chrono::hours(3))->size(), 2u);
  auto between = repo.fills_between(kDay + std::chrono::hours(1), kDay + std::chrono::hours(3));
  ASSERT_EQ(between->size(), 2u);
  EXPECT_EQ((*between)[0].fill.trade_id, "t1");
  EXPECT_EQ((*between)[1].fill.trade_id, "t2");
}

TEST(Repo, OrderUpdatesKeepCurrentStateAndEveryEvent) {
  TempDir dir;
  Repo repo(dir.file());
  PlaceOrderRequest req;
  req.symbol = "ETHUSDT";
  req.client_oid = "cx-7";
  req.size = "0.5"_dec;
  req.price = "3300.25"_dec;
  req.tif = TimeInForce::PostOnly;
  ASSERT_TRUE(repo.upsert_order(OrderRecord::from_request(req, OrderStatus::Sent, kDay)));
  ASSERT_TRUE(repo.append_order_update(make_update("cx-7", OrderStatus::Acked, kDay + std::chrono::seconds(1))));
  ASSERT_TRUE(repo.append_order_update(make_update("cx-8", OrderStatus::Acked, kDay + std::chrono::seconds(2), "43")));
  ASSERT_TRUE(repo.append_order_update(make_update("cx-7", OrderStatus::Filled, kDay + std::chrono::seconds(3))));

  auto o = repo.order("cx-7");
  ASSERT_TRUE(o && *o);
  EXPECT_EQ((*o)->status, OrderStatus::Filled);
  EXPECT_EQ((*o)->order_id, "42");
  EXPECT_EQ((*o)->filled_size, "0.5"_dec);
  EXPECT_EQ((*o)->tif, TimeInForce::PostOnly);
  EXPECT_EQ((*o)->created, kDay);  // first sighting kept
  EXPECT_EQ((*o)->updated, kDay + std::chrono::seconds(3));

  auto open = repo.open_orders();
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].client_oid, "cx-8");

  auto events = repo.order_events("cx-7");
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].update.status, OrderStatus::Acked);
  EXPECT_EQ((*events)[1].update.status, OrderStatus::Filled);
  EXPECT_EQ((*events)[1].update.price, "3300.25"_dec);
  EXPECT_FALSE(repo.order("nope").value().has_value());
}

TEST(Repo, InFlightOrderWithoutVenueIdIsOpen) {
  TempDir dir;
  Repo repo(dir.file());
  PlaceOrderRequest req;
  req.symbol = "BTCUSDT";
  req.market = MarketType::Perp;
  req.client_oid = "cx-99";
  req.type = OrderType::Market;
  req.size = "0.01"_dec;
  req.reduce_only = true;
  ASSERT_TRUE(repo.upsert_order(OrderRecord::from_request(req, OrderStatus::Sent, kDay)));
  auto open = repo.open_orders();
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].status, OrderStatus::Sent);
  EXPECT_FALSE((*open)[0].price.has_value());
  EXPECT_TRUE((*open)[0].reduce_only);
  EXPECT_EQ((*open)[0].market, MarketType::Perp);
}

TEST(Repo, FundingEventsAreUniquePerSymbolAndSettlement) {
  TempDir dir;
  Repo repo(dir.file());
  FundingPayment p;
  p.symbol = "BTCUSDT";
  p.amount = "1.25"_dec;
  p.rate = "0.0001"_dec;
  p.position_size = "-0.1"_dec;
  p.mark_price = "125000"_dec;
  p.ts_event = kDay + std::chrono::hours(8);
  EXPECT_TRUE(*repo.insert_funding(FundingRecord::from(p)));
  EXPECT_FALSE(*repo.insert_funding(FundingRecord::from(p)));
  p.rate.reset();
  p.ts_event = kDay + std::chrono::hours(16);
  EXPECT_TRUE(*repo.insert_funding(FundingRecord::from(p)));

  auto rows = repo.funding_events(kDay, kDay + std::chrono::hours(24));
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].amount, "1.25"_dec);
  EXPECT_EQ((*rows)[0].rate, "0.0001"_dec);
  EXPECT_EQ((*rows)[0].position_size, "-0.1"_dec);
  EXPECT_FALSE((*rows)[1].rate.has_value());
}

TEST(Repo, LastPositionsIsTheLatestSnapshotPerSymbolAndMarket) {
  TempDir dir;
  Repo repo(dir.file());
  auto snap = [&](std::string symbol, MarketType m, int hour, const char* size) {
    PositionSnapshotRecord p;
    p.ts = kDay + std::chrono::hours(hour);
    p.symbol = std::move(symbol);
    p.market = m;
    p.size = Decimal::parse(size).value();
    ASSERT_TRUE(repo.insert_position_snapshot(p));
  };
  snap("BTCUSDT", MarketType::Perp, 3, "-0.2");
  snap("BTCUSDT", MarketType::Perp, 1, "-0.1");
  snap("BTCUSDT", MarketType::Spot, 2, "0.2");
  snap("ETHUSDT", MarketType::Perp, 1, "-3");

  auto last = repo.last_positions();
  ASSERT_TRUE(last);
  ASSERT_EQ(last->size(), 3u);
  EXPECT_EQ((*last)[0].symbol, "BTCUSDT");  // ordered by symbol, then market name
  EXPECT_EQ((*last)[0].market, MarketType::Perp);
  EXPECT_EQ((*last)[0].size, "-0.2"_dec);  // hour 3 wins over the later-inserted hour 1
  EXPECT_EQ((*last)[1].market, MarketType::Spot);
  EXPECT_EQ((*last)[1].size, "0.2"_dec);
  EXPECT_EQ((*last)[2].size, "-3"_dec);

  auto before = repo.last_positions(kDay + std::chrono::hours(2));
  ASSERT_EQ(before->size(), 2u);
  EXPECT_EQ((*before)[0].size, "-0.1"_dec);
}

TEST(Repo, DailyPnlUpsertsByDateAndSymbol) {
  TempDir dir;
  Repo repo(dir.file());
  DailyPnlRecord r{"2025-01-01", "BTCUSDT", "1"_dec, "0.5"_dec, "-0.1"_dec, "0"_dec, "0.4"_dec, kDay};
  ASSERT_TRUE(repo.upsert_daily_pnl(r));
  r.funding = "2"_dec;
  r.net_pnl = "1.4"_dec;
  ASSERT_TRUE(repo.upsert_daily_pnl(r));
  ASSERT_TRUE(repo.upsert_daily_pnl({"2025-01-02", "", "3"_dec, "0"_dec, "0"_dec, "0"_dec, "3"_dec, kDay}));
  EXPECT_FALSE(repo.upsert_daily_pnl({"01/03/2025", "", {}, {}, {}, {}, {}, kDay}));
  EXPECT_NE(repo.last_error().find("01/03/2025"), std::string::npos);

  auto rows = repo.daily_pnl("2025-01-01", "2025-01-31");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].funding, "2"_dec);
  EXPECT_EQ((*rows)[0].net_pnl, "1.4"_dec);
  EXPECT_EQ((*rows)[1].date, "2025-01-02");
  EXPECT_EQ(repo.daily_pnl("2025-01-02", "2025-01-02")->size(), 1u);
}

TEST(Repo, DecisionsForADayUseUtcBoundsAndKeepTheirNumbers) {
  TempDir dir;
  Repo repo(dir.file());
  auto decide = [&](UnixNanos ts, std::string kind) {
    DecisionRecord d;
    d.ts = ts;
    d.symbol = "BTCUSDT";
    d.kind = std::move(kind);
    d.reason = "apr above threshold";
    d.numbers = {{"expected_apr", 0.153}, {"basis_bps", 4.5}, {"rate", "0.0001"}};
    ASSERT_TRUE(repo.insert_decision(d));
  };
  decide(kDay - std::chrono::nanoseconds(1), "HOLD");  // the previous day
  decide(kDay, "OPEN");
  decide(kDay + std::chrono::hours(24) - std::chrono::nanoseconds(1), "HOLD");
  decide(kDay + std::chrono::hours(24), "CLOSE");  // the next day

  auto day = repo.decisions_for_day("2025-01-01");
  ASSERT_TRUE(day);
  ASSERT_EQ(day->size(), 2u);
  EXPECT_EQ((*day)[0].kind, "OPEN");
  EXPECT_DOUBLE_EQ((*day)[0].numbers["expected_apr"].get<double>(), 0.153);
  EXPECT_EQ((*day)[0].numbers["rate"], "0.0001");
  EXPECT_EQ((*day)[1].kind, "HOLD");
  EXPECT_FALSE(repo.decisions_for_day("2025-1-1"));
}

TEST(Repo, KillSwitchStateRoundTrips) {
  TempDir dir;
  {
    Repo repo(dir.file());
    EXPECT_FALSE(repo.kill_switch().value().has_value());
    ASSERT_TRUE(repo.put_kill_switch({"Reducing", "daily loss", kDay}));
    ASSERT_TRUE(repo.put_kill_switch({"Halted", "api error burst", kDay + std::chrono::minutes(5)}));
  }
  Repo repo(dir.file());
  auto ks = repo.kill_switch();
  ASSERT_TRUE(ks && *ks);
  EXPECT_EQ((*ks)->state, "Halted");
  EXPECT_EQ((*ks)->reason, "api error burst");
  EXPECT_EQ((*ks)->since, kDay + std::chrono::minutes(5));
}

TEST(Repo, CorruptKillSwitchValueIsAnErrorNotADefault) {
  TempDir dir;
  Repo repo(dir.file());
  ASSERT_TRUE(repo.put_kv(Repo::kKillSwitchKey, "garbage", kDay));
  auto ks = repo.kill_switch();
  ASSERT_FALSE(ks);
  EXPECT_EQ(ks.error(), make_error_code(Errc::bad_payload));
  EXPECT_NE(repo.last_error().find("kill_switch"), std::string::npos);
}

TEST(Repo, CounterReservationsAreMonotonic) {
  TempDir dir;
  ManualClock clock(kDay);
  RepoOptions opts;
  opts.clock = &clock;
  Repo repo(dir.file(), opts);
  EXPECT_EQ(*repo.counter(), 0u);
  EXPECT_EQ(*repo.reserve_client_ids(10), 0u);
  EXPECT_EQ(*repo.reserve_client_ids(5), 10u);
  ASSERT_TRUE(repo.persist_counter(3));  // never lowers the mark
  EXPECT_EQ(*repo.counter(), 15u);
  ASSERT_TRUE(repo.persist_counter(100));
  EXPECT_EQ(*repo.counter(), 100u);
  ASSERT_TRUE(repo.put_kv("other", "x", kDay));
  ASSERT_TRUE(repo.put_kv(Repo::kClientOidCounterKey, "12abc", kDay));
  EXPECT_FALSE(repo.counter());
}

TEST(Repo, BadStoredDecimalNamesTheColumn) {
  TempDir dir;
  {
    Repo repo(dir.file());
    ASSERT_TRUE(repo.insert_fill(make_fill("t1", kDay)));
  }
  {
    SQLite::Database db(dir.file(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE fills SET price = '97,000.1'");
  }
  Repo repo(dir.file());
  auto fills = repo.fills_since(kDay);
  ASSERT_FALSE(fills);
  EXPECT_EQ(fills.error(), make_error_code(Errc::bad_payload));
  EXPECT_NE(repo.last_error().find("fills.price"), std::string::npos) << repo.last_error();
}

TEST(Repo, UtcDayBounds) {
  auto b = utc_day_bounds("2025-01-01");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->first, kDay);
  EXPECT_EQ(b->second, kDay + std::chrono::hours(24));
  EXPECT_FALSE(utc_day_bounds("2025-01-01T00:00:00Z"));
  EXPECT_FALSE(utc_day_bounds(""));
  EXPECT_EQ(utc_date(kDay + std::chrono::hours(23)), "2025-01-01");
}

TEST(Repo, OrderRecordBackToAnUpdateKeepsEveryField) {
  const OrderUpdate u = make_update("cx-9", OrderStatus::PartiallyFilled, kDay + std::chrono::seconds(5));
  const OrderUpdate back = OrderRecord::from(u).as_update();
  EXPECT_EQ(back.client_oid, u.client_oid);
  EXPECT_EQ(back.order_id, u.order_id);
  EXPECT_EQ(back.symbol, u.symbol);
  EXPECT_EQ(back.market, u.market);
  EXPECT_EQ(back.side, u.side);
  EXPECT_EQ(back.price, u.price);
  EXPECT_EQ(back.size, u.size);
  EXPECT_EQ(back.filled_size, u.filled_size);
  EXPECT_EQ(back.status, u.status);
  EXPECT_EQ(back.ts_event, u.ts_event);
}
