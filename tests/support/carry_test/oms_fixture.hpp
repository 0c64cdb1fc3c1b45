#pragma once
// Shared set-up for the OMS tests: one BTCUSDT spot and perp instrument, a manual clock, a
// recording event sink, and helpers that play the venue's part by hand.
#include <carry/oms/order_manager.hpp>

#include <gtest/gtest.h>

#include <memory>

namespace carry::oms::test {

inline Instrument make_instrument(MarketType m) {
  Instrument i;
  i.symbol = "BTCUSDT";
  i.market = m;
  i.base_coin = "BTC";
  i.quote_coin = "USDT";
  i.tick = "0.1"_dec;
  i.lot = "0.001"_dec;
  i.min_size = "0.001"_dec;
  i.min_notional = Decimal::from_units(5);
  i.maker_fee = "0.0002"_dec;
  i.taker_fee = "0.0006"_dec;
  i.price_decimals = 1;
  i.size_decimals = 3;
  return i;
}

class OmsTest : public ::testing::Test {
 protected:
  ManualClock clock{UnixNanos::from_seconds(1'700'000'000)};
  RecordingEventSink sink;
  ClientOidGenerator ids{"cry", 0};
  OmsParams params = [] {
    OmsParams p;
    p.ws_stale_block_ms = 0;
    return p;
  }();
  std::unique_ptr<OrderManager> oms;
  std::int64_t venue_ms = 1'700'000'000'000;  // the venue's update time, moves forward per update

  void SetUp() override { rebuild(); }

  void rebuild() {
    oms = std::make_unique<OrderManager>(params, ids, sink, clock);
    oms->add_instrument(make_instrument(MarketType::Spot));
    oms->add_instrument(make_instrument(MarketType::Perp));
    bbo(MarketType::Spot, "100", "100.2");
    bbo(MarketType::Perp, "100", "100.2");
  }

  void bbo(MarketType m, const char* bid, const char* ask, const char* size = "5") {
    Bbo b;
    b.symbol = "BTCUSDT";
    b.market = m;
    b.bid_price = Decimal::parse(bid).value();
    b.ask_price = Decimal::parse(ask).value();
    b.bid_size = b.ask_size = Decimal::parse(size).value();
    b.ts_event = b.ts_init = clock.now();
    oms->on_market(b);
  }

  static SubmitRequest limit(MarketType m, Side side, const char* price, const char* size,
                             TimeInForce tif = TimeInForce::Gtc) {
    SubmitRequest in;
    in.symbol = "BTCUSDT";
    in.market = m;
    in.side = side;
    in.type = OrderType::Limit;
    in.tif = tif;
    in.price = Decimal::parse(price).value();
    in.size = Decimal::parse(size).value();
    return in;
  }

  static SubmitRequest market(MarketType m, Side side, const char* size) {
    SubmitRequest in;
    in.symbol = "BTCUSDT";
    in.market = m;
    in.side = side;
    in.type = OrderType::Market;
    in.size = Decimal::parse(size).value();
    return in;
  }

  std::string submit_ok(SubmitRequest in) {
    auto r = oms->submit(std::move(in));
    EXPECT_TRUE(r.accepted()) << r.reason;
    return r.client_oid;
  }

  OrderUpdate update(std::string_view oid, OrderStatus status, const char* filled = "0", std::int64_t ts_ms = 0) {
    const Order* o = oms->find(oid);
    EXPECT_NE(o, nullptr);
    OrderUpdate u;
    u.symbol = o->symbol;
    u.market = o->market;
    u.client_oid = o->client_oid;
    u.order_id = "X" + o->client_oid;
    u.side = o->side;
    u.type = o->type;
    u.tif = o->tif;
    u.price = o->price;
    u.size = o->size;
    u.filled_size = Decimal::parse(filled).value();
    u.status = status;
    u.ts_event = UnixNanos::from_ms(ts_ms ? ts_ms : ++venue_ms);
    u.ts_init = clock.now();
    return u;
  }

  Fill fill(std::string_view oid, std::string trade_id, const char* price, const char* size) {
    const Order* o = oms->find(oid);
    EXPECT_NE(o, nullptr);
    Fill f;
    f.symbol = o->symbol;
    f.market = o->market;
    f.client_oid = o->client_oid;
    f.order_id = "X" + o->client_oid;
    f.trade_id = std::move(trade_id);
    f.side = o->side;
    f.price = Decimal::parse(price).value();
    f.size = Decimal::parse(size).value();
    f.fee = Decimal{};
    f.fee_coin = "USDT";
    f.ts_event = UnixNanos::from_ms(++venue_ms);
    f.ts_init = clock.now();
    return f;
  }

  OrderAck ack(std::string_view oid) { return OrderAck{"X" + std::string(oid), std::string(oid)}; }

  OrderStatus status(std::string_view oid) const { return oms->find(oid)->status; }

  std::vector<Command> commands() { return oms->take_commands(); }

  template <class T>
  static std::size_t count(const std::vector<Command>& cmds) {
    std::size_t n = 0;
    for (const auto& c : cmds) n += std::holds_alternative<T>(c);
    return n;
  }
};

}  // namespace carry::oms::test
