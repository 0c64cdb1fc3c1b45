#include <carry/bitget/rest_parsers.hpp>

#include "json_fields.hpp"
#include "objects.hpp"

namespace carry::bitget {

using namespace detail;

namespace {

// 10^-places as a Decimal (places 0..9).
WireResult<Decimal> pow10_neg(int places, const std::string& where) {
  if (places < 0 || places > Decimal::kDecimals) return bad_payload(where + ": out of range (0..9)");
  std::int64_t raw = 1;
  for (int i = 0; i < Decimal::kDecimals - places; ++i) raw *= 10;
  return Decimal::from_raw(raw);
}

}  // namespace

WireResult<UnixNanos> parse_server_time(const json& data) { return ms_time(data, "serverTime", "data"); }

namespace {

// The fields both instrument listings share, in wire order around the market's own precision
// fields, which `precision(ins)` reads.
template <class F>
WireResult<Instrument> parse_instrument(const json& o, const std::string& ctx, MarketType market, F&& precision) {
  Instrument ins;
  ins.market = market;
  CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
  ins.symbol = std::move(symbol);
  ins.base_coin = text_or(o, "baseCoin");
  ins.quote_coin = text_or(o, "quoteCoin");
  auto precise = precision(ins);
  if (!precise) return precise.error();
  CARRY_TRY_ASSIGN(min_notional, opt_dec(o, "minTradeUSDT", ctx));
  ins.min_notional = min_notional.value_or(Decimal{});
  CARRY_TRY_ASSIGN(maker, opt_dec(o, "makerFeeRate", ctx));
  CARRY_TRY_ASSIGN(taker, opt_dec(o, "takerFeeRate", ctx));
  ins.maker_fee = maker.value_or(Decimal{});
  ins.taker_fee = taker.value_or(Decimal{});
  return ins;
}

WireResult<Instrument> parse_contract(const json& o, const std::string& ctx) {
  CARRY_TRY_ASSIGN(ins, parse_instrument(o, ctx, MarketType::Perp, [&](Instrument& in) -> WireResult<void> {
                     CARRY_TRY_ASSIGN(price_place, integer(o, "pricePlace", ctx));
                     CARRY_TRY_ASSIGN(volume_place, integer(o, "volumePlace", ctx));
                     CARRY_TRY_ASSIGN(end_step, dec(o, "priceEndStep", ctx));
                     CARRY_TRY_ASSIGN(unit, pow10_neg(price_place, path(ctx, "pricePlace")));
                     auto tick = end_step.checked_mul(unit);
                     if (!tick || !tick->is_positive())
                       return bad_payload(path(ctx, "priceEndStep") + ": tick is not positive");
                     in.tick = *tick;
                     in.price_decimals = price_place;
                     in.size_decimals = volume_place;
                     CARRY_TRY_ASSIGN(lot, dec(o, "sizeMultiplier", ctx));
                     if (!lot.is_positive()) return bad_payload(path(ctx, "sizeMultiplier") + ": not positive");
                     in.lot = lot;
                     CARRY_TRY_ASSIGN(min_size, dec(o, "minTradeNum", ctx));
                     in.min_size = min_size;
                     return {};
                   }));
  auto interval = opt_text(o, "fundInterval");
  if (interval && !interval->empty()) {
    CARRY_TRY_ASSIGN(hours, integer(o, "fundInterval", ctx));
    ins.funding_interval_hours = hours;
  }
  ins.tradable = text_or(o, "symbolStatus") == "normal";
  return ins;
}

WireResult<Instrument> parse_spot_symbol(const json& o, const std::string& ctx) {
  CARRY_TRY_ASSIGN(ins, parse_instrument(o, ctx, MarketType::Spot, [&](Instrument& in) -> WireResult<void> {
                     CARRY_TRY_ASSIGN(price_precision, integer(o, "pricePrecision", ctx));
                     CARRY_TRY_ASSIGN(quantity_precision, integer(o, "quantityPrecision", ctx));
                     CARRY_TRY_ASSIGN(tick, pow10_neg(price_precision, path(ctx, "pricePrecision")));
                     CARRY_TRY_ASSIGN(lot, pow10_neg(quantity_precision, path(ctx, "quantityPrecision")));
                     in.tick = tick;
                     in.lot = lot;
                     in.min_size = lot;
                     in.price_decimals = price_precision;
                     in.size_decimals = quantity_precision;
                     return {};
                   }));
  ins.tradable = text_or(o, "status") == "online";
  return ins;
}

}  // namespace

WireResult<std::vector<Instrument>> parse_contracts(const json& data) {
  return parse_each(data, "data", parse_contract);
}

WireResult<std::vector<Instrument>> parse_spot_symbols(const json& data) {
  return parse_each(data, "data", parse_spot_symbol);
}

WireResult<std::vector<Ticker>> parse_tickers(const json& data, MarketType market, UnixNanos ts_init) {
  return parse_each(data, "data", [&](const json& o, const std::string& ctx) {
    return parse_ticker_object(o, ctx, market, ts_init);
  });
}

WireResult<std::vector<CurrentFunding>> parse_current_funding(const json& data) {
  return parse_each(data, "data", [](const json& o, const std::string& ctx) -> WireResult<CurrentFunding> {
    CurrentFunding f;
    CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
    CARRY_TRY_ASSIGN(rate, dec(o, "fundingRate", ctx));
    CARRY_TRY_ASSIGN(hours, integer(o, "fundingRateInterval", ctx));
    CARRY_TRY_ASSIGN(next, ms_time(o, "nextUpdate", ctx));
    CARRY_TRY_ASSIGN(lo, opt_dec(o, "minFundingRate", ctx));
    CARRY_TRY_ASSIGN(hi, opt_dec(o, "maxFundingRate", ctx));
    f.symbol = std::move(symbol);
    f.rate = rate;
    f.interval_hours = hours;
    f.next_update = next;
    f.min_rate = lo;
    f.max_rate = hi;
    return f;
  });
}

WireResult<std::vector<FundingTime>> parse_funding_time(const json& data) {
  return parse_each(data, "data", [](const json& o, const std::string& ctx) -> WireResult<FundingTime> {
    CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
    CARRY_TRY_ASSIGN(next, ms_time(o, "nextFundingTime", ctx));
    CARRY_TRY_ASSIGN(hours, integer(o, "ratePeriod", ctx));
    return FundingTime{std::move(symbol), next, hours};
  });
}

WireResult<std::vector<FundingHistoryEntry>> parse_funding_history(const json& data) {
  return parse_each(data, "data", [](const json& o, const std::string& ctx) -> WireResult<FundingHistoryEntry> {
    CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
    CARRY_TRY_ASSIGN(rate, dec(o, "fundingRate", ctx));
    CARRY_TRY_ASSIGN(t, ms_time(o, "fundingTime", ctx));
    return FundingHistoryEntry{std::move(symbol), rate, t};
  });
}

namespace {
WireResult<Decimal> cell_dec(const json& row, std::size_t k, const std::string& ctx) {
  const json& v = row[k];
  const std::string where = index_path(ctx, k);
  if (v.is_string()) return parse_dec(v.get_ref<const std::string&>(), where);
  if (v.is_number()) return parse_dec(v.dump(), where);
  return bad_payload(where + ": expected a decimal");
}
}  // namespace

WireResult<std::vector<Candle>> parse_candles(const json& data, MarketType market) {
  const std::size_t want = market == MarketType::Perp ? 7 : 8;
  return parse_each(data, "data", [&](const json& row, const std::string& ctx) -> WireResult<Candle> {
    if (!row.is_array() || row.size() < want)
      return bad_payload(ctx + ": expected an array of " + std::to_string(want) + " fields");
    Candle c;
    const std::string ts_text = row[0].is_string() ? row[0].get<std::string>() : row[0].dump();
    auto ts = UnixNanos::parse_ms(ts_text);
    if (!ts) return bad_payload(ctx + "[0]: not a millisecond timestamp");
    c.open_time = *ts;
    CARRY_TRY_ASSIGN(o, cell_dec(row, 1, ctx));
    CARRY_TRY_ASSIGN(h, cell_dec(row, 2, ctx));
    CARRY_TRY_ASSIGN(l, cell_dec(row, 3, ctx));
    CARRY_TRY_ASSIGN(cl, cell_dec(row, 4, ctx));
    CARRY_TRY_ASSIGN(bv, cell_dec(row, 5, ctx));
    c.open = o;
    c.high = h;
    c.low = l;
    c.close = cl;
    c.base_volume = bv;
    if (market == MarketType::Perp) {
      CARRY_TRY_ASSIGN(qv, cell_dec(row, 6, ctx));
      c.quote_volume = qv;
    } else {
      CARRY_TRY_ASSIGN(uv, cell_dec(row, 6, ctx));
      CARRY_TRY_ASSIGN(qv, cell_dec(row, 7, ctx));
      c.usdt_volume = uv;
      c.quote_volume = qv;
    }
    return c;
  });
}

namespace {
WireResult<std::vector<PriceLevel>> levels(const json& o, const char* key, const std::string& ctx) {
  CARRY_TRY_ASSIGN(arr, array(o, key, ctx));
  return parse_each(*arr, path(ctx, key), [](const json& row, const std::string& where) -> WireResult<PriceLevel> {
    if (!row.is_array() || row.size() < 2) return bad_payload(where + ": expected [price, size]");
    CARRY_TRY_ASSIGN(p, cell_dec(row, 0, where));
    CARRY_TRY_ASSIGN(s, cell_dec(row, 1, where));
    return PriceLevel{p, s};
  });
}
}  // namespace

WireResult<DepthSnapshot> parse_depth(const json& data) {
  if (!data.is_object()) return bad_payload("data: expected an object");
  DepthSnapshot d;
  CARRY_TRY_ASSIGN(bids, levels(data, "bids", "data"));
  CARRY_TRY_ASSIGN(asks, levels(data, "asks", "data"));
  CARRY_TRY_ASSIGN(ts, ms_time(data, "ts", "data"));
  d.bids = std::move(bids);
  d.asks = std::move(asks);
  d.ts = ts;
  return d;
}

WireResult<std::vector<TradeTick>> parse_market_trades(const json& data, MarketType market, UnixNanos ts_init) {
  return parse_each(data, "data", [&](const json& o, const std::string& ctx) -> WireResult<TradeTick> {
    CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
    return parse_trade_object(o, ctx, std::move(symbol), market, ts_init);
  });
}

WireResult<OrderIds> parse_order_ack(const json& data) {
  if (!data.is_object()) return bad_payload("data: expected an object");
  OrderIds a{text_or(data, "orderId"), text_or(data, "clientOid")};
  if (a.order_id.empty() && a.client_oid.empty()) return bad_payload("data: neither orderId nor clientOid");
  return a;
}

WireResult<CancelReplaceAck> parse_cancel_replace_ack(const json& data) {
  if (!data.is_object()) return bad_payload("data: expected an object");
  CancelReplaceAck a;
  a.order_id = text_or(data, "orderId");
  a.client_oid = text_or(data, "clientOid");
  CARRY_TRY_ASSIGN(success, text(data, "success", "data"));
  if (success != "success" && success != "failure")
    return bad_payload("data.success: expected \"success\" or \"failure\", got \"" + success + "\"");
  a.success = success == "success";
  a.msg = text_or(data, "msg");
  return a;
}

WireResult<BatchResult> parse_batch_result(const json& data) {
  if (!data.is_object()) return bad_payload("data: expected an object");
  BatchResult r;
  if (const json* s = find(data, "successList")) {
    if (!s->is_array()) return bad_payload("data.successList: expected an array");
    for (const auto& e : *s) r.success.push_back({text_or(e, "orderId"), text_or(e, "clientOid")});
  }
  if (const json* f = find(data, "failureList")) {
    if (!f->is_array()) return bad_payload("data.failureList: expected an array");
    for (const auto& e : *f) {
      BatchFailure b{text_or(e, "orderId"), text_or(e, "clientOid"), text_or(e, "errorCode"), text_or(e, "errorMsg")};
      b.errc = b.error_code.empty() ? Errc::exchange_rejected : classify_error(b.error_code);
      // The spot doc sample carries only a message ("clientOrderId duplicate").
      if (b.error_code.empty() && b.error_msg.find("duplicate") != std::string::npos) b.errc = Errc::duplicate;
      r.failure.push_back(std::move(b));
    }
  }
  return r;
}

std::optional<OrderStatus> order_status_from_wire(std::string_view s) noexcept {
  if (s == "live" || s == "new" || s == "init") return OrderStatus::Acked;
  if (s == "partially_filled" || s == "partial_fill") return OrderStatus::PartiallyFilled;
  if (s == "filled" || s == "full_fill") return OrderStatus::Filled;
  if (s == "canceled" || s == "cancelled") return OrderStatus::Canceled;
  return std::nullopt;
}

Side trade_direction(Side wire_side, std::string_view trade_side, std::string_view pos_side,
                     std::optional<PositionMode> mode, bool side_is_position_direction) noexcept {
  if (trade_side.find("close_long") != std::string_view::npos) return Side::Sell;
  if (trade_side.find("close_short") != std::string_view::npos) return Side::Buy;
  if (mode != PositionMode::Hedge || trade_side != "close") return wire_side;
  if (pos_side == "long") return Side::Sell;
  if (pos_side == "short") return Side::Buy;
  return side_is_position_direction ? opposite(wire_side) : wire_side;
}

WireResult<VenueOrder> parse_perp_order_detail(const json& data, UnixNanos ts_init) {
  return parse_order_object(data, "data", MarketType::Perp, ts_init, true);
}

WireResult<std::vector<VenueOrder>> parse_perp_order_list(const json& data, UnixNanos ts_init) {
  if (!data.is_object()) return bad_payload("data: expected an object");
  return parse_each_in(data, "entrustedList", "data", [&](const json& o, const std::string& ctx) {
    return parse_order_object(o, ctx, MarketType::Perp, ts_init, true);
  });
}

WireResult<std::vector<VenueOrder>> parse_spot_orders(const json& data, UnixNanos ts_init) {
  if (data.is_null()) return std::vector<VenueOrder>{};
  auto order = [&](const json& o, const std::string& ctx) {
    return parse_order_object(o, ctx, MarketType::Spot, ts_init, true);
  };
  // orderInfo documents an array but tolerate a single object.
  if (data.is_object()) {
    CARRY_TRY_ASSIGN(r, order(data, "data"));
    return std::vector<VenueOrder>{std::move(r)};
  }
  return parse_each(data, "data", order);
}

WireResult<FillsPage> parse_perp_fills(const json& data, UnixNanos ts_init) {
  FillsPage page;
  if (!data.is_object()) return bad_payload("data: expected an object");
  page.end_id = text_or(data, "endId");
  CARRY_TRY_ASSIGN(fills, parse_each_in(data, "fillList", "data", [&](const json& o, const std::string& ctx) {
                     return parse_fill_object(o, ctx, MarketType::Perp, ts_init, /*side_is_position_direction=*/true);
                   }));
  page.fills = std::move(fills);
  return page;
}

WireResult<std::vector<Fill>> parse_spot_fills(const json& data, UnixNanos ts_init) {
  if (data.is_null()) return std::vector<Fill>{};
  return parse_each(data, "data", [&](const json& o, const std::string& ctx) {
    return parse_fill_object(o, ctx, MarketType::Spot, ts_init, false);
  });
}

WireResult<std::vector<PositionRecord>> parse_positions(const json& data, UnixNanos ts_init) {
  if (data.is_null()) return std::vector<PositionRecord>{};
  return parse_each(data, "data",
                    [&](const json& o, const std::string& ctx) { return parse_position_object(o, ctx, ts_init); });
}

WireResult<std::vector<FuturesAccount>> parse_futures_accounts(const json& data, UnixNanos ts_init) {
  if (data.is_object()) {
    CARRY_TRY_ASSIGN(a, parse_futures_account_object(data, "data", ts_init));
    return std::vector<FuturesAccount>{std::move(a)};
  }
  return parse_each(data, "data", [&](const json& o, const std::string& ctx) {
    return parse_futures_account_object(o, ctx, ts_init);
  });
}

WireResult<FuturesAccount> parse_futures_account(const json& data, UnixNanos ts_init) {
  if (!data.is_object()) return bad_payload("data: expected an object");
  CARRY_TRY_ASSIGN(a, parse_futures_account_object(data, "data", ts_init));
  if (a.margin_mode != "crossed" && a.margin_mode != "isolated")
    return bad_payload("data.marginMode: expected crossed or isolated, got \"" + a.margin_mode + "\"");
  if (!a.pos_mode)
    return bad_payload("data.posMode: expected one_way_mode or hedge_mode, got \"" + text_or(data, "posMode") + "\"");
  return a;
}

WireResult<std::vector<BalanceUpdate>> parse_spot_assets(const json& data, UnixNanos ts_init) {
  return parse_each(data, "data",
                    [&](const json& o, const std::string& ctx) { return parse_spot_balance_object(o, ctx, ts_init); });
}

WireResult<BillsPage> parse_account_bills(const json& data) {
  BillsPage page;
  if (!data.is_object()) return bad_payload("data: expected an object");
  page.end_id = text_or(data, "endId");
  CARRY_TRY_ASSIGN(bills,
                   parse_each_in(data, "bills", "data", [](const json& o, const std::string& ctx) -> WireResult<Bill> {
                     Bill b;
                     CARRY_TRY_ASSIGN(id, text(o, "billId", ctx));
                     CARRY_TRY_ASSIGN(type, text(o, "businessType", ctx));
                     CARRY_TRY_ASSIGN(amount, dec(o, "amount", ctx));
                     CARRY_TRY_ASSIGN(fee, opt_dec(o, "fee", ctx));
                     CARRY_TRY_ASSIGN(balance, opt_dec(o, "balance", ctx));
                     CARRY_TRY_ASSIGN(ts, ms_time(o, "cTime", ctx));
                     b.bill_id = std::move(id);
                     b.business_type = std::move(type);
                     b.symbol = text_or(o, "symbol");
                     b.coin = text_or(o, "coin");
                     b.amount = amount;
                     b.fee = fee.value_or(Decimal{});
                     b.balance = balance;
                     b.ts = ts;
                     return b;
                   }));
  page.bills = std::move(bills);
  return page;
}

std::vector<FundingPayment> funding_payments(const BillsPage& page, UnixNanos ts_init) {
  std::vector<FundingPayment> out;
  for (const auto& b : page.bills) {
    if (b.business_type != "contract_settle_fee") continue;
    FundingPayment p;
    p.symbol = b.symbol;
    p.amount = b.amount;
    p.ts_event = b.ts;
    p.ts_init = ts_init;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace carry::bitget
