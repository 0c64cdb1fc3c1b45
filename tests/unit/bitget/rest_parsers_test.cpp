#include <carry/bitget/rest_parsers.hpp>

#include "sample_loader.hpp"

#include <gtest/gtest.h>

namespace carry::bitget {
namespace {

using test::sample;
const UnixNanos kInit = UnixNanos::from_ms(1'800'000'000'000);

Envelope env(const std::string& file) {
  auto e = parse_envelope(sample(file));
  EXPECT_TRUE(e) << file << ": " << (e ? "" : e.error().to_string());
  return e ? *e : Envelope{};
}

TEST(RestSamples, PublicTime) {
  auto e = env("rest_public_time.json");
  EXPECT_EQ(e.code, "00000");
  EXPECT_EQ(e.request_time_ms, 1700111073740);
  EXPECT_EQ(parse_server_time(e.data).value(), UnixNanos::from_ms(1700111073740));
}

TEST(RestSamples, Contracts) {
  auto v = parse_contracts(env("rest_mix_contracts.json").data).value();
  ASSERT_EQ(v.size(), 1u);
  const auto& i = v[0];
  EXPECT_EQ(i.symbol, "BTCUSDT");
  EXPECT_EQ(i.market, MarketType::Perp);
  EXPECT_EQ(i.base_coin, "BTC");
  EXPECT_EQ(i.quote_coin, "USDT");
  EXPECT_EQ(i.tick, "0.1"_dec);  // priceEndStep 1 x 10^-1
  EXPECT_EQ(i.lot, "0.01"_dec);
  EXPECT_EQ(i.min_size, "0.01"_dec);
  EXPECT_EQ(i.min_notional, "5"_dec);
  EXPECT_EQ(i.maker_fee, "0.0004"_dec);
  EXPECT_EQ(i.taker_fee, "0.0006"_dec);
  EXPECT_EQ(i.price_decimals, 1);
  EXPECT_EQ(i.size_decimals, 2);
  EXPECT_EQ(i.funding_interval_hours, 8);
  EXPECT_TRUE(i.tradable);
}

TEST(RestSamples, ContractsSimulatedCoinsTickUsesPriceEndStep) {
  auto v = parse_contracts(env("rest_mix_contracts_susdt_demo_coins.json").data).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].symbol, "SBTCSUSDT");
  EXPECT_EQ(v[0].tick, "0.5"_dec);  // priceEndStep 5 x 10^-1
  EXPECT_EQ(v[0].lot, "0.001"_dec);
  EXPECT_EQ(v[0].funding_interval_hours, 0);  // fundInterval "" = unknown
  EXPECT_EQ(v[0].min_notional, Decimal{});    // minTradeUSDT absent
}

TEST(RestSamples, SpotSymbols) {
  auto v = parse_spot_symbols(env("rest_spot_symbols.json").data).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].symbol, "BTCUSDT");
  EXPECT_EQ(v[0].market, MarketType::Spot);
  EXPECT_EQ(v[0].tick, "0.01"_dec);
  EXPECT_EQ(v[0].lot, "0.000001"_dec);
  EXPECT_EQ(v[0].min_notional, "1"_dec);
  EXPECT_EQ(v[0].taker_fee, "0.002"_dec);
  EXPECT_TRUE(v[0].tradable);
}

TEST(RestSamples, PerpTickers) {
  auto v = parse_tickers(env("rest_mix_tickers.json").data, MarketType::Perp, kInit).value();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].bbo.symbol, "BTCUSD");
  EXPECT_EQ(v[0].bbo.bid_price, "29903.5"_dec);
  EXPECT_EQ(v[0].bbo.ask_price, "29904.5"_dec);
  EXPECT_EQ(v[0].bbo.bid_size, "0.5091"_dec);
  EXPECT_EQ(v[0].bbo.ask_size, "2.2694"_dec);
  EXPECT_EQ(v[0].bbo.ts_event, UnixNanos::from_ms(1695794271400));
  EXPECT_EQ(v[0].bbo.ts_init, kInit);
  EXPECT_EQ(*v[0].funding_rate, "-0.0007"_dec);
  EXPECT_EQ(*v[0].mark_price, "12345"_dec);
  EXPECT_EQ(*v[0].index_price, "29132.353333"_dec);
  EXPECT_EQ(v[0].quote_volume_24h, "0"_dec);
  EXPECT_EQ(v[1].bbo.symbol, "ETHUSD_231229");
  EXPECT_EQ(*v[1].last, "1829.3"_dec);
}

TEST(RestSamples, SpotTickers) {
  auto v = parse_tickers(env("rest_spot_tickers.json").data, MarketType::Spot, kInit).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].bbo.market, MarketType::Spot);
  EXPECT_EQ(v[0].bbo.bid_price, "73369.13"_dec);
  EXPECT_EQ(v[0].bbo.ask_price, "73369.14"_dec);
  EXPECT_EQ(v[0].bbo.bid_size, "0.057344"_dec);
  EXPECT_EQ(v[0].bbo.ask_size, "0.002773"_dec);
  EXPECT_FALSE(v[0].funding_rate);
  // usdtVolume (more decimals than a Decimal holds: rounded) before quoteVolume.
  EXPECT_EQ(v[0].quote_volume_24h, "1214716952.009745870"_dec);
}

TEST(RestSamples, CurrentFundingRate) {
  auto e = env("rest_mix_current_fund_rate.json");
  EXPECT_EQ(e.request_time_ms, 1745500986108);  // a JSON number here
  auto v = parse_current_funding(e.data).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].symbol, "BTCUSDT");
  EXPECT_EQ(v[0].rate, "-0.000014"_dec);
  EXPECT_EQ(v[0].interval_hours, 8);
  EXPECT_EQ(v[0].next_update, UnixNanos::from_ms(1745510400000));
  EXPECT_EQ(*v[0].min_rate, "-0.003"_dec);
  EXPECT_EQ(*v[0].max_rate, "0.003"_dec);
}

TEST(RestSamples, FundingTime) {
  auto v = parse_funding_time(env("rest_mix_funding_time.json").data).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].next_funding_time, UnixNanos::from_ms(1727942400000));
  EXPECT_EQ(v[0].interval_hours, 8);
}

TEST(RestSamples, FundingHistory) {
  auto e = env("rest_mix_history_fund_rate.json");
  EXPECT_EQ(e.request_time_ms, 1750435573219);  // a JSON string here
  auto v = parse_funding_history(e.data).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rate, "-0.000013"_dec);
  EXPECT_EQ(v[0].funding_time, UnixNanos::from_ms(1750435200000));
  auto d = parse_funding_history(env("rest_mix_history_fund_rate_doc.json").data).value();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].rate, "0.0005"_dec);
  EXPECT_EQ(d[1].rate, "0.000013"_dec);
  EXPECT_GT(d[0].funding_time, d[1].funding_time);  // newest first
}

TEST(RestSamples, Candles) {
  auto p = parse_candles(env("rest_mix_candles.json").data, MarketType::Perp).value();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].open_time, UnixNanos::from_ms(1703762100000));
  EXPECT_EQ(p[0].open, "43094.7"_dec);
  EXPECT_EQ(p[0].high, "43095.8"_dec);
  EXPECT_EQ(p[0].low, "43080.4"_dec);
  EXPECT_EQ(p[0].close, "43084.2"_dec);
  EXPECT_EQ(p[0].base_volume, "90.097"_dec);
  EXPECT_EQ(p[0].quote_volume, "3882338.2038"_dec);
  EXPECT_FALSE(p[0].usdt_volume);
  auto s = parse_candles(env("rest_spot_candles.json").data, MarketType::Spot).value();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].close, "43044"_dec);
  EXPECT_EQ(s[0].base_volume, "0.6049"_dec);
  EXPECT_EQ(*s[0].usdt_volume, "26039.632367"_dec);
  EXPECT_EQ(s[0].quote_volume, "26039.632367"_dec);
  // A perp row parsed as spot is short a field: a clear error, not a crash.
  auto bad = parse_candles(env("rest_mix_candles.json").data, MarketType::Spot);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("data[0]"), std::string::npos);
}

TEST(RestSamples, MergeDepthWithNumericLevels) {
  auto d = parse_depth(env("rest_mix_merge_depth.json").data).value();
  ASSERT_EQ(d.asks.size(), 2u);
  ASSERT_EQ(d.bids.size(), 2u);
  EXPECT_EQ(d.asks[0].price, "26347.5"_dec);
  EXPECT_EQ(d.asks[0].size, "0.25"_dec);
  EXPECT_EQ(d.asks[1].price, "26348"_dec);
  EXPECT_EQ(d.bids[0].price, "26346.5"_dec);
  EXPECT_EQ(d.bids[1].size, "0.32"_dec);
  EXPECT_EQ(d.ts, UnixNanos::from_ms(1695870968804));
}

TEST(RestSamples, SpotOrderbookWithStringLevels) {
  auto d = parse_depth(env("rest_spot_orderbook.json").data).value();
  EXPECT_EQ(d.asks[0].price, "42604.37"_dec);
  EXPECT_EQ(d.asks[0].size, "0.601"_dec);
  EXPECT_EQ(d.bids[1].price, "42604.3"_dec);
  EXPECT_EQ(d.bids[1].size, "0.44"_dec);
}

TEST(RestSamples, MarketTradesCapitalisedSide) {
  auto v = parse_market_trades(env("rest_spot_market_fills_history.json").data, MarketType::Spot, kInit).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].aggressor, Side::Buy);  // "Buy"
  EXPECT_EQ(v[0].price, "73240.07"_dec);
  EXPECT_EQ(v[0].size, "0.057852"_dec);
  EXPECT_EQ(v[0].trade_id, "1151762928807395329");
}

TEST(RestSamples, OrderAcks) {
  auto a = parse_order_ack(env("rest_mix_place_order.json").data).value();
  EXPECT_EQ(a.order_id, "121211212122");
  EXPECT_EQ(a.client_oid, "121211212122");
  auto c = parse_order_ack(env("rest_mix_cancel_order.json").data).value();
  EXPECT_EQ(c.order_id, "1338573177902235649");
  EXPECT_EQ(c.client_oid, "abc321");
  auto m = parse_order_ack(env("rest_mix_modify_order.json").data).value();
  EXPECT_EQ(m.order_id, "121212121212");
  EXPECT_EQ(m.client_oid, "BITGET#121212121212");
  auto sp = parse_order_ack(env("rest_spot_place_order.json").data).value();
  EXPECT_EQ(sp.order_id, "1136353550487961603");
  EXPECT_EQ(sp.client_oid, "a0fa8867-b90c-4c1c-ab32-45469dcdb53d");
  auto sc = parse_order_ack(env("rest_spot_cancel_order.json").data).value();
  EXPECT_EQ(sc.order_id, "121211212122");
  EXPECT_EQ(sc.client_oid, "xx001");
}

TEST(RestSamples, CancelReplaceWithEmptyOrderId) {
  auto a = parse_cancel_replace_ack(env("rest_spot_cancel_replace_order.json").data).value();
  EXPECT_EQ(a.order_id, "");
  EXPECT_EQ(a.client_oid, "bitget1");
  EXPECT_TRUE(a.success);
}

TEST(RestSamples, BatchResults) {
  auto p = parse_batch_result(env("rest_mix_batch_place_order.json").data).value();
  ASSERT_EQ(p.success.size(), 1u);
  EXPECT_EQ(p.success[0].client_oid, "BITGET#121211212122");
  EXPECT_TRUE(p.failure.empty());
  auto s = parse_batch_result(env("rest_spot_batch_orders.json").data).value();
  ASSERT_EQ(s.success.size(), 1u);
  ASSERT_EQ(s.failure.size(), 1u);
  EXPECT_EQ(s.failure[0].error_msg, "clientOrderId duplicate");
  EXPECT_EQ(s.failure[0].errc, Errc::duplicate);
}

TEST(RestSamples, PerpOrderDetailUsesState) {
  auto r = parse_perp_order_detail(env("rest_mix_order_detail.json").data, kInit).value();
  const auto& o = r.order;
  EXPECT_EQ(o.symbol, "LTCUSDT");
  EXPECT_EQ(o.order_id, "1139544620032237568");
  EXPECT_EQ(o.client_oid, "1139544620049014787");
  EXPECT_EQ(o.status, OrderStatus::Filled);
  EXPECT_EQ(o.type, OrderType::Market);
  EXPECT_FALSE(o.price);  // "" for market
  EXPECT_EQ(*o.avg_price, "68.74"_dec);
  EXPECT_EQ(o.size, "0.1"_dec);
  EXPECT_EQ(o.filled_size, "0.1"_dec);
  EXPECT_EQ(o.side, Side::Buy);  // hedge open long
  EXPECT_FALSE(o.reduce_only);
  EXPECT_EQ(*r.fee_paid, "0.0041244"_dec);  // -0.0041244 on the wire = paid
  EXPECT_EQ(r.pos_mode, PositionMode::Hedge);
  EXPECT_EQ(o.ts_event, UnixNanos::from_ms(1707414529920));
}

TEST(RestSamples, HedgeCloseLongReadsBuyButSells) {
  auto r = parse_perp_order_detail(env("rest_mix_order_detail_hedge_close.json").data, kInit).value();
  EXPECT_EQ(r.pos_side, "long");
  EXPECT_EQ(r.trade_side, "close");
  EXPECT_EQ(r.order.side, Side::Sell);
  EXPECT_TRUE(r.order.reduce_only);
}

TEST(RestSamples, PerpOrderLists) {
  auto h = parse_perp_order_list(env("rest_mix_orders_history.json").data, kInit).value();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].order.status, OrderStatus::Filled);
  EXPECT_EQ(h[0].order.side, Side::Sell);  // hedge close of a long
  EXPECT_TRUE(h[0].order.reduce_only);
  auto p = parse_perp_order_list(env("rest_mix_orders_pending.json").data, kInit).value();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].order.status, OrderStatus::PartiallyFilled);
  EXPECT_EQ(*p[0].order.price, "1900"_dec);
  EXPECT_EQ(*p[0].order.avg_price, "1903"_dec);
  EXPECT_EQ(p[0].order.size, "100"_dec);
  EXPECT_EQ(p[0].order.filled_size, "12.1"_dec);
  EXPECT_FALSE(p[0].fee_paid);              // fee ""
  EXPECT_EQ(p[0].order.symbol, "ethusdt");  // doc casing kept as sent
  EXPECT_TRUE(
      parse_perp_order_list(nlohmann::json::parse(R"({"entrustedList":null,"endId":null})"), kInit).value().empty());
}

TEST(RestSamples, SpotOrderInfoArrayWithEncodedFeeDetail) {
  auto v = parse_spot_orders(env("rest_spot_order_info.json").data, kInit).value();
  ASSERT_EQ(v.size(), 1u);
  const auto& r = v[0];
  EXPECT_EQ(r.order.market, MarketType::Spot);
  EXPECT_EQ(r.order.status, OrderStatus::Filled);
  EXPECT_EQ(r.order.type, OrderType::Market);
  EXPECT_EQ(*r.quote_size, "6"_dec);      // market buy: size is quote coin
  EXPECT_EQ(r.order.size, "0.0915"_dec);  // base filled
  EXPECT_EQ(r.order.filled_size, "0.0915"_dec);
  EXPECT_EQ(*r.order.avg_price, "65.521"_dec);
  EXPECT_EQ(r.fee_coin, "LTC");
  EXPECT_EQ(*r.fee_paid, "0.0000915"_dec);
}

TEST(RestSamples, SpotHistoryAndUnfilled) {
  auto h = parse_spot_orders(env("rest_spot_history_orders.json").data, kInit).value();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(*h[0].fee_paid, "0.0000794"_dec);
  EXPECT_EQ(h[0].order.filled_size, "0.0794"_dec);
  auto u = parse_spot_orders(env("rest_spot_unfilled_orders.json").data, kInit).value();
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].order.status, OrderStatus::Acked);  // "live"
  EXPECT_EQ(*u[0].order.price, "50"_dec);            // priceAvg carries the limit price
  EXPECT_FALSE(u[0].order.avg_price);
  EXPECT_EQ(u[0].order.size, "0.11"_dec);
  EXPECT_EQ(u[0].order.filled_size, Decimal{});
}

TEST(RestSamples, PerpFillsFeePositiveWhenPaidAndHedgeCloseDirection) {
  auto page = parse_perp_fills(env("rest_mix_order_fills.json").data, kInit).value();
  EXPECT_EQ(page.end_id, "1115965644337205249");
  ASSERT_EQ(page.fills.size(), 1u);
  const auto& f = page.fills[0];
  EXPECT_EQ(f.trade_id, "1115965644337205249");
  EXPECT_EQ(f.order_id, "1115965643967582214");
  EXPECT_EQ(f.price, "72.25"_dec);
  EXPECT_EQ(f.size, "0.1"_dec);
  EXPECT_EQ(f.fee, "0.004335"_dec);
  EXPECT_EQ(f.fee_coin, "USDT");
  EXPECT_FALSE(f.maker);
  EXPECT_EQ(f.side, Side::Sell);  // side "buy" + hedge close = selling the long
  EXPECT_EQ(f.ts_event, UnixNanos::from_ms(1701792863926));
}

TEST(RestSamples, SpotFillsFeeDetailObject) {
  auto v = parse_spot_fills(env("rest_spot_fills.json").data, kInit).value();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].price, "69.265"_dec);
  EXPECT_EQ(v[0].size, "0.0794"_dec);
  EXPECT_EQ(v[0].fee, "0.0000794"_dec);
  EXPECT_EQ(v[0].fee_coin, "LTC");
  EXPECT_EQ(v[0].side, Side::Buy);
}

TEST(RestSamples, PositionsSignedSize) {
  auto all = parse_positions(env("rest_mix_all_position.json").data, kInit).value();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].position.symbol, "LTCUSDT");
  EXPECT_EQ(all[0].position.size, "0.1"_dec);
  EXPECT_EQ(all[0].position.side, PositionSide::Long);
  EXPECT_EQ(*all[0].position.entry_price, "72.66"_dec);
  EXPECT_EQ(all[0].position.unrealized_pnl, "-0.004"_dec);
  EXPECT_FALSE(all[0].liquidation_price);  // "0" means none
  EXPECT_EQ(*all[0].leverage, "5"_dec);
  auto single = parse_positions(env("rest_mix_single_position.json").data, kInit).value();
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(*single[0].liquidation_price, "24144.112416181"_dec);  // 22 digits rounded to 9
  EXPECT_EQ(*single[0].accumulated_funding, "1.45"_dec);

  // One-way short: negative size, PositionSide::Net.
  auto oneway = nlohmann::json::parse(R"([{"symbol":"BTCUSDT","holdSide":"short","posMode":"one_way_mode",
      "total":"0.5","available":"0.5","openPriceAvg":"30000","unrealizedPL":"1","leverage":"3"}])");
  auto p = parse_positions(oneway, kInit).value();
  EXPECT_EQ(p[0].position.size, "-0.5"_dec);
  EXPECT_EQ(p[0].position.side, PositionSide::Net);
}

TEST(RestSamples, FuturesAccounts) {
  auto list = parse_futures_accounts(env("rest_mix_accounts.json").data, kInit).value();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].balance.coin, "USDT");
  EXPECT_EQ(list[0].balance.available, "10575.26735771"_dec);
  EXPECT_EQ(list[0].balance.frozen, "0.31876482"_dec);
  EXPECT_EQ(*list[0].balance.equity, "10582.90265771"_dec);
  EXPECT_EQ(*list[0].usdt_equity, "10582.902657719"_dec);  // 12 decimals rounded to 9
  EXPECT_FALSE(list[0].unrealized_pl);                     // ""
  auto single = parse_futures_accounts(env("rest_mix_account_single.json").data, kInit).value();
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].pos_mode, PositionMode::OneWay);
  EXPECT_EQ(single[0].margin_mode, "crossed");
  EXPECT_EQ(single[0].balance.available, "70.09927267"_dec);
}

TEST(RestSamples, SingleFuturesAccountCarriesTheSymbolsSettings) {
  // GET /api/v2/mix/account/account: the leverage fields are JSON numbers in this sample.
  auto a = parse_futures_account(env("rest_mix_account_single.json").data, kInit).value();
  EXPECT_EQ(a.pos_mode, PositionMode::OneWay);
  EXPECT_EQ(a.margin_mode, "crossed");
  EXPECT_EQ(a.crossed_leverage, "10"_dec);
  EXPECT_EQ(a.isolated_long_leverage, "10"_dec);
  EXPECT_EQ(a.isolated_short_leverage, "10"_dec);
  EXPECT_EQ(a.balance.coin, "USDT");

  // ...and strings in another answer (REFERENCE section 1); hedge mode, isolated.
  auto strings = nlohmann::json::parse(R"({"marginCoin":"USDT","available":"1","marginMode":"isolated",
      "posMode":"hedge_mode","crossedMarginLeverage":"20","isolatedLongLever":"5","isolatedShortLever":"3"})");
  auto h = parse_futures_account(strings, kInit).value();
  EXPECT_EQ(h.pos_mode, PositionMode::Hedge);
  EXPECT_EQ(h.margin_mode, "isolated");
  EXPECT_EQ(h.crossed_leverage, "20"_dec);
  EXPECT_EQ(h.isolated_long_leverage, "5"_dec);
  EXPECT_EQ(h.isolated_short_leverage, "3"_dec);

  // The settings are what this endpoint is read for: without them the answer is unusable.
  auto no_mode = nlohmann::json::parse(R"({"marginCoin":"USDT","available":"1","marginMode":"crossed"})");
  auto e = parse_futures_account(no_mode, kInit);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("data.posMode"), std::string::npos) << e.error().message;
  auto odd =
      nlohmann::json::parse(R"({"marginCoin":"USDT","available":"1","marginMode":"cross","posMode":"one_way_mode"})");
  EXPECT_NE(parse_futures_account(odd, kInit).error().message.find("data.marginMode"), std::string::npos);
  EXPECT_FALSE(parse_futures_account(nlohmann::json::array(), kInit));
}

TEST(RestSamples, SpotAssets) {
  auto v = parse_spot_assets(env("rest_spot_account_assets.json").data, kInit).value();
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[1].coin, "USDT");
  EXPECT_EQ(v[1].available, "17.85159289"_dec);
  EXPECT_EQ(v[1].frozen, "5.5"_dec);
  EXPECT_EQ(v[1].ts_event, UnixNanos::from_ms(1700902292000));
}

TEST(RestSamples, BillsToFundingPayments) {
  auto page = parse_account_bills(env("rest_mix_account_bill.json").data).value();
  EXPECT_EQ(page.end_id, "2");
  ASSERT_EQ(page.bills.size(), 2u);
  EXPECT_EQ(page.bills[1].fee, "-0.222012"_dec);
  auto pays = funding_payments(page, kInit);
  ASSERT_EQ(pays.size(), 1u);
  EXPECT_EQ(pays[0].symbol, "BTCUSDT");
  EXPECT_EQ(pays[0].amount, "-0.004992"_dec);  // paid
  EXPECT_EQ(pays[0].ts_event, UnixNanos::from_ms(1695715200654));
}

TEST(Envelope, BusinessErrorWithHttp200) {
  auto e = parse_envelope(
      R"({"code":"40019","msg":"Parameter QLCUSDT_SPBL cannot be empty","requestTime":1679196063659,"data":null})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().errc, Errc::exchange_rejected);
  EXPECT_EQ(e.error().exchange_code, "40019");
  EXPECT_NE(e.error().message.find("cannot be empty"), std::string::npos);
  EXPECT_FALSE(e.error().retryable());
}

TEST(Envelope, ClassificationTable) {
  EXPECT_EQ(classify_error("00000"), Errc::ok);
  for (auto c : {"40001", "40005", "40006", "40009", "40012", "40037", "30011", "30013", "30015"})
    EXPECT_EQ(classify_error(c), Errc::auth_failed) << c;
  // An expired timestamp is our clock offset, not the key: re-sync and retry.
  for (auto c : {"40008", "30014"}) {
    EXPECT_EQ(classify_error(c), Errc::clock_skew) << c;
    EXPECT_TRUE(is_retryable(make_error_code(classify_error(c)))) << c;
  }
  EXPECT_EQ(classify_error("429"), Errc::rate_limited);
  EXPECT_EQ(classify_error("", 429), Errc::rate_limited);
  for (auto c : {"45001", "40725", "40808", "40015"}) {
    EXPECT_EQ(classify_error(c), Errc::http_server_error) << c;
    EXPECT_TRUE(is_retryable(make_error_code(classify_error(c))));
  }
  EXPECT_EQ(classify_error("45034"), Errc::duplicate);
  EXPECT_EQ(classify_error("43118"), Errc::duplicate);
  for (auto c : {"40768", "43001", "45057", "31007"}) EXPECT_EQ(classify_error(c), Errc::not_found) << c;
  EXPECT_EQ(classify_error("43012"), Errc::exchange_rejected);
  EXPECT_EQ(classify_error("", 503), Errc::http_server_error);
}

TEST(Envelope, HttpFailuresWithoutJson) {
  auto r = parse_envelope("<html>busy</html>", 429);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errc, Errc::rate_limited);
  auto s = parse_envelope("Bad Gateway", 502);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().errc, Errc::http_server_error);
  auto b = parse_envelope("garbage", 200);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().errc, Errc::bad_payload);
  auto rl = parse_envelope(R"({"code":"429","msg":"Too Many Requests","data":null})", 429);
  ASSERT_FALSE(rl);
  EXPECT_EQ(rl.error().errc, Errc::rate_limited);
}

TEST(BadPayloads, ErrorsNameTheField) {
  auto c = parse_contracts(nlohmann::json::parse(R"([{"symbol":"X","pricePlace":"1","volumePlace":"2",
      "priceEndStep":"abc","sizeMultiplier":"0.01","minTradeNum":"0.01"}])"));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().errc, Errc::bad_payload);
  EXPECT_NE(c.error().message.find("data[0].priceEndStep"), std::string::npos) << c.error().message;
  auto t = parse_tickers(nlohmann::json::parse(R"([{"symbol":"X","bidPr":"1","askPr":"2","bidSz":"1"}])"),
                         MarketType::Spot, kInit);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("data[0].askSz: missing"), std::string::npos) << t.error().message;
  auto o = parse_perp_order_detail(nlohmann::json::parse(R"({"symbol":"X","orderId":"1","state":"weird",
      "side":"buy","orderType":"limit","size":"1","price":"1"})"),
                                   kInit);
  ASSERT_FALSE(o);
  EXPECT_NE(o.error().message.find("data.state"), std::string::npos) << o.error().message;
  EXPECT_FALSE(parse_contracts(nlohmann::json::object()));
  EXPECT_FALSE(parse_depth(nlohmann::json::parse(R"({"bids":[["1"]],"asks":[],"ts":"1"})")));
  EXPECT_FALSE(parse_server_time(nlohmann::json()));
}

}  // namespace
}  // namespace carry::bitget
