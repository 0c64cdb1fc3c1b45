// The gateway's frame routing without sockets: the recorded Bitget samples (Classic v2 and UTA
// v3) through route_public / route_private, and the exact events that come out.
#include "frame_router.hpp"
#include <carry_test/paths.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <type_traits>

namespace carry::bitget::io {
namespace {

const UnixNanos kInit = UnixNanos::from_ms(1'800'000'000'000);

std::string fixture(const std::string& path) {
  std::ifstream in(std::string(carry_test::fixtures_dir()) + "/bitget/" + path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

struct Public {
  explicit Public(AccountKind kind = AccountKind::Classic) { state.kind = kind; }
  std::vector<PublicEvent> route(std::string_view frame) {
    std::vector<PublicEvent> out;
    route_public(state, frame, kInit, out);
    return out;
  }
  void add_book(const std::string& symbol, MarketType market) {
    state.books[book_key(market, symbol)] = std::make_unique<market::OrderBook>(symbol, events);
  }
  const market::OrderBook& book(const std::string& symbol, MarketType market) {
    return *state.books.at(book_key(market, symbol));
  }
  RecordingEventSink events;
  PublicRouteState state;
};

std::vector<PrivateEvent> route_private_frame(std::string_view frame, AccountKind kind = AccountKind::Classic) {
  std::vector<PrivateEvent> out;
  route_private(PrivateRouteState{kind, "USDT"}, frame, kInit, out);
  return out;
}

template <class T, class Events>
const T& at(const Events& events, std::size_t i) {
  EXPECT_LT(i, events.size());
  EXPECT_TRUE(std::holds_alternative<T>(events.at(i))) << "event " << i << " is of another type";
  return std::get<T>(events.at(i));
}

template <class Events>
std::string rejection(const Events& events) {
  if (events.size() != 1 || !std::holds_alternative<FrameRejected>(events[0])) return "(not one rejection)";
  return std::get<FrameRejected>(events[0]).error.to_string();
}

// ---------- public, Classic (v2) ----------

TEST(RoutePublic, FuturesTickerIsABboThenTheFundingItCarries) {
  Public p;
  const auto ev = p.route(fixture("samples/ws_ticker_futures.json"));
  ASSERT_EQ(ev.size(), 2u);
  const auto& bbo = at<Bbo>(ev, 0);
  EXPECT_EQ(bbo.symbol, "BTCUSDT");
  EXPECT_EQ(bbo.market, MarketType::Perp);
  EXPECT_EQ(bbo.bid_price, "43476.3"_dec);
  EXPECT_EQ(bbo.bid_size, "0.1"_dec);
  EXPECT_EQ(bbo.ask_price, "43476.8"_dec);
  EXPECT_EQ(bbo.ask_size, "3.055"_dec);
  EXPECT_EQ(bbo.ts_event, UnixNanos::from_ms(1701843962811));
  EXPECT_EQ(bbo.ts_init, kInit);
  const auto& fr = at<FundingRateUpdate>(ev, 1);
  EXPECT_EQ(fr.symbol, "BTCUSDT");
  EXPECT_EQ(fr.rate, "0.000096"_dec);
  EXPECT_EQ(fr.next_settlement, UnixNanos::from_ms(1701849600000));
  EXPECT_EQ(fr.mark_price, "43476.4"_dec);
  EXPECT_EQ(fr.index_price, "43478.4"_dec);
  EXPECT_EQ(fr.ts_event, UnixNanos::from_ms(1701843962811));
  EXPECT_EQ(fr.ts_init, kInit);
}

TEST(RoutePublic, SpotTickerAndBooks5AreOneBboEach) {
  Public p;
  const auto spot = p.route(fixture("samples/ws_ticker_spot.json"));
  ASSERT_EQ(spot.size(), 1u);
  EXPECT_EQ(at<Bbo>(spot, 0).market, MarketType::Spot);
  EXPECT_EQ(at<Bbo>(spot, 0).bid_price, "43528"_dec);
  EXPECT_EQ(at<Bbo>(spot, 0).ask_size, "0.1917"_dec);

  const auto books5 = p.route(fixture("samples/ws_books5_snapshot_futures.json"));
  ASSERT_EQ(books5.size(), 1u);
  const auto& bbo = at<Bbo>(books5, 0);
  EXPECT_EQ(bbo.symbol, "BTCUSDT");
  EXPECT_EQ(bbo.market, MarketType::Perp);
  EXPECT_EQ(bbo.bid_price, "27000.0"_dec);
  EXPECT_EQ(bbo.bid_size, "2.710"_dec);
  EXPECT_EQ(bbo.ask_price, "27000.5"_dec);
  EXPECT_EQ(bbo.ask_size, "8.760"_dec);
  EXPECT_EQ(bbo.ts_event, UnixNanos::from_ms(1695716059516));
}

TEST(RoutePublic, TradesAreTradeTicks) {
  Public p;
  const auto ev = p.route(fixture("samples/ws_trade_spot.json"));
  ASSERT_EQ(ev.size(), 1u);
  const auto& t = at<TradeTick>(ev, 0);
  EXPECT_EQ(t.symbol, "BTCUSDT");
  EXPECT_EQ(t.market, MarketType::Spot);
  EXPECT_EQ(t.price, "43854.01"_dec);
  EXPECT_EQ(t.size, "0.0535"_dec);
  EXPECT_EQ(t.aggressor, Side::Buy);
  EXPECT_EQ(t.trade_id, "1116461060594286593");
  EXPECT_EQ(t.ts_event, UnixNanos::from_ms(1701910980366));
}

TEST(RoutePublic, FullDepthBooksFeedTheLocalBookAndAGapAsksForAResync) {
  Public p;
  const std::string snapshot = replace(fixture("samples/ws_books5_snapshot_futures.json"), "\"books5\"", "\"books\"");
  EXPECT_TRUE(p.route(snapshot).empty()) << "no book subscribed: nothing";
  p.add_book("BTCUSDT", MarketType::Perp);
  const auto ev = p.route(snapshot);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(at<Bbo>(ev, 0).bid_price, "27000"_dec);
  EXPECT_EQ(at<Bbo>(ev, 0).ask_size, "8.76"_dec);
  EXPECT_EQ(p.book("BTCUSDT", MarketType::Perp).bid_depth(), 2u);

  // An update whose pseq is not the last seq (123): the book is broken.
  const std::string gap =
      R"({"action":"update","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"},)"
      R"("data":[{"asks":[],"bids":[["26999.0","1"]],"checksum":0,"seq":130,"pseq":125,"ts":"1695716059600"}],)"
      R"("ts":1695716059600})";
  const auto broken = p.route(gap);
  ASSERT_EQ(broken.size(), 1u);
  EXPECT_EQ(at<BookResync>(broken, 0).arg, (SubscriptionArg{"USDT-FUTURES", "books", "BTCUSDT", ""}));
  EXPECT_EQ(p.events.count("book.resync"), 1u);
  EXPECT_TRUE(p.route(gap).empty()) << "updates wait for the fresh snapshot";
  reset_book(p.state, SubscriptionArg{"USDT-FUTURES", "books", "BTCUSDT", ""});
  EXPECT_EQ(p.book("BTCUSDT", MarketType::Perp).state(), market::OrderBook::State::Empty);
  EXPECT_EQ(p.route(snapshot).size(), 1u);
}

// The session hands the router pushes only (acks, errors and pongs stay in WsSessionFsm); a push
// of a channel the gateway does not read yields nothing.
TEST(RoutePublic, ChannelsWithoutEventsYieldNothing) {
  Public p;
  const std::string candles =
      R"({"action":"snapshot","arg":{"instType":"SPOT","channel":"candle1m","instId":"BTCUSDT"},)"
      R"("data":[["1695685500000","27000","27000.5","27000","27000.5","0.057","1539.0155","1539.0155"]],)"
      R"("ts":1695715462250})";
  EXPECT_TRUE(p.route(candles).empty());
  EXPECT_TRUE(p.events.entries.empty());
}

TEST(RoutePublic, MalformedFramesAreRejectionsNotCrashes) {
  Public p;
  const std::string ticker = fixture("samples/ws_ticker_futures.json");
  EXPECT_NE(rejection(p.route(ticker.substr(0, ticker.size() / 2))).find("truncated frame"), std::string::npos);
  EXPECT_NE(rejection(p.route("")).find("truncated frame"), std::string::npos);
  EXPECT_NE(rejection(p.route("{not json}")), "(not one rejection)");
  // One side of a books1 empty: no BBO can be made.
  const std::string empty_side =
      R"({"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"books1","instId":"AQTUSDT"},)"
      R"("data":[{"asks":[["1.4138","4.58"]],"bids":[],"checksum":0,"ts":"1730860330169"}],"ts":1730860330170})";
  EXPECT_NE(rejection(p.route(empty_side)).find("one side"), std::string::npos);
  // A trade push whose price is no number.
  const std::string bad_trade = replace(fixture("samples/ws_trade_spot.json"), "\"43854.01\"", "\"abc\"");
  EXPECT_NE(rejection(p.route(bad_trade)), "(not one rejection)");
  // A UTA frame on a Classic session is refused, never misread.
  EXPECT_NE(rejection(p.route(fixture("v3/ws_books1_futures.json"))).find("arg.channel"), std::string::npos);
}

// How many events of each kind a run of public frames gave.
struct Tally {
  int bbo = 0, funding = 0, trades = 0, resyncs = 0, rejected = 0;
};

// Every push of one API version in the tardis samples (the WS client hands pushes only to the
// gateway: acks and pongs never reach the router).
Tally route_tardis(Public& p, const std::string& version) {
  Tally n;
  std::istringstream lines(fixture("ws/bitget_ws_v2_v3_message_samples.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["api_version"] != version || !j["msg"].contains("action")) continue;
    for (const auto& ev : p.route(j["msg"].dump())) {
      std::visit(
          [&n](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, Bbo>) ++n.bbo;
            if constexpr (std::is_same_v<T, FundingRateUpdate>) ++n.funding;
            if constexpr (std::is_same_v<T, TradeTick>) ++n.trades;
            if constexpr (std::is_same_v<T, BookResync>) ++n.resyncs;
            if constexpr (std::is_same_v<T, FrameRejected>) ++n.rejected;
          },
          ev);
    }
  }
  return n;
}

TEST(RoutePublic, TardisV2PushesGiveTheExpectedEvents) {
  Public p;
  const Tally n = route_tardis(p, "v2");
  EXPECT_EQ(n.trades, 4);    // spot and coin-futures trades
  EXPECT_EQ(n.bbo, 6);       // books1 x2 (one more refused), books15 x2, ticker x2
  EXPECT_EQ(n.funding, 1);   // the USDT-M ticker; the coin-M one has no next funding time
  EXPECT_EQ(n.rejected, 1);  // books1 with an empty bid side
  EXPECT_EQ(n.resyncs, 0);   // full-depth books of symbols without a local book: nothing
}

// ---------- public, UTA (v3) ----------

TEST(RoutePublicUta, Books1AndTickerFromTheFastPath) {
  Public p(AccountKind::Uta);
  const auto books1 = p.route(fixture("v3/ws_books1_futures.json"));
  ASSERT_EQ(books1.size(), 1u);
  const auto& bbo = at<Bbo>(books1, 0);
  EXPECT_EQ(bbo.symbol, "BTCUSDT");
  EXPECT_EQ(bbo.market, MarketType::Perp);
  EXPECT_EQ(bbo.bid_price, "76631.2"_dec);
  EXPECT_EQ(bbo.bid_size, "0.9608"_dec);
  EXPECT_EQ(bbo.ask_price, "76631.3"_dec);
  EXPECT_EQ(bbo.ask_size, "8.8086"_dec);
  EXPECT_EQ(bbo.ts_event, UnixNanos::from_ms(1'777'358'880'027));

  const auto ticker = p.route(fixture("v3/ws_ticker_futures.json"));
  ASSERT_EQ(ticker.size(), 2u);
  EXPECT_EQ(at<Bbo>(ticker, 0).ask_size, "9.5716"_dec);
  EXPECT_EQ(at<Bbo>(ticker, 0).ts_event, UnixNanos::from_ms(1'777'358'880'084));  // the push ts
  const auto& fr = at<FundingRateUpdate>(ticker, 1);
  EXPECT_EQ(fr.rate, "-0.00003"_dec);
  EXPECT_EQ(fr.next_settlement, UnixNanos::from_ms(1'777'363'200'000));
  EXPECT_EQ(fr.mark_price, "76631.3"_dec);
  EXPECT_EQ(fr.index_price, "76671.438168606"_dec);  // rounded to 9 places

  const auto spot = p.route(fixture("v3/ws_ticker_spot_doc.json"));
  ASSERT_EQ(spot.size(), 1u);
  EXPECT_EQ(at<Bbo>(spot, 0).market, MarketType::Spot);
  EXPECT_EQ(at<Bbo>(spot, 0).ask_price, "100000"_dec);
}

TEST(RoutePublicUta, FullDepthBooksAndTheirResync) {
  Public p(AccountKind::Uta);
  const std::string snapshot = fixture("v3/ws_books_snapshot_futures.json");
  p.add_book("BTCUSDT", MarketType::Perp);
  const auto ev = p.route(snapshot);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(at<Bbo>(ev, 0).bid_price, "76742.8"_dec);
  EXPECT_EQ(at<Bbo>(ev, 0).ask_price, "76742.9"_dec);
  EXPECT_EQ(at<Bbo>(ev, 0).ts_event, UnixNanos::from_ms(1'777'362'657'614));
  const std::string gap =
      R"({"action":"update","arg":{"instType":"usdt-futures","topic":"books","symbol":"BTCUSDT"},)"
      R"("data":[{"a":[],"b":[["76742.6","1"]],"checksum":0,"seq":483814309800,"pseq":483814309790,)"
      R"("ts":"1777362657700"}],"ts":1777362657701})";
  const auto broken = p.route(gap);
  ASSERT_EQ(broken.size(), 1u);
  EXPECT_EQ(at<BookResync>(broken, 0).arg, (SubscriptionArg{"usdt-futures", "books", "BTCUSDT", ""}));
  reset_book(p.state, SubscriptionArg{"usdt-futures", "books", "BTCUSDT", ""});
  EXPECT_EQ(p.book("BTCUSDT", MarketType::Perp).state(), market::OrderBook::State::Empty);
}

TEST(RoutePublicUta, TardisV3PushesAndMalformedFrames) {
  Public p(AccountKind::Uta);
  const Tally n = route_tardis(p, "v3");
  EXPECT_EQ(n.bbo, 3);      // books1 spot and futures, the futures ticker
  EXPECT_EQ(n.funding, 1);  // carried by that ticker
  EXPECT_EQ(n.trades, 0);   // publicTrade is not read on UTA
  EXPECT_EQ(n.resyncs, 0);
  EXPECT_EQ(n.rejected, 1);  // liquidation: its arg has no symbol

  const std::string books1 = fixture("v3/ws_books1_spot.json");
  EXPECT_NE(rejection(p.route(books1.substr(0, 40))).find("truncated frame"), std::string::npos);
  EXPECT_NE(rejection(p.route(fixture("samples/ws_books5_snapshot_futures.json"))).find("arg.topic"),
            std::string::npos);
}

// ---------- private, Classic (v2) ----------

TEST(RoutePrivate, FuturesOrderFillAndPosition) {
  const auto orders = route_private_frame(fixture("samples/ws_private_orders_futures.json"));
  ASSERT_EQ(orders.size(), 1u);
  const auto& o = at<OrderUpdate>(orders, 0);
  EXPECT_EQ(o.symbol, "BTCUSDT");
  EXPECT_EQ(o.market, MarketType::Perp);
  EXPECT_EQ(o.order_id, "1116501214293032964");
  EXPECT_EQ(o.client_oid, "1116501214318198793");
  EXPECT_EQ(o.status, OrderStatus::Canceled);
  EXPECT_EQ(o.price, "35000"_dec);
  EXPECT_EQ(o.size, "0.003"_dec);
  EXPECT_EQ(o.filled_size, Decimal{});
  EXPECT_EQ(o.ts_event, UnixNanos::from_ms(1701920595866));
  EXPECT_EQ(o.ts_init, kInit);

  const auto fills = route_private_frame(fixture("samples/ws_private_fill_futures.json"));
  ASSERT_EQ(fills.size(), 1u);
  const auto& f = at<Fill>(fills, 0);
  EXPECT_EQ(f.symbol, "BTCUSDT");
  EXPECT_EQ(f.order_id, "111");
  EXPECT_EQ(f.trade_id, "222");
  EXPECT_EQ(f.side, Side::Buy);
  EXPECT_EQ(f.price, "51000.5"_dec);
  EXPECT_EQ(f.size, "0.01"_dec);
  EXPECT_EQ(f.fee, "0.183717"_dec);
  EXPECT_FALSE(f.maker);

  const auto positions = route_private_frame(fixture("samples/ws_private_positions_futures.json"));
  ASSERT_EQ(positions.size(), 1u);
  const auto& pos = at<PositionUpdate>(positions, 0);
  EXPECT_EQ(pos.symbol, "BTCUSDT");
  EXPECT_EQ(pos.side, PositionSide::Long);
  EXPECT_EQ(pos.size, "0.001"_dec);
}

TEST(RoutePrivate, SpotOrderAndBothAccounts) {
  const auto orders = route_private_frame(fixture("samples/ws_private_orders_spot.json"));
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(at<OrderUpdate>(orders, 0).market, MarketType::Spot);
  EXPECT_EQ(at<OrderUpdate>(orders, 0).status, OrderStatus::Acked);
  EXPECT_EQ(at<OrderUpdate>(orders, 0).size, "7"_dec);

  const auto futures = route_private_frame(fixture("samples/ws_private_account_futures.json"));
  ASSERT_EQ(futures.size(), 1u);
  const auto& fb = at<BalanceUpdate>(futures, 0);
  EXPECT_EQ(fb.account, MarketType::Perp);
  EXPECT_EQ(fb.coin, "USDT");
  EXPECT_EQ(fb.available, "26.14309528"_dec);
  EXPECT_EQ(fb.frozen, "5.365815"_dec);
  EXPECT_FALSE(fb.shared);

  const auto spot = route_private_frame(fixture("samples/ws_private_account_spot.json"));
  ASSERT_EQ(spot.size(), 1u);
  const auto& sb = at<BalanceUpdate>(spot, 0);
  EXPECT_EQ(sb.account, MarketType::Spot);
  EXPECT_EQ(sb.coin, "USDT");
  EXPECT_EQ(sb.available, "19.143095286"_dec);
  EXPECT_EQ(sb.frozen, "7"_dec);
}

TEST(RoutePrivate, MalformedFramesAreRejectionsNotCrashes) {
  const std::string orders = fixture("samples/ws_private_orders_futures.json");
  EXPECT_NE(rejection(route_private_frame(orders.substr(0, 100))).find("truncated frame"), std::string::npos);
  EXPECT_NE(rejection(route_private_frame(replace(orders, "\"canceled\"", "\"sideways\""))), "(not one rejection)");
  EXPECT_NE(rejection(route_private_frame(R"({"action":"snapshot"})")), "(not one rejection)");
  EXPECT_TRUE(route_private_frame(fixture("samples/ws_login_success_doc.json")).empty());
  EXPECT_TRUE(route_private_frame(fixture("samples/ws_private_orders_algo_futures.json")).empty());
}

// ---------- private, UTA (v3) ----------

TEST(RoutePrivateUta, OrderFillPosition) {
  const auto orders = route_private_frame(fixture("v3/ws_private_order_doc.json"), AccountKind::Uta);
  ASSERT_EQ(orders.size(), 1u);
  const auto& o = at<OrderUpdate>(orders, 0);
  EXPECT_EQ(o.symbol, "BTCUSDT");
  EXPECT_EQ(o.market, MarketType::Perp);
  EXPECT_EQ(o.status, OrderStatus::Filled);
  EXPECT_EQ(o.size, "0.001"_dec);
  EXPECT_EQ(o.filled_size, "0.001"_dec);
  EXPECT_EQ(o.avg_price, "83131.5"_dec);
  EXPECT_FALSE(o.price);

  const auto fills = route_private_frame(fixture("v3/ws_private_fill_doc.json"), AccountKind::Uta);
  ASSERT_EQ(fills.size(), 1u);
  const auto& f = at<Fill>(fills, 0);
  EXPECT_EQ(f.trade_id, "1288888888888888888");
  EXPECT_EQ(f.price, "94993"_dec);
  EXPECT_EQ(f.size, "0.01"_dec);
  EXPECT_EQ(f.fee, "0.569958"_dec);
  EXPECT_EQ(f.ts_event, UnixNanos::from_ms(1'736'378'720'623));

  const auto positions = route_private_frame(fixture("v3/ws_private_position_doc.json"), AccountKind::Uta);
  ASSERT_EQ(positions.size(), 1u);
  EXPECT_EQ(at<PositionUpdate>(positions, 0).symbol, "BTCUSDT");
  EXPECT_TRUE(at<PositionUpdate>(positions, 0).size.is_zero());
}

TEST(RoutePrivateUta, OneWalletIsTheSpotWalletAndTheMarginCoinTheFuturesAccountToo) {
  const auto ev = route_private_frame(fixture("v3/ws_private_account_doc.json"), AccountKind::Uta);
  ASSERT_EQ(ev.size(), 4u);
  const std::pair<std::string, MarketType> want[] = {
      {"ETH", MarketType::Spot}, {"BTC", MarketType::Spot}, {"USDT", MarketType::Perp}, {"USDT", MarketType::Spot}};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& b = at<BalanceUpdate>(ev, i);
    EXPECT_EQ(b.coin, want[i].first) << i;
    EXPECT_EQ(b.account, want[i].second) << i;
    EXPECT_TRUE(b.shared) << i;
  }
  EXPECT_EQ(at<BalanceUpdate>(ev, 2).available, "344282.65536458"_dec);
  EXPECT_EQ(at<BalanceUpdate>(ev, 3).available, "344282.65536458"_dec);
}

TEST(RoutePrivateUta, MalformedAndForeignFramesAreRejections) {
  const std::string fill = fixture("v3/ws_private_fill_doc.json");
  EXPECT_NE(rejection(route_private_frame(fill.substr(0, 60), AccountKind::Uta)).find("truncated frame"),
            std::string::npos);
  EXPECT_NE(rejection(route_private_frame(replace(fill, "\"execQty\"", "\"qtyX\""), AccountKind::Uta))
                .find("data[0].execQty: missing"),
            std::string::npos);
  // A v2 push on a UTA session: no `topic`, refused.
  EXPECT_NE(rejection(route_private_frame(fixture("samples/ws_private_fill_futures.json"), AccountKind::Uta)),
            "(not one rejection)");
  EXPECT_TRUE(route_private_frame(fixture("v3/ws_login_ack.json"), AccountKind::Uta).empty());
}

}  // namespace
}  // namespace carry::bitget::io
