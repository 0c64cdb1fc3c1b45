#pragma once
// A FundingBasis on a manual clock with an ETH-like pair around 100 USDT, a recording event sink
// and helpers that play the venue: quotes, funding, balances, fills and order updates.
#include <carry/strategy/funding_basis.hpp>

#include <carry_test/strategy_fixture.hpp>

#include <gtest/gtest.h>

#include <memory>

namespace carry::strategy::test {

inline constexpr std::int64_t kT0 = 1735689600;  // 2025-01-01T00:00:00Z

struct FundingBasisTest : ::testing::Test {
  ManualClock clock{UnixNanos::from_seconds(kT0)};
  RecordingEventSink sink;
  ClientOidGenerator ids{"cry", 0};
  FundingBasisParams params;
  std::unique_ptr<FundingBasis> fb;
  int trade_seq = 0;

  FundingBasisTest() {
    params.symbols = {"ETHUSDT"};
    params.notional_per_symbol = Decimal::from_units(1000);
  }

  // Whatever a scenario does, every mode change is one the transition table allows.
  void TearDown() override {
    if (fb) {
      EXPECT_EQ(fb->counters().unexpected_mode_changes, 0u);
    }
  }

  UnixNanos now() const { return clock.now(); }
  void advance(std::chrono::nanoseconds d) { clock.advance(d); }

  // Builds the strategy and feeds instruments, quotes, balances (not funding).
  void make(std::vector<std::string> symbols = {"ETHUSDT"}, int interval = 8) {
    params.symbols = symbols;
    fb = std::make_unique<FundingBasis>(params, ids, sink, clock);
    for (const auto& s : symbols) {
      market(InstrumentUpdate{spot_instrument(s), now(), now()});
      market(InstrumentUpdate{perp_instrument(s, interval), now(), now()});
      quotes(s);
    }
    balances();
  }

  Actions market(const MarketEvent& ev) { return fb->on_market(ev); }
  Actions exec(const ExecEvent& ev) { return fb->on_exec(ev); }
  Actions timer() { return fb->on_timer(); }

  Actions quote(const std::string& sym, MarketType m, const char* bid, const char* ask, const char* size = "50") {
    Bbo b;
    b.symbol = sym;
    b.market = m;
    b.bid_price = Decimal::parse(bid).value();
    b.ask_price = Decimal::parse(ask).value();
    b.bid_size = b.ask_size = Decimal::parse(size).value();
    b.ts_event = b.ts_init = now();
    return market(b);
  }
  // Spot 99.99 / 100.01, perp 100.05 / 100.07: basis = 6 bps.
  void quotes(const std::string& sym = "ETHUSDT") {
    quote(sym, MarketType::Spot, "99.99", "100.01");
    quote(sym, MarketType::Perp, "100.05", "100.07");
  }

  Actions funding(const char* rate, std::chrono::nanoseconds until_next = std::chrono::hours(8), int interval = 8,
                  const std::string& sym = "ETHUSDT") {
    FundingRateUpdate f;
    f.symbol = sym;
    f.rate = Decimal::parse(rate).value();
    f.next_settlement = now() + until_next;
    f.interval_hours = interval;
    f.ts_event = f.ts_init = now();
    return market(f);
  }

  void balances(const char* spot_usdt = "100000", const char* spot_base = "0", const char* perp_usdt = "100000",
                const std::string& base = "ETH") {
    exec(BalanceUpdate{MarketType::Spot, "USDT", Decimal::parse(spot_usdt).value(), {}, {}, now(), now()});
    exec(BalanceUpdate{MarketType::Spot, base, Decimal::parse(spot_base).value(), {}, {}, now(), now()});
    exec(BalanceUpdate{MarketType::Perp, "USDT", Decimal::parse(perp_usdt).value(), {}, {}, now(), now()});
  }

  Actions fill(const OrderIntent& in, const char* size, std::optional<Decimal> price = {}) {
    Fill f;
    f.symbol = in.symbol;
    f.market = in.market;
    f.client_oid = in.client_oid;
    f.order_id = "o-" + in.client_oid;
    f.trade_id = "t" + std::to_string(++trade_seq);
    f.side = in.side;
    f.price = price ? *price : in.price.value_or("100"_dec);
    f.size = Decimal::parse(size).value();
    f.fee = Decimal{};
    f.fee_coin = "USDT";
    f.ts_event = f.ts_init = now();
    return exec(f);
  }

  Actions update(const OrderIntent& in, OrderStatus status, const char* filled = "0",
                 std::optional<std::string> client_oid = {}) {
    OrderUpdate u;
    u.spec() = in.spec();
    u.client_oid = client_oid ? *client_oid : in.client_oid;
    u.filled_size = Decimal::parse(filled).value();
    u.status = status;
    u.ts_event = u.ts_init = now();
    return exec(u);
  }

  // Opens a hedged position of 9.995 at rate 0.001 (leader perp sell fully filled, follower spot
  // buy filled) and returns the leader and follower intents.
  std::pair<OrderIntent, OrderIntent> open_hedged(const char* rate = "0.001") {
    Actions a = funding(rate);
    EXPECT_EQ(a.orders.size(), 1u);
    const OrderIntent leader = a.orders.at(0);
    Actions f = fill(leader, "9.995");
    EXPECT_EQ(f.orders.size(), 1u);
    const OrderIntent follower = f.orders.at(0);
    update(leader, OrderStatus::Filled, "9.995");
    fill(follower, "9.995");
    update(follower, OrderStatus::Filled, "9.995");
    return {leader, follower};
  }

  SymbolView view(const std::string& sym = "ETHUSDT") const { return fb->view(sym).value(); }

  static std::size_t count(const Actions& a, DecisionKind k) {
    std::size_t n = 0;
    for (const auto& d : a.decisions) n += d.kind == k;
    return n;
  }
};

}  // namespace carry::strategy::test
