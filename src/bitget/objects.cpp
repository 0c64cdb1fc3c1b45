#include "objects.hpp"

#include "json_fields.hpp"

namespace carry::bitget::detail {

namespace {

std::optional<std::string> symbol_of(const json& o) {
  auto s = opt_text(o, "symbol");
  if (!s || s->empty()) s = opt_text(o, "instId");
  return s;
}

bool yes(std::string_view s) { return s == "YES" || s == "yes" || s == "Yes"; }

struct FeeSum {
  std::optional<Decimal> total;  // as Bitget signs it: negative = paid
  std::string coin;
};

// feeDetail entries: [{feeCoin, fee}] (WS orders) or [{feeCoin, totalFee, ...}] (fills).
WireResult<FeeSum> sum_fee_entries(const json& arr, const std::string& ctx) {
  FeeSum sum;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const json& e = arr[i];
    const std::string where = index_path(ctx, i);
    const char* key = find(e, "totalFee") ? "totalFee" : "fee";
    CARRY_TRY_ASSIGN(v, opt_dec(e, key, where));
    if (!v) continue;
    const std::string coin = text_or(e, "feeCoin");
    if (sum.coin.empty()) sum.coin = coin;
    if (coin != sum.coin) continue;  // a second fee coin (deduction) is not merged into the first
    sum.total = sum.total.value_or(Decimal{}) + *v;
  }
  return sum;
}

// Spot orderInfo/history: feeDetail is a JSON-encoded string
// {"newFees":{...},"LTC":{"feeCoinCode":"LTC","totalFee":-0.0000794,...}}.
WireResult<FeeSum> fee_from_encoded(const std::string& text, const std::string& where) {
  FeeSum sum;
  if (text.empty()) return sum;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_payload(where + ": not a JSON-encoded object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "newFees" || !it->is_object()) continue;
    const json* tf = find(*it, "totalFee");
    if (!tf) continue;
    Result<Decimal> v = tf->is_number() ? Decimal::from_double(tf->get<double>())
                                        : Decimal::parse(tf->is_string() ? tf->get<std::string>() : std::string("x"));
    if (!v) return bad_payload(where + "." + it.key() + ".totalFee: not a decimal");
    sum.coin = text_or(*it, "feeCoinCode", it.key());
    sum.total = *v;
    break;
  }
  return sum;
}

WireResult<FeeSum> order_fee(const json& o, const std::string& ctx) {
  if (const json* fd = find(o, "feeDetail")) {
    if (fd->is_array()) return sum_fee_entries(*fd, path(ctx, "feeDetail"));
    if (fd->is_string()) return fee_from_encoded(fd->get<std::string>(), path(ctx, "feeDetail"));
    if (fd->is_object()) return sum_fee_entries(json::array({*fd}), path(ctx, "feeDetail"));
    return bad_payload(path(ctx, "feeDetail") + ": unexpected type");
  }
  FeeSum sum;
  CARRY_TRY_ASSIGN(fee, opt_dec(o, "fee", ctx));
  sum.total = fee;
  sum.coin = text_or(o, "marginCoin");
  return sum;
}

WireResult<TimeInForce> tif_field(const json& o, const std::string& ctx) {
  auto f = opt_text(o, "force");
  if (!f || f->empty() || *f == "gtc" || *f == "normal") return TimeInForce::Gtc;  // spot REST lists omit it
  if (*f == "post_only") return TimeInForce::PostOnly;
  if (*f == "ioc") return TimeInForce::Ioc;
  if (*f == "fok") return TimeInForce::Fok;
  return bad_payload(path(ctx, "force") + ": unknown value \"" + *f + "\"");
}

WireResult<OrderType> type_field(const json& o, const std::string& ctx) {
  CARRY_TRY_ASSIGN(t, text(o, "orderType", ctx));
  if (t == "limit") return OrderType::Limit;
  if (t == "market") return OrderType::Market;
  return bad_payload(path(ctx, "orderType") + ": unknown value \"" + t + "\"");
}

}  // namespace

WireResult<Ticker> parse_ticker_object(const json& o, const std::string& ctx, MarketType market, UnixNanos ts_init) {
  Ticker t;
  t.bbo.market = market;
  auto sym = opt_text(o, "symbol");
  if (!sym) sym = opt_text(o, "instId");
  if (!sym) return bad_payload(path(ctx, "symbol") + ": missing");
  t.bbo.symbol = *sym;
  CARRY_TRY_ASSIGN(bid, dec(o, "bidPr", ctx));
  CARRY_TRY_ASSIGN(ask, dec(o, "askPr", ctx));
  CARRY_TRY_ASSIGN(bid_sz, dec(o, "bidSz", ctx));
  CARRY_TRY_ASSIGN(ask_sz, dec(o, "askSz", ctx));
  t.bbo.bid_price = bid;
  t.bbo.ask_price = ask;
  t.bbo.bid_size = bid_sz;
  t.bbo.ask_size = ask_sz;
  CARRY_TRY_ASSIGN(ts, ms_time(o, "ts", ctx));
  t.bbo.ts_event = ts;
  t.bbo.ts_init = ts_init;
  CARRY_TRY_ASSIGN(last, opt_dec(o, "lastPr", ctx));
  t.last = last;
  CARRY_TRY_ASSIGN(usdt_volume, opt_dec(o, "usdtVolume", ctx, /*rounded=*/true));
  CARRY_TRY_ASSIGN(quote_volume, opt_dec(o, "quoteVolume", ctx, /*rounded=*/true));
  t.quote_volume_24h = usdt_volume ? usdt_volume : quote_volume;
  if (market == MarketType::Perp) {
    CARRY_TRY_ASSIGN(mark, opt_dec(o, "markPrice", ctx));
    CARRY_TRY_ASSIGN(index, opt_dec(o, "indexPrice", ctx, /*rounded=*/true));
    CARRY_TRY_ASSIGN(rate, opt_dec(o, "fundingRate", ctx));
    t.mark_price = mark;
    t.index_price = index;
    t.funding_rate = rate;
  }
  return t;
}

WireResult<TradeTick> parse_trade_object(const json& o, const std::string& ctx, std::string symbol, MarketType market,
                                         UnixNanos ts_init) {
  TradeTick t;
  t.symbol = std::move(symbol);
  t.market = market;
  CARRY_TRY_ASSIGN(price, dec(o, "price", ctx));
  CARRY_TRY_ASSIGN(size, dec(o, "size", ctx));
  CARRY_TRY_ASSIGN(side, side_field(o, "side", ctx));
  CARRY_TRY_ASSIGN(id, text(o, "tradeId", ctx));
  CARRY_TRY_ASSIGN(ts, ms_time(o, "ts", ctx));
  t.price = price;
  t.size = size;
  t.aggressor = side;
  t.trade_id = std::move(id);
  t.ts_event = ts;
  t.ts_init = ts_init;
  return t;
}

WireResult<VenueOrder> parse_order_object(const json& o, const std::string& ctx, MarketType market, UnixNanos ts_init,
                                          bool side_is_position_direction) {
  if (!o.is_object()) return bad_payload(ctx + ": expected an object");
  VenueOrder r;
  OrderUpdate& u = r.order;
  u.market = market;
  auto sym = symbol_of(o);
  if (!sym) return bad_payload(path(ctx, "symbol") + ": missing");
  u.symbol = *sym;
  CARRY_TRY_ASSIGN(order_id, text(o, "orderId", ctx));
  u.order_id = std::move(order_id);
  u.client_oid = text_or(o, "clientOid");
  const char* status_key = find(o, "state") ? "state" : "status";
  CARRY_TRY_ASSIGN(status_text, text(o, status_key, ctx));
  auto status = order_status_from_wire(status_text);
  if (!status) return bad_payload(path(ctx, status_key) + ": unknown status \"" + status_text + "\"");
  u.status = *status;
  CARRY_TRY_ASSIGN(wire_side, side_field(o, "side", ctx));
  CARRY_TRY_ASSIGN(type, type_field(o, ctx));
  CARRY_TRY_ASSIGN(tif, tif_field(o, ctx));
  u.type = type;
  u.tif = tif;
  r.pos_side = text_or(o, "posSide");
  r.trade_side = text_or(o, "tradeSide");
  if (auto pm = opt_text(o, "posMode")) {
    r.pos_mode = position_mode_from_wire(*pm);
    if (!r.pos_mode) return bad_payload(path(ctx, "posMode") + ": unknown value \"" + *pm + "\"");
  }
  u.side = trade_direction(wire_side, r.trade_side, r.pos_side, r.pos_mode, side_is_position_direction);
  u.reduce_only = yes(text_or(o, "reduceOnly")) ||
                  (r.pos_mode == PositionMode::Hedge && r.trade_side.find("close") != std::string::npos);

  const char* filled_key = find(o, "accBaseVolume") ? "accBaseVolume" : "baseVolume";
  CARRY_TRY_ASSIGN(filled, opt_dec(o, filled_key, ctx));
  u.filled_size = filled.value_or(Decimal{});
  CARRY_TRY_ASSIGN(avg, opt_dec(o, "priceAvg", ctx));
  CARRY_TRY_ASSIGN(size, dec(o, "size", ctx));
  if (type == OrderType::Limit) {
    if (find(o, "price")) {
      CARRY_TRY_ASSIGN(price, opt_dec(o, "price", ctx));
      u.price = price;
      if (avg && avg->is_positive()) u.avg_price = avg;
    } else {
      // spot unfilled-orders: no `price`, priceAvg carries the limit price
      u.price = avg;
      if (u.filled_size.is_positive()) u.avg_price = avg;
    }
    if (!u.price || !u.price->is_positive()) return bad_payload(path(ctx, "price") + ": limit order without a price");
  } else if (avg && avg->is_positive()) {
    u.avg_price = avg;
  }
  if (market == MarketType::Spot && type == OrderType::Market && u.side == Side::Buy) {
    r.quote_size = size;  // market BUY size is quote coin; the base size is what filled
    u.size = u.filled_size;
  } else {
    u.size = size;
  }
  CARRY_TRY_ASSIGN(fee, order_fee(o, ctx));
  if (fee.total) r.fee_paid = -*fee.total;
  r.fee_coin = fee.coin;
  u.reason = text_or(o, "cancelReason");
  CARRY_TRY_ASSIGN(created, opt_ms_time(o, "cTime", ctx));
  CARRY_TRY_ASSIGN(updated, opt_ms_time(o, "uTime", ctx));
  r.created = created.value_or(UnixNanos{});
  u.ts_event = updated ? *updated : r.created;
  u.ts_init = ts_init;
  return r;
}

WireResult<Fill> parse_fill_object(const json& o, const std::string& ctx, MarketType market, UnixNanos ts_init,
                                   bool side_is_position_direction) {
  if (!o.is_object()) return bad_payload(ctx + ": expected an object");
  Fill f;
  f.market = market;
  auto sym = symbol_of(o);
  if (!sym) return bad_payload(path(ctx, "symbol") + ": missing");
  f.symbol = *sym;
  CARRY_TRY_ASSIGN(trade_id, text(o, "tradeId", ctx));
  CARRY_TRY_ASSIGN(order_id, text(o, "orderId", ctx));
  f.trade_id = std::move(trade_id);
  f.order_id = std::move(order_id);
  f.client_oid = text_or(o, "clientOid");
  CARRY_TRY_ASSIGN(wire_side, side_field(o, "side", ctx));
  std::optional<PositionMode> mode;
  if (auto pm = opt_text(o, "posMode")) mode = position_mode_from_wire(*pm);
  f.side = trade_direction(wire_side, text_or(o, "tradeSide"), text_or(o, "posSide"), mode, side_is_position_direction);
  const char* price_key = find(o, "price") ? "price" : "priceAvg";
  const char* size_key = find(o, "baseVolume") ? "baseVolume" : "size";
  CARRY_TRY_ASSIGN(price, dec(o, price_key, ctx));
  CARRY_TRY_ASSIGN(size, dec(o, size_key, ctx));
  f.price = price;
  f.size = size;
  CARRY_TRY_ASSIGN(fee, order_fee(o, ctx));
  f.fee = fee.total ? -*fee.total : Decimal{};  // Bitget: negative = paid; core: positive = paid
  f.fee_coin = fee.coin;
  const std::string scope = text_or(o, "tradeScope");
  // "marker" is how the spot fill channel doc spells maker.
  if (scope == "maker" || scope == "marker" || scope == "M") {
    f.maker = true;
  } else if (scope == "taker" || scope == "T") {
    f.maker = false;
  } else {
    return bad_payload(path(ctx, "tradeScope") + ": unknown value \"" + scope + "\"");
  }
  CARRY_TRY_ASSIGN(ts, ms_time(o, "cTime", ctx));
  f.ts_event = ts;
  f.ts_init = ts_init;
  return f;
}

WireResult<PositionRecord> parse_position_object(const json& o, const std::string& ctx, UnixNanos ts_init) {
  if (!o.is_object()) return bad_payload(ctx + ": expected an object");
  PositionRecord r;
  PositionUpdate& p = r.position;
  auto sym = symbol_of(o);
  if (!sym) return bad_payload(path(ctx, "symbol") + ": missing");
  p.symbol = *sym;
  CARRY_TRY_ASSIGN(hold, text(o, "holdSide", ctx));
  if (hold != "long" && hold != "short") return bad_payload(path(ctx, "holdSide") + ": unknown value \"" + hold + "\"");
  if (auto pm = opt_text(o, "posMode")) {
    r.pos_mode = position_mode_from_wire(*pm);
    if (!r.pos_mode) return bad_payload(path(ctx, "posMode") + ": unknown value \"" + *pm + "\"");
  }
  CARRY_TRY_ASSIGN(total, dec(o, "total", ctx));
  p.size = hold == "long" ? total : -total;
  p.side = r.pos_mode == PositionMode::Hedge ? (hold == "long" ? PositionSide::Long : PositionSide::Short)
                                             : PositionSide::Net;
  CARRY_TRY_ASSIGN(entry, opt_dec(o, "openPriceAvg", ctx, true));
  CARRY_TRY_ASSIGN(mark, opt_dec(o, "markPrice", ctx));
  CARRY_TRY_ASSIGN(upl, opt_dec(o, "unrealizedPL", ctx, true));
  p.entry_price = entry;
  p.mark_price = mark;
  p.unrealized_pnl = upl.value_or(Decimal{});
  CARRY_TRY_ASSIGN(avail, opt_dec(o, "available", ctx));
  r.available = avail.value_or(Decimal{});
  CARRY_TRY_ASSIGN(lev, opt_dec(o, "leverage", ctx));
  CARRY_TRY_ASSIGN(liq, opt_dec(o, "liquidationPrice", ctx, true));
  CARRY_TRY_ASSIGN(funding, opt_dec(o, "totalFee", ctx, true));
  r.leverage = lev;
  if (liq && liq->is_positive()) r.liquidation_price = liq;  // <= 0 means none
  r.accumulated_funding = funding;
  r.margin_mode = text_or(o, "marginMode");
  r.margin_coin = text_or(o, "marginCoin");
  CARRY_TRY_ASSIGN(updated, opt_ms_time(o, "uTime", ctx));
  CARRY_TRY_ASSIGN(created, opt_ms_time(o, "cTime", ctx));
  p.ts_event = updated ? *updated : created.value_or(UnixNanos{});
  p.ts_init = ts_init;
  return r;
}

WireResult<FuturesAccount> parse_futures_account_object(const json& o, const std::string& ctx, UnixNanos ts_init) {
  if (!o.is_object()) return bad_payload(ctx + ": expected an object");
  FuturesAccount a;
  BalanceUpdate& b = a.balance;
  b.account = MarketType::Perp;
  CARRY_TRY_ASSIGN(coin, text(o, "marginCoin", ctx));
  b.coin = std::move(coin);
  CARRY_TRY_ASSIGN(available, dec_rounded(o, "available", ctx));
  b.available = available;
  const char* frozen_key = find(o, "locked") ? "locked" : "frozen";  // REST locked, WS frozen
  CARRY_TRY_ASSIGN(frozen, opt_dec(o, frozen_key, ctx, true));
  b.frozen = frozen.value_or(Decimal{});
  const char* equity_key = find(o, "accountEquity") ? "accountEquity" : "equity";
  CARRY_TRY_ASSIGN(equity, opt_dec(o, equity_key, ctx, true));
  b.equity = equity;
  CARRY_TRY_ASSIGN(usdt_equity, opt_dec(o, "usdtEquity", ctx, true));
  CARRY_TRY_ASSIGN(upl, opt_dec(o, "unrealizedPL", ctx, true));
  CARRY_TRY_ASSIGN(risk, opt_dec(o, "crossedRiskRate", ctx, true));
  a.usdt_equity = usdt_equity;
  a.unrealized_pl = upl;
  a.crossed_risk_rate = risk;
  a.margin_mode = text_or(o, "marginMode");
  a.asset_mode = text_or(o, "assetMode");
  if (auto pm = opt_text(o, "posMode")) a.pos_mode = position_mode_from_wire(*pm);
  CARRY_TRY_ASSIGN(crossed_lever, opt_dec(o, "crossedMarginLeverage", ctx));
  CARRY_TRY_ASSIGN(long_lever, opt_dec(o, "isolatedLongLever", ctx));
  CARRY_TRY_ASSIGN(short_lever, opt_dec(o, "isolatedShortLever", ctx));
  a.crossed_leverage = crossed_lever;
  a.isolated_long_leverage = long_lever;
  a.isolated_short_leverage = short_lever;
  b.ts_event = ts_init;  // the account shapes carry no update time
  b.ts_init = ts_init;
  return a;
}

WireResult<BalanceUpdate> parse_spot_balance_object(const json& o, const std::string& ctx, UnixNanos ts_init) {
  if (!o.is_object()) return bad_payload(ctx + ": expected an object");
  BalanceUpdate b;
  b.account = MarketType::Spot;
  CARRY_TRY_ASSIGN(coin, text(o, "coin", ctx));
  b.coin = std::move(coin);
  CARRY_TRY_ASSIGN(available, dec_rounded(o, "available", ctx));
  CARRY_TRY_ASSIGN(frozen, opt_dec(o, "frozen", ctx, true));
  CARRY_TRY_ASSIGN(locked, opt_dec(o, "locked", ctx, true));
  b.available = available;
  b.frozen = frozen.value_or(Decimal{}) + locked.value_or(Decimal{});
  CARRY_TRY_ASSIGN(updated, opt_ms_time(o, "uTime", ctx));
  b.ts_event = updated.value_or(ts_init);
  b.ts_init = ts_init;
  return b;
}

}  // namespace carry::bitget::detail
