// bitget::Gateway on a Unified Trading Account (v3) against bitget-sim in UTA mode over loopback:
// the mode-neutral calls, the Venue (place, cancel, amend as cancel + place under the new
// clientOid, lookups, open orders, positions, balances, fills), settled funding from the financial
// records, and the account settings. The simulator answers a UTA key's private v2 calls with
// 40085, so a call that slipped back to v2 fails these tests.
#include "gateway_sim_fixture.hpp"

#include <set>

namespace carry::test {
namespace {

class UtaGatewaySim : public GatewaySim {
 protected:
  void SetUp() override { kind = bitget::AccountKind::Uta; }

  std::optional<OrderUpdate> lookup(const std::string& client_oid, MarketType m) {
    auto r = run(gw->order_by_client_oid("BTCUSDT", m, client_oid));
    if (!r || !*r) return std::nullopt;
    return **r;
  }

  bitget::Ticker ticker(MarketType m) {
    auto t = run(gw->ticker("BTCUSDT", m));
    EXPECT_TRUE(t && *t && (*t)->has_value());
    return t && *t && (*t)->has_value() ? ***t : bitget::Ticker{};
  }
};

TEST_F(UtaGatewaySim, InstrumentsFundingAndTickersComeFromV3) {
  start();
  auto n = run(gw->load_instruments());
  ASSERT_TRUE(n && *n) << (n ? n->error().message() : "no answer");
  EXPECT_GE(**n, 4u);  // BTCUSDT and ETHUSDT on both markets at least
  std::set<std::string> seen;
  for (const auto& e : market)
    if (const auto* i = std::get_if<InstrumentUpdate>(&e))
      seen.insert(std::string(i->instrument.market == MarketType::Spot ? "S/" : "P/") + i->instrument.symbol);
  EXPECT_TRUE(seen.count("S/BTCUSDT") && seen.count("P/BTCUSDT"));

  auto f = run(gw->funding_info("BTCUSDT"));
  ASSERT_TRUE(f && *f) << (f ? f->error().message() : "no answer");
  EXPECT_EQ((*f)->symbol, "BTCUSDT");
  EXPECT_EQ((*f)->rate, "0.0001"_dec);
  EXPECT_GT((*f)->next_update.ns, clock.now().ns);
  EXPECT_GT((*f)->interval_hours, 0);

  for (const MarketType m : {MarketType::Perp, MarketType::Spot}) {
    const bitget::Ticker t = ticker(m);
    EXPECT_EQ(t.bbo.market, m);
    EXPECT_TRUE(t.bbo.bid_price.is_positive());
    EXPECT_LT(t.bbo.bid_price, t.bbo.ask_price);
  }
  auto none = run(gw->ticker("NOPEUSDT", MarketType::Perp));
  ASSERT_TRUE(none && *none);
  EXPECT_FALSE((*none)->has_value());
}

TEST_F(UtaGatewaySim, PerpOrdersRoundTripAndAnAmendReplacesUnderTheNewClientOid) {
  start();
  PlaceOrderRequest mkt{
      {"BTCUSDT", MarketType::Perp, Side::Sell, OrderType::Market, TimeInForce::Gtc, std::nullopt, "0.010"_dec, false},
      "uta-perp-1"};
  auto ack = run(gw->place(mkt));
  ASSERT_TRUE(ack && *ack) << (ack ? ack->error().message() : "no answer");
  EXPECT_EQ((*ack)->client_oid, "uta-perp-1");
  ASSERT_TRUE(wait_until([&] {
    auto o = lookup("uta-perp-1", MarketType::Perp);
    return o && o->status == OrderStatus::Filled;
  }));
  auto pos = run(gw->positions());
  ASSERT_TRUE(pos && *pos) << (pos ? pos->error().message() : "no answer");
  ASSERT_EQ((*pos)->size(), 1u);
  EXPECT_EQ((**pos)[0].symbol, "BTCUSDT");
  EXPECT_EQ((**pos)[0].size, "-0.01"_dec);  // one-way short
  const UnixNanos now = clock.now();
  auto fills = run(gw->fills("BTCUSDT", MarketType::Perp, now - std::chrono::hours(1), now));
  ASSERT_TRUE(fills && *fills) << (fills ? fills->error().message() : "no answer");
  ASSERT_FALSE((*fills)->empty());
  EXPECT_EQ((**fills)[0].order_id, (*ack)->order_id);
  EXPECT_EQ((**fills)[0].side, Side::Sell);
  EXPECT_TRUE((**fills)[0].fee.is_positive());  // paid, whatever sign v3 uses on the wire

  // A resting bid far below the market, amended: the old order is cancelled and its copy rests
  // under the new clientOid at the new price and size.
  const bitget::Ticker t = ticker(MarketType::Perp);
  const Decimal far = (t.bbo.bid_price * "0.9"_dec).round_to_step("0.1"_dec, Rounding::Down).value();
  PlaceOrderRequest rest{
      {"BTCUSDT", MarketType::Perp, Side::Buy, OrderType::Limit, TimeInForce::PostOnly, far, "0.010"_dec, false},
      "uta-perp-2"};
  ASSERT_TRUE(run(gw->place(rest)).value());
  AmendOrderRequest amend{"BTCUSDT", MarketType::Perp, "uta-perp-2", "", "uta-perp-3", far - "1"_dec, "0.020"_dec};
  auto am = run(gw->amend(amend));
  ASSERT_TRUE(am && *am) << (am ? am->error().message() : "no answer");
  EXPECT_EQ((*am)->client_oid, "uta-perp-3");
  EXPECT_EQ(lookup("uta-perp-2", MarketType::Perp).value().status, OrderStatus::Canceled);
  auto open = run(gw->open_orders("BTCUSDT"));
  ASSERT_TRUE(open && *open) << (open ? open->error().message() : "no answer");
  ASSERT_EQ((*open)->size(), 1u);
  EXPECT_EQ((**open)[0].client_oid, "uta-perp-3");
  EXPECT_EQ((**open)[0].size, "0.02"_dec);
  EXPECT_EQ((**open)[0].price, far - "1"_dec);
  EXPECT_EQ((**open)[0].tif, TimeInForce::PostOnly);

  // Amending an order that is no longer live places nothing.
  AmendOrderRequest stale{"BTCUSDT", MarketType::Perp, "uta-perp-2", "", "uta-perp-4", far, "0.010"_dec};
  auto refused = run(gw->amend(stale));
  ASSERT_TRUE(refused.has_value());
  EXPECT_FALSE(*refused);
  EXPECT_FALSE(lookup("uta-perp-4", MarketType::Perp).has_value());

  auto cancel = run(gw->cancel(CancelOrderRequest{"BTCUSDT", MarketType::Perp, "uta-perp-3", ""}));
  ASSERT_TRUE(cancel && *cancel) << (cancel ? cancel->error().message() : "no answer");
  auto after = run(gw->open_orders("BTCUSDT"));
  ASSERT_TRUE(after && *after);
  EXPECT_TRUE((*after)->empty());
  EXPECT_EQ(admin("GET", "/sim/stats")["signature_failures"], 0);
}

TEST_F(UtaGatewaySim, OneWalletIsReportedAsSharedBySpotAndPerpAndSpotOrdersFill) {
  start();
  auto bal = run(gw->balances());
  ASSERT_TRUE(bal && *bal) << (bal ? bal->error().message() : "no answer");
  std::optional<BalanceUpdate> spot_usdt, perp_usdt;
  for (const auto& b : **bal) {
    EXPECT_TRUE(b.shared) << b.coin;
    if (b.coin == "USDT") (b.account == MarketType::Spot ? spot_usdt : perp_usdt) = b;
  }
  ASSERT_TRUE(spot_usdt && perp_usdt);
  EXPECT_EQ(spot_usdt->available, perp_usdt->available);
  EXPECT_TRUE(spot_usdt->available.is_positive());

  const bitget::Ticker t = ticker(MarketType::Spot);
  PlaceOrderRequest cross{
      {"BTCUSDT", MarketType::Spot, Side::Buy, OrderType::Limit, TimeInForce::Gtc,
       (t.bbo.ask_price * "1.01"_dec).round_to_step("0.01"_dec, Rounding::Down).value(), "0.001000"_dec, false},
      "uta-spot-1"};
  auto ack = run(gw->place(cross));
  ASSERT_TRUE(ack && *ack) << (ack ? ack->error().message() : "no answer");
  ASSERT_TRUE(wait_until([&] {
    auto o = lookup("uta-spot-1", MarketType::Spot);
    return o && o->status == OrderStatus::Filled;
  }));
  const UnixNanos now = clock.now();
  auto fills = run(gw->fills("BTCUSDT", MarketType::Spot, now - std::chrono::hours(1), now));
  ASSERT_TRUE(fills && *fills) << (fills ? fills->error().message() : "no answer");
  ASSERT_EQ((*fills)->size(), 1u);
  EXPECT_EQ((**fills)[0].market, MarketType::Spot);
  EXPECT_EQ((**fills)[0].size, "0.001"_dec);
  auto probe = run(gw->private_probe("BTCUSDT"));
  ASSERT_TRUE(probe && *probe) << (probe ? probe->error().message() : "no answer");
  EXPECT_EQ(**probe, 0u);
}

TEST_F(UtaGatewaySim, SettledFundingIsReadFromTheFinancialRecords) {
  start({"--funding-interval", "2"});
  PlaceOrderRequest mkt{
      {"BTCUSDT", MarketType::Perp, Side::Sell, OrderType::Market, TimeInForce::Gtc, std::nullopt, "0.010"_dec, false},
      "uta-fund-1"};
  ASSERT_TRUE(run(gw->place(mkt)).value());
  const UnixNanos since = clock.now() - std::chrono::minutes(1);
  std::vector<FundingPayment> got;
  ASSERT_TRUE(wait_until(
      [&] {
        auto r = run(gw->funding_settlements(since));
        if (r && *r) got = **r;
        return !got.empty();
      },
      20s));
  EXPECT_EQ(got[0].symbol, "BTCUSDT");
  EXPECT_TRUE(got[0].amount.is_positive());  // a short receives a positive rate
  // The settled rates themselves (the forecast's history at start), from v3 history-fund-rate.
  auto rates = run(gw->settled_funding("BTCUSDT", 10));
  ASSERT_TRUE(rates && *rates) << (rates ? rates->error().message() : "no answer");
  ASSERT_FALSE((*rates)->empty());
  EXPECT_EQ((**rates)[0].rate, "0.0001"_dec);
  EXPECT_LE((**rates)[0].funding_time.ns, clock.now().ns);
}

TEST_F(UtaGatewaySim, AccountSettingsAreReadFromV3AndHoldModeIsAccountWide) {
  start();
  auto before = run(gw->futures_account("BTCUSDT"));
  ASSERT_TRUE(before && *before) << (before ? before->error().to_string() : "no answer");
  EXPECT_EQ((*before)->pos_mode, bitget::PositionMode::OneWay);
  EXPECT_EQ((*before)->margin_mode, "crossed");
  EXPECT_TRUE((*before)->crossed_leverage.has_value());

  auto lev = run(gw->set_leverage("BTCUSDT", 3));
  ASSERT_TRUE(lev && *lev) << (lev ? lev->error().to_string() : "no answer");
  EXPECT_EQ(run(gw->futures_account("BTCUSDT")).value()->crossed_leverage, "3"_dec);

  // v3 has no per-symbol margin-mode call: refused with the reason, nothing sent.
  auto iso = run(gw->set_margin_mode("BTCUSDT", "isolated"));
  ASSERT_TRUE(iso.has_value());
  ASSERT_FALSE(*iso);
  EXPECT_EQ(iso->error().errc, Errc::unsupported);
  EXPECT_NE(iso->error().message.find("whole account"), std::string::npos);

  auto hedge = run(gw->set_position_mode(bitget::PositionMode::Hedge));
  ASSERT_TRUE(hedge && *hedge) << (hedge ? hedge->error().to_string() : "no answer");
  EXPECT_EQ(run(gw->futures_account("ETHUSDT")).value()->pos_mode, bitget::PositionMode::Hedge);  // account-wide
  ASSERT_TRUE(run(gw->set_position_mode(bitget::PositionMode::OneWay)).value());

  // A position open: the hold mode cannot switch, and the error keeps the venue's code.
  PlaceOrderRequest mkt{
      {"BTCUSDT", MarketType::Perp, Side::Buy, OrderType::Market, TimeInForce::Gtc, std::nullopt, "0.010"_dec, false},
      "uta-acct-1"};
  ASSERT_TRUE(run(gw->place(mkt)).value());
  auto refused = run(gw->set_position_mode(bitget::PositionMode::Hedge));
  ASSERT_TRUE(refused.has_value());
  ASSERT_FALSE(*refused);
  EXPECT_FALSE(refused->error().exchange_code.empty());
  EXPECT_FALSE(refused->error().retryable());
}

// Bitget warns with 30033 about 60 s before it drops connections for an upgrade. The public
// stream moves to a new connection first (no Reconnected, no resync of the full-depth v3 book,
// whose checksums must keep matching); the private one reconnects at once and says so, so the
// daemon reconciles. Nothing waits for the drop.
TEST_F(UtaGatewaySim, AServiceUpgradeNoticeMovesBothStreamsBeforeTheDrop) {
  rotate_after = std::chrono::hours(1);  // the rotation loop runs, its 24 h mark far away
  start();
  gw->subscribe_books("BTCUSDT", MarketType::Perp);
  gw->subscribe_books1("ETHUSDT", MarketType::Spot);
  ASSERT_TRUE(wait_until([&] {
    return bbo_count("BTCUSDT", MarketType::Perp) > 0 && bbo_count("ETHUSDT", MarketType::Spot) > 0 &&
           !exec_of<BalanceUpdate>().empty();
  }));
  ASSERT_NE(gw->book("BTCUSDT", MarketType::Perp), nullptr);
  admin("POST", "/sim/faults", R"({"ws_service_upgrade": 5000})");
  ASSERT_TRUE(wait_until(
      [&] {
        return events.count("ws.planned_reconnect") >= 2 && events.count("ws.rotated") >= 1 && reconnects(true) >= 1;
      },
      15s))
      << "planned=" << events.count("ws.planned_reconnect") << " rotated=" << events.count("ws.rotated")
      << " private reconnects=" << reconnects(true);
  const auto eth = bbo_count("ETHUSDT", MarketType::Spot);
  const auto btc = bbo_count("BTCUSDT", MarketType::Perp);
  EXPECT_TRUE(wait_until([&] {
    return bbo_count("ETHUSDT", MarketType::Spot) > eth + 2 && bbo_count("BTCUSDT", MarketType::Perp) > btc + 2;
  }));
  EXPECT_EQ(reconnects(false), 0u);           // the public stream never had a gap
  EXPECT_EQ(gw->stats().book_resyncs, 0u);    // v3 book checksums matched on both connections
  EXPECT_EQ(events.count("ws.backoff"), 0u);  // a planned reconnect is not a failure
  EXPECT_GE(admin("GET", "/sim/stats")["faults_injected"]["ws_service_upgrade"].get<int>(), 2);
}

}  // namespace
}  // namespace carry::test
