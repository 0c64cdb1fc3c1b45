#include <carry/paper/paper_venue.hpp>

#include <carry_test/paper_fixture.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

using namespace carry;
using namespace carry::paper;
using namespace carry::paper::test;
namespace asio = boost::asio;

namespace {

// Runs one awaitable to completion on a private io_context.
template <class T>
T run(asio::awaitable<T> op) {
  asio::io_context io;
  std::optional<T> out;
  asio::co_spawn(io, std::move(op), [&](std::exception_ptr e, T value) {
    if (e) std::rethrow_exception(e);
    out = std::move(value);
  });
  io.run();
  return std::move(*out);
}

Bbo perp_bbo(Decimal bid, Decimal ask, UnixNanos ts) {
  Bbo b;
  b.symbol = "BTCUSDT";
  b.market = MarketType::Perp;
  b.bid_price = bid;
  b.ask_price = ask;
  b.bid_size = b.ask_size = Decimal::from_units(5);
  b.ts_event = ts;
  return b;
}

}  // namespace

using PaperVenueTest = ExchangeTest;

TEST_F(PaperVenueTest, CallsCompleteAtOnceAndPushesReachTheHandlerFirst) {
  PaperVenue venue(*ex);
  std::vector<std::string> seen;
  venue.set_exec_handler([&](const ExecEvent& e) {
    if (auto* u = std::get_if<OrderUpdate>(&e)) seen.push_back("update:" + std::string(to_string(u->status)));
    if (std::holds_alternative<Fill>(e)) seen.push_back("fill");
  });
  venue.on_market(perp_bbo(Decimal::from_units(100), "100.2"_dec, clock.now()));

  auto placed = run(venue.place(market(MarketType::Perp, Side::Sell, "0.1")));
  ASSERT_TRUE(placed.has_value());
  EXPECT_EQ(seen, (std::vector<std::string>{"update:acked", "fill", "update:filled"}));

  auto resting = run(venue.place(limit(MarketType::Perp, Side::Sell, "101", "0.1")));
  ASSERT_TRUE(resting.has_value());
  auto open = run(venue.open_orders("BTCUSDT"));
  ASSERT_TRUE(open.has_value());
  ASSERT_EQ(open->size(), 1u);
  auto found = run(venue.order_by_client_oid("BTCUSDT", MarketType::Perp, resting->client_oid));
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->status, OrderStatus::Acked);
  auto amended =
      run(venue.amend({"BTCUSDT", MarketType::Perp, resting->client_oid, "", "t-x", "101.5"_dec, "0.1"_dec}));
  ASSERT_TRUE(amended.has_value());
  auto canceled = run(venue.cancel({"BTCUSDT", MarketType::Perp, "t-x", ""}));
  ASSERT_TRUE(canceled.has_value());
  EXPECT_EQ(seen.back(), "update:canceled");
  auto positions = run(venue.positions());
  ASSERT_TRUE(positions.has_value());
  ASSERT_EQ(positions->size(), 1u);
  EXPECT_EQ((*positions)[0].size, "-0.1"_dec);
  auto balances = run(venue.balances());
  ASSERT_TRUE(balances.has_value());
  EXPECT_FALSE(balances->empty());
}

// carryd's OMS places the follower leg from inside a fill's handler, and co_spawn may run that
// call inline: the venue is re-entered while it is delivering. Every event must still arrive
// exactly once, whole, and the outer call's events must not be lost or repeated.
TEST_F(PaperVenueTest, AHandlerThatCallsBackIntoTheVenueSeesEveryEventOnce) {
  PaperVenue venue(*ex);
  venue.on_market(perp_bbo(Decimal::from_units(100), "100.2"_dec, clock.now()));
  auto resting = run(venue.place(limit(MarketType::Perp, Side::Sell, "101", "0.1")));
  ASSERT_TRUE(resting.has_value());

  std::vector<Fill> fills;
  std::vector<std::string> updates;
  bool placed_follower = false;
  venue.set_exec_handler([&](const ExecEvent& e) {
    if (auto* u = std::get_if<OrderUpdate>(&e))
      updates.push_back(u->client_oid + ":" + std::string(to_string(u->status)));
    if (auto* f = std::get_if<Fill>(&e)) {
      fills.push_back(*f);
      if (!placed_follower) {
        placed_follower = true;
        auto follower = run(venue.place(market(MarketType::Perp, Side::Buy, "0.1")));
        ASSERT_TRUE(follower.has_value());
      }
    }
  });
  venue.on_market(perp_bbo("101.5"_dec, "101.6"_dec, clock.now()));  // crosses the resting sell

  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].client_oid, resting->client_oid);
  EXPECT_NE(fills[1].client_oid, resting->client_oid);
  for (const auto& f : fills) {
    EXPECT_EQ(f.symbol, "BTCUSDT");
    EXPECT_FALSE(f.trade_id.empty());
    EXPECT_FALSE(f.order_id.empty());
  }
  EXPECT_NE(fills[0].trade_id, fills[1].trade_id);
  // The resting order's own update comes before the follower's events (exchange order).
  ASSERT_FALSE(updates.empty());
  EXPECT_EQ(updates.front(), resting->client_oid + ":filled");
  EXPECT_EQ(std::count(updates.begin(), updates.end(), resting->client_oid + ":filled"), 1);
}
