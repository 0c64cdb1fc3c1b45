#pragma once
// A paper exchange with BTCUSDT spot and perp (the OMS tests' instruments), funded wallets and
// helpers to feed it market data and read back what it pushed.
#include <carry/paper/exchange.hpp>

#include <carry_test/oms_fixture.hpp>

#include <gtest/gtest.h>

#include <memory>

namespace carry::paper::test {

using carry::oms::test::make_instrument;

class ExchangeTest : public ::testing::Test {
 protected:
  ManualClock clock{UnixNanos::from_seconds(1'700'000'000)};
  PaperParams params = [] {
    PaperParams p;
    p.spot_balances["USDT"] = Decimal::from_units(10'000);
    p.futures_usdt = Decimal::from_units(10'000);
    return p;
  }();
  std::unique_ptr<Exchange> ex;
  std::vector<ExecEvent> events;
  int next_oid = 0;

  void SetUp() override { rebuild(); }
  void rebuild() {
    ex = std::make_unique<Exchange>(params, clock);
    ex->add_instrument(make_instrument(MarketType::Spot));
    ex->add_instrument(make_instrument(MarketType::Perp));
  }

  // A BTCUSDT quote stamped now.
  Bbo quote(MarketType m, const char* bid, const char* ask, const char* bid_size = "5",
            const char* ask_size = "5") const {
    Bbo b;
    b.symbol = "BTCUSDT";
    b.market = m;
    b.bid_price = Decimal::parse(bid).value();
    b.ask_price = Decimal::parse(ask).value();
    b.bid_size = Decimal::parse(bid_size).value();
    b.ask_size = Decimal::parse(ask_size).value();
    b.ts_event = b.ts_init = clock.now();
    return b;
  }

  void bbo(MarketType m, const char* bid, const char* ask, const char* bid_size = "5", const char* ask_size = "5") {
    ex->on_market(quote(m, bid, ask, bid_size, ask_size));
  }

  void trade(MarketType m, const char* price, const char* size, Side aggressor) {
    TradeTick t;
    t.symbol = "BTCUSDT";
    t.market = m;
    t.price = Decimal::parse(price).value();
    t.size = Decimal::parse(size).value();
    t.aggressor = aggressor;
    t.ts_event = t.ts_init = clock.now();
    ex->on_market(t);
  }

  PlaceOrderRequest limit(MarketType m, Side side, const char* price, const char* size,
                          TimeInForce tif = TimeInForce::Gtc) {
    PlaceOrderRequest r;
    r.symbol = "BTCUSDT";
    r.market = m;
    r.client_oid = "t-" + std::to_string(++next_oid);
    r.side = side;
    r.type = OrderType::Limit;
    r.tif = tif;
    r.price = Decimal::parse(price).value();
    r.size = Decimal::parse(size).value();
    return r;
  }

  PlaceOrderRequest market(MarketType m, Side side, const char* size, bool reduce_only = false) {
    PlaceOrderRequest r;
    r.symbol = "BTCUSDT";
    r.market = m;
    r.client_oid = "t-" + std::to_string(++next_oid);
    r.side = side;
    r.type = OrderType::Market;
    r.size = Decimal::parse(size).value();
    r.reduce_only = reduce_only;
    return r;
  }

  // Drains the exchange and returns the events of type T among them.
  template <class T>
  std::vector<T> take() {
    events.clear();
    ex->drain_events(events);
    std::vector<T> out;
    for (const auto& e : events)
      if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
    return out;
  }
};

}  // namespace carry::paper::test
