// v3 REST parsers on the fixtures of tests/fixtures/bitget/v3 and on malformed variants of them.
#include <carry/bitget/account_kind.hpp>
#include <carry/bitget/uta_parsers.hpp>

#include "sample_loader.hpp"

#include <gtest/gtest.h>

namespace carry::bitget::uta {
namespace {

using test::v3_sample;
const UnixNanos kInit = UnixNanos::from_ms(1'800'000'000'000);

json data_of(const std::string& file) {
  auto env = parse_envelope(v3_sample(file));
  EXPECT_TRUE(env) << file << ": " << (env ? "" : env.error().to_string());
  return env ? env->data : json();
}

bool mentions(const Error& e, const std::string& what) { return e.message.find(what) != std::string::npos; }

TEST(UtaEnvelope, EmptyBodyIsRetryableAndDistinct) {
  for (const char* body : {"", " \n"}) {
    auto env = parse_envelope(body, 200);
    ASSERT_FALSE(env);
    EXPECT_EQ(env.error().errc, Errc::empty_response);
    EXPECT_TRUE(env.error().retryable());
  }
  EXPECT_EQ(parse_envelope("{", 200).error().errc, Errc::bad_payload);
  EXPECT_EQ(parse_envelope("", 502).error().errc, Errc::http_server_error);
}

TEST(UtaEnvelope, ErrorBodiesAndV3Codes) {
  auto classic = parse_envelope(v3_sample("rest_error_40084.json"));
  ASSERT_FALSE(classic);
  EXPECT_EQ(classic.error().exchange_code, "40084");
  EXPECT_EQ(classic.error().errc, Errc::unsupported);
  auto uta_on_v2 = parse_envelope(v3_sample("rest_error_40085.json"));
  EXPECT_EQ(uta_on_v2.error().errc, Errc::auth_failed);
  EXPECT_EQ(classify_error("25204"), Errc::not_found);
  EXPECT_EQ(classify_error("25212"), Errc::duplicate);
  EXPECT_EQ(classify_error("25004"), Errc::rate_limited);
  EXPECT_EQ(classify_error("25001"), Errc::http_server_error);
  EXPECT_EQ(classify_error("00000"), Errc::ok);
  EXPECT_EQ(classify_error("40008"), Errc::clock_skew);  // v2 table still applies
}

TEST(UtaAccount, SettingsAndTheProbe) {
  auto s = parse_account_settings(data_of("rest_account_settings.json")).value();
  EXPECT_EQ(s.account_mode, AccountMode::Hybrid);
  EXPECT_TRUE(s.ready());
  EXPECT_FALSE(s.hedge());
  EXPECT_EQ(s.uid, "1111111111");
  ASSERT_EQ(s.symbols.size(), 8u);
  EXPECT_EQ(s.symbols[5].symbol, "BTCUSDT");
  EXPECT_EQ(s.symbols[5].leverage, "1"_dec);

  // The kind detection (account_kind.hpp) reads what uta::parse_envelope hands it.
  EXPECT_EQ(classify_account_settings(data_of("rest_account_settings.json")).kind, AccountKind::Uta);
  auto classic = parse_envelope(v3_sample("rest_error_40084.json"));
  ASSERT_FALSE(classic);
  EXPECT_EQ(classify_account_settings_error(classic.error()).kind, AccountKind::Classic);
  auto empty = parse_envelope("", 200);
  EXPECT_EQ(classify_account_settings_error(empty.error()).verdict, AccountProbe::Verdict::Failed);  // ask again
  auto bad_sign = parse_envelope(R"({"code":"40009","msg":"sign signature error"})");
  EXPECT_EQ(classify_account_settings_error(bad_sign.error()).verdict, AccountProbe::Verdict::Refused);
}

TEST(UtaAccount, HedgeModeAndTransitionalModesAreSurfaced) {
  json d = data_of("rest_account_settings.json");
  d["holdMode"] = "hedge_mode";
  EXPECT_TRUE(parse_account_settings(d).value().hedge());
  d["accountMode"] = "upgrading";
  auto up = parse_account_settings(d).value();
  EXPECT_FALSE(up.ready());
  EXPECT_EQ(to_string(up.account_mode), "upgrading");
  d["accountMode"] = "classic";
  EXPECT_TRUE(mentions(parse_account_settings(d).error(), "data.accountMode"));
  d["accountMode"] = "unified";
  d.erase("holdMode");
  EXPECT_TRUE(mentions(parse_account_settings(d).error(), "data.holdMode: missing"));
  EXPECT_TRUE(parse_success(data_of("rest_set_leverage.json")));
  EXPECT_TRUE(parse_success(data_of("rest_set_hold_mode.json")));
  EXPECT_FALSE(parse_success(json("fail")));
}

TEST(UtaMarket, InstrumentsSpotAndFutures) {
  auto spot = parse_instruments(data_of("rest_instruments_spot.json"), MarketType::Spot).value();
  ASSERT_EQ(spot.size(), 1u);
  EXPECT_EQ(spot[0].tick, "0.01"_dec);
  EXPECT_EQ(spot[0].lot, "0.000001"_dec);
  EXPECT_EQ(spot[0].min_size, "0.00001"_dec);
  EXPECT_EQ(spot[0].min_notional, "1"_dec);
  EXPECT_TRUE(spot[0].tradable);
  auto perp = parse_instruments(data_of("rest_instruments_futures.json"), MarketType::Perp).value();
  ASSERT_EQ(perp.size(), 1u);
  EXPECT_EQ(perp[0].tick, "0.1"_dec);
  EXPECT_EQ(perp[0].lot, "0.0001"_dec);
  EXPECT_EQ(perp[0].funding_interval_hours, 8);
  EXPECT_EQ(perp[0].taker_fee, "0.0006"_dec);
  EXPECT_EQ(perp[0].market, MarketType::Perp);

  json bad = data_of("rest_instruments_futures.json");
  bad[0].erase("priceMultiplier");
  EXPECT_TRUE(mentions(parse_instruments(bad, MarketType::Perp).error(), "data[0].priceMultiplier: missing"));
  bad = data_of("rest_instruments_futures.json");
  bad[0]["status"] = "limit_open";
  EXPECT_FALSE(parse_instruments(bad, MarketType::Perp).value()[0].tradable);
  bad[0]["pricePrecision"] = json::array();
  EXPECT_TRUE(mentions(parse_instruments(bad, MarketType::Perp).error(), "data[0].pricePrecision"));
}

TEST(UtaMarket, TickersLeaveOutAnEmptySide) {
  const UnixNanos fallback = UnixNanos::from_ms(1'735'110'108'752);
  auto perp = parse_tickers(data_of("rest_tickers_futures.json"), MarketType::Perp, fallback, kInit).value();
  ASSERT_EQ(perp.size(), 1u);
  EXPECT_EQ(perp[0].bbo.bid_price, "97999.9"_dec);
  EXPECT_EQ(perp[0].bbo.ask_size, "9.69"_dec);
  EXPECT_EQ(perp[0].funding_rate, "0.000001"_dec);
  EXPECT_EQ(perp[0].mark_price, "98000"_dec);
  EXPECT_EQ(perp[0].quote_volume_24h, "5101050.26784"_dec);  // turnover24h
  EXPECT_EQ(perp[0].bbo.ts_event, fallback);                 // the doc example has no ts
  // The doc's spot example has ask1Price "": no BBO, left out rather than a zero ask.
  auto spot = parse_tickers(data_of("rest_tickers_spot.json"), MarketType::Spot, fallback, kInit).value();
  EXPECT_TRUE(spot.empty());
  json bad = data_of("rest_tickers_futures.json");
  bad[0]["bid1Size"] = "x";
  EXPECT_TRUE(mentions(parse_tickers(bad, MarketType::Perp, fallback, kInit).error(), "data[0].bid1Size"));
  bad[0]["bid1Size"] = "1";
  bad[0]["ts"] = "1735110108000";
  EXPECT_EQ(parse_tickers(bad, MarketType::Perp, fallback, kInit).value()[0].bbo.ts_event,
            UnixNanos::from_ms(1'735'110'108'000));
}

TEST(UtaMarket, OrderbookFundingCandles) {
  auto book = parse_orderbook(data_of("rest_orderbook.json")).value();
  ASSERT_EQ(book.asks.size(), 4u);
  ASSERT_EQ(book.bids.size(), 3u);
  EXPECT_EQ(book.asks[0].price, "73000"_dec);  // JSON numbers in the doc example
  EXPECT_EQ(book.bids[1].size, "10"_dec);
  EXPECT_EQ(book.ts, UnixNanos::from_ms(1'730'969'017'964));
  json bad = data_of("rest_orderbook.json");
  bad.erase("b");
  EXPECT_TRUE(mentions(parse_orderbook(bad).error(), "data.b: missing"));

  auto f = parse_current_funding(data_of("rest_current_fund_rate.json")).value();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].interval_hours, 8);
  EXPECT_EQ(f[0].next_update, UnixNanos::from_ms(1'743'062'400'000));
  EXPECT_EQ(f[0].max_rate, "0.003"_dec);
  EXPECT_EQ(f[0].min_rate, "-0.003"_dec);

  auto h = parse_funding_history(data_of("rest_history_fund_rate.json")).value();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].funding_time, UnixNanos::from_ms(1'754'870'400'000));
  EXPECT_TRUE(parse_funding_history(json::parse(R"({"resultList":null})")).value().empty());

  auto k = parse_candles(data_of("rest_candles.json")).value();
  ASSERT_EQ(k.size(), 2u);
  EXPECT_EQ(k[1].low, "24000"_dec);
  EXPECT_EQ(k[0].quote_volume, "81246917.3294"_dec);
  EXPECT_TRUE(mentions(parse_candles(json::parse(R"([["1","2"]])")).error(), "data[0]"));
}

TEST(UtaOrders, AcksAndBatches) {
  auto a = parse_order_ack(data_of("rest_place_order.json")).value();
  EXPECT_EQ(a.order_id, "121211212122");
  EXPECT_EQ(parse_order_ack(data_of("rest_cancel_order.json")).value().order_id, "111111111111111111");
  EXPECT_EQ(parse_order_ack(data_of("rest_modify_order.json")).value().client_oid, "BITGET#1627293504612");
  EXPECT_EQ(parse_order_ack(json::parse(R"({"orderId":null,"clientOid":"c1"})")).value().client_oid, "c1");
  EXPECT_FALSE(parse_order_ack(json::parse(R"({"orderId":null})")));

  EXPECT_EQ(parse_batch_result(data_of("rest_place_batch.json")).value().success.size(), 1u);
  EXPECT_EQ(parse_batch_result(data_of("rest_cancel_batch.json")).value().success.size(), 2u);
  auto all = parse_batch_result(data_of("rest_cancel_symbol_order.json")).value();
  EXPECT_TRUE(all.success.empty());
  ASSERT_EQ(all.failure.size(), 1u);
  EXPECT_EQ(all.failure[0].error_code, "24056");
  EXPECT_EQ(all.failure[0].error_msg, "notExisted");
  auto mixed =
      parse_batch_result(
          json::parse(
              R"([{"orderId":"1","clientOid":"a","code":"00000"},{"orderId":"","clientOid":"b","code":"25212","msg":"Duplicate clientOid"}])"))
          .value();
  EXPECT_EQ(mixed.success.size(), 1u);
  ASSERT_EQ(mixed.failure.size(), 1u);
  EXPECT_EQ(mixed.failure[0].errc, Errc::duplicate);
  EXPECT_TRUE(parse_batch_result(json::parse(R"({"list":null})")).value().failure.empty());
  EXPECT_TRUE(mentions(parse_batch_result(json::parse(R"([1])")).error(), "data[0]"));
}

TEST(UtaOrders, OrderInfoSpotMarketBuyIsSizedByWhatFilled) {
  auto r = parse_order_info(data_of("rest_order_info.json"), kInit).value();
  EXPECT_EQ(r.order.market, MarketType::Spot);
  EXPECT_EQ(r.order.status, OrderStatus::Filled);
  EXPECT_EQ(r.order.side, Side::Buy);
  EXPECT_EQ(r.order.type, OrderType::Market);
  EXPECT_EQ(r.quote_size, "100"_dec);
  EXPECT_EQ(r.order.size, "0.0372"_dec);
  EXPECT_EQ(r.order.filled_size, "0.0372"_dec);
  EXPECT_EQ(r.order.avg_price, "2684.23"_dec);
  EXPECT_EQ(r.fee_paid, "0.00000744"_dec);
  EXPECT_EQ(r.fee_coin, "ETH");
  EXPECT_FALSE(r.order.reduce_only);
  EXPECT_FALSE(r.pos_mode);  // holdMode "" on spot
  EXPECT_EQ(r.order.ts_event, UnixNanos::from_ms(1'730'295'766'691));

  json d = data_of("rest_order_info.json");
  d["orderStatus"] = "cancelled";
  EXPECT_EQ(parse_order_info(d, kInit).value().order.status, OrderStatus::Canceled);
  d["orderStatus"] = "new";
  EXPECT_EQ(parse_order_info(d, kInit).value().order.status, OrderStatus::Acked);
  d["orderStatus"] = "expired";
  EXPECT_TRUE(mentions(parse_order_info(d, kInit).error(), "data.orderStatus"));
  d["orderStatus"] = "live";
  d["cumExecQty"] = 5;  // a JSON number still reads
  EXPECT_EQ(parse_order_info(d, kInit).value().order.filled_size, "5"_dec);
  d["cumExecQty"] = json::object();
  EXPECT_TRUE(mentions(parse_order_info(d, kInit).error(), "data.cumExecQty"));
  d = data_of("rest_order_info.json");
  d.erase("orderId");
  EXPECT_TRUE(mentions(parse_order_info(d, kInit).error(), "data.orderId: missing"));
  d = data_of("rest_order_info.json");
  d["category"] = "MARGIN";
  EXPECT_TRUE(mentions(parse_order_info(d, kInit).error(), "data.category"));
}

TEST(UtaOrders, UnfilledOrdersPageAndNullList) {
  auto p = parse_unfilled_orders(data_of("rest_unfilled_orders.json"), kInit).value();
  EXPECT_EQ(p.cursor, "1235058132196622336");
  ASSERT_EQ(p.orders.size(), 1u);
  const auto& o = p.orders[0];
  EXPECT_EQ(o.order.market, MarketType::Perp);
  EXPECT_EQ(o.order.price, "45000"_dec);
  EXPECT_EQ(o.order.size, "0.01"_dec);
  EXPECT_EQ(o.order.status, OrderStatus::Acked);
  EXPECT_FALSE(o.order.avg_price);  // avgPrice "0"
  EXPECT_FALSE(o.fee_paid);         // feeDetail entries are null
  EXPECT_EQ(o.pos_mode, PositionMode::Hedge);
  EXPECT_EQ(o.pos_side, "long");

  auto empty = parse_unfilled_orders(json::parse(R"({"list":null,"cursor":""})"), kInit).value();
  EXPECT_TRUE(empty.orders.empty());
  EXPECT_TRUE(parse_unfilled_orders(json(), kInit).value().orders.empty());
  EXPECT_TRUE(mentions(parse_unfilled_orders(json::parse(R"({"list":{}})"), kInit).error(), "data.list"));
  json bad = data_of("rest_unfilled_orders.json");
  bad["list"][0]["price"] = "";
  EXPECT_TRUE(mentions(parse_unfilled_orders(bad, kInit).error(), "data.list[0].price"));
}

TEST(UtaFills, FillsPage) {
  auto p = parse_fills(data_of("rest_fills.json"), kInit).value();
  EXPECT_EQ(p.cursor, "131111111111111111");
  ASSERT_EQ(p.fills.size(), 1u);
  const auto& f = p.fills[0];
  EXPECT_EQ(f.trade_id, "131111111111111111");
  EXPECT_EQ(f.market, MarketType::Perp);
  EXPECT_EQ(f.side, Side::Sell);
  EXPECT_EQ(f.price, "106950.1"_dec);
  EXPECT_EQ(f.size, "0.01"_dec);
  EXPECT_EQ(f.fee, "0.6417006"_dec);  // positive = paid, as the doc shows it
  EXPECT_EQ(f.fee_coin, "USDT");
  EXPECT_FALSE(f.maker);
  EXPECT_EQ(f.ts_event, UnixNanos::from_ms(1'750'141'421'721));
  EXPECT_TRUE(parse_fills(json::parse(R"({"list":null})"), kInit).value().fills.empty());
  json bad = data_of("rest_fills.json");
  bad["list"][0]["tradeScope"] = "T";
  EXPECT_TRUE(mentions(parse_fills(bad, kInit).error(), "data.list[0].tradeScope"));
  bad["list"][0].erase("execPrice");
  EXPECT_TRUE(mentions(parse_fills(bad, kInit).error(), "data.list[0].execPrice: missing"));
}

TEST(UtaPositions, HedgeModeIsSurfacedAndOneWayIsNet) {
  auto hedge = parse_positions(data_of("rest_current_position.json"), kInit).value();
  ASSERT_EQ(hedge.size(), 1u);
  EXPECT_EQ(hedge[0].pos_mode, PositionMode::Hedge);  // the caller refuses this account
  EXPECT_EQ(hedge[0].position.side, PositionSide::Long);
  EXPECT_EQ(hedge[0].position.size, "119.2068"_dec);
  EXPECT_EQ(hedge[0].position.entry_price, "108674"_dec);
  EXPECT_EQ(hedge[0].liquidation_price, "43099.9"_dec);
  EXPECT_EQ(hedge[0].accumulated_funding, "-53076.32433032"_dec);
  EXPECT_EQ(hedge[0].leverage, "3"_dec);

  json d = data_of("rest_current_position.json");
  d["list"][0]["holdMode"] = "one_way_mode";
  d["list"][0]["posSide"] = "short";
  auto one_way = parse_positions(d, kInit).value();
  EXPECT_EQ(one_way[0].pos_mode, PositionMode::OneWay);
  EXPECT_EQ(one_way[0].position.side, PositionSide::Net);
  EXPECT_EQ(one_way[0].position.size, "-119.2068"_dec);

  EXPECT_TRUE(parse_positions(json::parse(R"({"list":null})"), kInit).value().empty());
  EXPECT_TRUE(parse_positions(json(), kInit).value().empty());
  d["list"][0]["posSide"] = "net";
  EXPECT_TRUE(mentions(parse_positions(d, kInit).error(), "data.list[0].posSide"));
  d["list"][0]["posSide"] = "long";
  d["list"][0].erase("holdMode");
  EXPECT_TRUE(mentions(parse_positions(d, kInit).error(), "data.list[0].holdMode: missing"));
  d["list"][0]["holdMode"] = "one_way_mode";
  d["list"][0]["total"] = true;
  EXPECT_TRUE(mentions(parse_positions(d, kInit).error(), "data.list[0].total"));
}

TEST(UtaAccount, AssetsAndFundingSettlements) {
  auto a = parse_assets(data_of("rest_account_assets.json"), MarketType::Perp, kInit).value();
  EXPECT_EQ(a.account_equity, "11.13919278"_dec);
  EXPECT_EQ(a.eff_equity, "6.19299777"_dec);
  ASSERT_EQ(a.balances.size(), 2u);
  EXPECT_EQ(a.balances[0].coin, "USDT");
  EXPECT_EQ(a.balances[0].available, "6.19300826"_dec);
  EXPECT_EQ(a.balances[0].account, MarketType::Perp);
  EXPECT_EQ(a.balances[1].equity, "1.15582129"_dec);
  json bad = data_of("rest_account_assets.json");
  bad["assets"][1].erase("available");
  EXPECT_TRUE(mentions(parse_assets(bad, MarketType::Perp, kInit).error(), "data.assets[1].available: missing"));

  auto page = parse_financial_records(data_of("rest_financial_records.json")).value();
  EXPECT_EQ(page.cursor, "122222222222222222");
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].type, "ORDER_DEALT_IN");
  EXPECT_EQ(page.records[0].fee, "-0.00000531"_dec);
  EXPECT_TRUE(funding_payments(page, kInit).empty());  // a trade, not a settlement

  json d = data_of("rest_financial_records.json");
  json rec = d["list"][0];
  d["list"] = json::array();
  for (auto [type, amount] : {std::pair{"CONTRACT_MAIN_SETTLE_FEE_USER_IN", "1.5"},
                              {"CONTRACT_MAIN_SETTLE_FEE_USER_OUT", "-0.7"},
                              {"FIXED_SETTLE_FEE_USER_OUT", "0.2"},
                              {"FIXED_SETTLE_FEE_USER_IN", "0.1"},
                              {"TRANSFER_IN", "100"}}) {
    rec["type"] = type;
    rec["amount"] = amount;
    d["list"].push_back(rec);
  }
  auto pays = funding_payments(parse_financial_records(d).value(), kInit);
  ASSERT_EQ(pays.size(), 4u);
  EXPECT_EQ(pays[0].amount, "1.5"_dec);
  EXPECT_EQ(pays[1].amount, "-0.7"_dec);
  EXPECT_EQ(pays[2].amount, "-0.2"_dec);  // _OUT is paid whatever the sign on the wire
  EXPECT_EQ(pays[3].amount, "0.1"_dec);
  EXPECT_EQ(pays[0].symbol, "BTCUSDT");
  EXPECT_EQ(pays[0].ts_event, UnixNanos::from_ms(1'745'853'486'185));
  EXPECT_TRUE(parse_financial_records(json::parse(R"({"list":null,"cursor":""})")).value().records.empty());
  d["list"][0]["ts"] = "yesterday";
  EXPECT_TRUE(mentions(parse_financial_records(d).error(), "data.list[0].ts"));
}

// Answers ccxt recorded from the live v3 API (see SOURCES.md).
TEST(UtaRealReplies, PositionsOneWayIsNetAndHedgeIsRefusable) {
  auto one_way = parse_positions(data_of("rest_current_position_one_way.json"), kInit).value();
  ASSERT_EQ(one_way.size(), 1u);
  EXPECT_EQ(one_way[0].pos_mode, PositionMode::OneWay);
  EXPECT_EQ(one_way[0].position.side, PositionSide::Net);  // posSide "long" even in one-way mode
  EXPECT_EQ(one_way[0].position.size, "0.001"_dec);
  EXPECT_EQ(one_way[0].position.entry_price, "115085.6"_dec);
  EXPECT_FALSE(one_way[0].liquidation_price);  // "0": none
  EXPECT_EQ(one_way[0].position.ts_event, UnixNanos::from_ms(1'758'035'576'809));
}

TEST(UtaRealReplies, OrdersAndTheFeeSign) {
  auto open = parse_unfilled_orders(data_of("rest_unfilled_orders_real.json"), kInit).value();
  ASSERT_EQ(open.orders.size(), 1u);
  EXPECT_FALSE(open.orders[0].fee_paid);  // feeDetail [{"feeCoin":"","fee":""}]
  EXPECT_EQ(open.orders[0].order.client_oid, "1321320757371228161");
  EXPECT_EQ(open.cursor, "1321320757371228160");

  auto hist = parse_unfilled_orders(data_of("rest_history_orders_real.json"), kInit).value();
  ASSERT_EQ(hist.orders.size(), 2u);
  EXPECT_EQ(hist.orders[0].order.status, OrderStatus::Canceled);
  EXPECT_EQ(hist.orders[0].order.reason, "normal_cancel");
  const auto& filled = hist.orders[1];
  EXPECT_EQ(filled.order.status, OrderStatus::Filled);
  EXPECT_EQ(filled.order.tif, TimeInForce::Ioc);
  EXPECT_FALSE(filled.order.price);  // market: price "0" is not read
  // The same 0.06444618 is the position's openFeeTotal "-0.06444618": feeDetail is + when paid.
  EXPECT_EQ(filled.fee_paid, "0.06444618"_dec);
  EXPECT_EQ(filled.fee_coin, "USDT");

  auto spot = parse_order_info(data_of("rest_order_info_spot_live_real.json"), kInit).value();
  EXPECT_EQ(spot.order.market, MarketType::Spot);
  EXPECT_EQ(spot.order.status, OrderStatus::Acked);
  EXPECT_EQ(spot.order.price, "51000"_dec);
  EXPECT_EQ(spot.order.size, "0.0011"_dec);
  EXPECT_FALSE(spot.pos_mode);
}

TEST(UtaRealReplies, TickersAssetsAcks) {
  auto perp = parse_tickers(data_of("rest_tickers_futures_real.json"), MarketType::Perp, UnixNanos{}, kInit).value();
  ASSERT_EQ(perp.size(), 1u);
  EXPECT_EQ(perp[0].bbo.ts_event, UnixNanos::from_ms(1'750'333'294'671));  // the item's own ts
  EXPECT_EQ(perp[0].funding_rate, "-0.000005"_dec);
  EXPECT_EQ(perp[0].index_price, "104723.736847"_dec);
  auto spot = parse_tickers(data_of("rest_tickers_spot_real.json"), MarketType::Spot, UnixNanos{}, kInit).value();
  ASSERT_EQ(spot.size(), 1u);
  EXPECT_EQ(spot[0].bbo.ask_price, "104815.9"_dec);
  EXPECT_FALSE(spot[0].funding_rate);

  auto a = parse_assets(data_of("rest_account_assets_real.json"), MarketType::Spot, kInit).value();
  EXPECT_EQ(a.balances.size(), 6u);
  EXPECT_EQ(a.balances[5].coin, "USDT");
  EXPECT_EQ(a.eff_equity, "256783.39028097"_dec);

  EXPECT_EQ(parse_order_ack(data_of("rest_cancel_order_real.json")).value().client_oid, "123abc");
  auto all = parse_batch_result(data_of("rest_cancel_symbol_order_real.json")).value();
  EXPECT_EQ(all.success.size(), 1u);
  EXPECT_TRUE(all.failure.empty());
  auto batch = parse_batch_result(data_of("rest_place_batch_real.json")).value();
  ASSERT_EQ(batch.success.size(), 2u);
  EXPECT_EQ(batch.success[1].order_id, "1329948909442023425");
}

}  // namespace
}  // namespace carry::bitget::uta
