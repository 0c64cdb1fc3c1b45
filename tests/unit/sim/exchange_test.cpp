#include "exchange.hpp"
#include "market.hpp"
#include "tape.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace carry::sim {
namespace {

// Two tape rows per instrument, 1 s apart. Row 2 moves the BTC perp down by 10 so resting bids
// at or above 99980.1 are reached, and the spot ask down to 99999.00.
const char* kTape =
    "ts_ms,symbol,market,bid,bid_size,ask,ask_size\n"
    "0,BTCUSDT,spot,100000.00,0.500000,100000.01,0.600000\n"
    "0,ETHUSDT,spot,2500.00,2.0000,2500.01,3.0000\n"
    "0,BTCUSDT,perp,99990.0,1.000,99990.1,0.400\n"
    "0,ETHUSDT,perp,2499.00,5.00,2499.01,5.00\n"
    "1000,BTCUSDT,spot,99998.00,0.500000,99999.00,0.600000\n"
    "1000,ETHUSDT,spot,2500.00,2.0000,2500.01,3.0000\n"
    "1000,BTCUSDT,perp,99980.0,1.000,99980.1,0.300\n"
    "1000,ETHUSDT,perp,2499.00,5.00,2499.01,5.00\n";

struct Fixture : ::testing::Test {
  Tape tape = Tape::parse_csv(kTape, "test", default_instruments());
  MarketState market{default_instruments(), tape, 0, 1.0, false, 10, 42};
  Exchange ex{market, 100};

  void SetUp() override {
    StartingBalances b;
    b.spot["USDT"] = "100000"_dec;
    b.spot["BTC"] = "1"_dec;
    b.futures_usdt = "100000"_dec;
    ex.add_account("k", "s", "p", b, 10, "one_way_mode");
    ex.add_account("h", "s", "p", b, 10, "hedge_mode");
  }

  static PlaceRequest perp(Side side, OrdType type, Force force, const char* size, const char* price = nullptr) {
    PlaceRequest r;
    r.market = Market::Perp;
    r.symbol = "BTCUSDT";
    r.side = side;
    r.type = type;
    r.force = force;
    r.size = Decimal::parse(size).value();
    if (price) r.price = Decimal::parse(price).value();
    r.margin_mode = "crossed";
    return r;
  }

  Order place_ok(const std::string& acc, const PlaceRequest& r, std::int64_t now = 10) {
    auto res = ex.place(acc, r, now);
    if (auto* e = std::get_if<ApiError>(&res)) {
      ADD_FAILURE() << "rejected: " << e->code << " " << e->msg;
      return {};
    }
    return std::get<Order>(res);
  }

  std::string error_code(const std::string& acc, const PlaceRequest& r) {
    auto res = ex.place(acc, r, 10);
    auto* e = std::get_if<ApiError>(&res);
    return e ? e->code : "accepted";
  }

  const Order& order(const std::string& acc, Market m, const std::string& id) { return *ex.find_order(acc, m, id, ""); }

  void advance_to(std::int64_t ms) { ex.on_market(market.advance(ms), ms); }
};

TEST_F(Fixture, CrossingLimitFillsOnlyTopOfBookSizeAndRestsTheRemainder) {
  auto o = place_ok("k", perp(Side::Buy, OrdType::Limit, Force::Gtc, "0.500", "99990.1"));
  const auto& stored = order("k", Market::Perp, o.order_id);
  EXPECT_EQ(stored.filled, "0.4"_dec);  // the tape's ask size
  EXPECT_EQ(stored.status, OrdStatus::PartiallyFilled);
  EXPECT_EQ(stored.avg_price(), "99990.1"_dec);
  // Taker fee 0.0006 on 0.4 x 99990.1.
  EXPECT_EQ(stored.fee, -("0.4"_dec * "99990.1"_dec * "0.0006"_dec));
  ASSERT_EQ(ex.orders("k", Market::Perp, true).size(), 1u);
  // The next tape row (ask 99980.1, size 0.3) reaches the resting bid: maker fill at its price.
  advance_to(1000);
  EXPECT_EQ(stored.status, OrdStatus::Filled);
  EXPECT_EQ(stored.filled, "0.5"_dec);
  const auto& acc = *ex.account("k");
  ASSERT_EQ(acc.fills.size(), 2u);
  EXPECT_FALSE(acc.fills[0].maker);
  EXPECT_TRUE(acc.fills[1].maker);
  EXPECT_EQ(acc.fills[1].price, "99990.1"_dec);
  EXPECT_EQ(acc.fills[1].fee, -("0.1"_dec * "99990.1"_dec * "0.0002"_dec));
  ASSERT_EQ(acc.positions.size(), 1u);
  EXPECT_EQ(acc.positions[0].hold_side, "long");
  EXPECT_EQ(acc.positions[0].total, "0.5"_dec);
}

TEST_F(Fixture, PostOnlyThatWouldCrossIsAcceptedThenCanceled) {
  ex.drain_events();
  auto o = place_ok("k", perp(Side::Buy, OrdType::Limit, Force::PostOnly, "0.010", "99990.1"));
  const auto& stored = order("k", Market::Perp, o.order_id);
  EXPECT_EQ(stored.status, OrdStatus::Canceled);
  EXPECT_EQ(stored.filled, Decimal{});
  auto events = ex.drain_events();
  std::vector<OrdStatus> statuses;
  for (const auto& e : events)
    if (e.kind == PrivateEvent::Kind::Order) statuses.push_back(e.order.status);
  EXPECT_EQ(statuses, (std::vector<OrdStatus>{OrdStatus::Live, OrdStatus::Canceled}));
}

TEST_F(Fixture, PostOnlyRestsAndFillsAsMaker) {
  auto o = place_ok("k", perp(Side::Buy, OrdType::Limit, Force::PostOnly, "0.010", "99985.0"));
  EXPECT_EQ(order("k", Market::Perp, o.order_id).status, OrdStatus::Live);
  advance_to(1000);
  const auto& stored = order("k", Market::Perp, o.order_id);
  EXPECT_EQ(stored.status, OrdStatus::Filled);
  EXPECT_EQ(stored.avg_price(), "99985"_dec);
  EXPECT_TRUE(ex.account("k")->fills.back().maker);
}

TEST_F(Fixture, IocCancelsRemainderAndFokNeedsFullSize) {
  auto ioc = place_ok("k", perp(Side::Buy, OrdType::Limit, Force::Ioc, "0.500", "99990.1"));
  const auto& i = order("k", Market::Perp, ioc.order_id);
  EXPECT_EQ(i.filled, "0.4"_dec);
  EXPECT_EQ(i.status, OrdStatus::Canceled);
  EXPECT_TRUE(ex.orders("k", Market::Perp, true).empty());
  // The top level was consumed by the IOC; the next level (99990.2) holds synthetic depth.
  auto fok = place_ok("k", perp(Side::Sell, OrdType::Limit, Force::Fok, "5.000", "99990.0"));
  const auto& f = order("k", Market::Perp, fok.order_id);
  EXPECT_EQ(f.status, OrdStatus::Canceled);
  EXPECT_EQ(f.filled, Decimal{});
  auto fok2 = place_ok("k", perp(Side::Sell, OrdType::Limit, Force::Fok, "1.000", "99990.0"));
  EXPECT_EQ(order("k", Market::Perp, fok2.order_id).status, OrdStatus::Filled);
}

TEST_F(Fixture, MarketOrderWalksTheLadder) {
  auto o = place_ok("k", perp(Side::Buy, OrdType::Market, Force::Gtc, "1.000"));
  const auto& stored = order("k", Market::Perp, o.order_id);
  EXPECT_EQ(stored.status, OrdStatus::Filled);
  EXPECT_EQ(stored.filled, "1"_dec);
  EXPECT_GT(stored.avg_price(), "99990.1"_dec);  // beyond the top level
  EXPECT_GT(ex.account("k")->fills.size(), 1u);
}

TEST_F(Fixture, DuplicateClientOidAmongPendingIsRejected) {
  auto r = perp(Side::Buy, OrdType::Limit, Force::Gtc, "0.010", "90000.0");
  r.client_oid = "abc";
  place_ok("k", r);
  EXPECT_EQ(error_code("k", r), "45034");
  PlaceRequest s;
  s.market = Market::Spot;
  s.symbol = "BTCUSDT";
  s.side = Side::Buy;
  s.type = OrdType::Limit;
  s.price = "90000.00"_dec;
  s.size = "0.001000"_dec;
  s.client_oid = "abc";  // separate namespace from futures
  place_ok("k", s);
  EXPECT_EQ(error_code("k", s), "43118");
  EXPECT_EQ(ex.duplicate_client_oids(), 2u);
  EXPECT_EQ(ex.client_oids_reused(), 0u);
  // Once canceled, the id may be reused here, but the reuse is counted (Bitget would refuse it).
  ASSERT_TRUE(std::holds_alternative<Order>(ex.cancel("k", Market::Spot, "BTCUSDT", "", "abc", 20)));
  place_ok("k", s);
  EXPECT_EQ(ex.client_oids_reused(), 1u);
}

TEST_F(Fixture, ValidationErrors) {
  EXPECT_EQ(error_code("k", perp(Side::Buy, OrdType::Limit, Force::Gtc, "0.0105", "90000.0")), "40808");
  EXPECT_EQ(error_code("k", perp(Side::Buy, OrdType::Limit, Force::Gtc, "0.010", "90000.05")), "45115");
  EXPECT_EQ(error_code("k", perp(Side::Buy, OrdType::Limit, Force::Gtc, "0.010")), "40019");
  EXPECT_EQ(error_code("k", perp(Side::Buy, OrdType::Limit, Force::Gtc, "50.000", "90000.0")), "40762");
  auto reduce = perp(Side::Sell, OrdType::Market, Force::Gtc, "0.010");
  reduce.reduce_only = true;
  EXPECT_EQ(error_code("k", reduce), "22002");
  EXPECT_EQ(error_code("h", perp(Side::Buy, OrdType::Market, Force::Gtc, "0.010")), "40774");
}

TEST_F(Fixture, SpotBuyMovesBalancesAndChargesFeeInBase) {
  PlaceRequest s;
  s.market = Market::Spot;
  s.symbol = "BTCUSDT";
  s.side = Side::Buy;
  s.type = OrdType::Limit;
  s.price = "100001.00"_dec;
  s.size = "0.100000"_dec;
  auto o = place_ok("k", s);
  const auto& acc = *ex.account("k");
  EXPECT_EQ(order("k", Market::Spot, o.order_id).status, OrdStatus::Filled);
  // Filled at the ask 100000.01 (better than the limit): the difference is refunded.
  EXPECT_EQ(acc.spot_available.at("USDT"), "100000"_dec - "0.1"_dec * "100000.01"_dec);
  EXPECT_EQ(acc.spot_frozen.at("USDT"), Decimal{});
  EXPECT_EQ(acc.spot_available.at("BTC"), "1"_dec + "0.1"_dec - "0.1"_dec * "0.001"_dec);
  // Spot market buy: size is quote coin.
  PlaceRequest m = s;
  m.type = OrdType::Market;
  m.price.reset();
  m.size = "1000"_dec;
  auto mo = place_ok("k", m);
  const auto& mstored = order("k", Market::Spot, mo.order_id);
  EXPECT_EQ(mstored.status, OrdStatus::Filled);
  EXPECT_LE(mstored.filled_quote, "1000"_dec);
  EXPECT_GT(mstored.filled_quote, "999"_dec);
}

TEST_F(Fixture, FundingSettlementPaysShortsWhenRatePositive) {
  place_ok("k", perp(Side::Sell, OrdType::Market, Force::Gtc, "0.500"));
  auto& acc = *ex.account("k");
  ASSERT_EQ(acc.positions.size(), 1u);
  EXPECT_EQ(acc.positions[0].hold_side, "short");
  const Decimal cash_before = acc.futures_cash;
  const Decimal mark = market.mark_price("BTCUSDT");
  EXPECT_EQ(ex.settle_funding("BTCUSDT", "0.0001"_dec, 28'800'000, 50), 1);
  const Decimal expected = "0.0001"_dec * "0.5"_dec * mark;
  EXPECT_EQ(acc.futures_cash - cash_before, expected);
  EXPECT_EQ(acc.positions[0].total_fee, expected);
  const Bill& b = acc.bills.back();
  EXPECT_EQ(b.business_type, "contract_settle_fee");
  EXPECT_EQ(b.amount, expected);
  EXPECT_EQ(b.c_time, 28'800'000);
  // Negative rate: the short pays.
  ex.settle_funding("BTCUSDT", "-0.0002"_dec, 57'600'000, 60);
  EXPECT_EQ(acc.bills.back().amount, -("0.0002"_dec * "0.5"_dec * mark));
}

TEST_F(Fixture, OneWayReduceOnlyClosesAndRealisesPnl) {
  place_ok("k", perp(Side::Buy, OrdType::Market, Force::Gtc, "0.300"));
  auto close = perp(Side::Sell, OrdType::Market, Force::Gtc, "0.500");
  close.reduce_only = true;
  auto o = place_ok("k", close);
  const auto& stored = order("k", Market::Perp, o.order_id);
  EXPECT_EQ(stored.filled, "0.3"_dec);  // capped at the position
  EXPECT_TRUE(ex.account("k")->positions.empty());
  EXPECT_EQ(ex.account("k")->fills.back().profit, ("99990"_dec - "99990.1"_dec) * "0.3"_dec);
}

TEST_F(Fixture, HedgeModeCloseUsesPositionDirection) {
  auto open = perp(Side::Sell, OrdType::Market, Force::Gtc, "0.200");
  open.trade_side = "open";
  place_ok("h", open);
  ASSERT_EQ(ex.account("h")->positions.size(), 1u);
  EXPECT_EQ(ex.account("h")->positions[0].hold_side, "short");
  auto too_much = perp(Side::Sell, OrdType::Market, Force::Gtc, "0.300");
  too_much.trade_side = "close";
  EXPECT_EQ(error_code("h", too_much), "40757");
  auto close = perp(Side::Sell, OrdType::Market, Force::Gtc, "0.200");  // side=sell closes the short
  close.trade_side = "close";
  auto o = place_ok("h", close);
  EXPECT_EQ(order("h", Market::Perp, o.order_id).pos_side, "short");
  EXPECT_TRUE(ex.account("h")->positions.empty());
}

TEST_F(Fixture, ModifyIsAsynchronousCancelAndReplace) {
  auto r = perp(Side::Buy, OrdType::Limit, Force::PostOnly, "0.010", "90000.0");
  r.client_oid = "old";
  auto o = place_ok("k", r);
  auto m = ex.modify("k", "BTCUSDT", o.order_id, "", "new", "0.020"_dec, "90001.0"_dec, 100);
  ASSERT_TRUE(std::holds_alternative<Order>(m));
  EXPECT_EQ(std::get<Order>(m).order_id, o.order_id);
  EXPECT_EQ(order("k", Market::Perp, o.order_id).status, OrdStatus::Live);  // not yet
  EXPECT_EQ(ex.find_order("k", Market::Perp, "", "new"), nullptr);
  ex.on_timer(199);
  EXPECT_EQ(order("k", Market::Perp, o.order_id).status, OrdStatus::Live);
  ex.on_timer(200);
  EXPECT_EQ(order("k", Market::Perp, o.order_id).status, OrdStatus::Canceled);
  const Order* repl = ex.find_order("k", Market::Perp, "", "new");
  ASSERT_NE(repl, nullptr);
  EXPECT_NE(repl->order_id, o.order_id);
  EXPECT_EQ(repl->price, "90001"_dec);
  EXPECT_EQ(repl->size, "0.02"_dec);
  EXPECT_EQ(repl->force, Force::PostOnly);
  auto missing = ex.modify("k", "BTCUSDT", o.order_id, "", "x", "0.020"_dec, "90001.0"_dec, 300);
  EXPECT_EQ(std::get<ApiError>(missing).code, "40768");
  auto no_new_oid = ex.modify("k", "BTCUSDT", repl->order_id, "", "", "0.020"_dec, "90001.0"_dec, 300);
  EXPECT_EQ(std::get<ApiError>(no_new_oid).code, "22003");
}

TEST_F(Fixture, SpotCancelReplaceIsSynchronous) {
  PlaceRequest s;
  s.market = Market::Spot;
  s.symbol = "BTCUSDT";
  s.side = Side::Sell;
  s.type = OrdType::Limit;
  s.price = "110000.00"_dec;
  s.size = "0.010000"_dec;
  s.client_oid = "s1";
  auto o = place_ok("k", s);
  EXPECT_EQ(ex.account("k")->spot_frozen.at("BTC"), "0.01"_dec);
  auto r = ex.cancel_replace("k", "BTCUSDT", "", "s1", "s2", "111000.00"_dec, "0.020000"_dec, 20);
  ASSERT_TRUE(std::holds_alternative<Order>(r));
  EXPECT_EQ(order("k", Market::Spot, o.order_id).status, OrdStatus::Canceled);
  EXPECT_EQ(std::get<Order>(r).client_oid, "s2");
  EXPECT_EQ(ex.account("k")->spot_frozen.at("BTC"), "0.02"_dec);
}

// Bitget's rules for the account settings: posMode for the whole product type, marginMode and
// leverage per symbol; a mode switch with a position or a pending perp order open answers 40920.
TEST_F(Fixture, ModeSwitchesAreRefusedWhileAPositionOrAnOrderIsOpen) {
  auto code_of = [](const auto& r) {
    const auto* e = std::get_if<ApiError>(&r);
    return e ? e->code : std::string("ok");
  };
  // Nothing open: both modes switch, back and forth.
  EXPECT_EQ(code_of(ex.set_position_mode("k", "hedge_mode")), "ok");
  EXPECT_EQ(code_of(ex.set_position_mode("k", "one_way_mode")), "ok");
  EXPECT_EQ(code_of(ex.set_margin_mode("k", "BTCUSDT", "isolated")), "ok");
  EXPECT_EQ(ex.account("k")->margin_mode_for("BTCUSDT"), "isolated");
  EXPECT_EQ(ex.account("k")->margin_mode_for("ETHUSDT"), "crossed");  // per symbol
  EXPECT_EQ(code_of(ex.set_margin_mode("k", "BTCUSDT", "crossed")), "ok");
  EXPECT_EQ(code_of(ex.set_position_mode("k", "net_mode")), "40034");
  EXPECT_EQ(code_of(ex.set_margin_mode("k", "BTCUSDT", "cross")), "40034");

  // A resting perp order: neither the position mode nor that symbol's margin mode may change.
  auto o = place_ok("k", perp(Side::Buy, OrdType::Limit, Force::PostOnly, "0.010", "90000.0"));
  EXPECT_EQ(code_of(ex.set_position_mode("k", "hedge_mode")), "40920");
  EXPECT_EQ(code_of(ex.set_margin_mode("k", "BTCUSDT", "isolated")), "40920");
  EXPECT_EQ(code_of(ex.set_margin_mode("k", "ETHUSDT", "isolated")), "ok");  // another symbol
  EXPECT_EQ(code_of(ex.set_margin_mode("k", "BTCUSDT", "crossed")), "ok");   // no change
  EXPECT_EQ(code_of(ex.set_position_mode("k", "one_way_mode")), "ok");
  ex.cancel("k", Market::Perp, "BTCUSDT", o.order_id, "", 20);

  // A position: the same, and leverage still changes.
  place_ok("k", perp(Side::Buy, OrdType::Market, Force::Gtc, "0.100"));
  ASSERT_EQ(ex.account("k")->positions.size(), 1u);
  EXPECT_EQ(code_of(ex.set_position_mode("k", "hedge_mode")), "40920");
  EXPECT_EQ(code_of(ex.set_margin_mode("k", "BTCUSDT", "isolated")), "40920");
  EXPECT_EQ(code_of(ex.set_leverage("k", "BTCUSDT", 3)), "ok");
  EXPECT_EQ(ex.account("k")->leverage_for("BTCUSDT"), 3);
  EXPECT_EQ(ex.account("k")->leverage_for("ETHUSDT"), 10);
  EXPECT_EQ(code_of(ex.set_leverage("k", "BTCUSDT", 0)), "40034");
  EXPECT_EQ(ex.account("k")->pos_mode, "one_way_mode");
  EXPECT_EQ(ex.account("k")->margin_mode_for("BTCUSDT"), "crossed");
}

TEST_F(Fixture, AccountsStartInTheConfiguredModes) {
  StartingBalances b;
  b.futures_usdt = "1000"_dec;
  const Account& acc = ex.add_account("iso", "s", "p", b, 5, "hedge_mode", "isolated");
  EXPECT_EQ(acc.pos_mode, "hedge_mode");
  EXPECT_EQ(acc.margin_mode_for("BTCUSDT"), "isolated");
  EXPECT_EQ(acc.leverage_for("BTCUSDT"), 5);
  auto open = perp(Side::Buy, OrdType::Limit, Force::PostOnly, "0.010", "90000.0");
  open.trade_side = "open";
  auto o = place_ok("iso", open);
  EXPECT_EQ(order("iso", Market::Perp, o.order_id).margin_mode, "isolated");
}

}  // namespace
}  // namespace carry::sim
