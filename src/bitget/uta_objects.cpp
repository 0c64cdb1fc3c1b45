#include "uta_objects.hpp"

#include <carry/bitget/uta_requests.hpp>

#include "json_fields.hpp"

namespace carry::bitget::uta::detail {

using namespace carry::bitget::detail;

namespace {

WireResult<MarketType> market_field(const json& o, const std::string& ctx) {
  CARRY_TRY_ASSIGN(c, text(o, "category", ctx));
  auto m = market_from_category(c);
  if (!m) return bad_payload(path(ctx, "category") + ": unsupported value \"" + c + "\"");
  return *m;
}

// feeDetail [{feeCoin, fee}]; entries with null values (open orders) carry nothing. Only the first
// coin is summed: a second coin (a fee deduction) is not the same money.
struct FeeSum {
  std::optional<Decimal> paid;
  std::string coin;
};
WireResult<FeeSum> fee_detail(const json& o, const std::string& ctx) {
  FeeSum sum;
  const json* fd = find(o, "feeDetail");
  if (!fd) return sum;
  if (!fd->is_array()) return bad_payload(path(ctx, "feeDetail") + ": expected an array");
  for (std::size_t i = 0; i < fd->size(); ++i) {
    const std::string where = index_path(path(ctx, "feeDetail"), i);
    CARRY_TRY_ASSIGN(fee, opt_dec((*fd)[i], "fee", where));
    if (!fee) continue;
    const std::string coin = text_or((*fd)[i], "feeCoin");
    if (sum.coin.empty()) sum.coin = coin;
    if (coin != sum.coin) continue;
    sum.paid = sum.paid.value_or(Decimal{}) + *fee;
  }
  return sum;
}

WireResult<TimeInForce> tif_field(const json& o, const std::string& ctx) {
  CARRY_TRY_ASSIGN(t, text(o, "timeInForce", ctx));
  if (t == "gtc") return TimeInForce::Gtc;
  if (t == "post_only") return TimeInForce::PostOnly;
  if (t == "ioc") return TimeInForce::Ioc;
  if (t == "fok") return TimeInForce::Fok;
  return bad_payload(path(ctx, "timeInForce") + ": unknown value \"" + t + "\"");
}

WireResult<OrderType> type_field(const json& o, const std::string& ctx) {
  CARRY_TRY_ASSIGN(t, text(o, "orderType", ctx));
  if (t == "limit") return OrderType::Limit;
  if (t == "market") return OrderType::Market;
  return bad_payload(path(ctx, "orderType") + ": unknown value \"" + t + "\"");
}

WireResult<std::optional<PositionMode>> hold_mode(const json& o, const std::string& ctx) {
  auto hm = opt_text(o, "holdMode");
  if (!hm || hm->empty()) return std::optional<PositionMode>{};  // spot orders: ""
  auto m = position_mode_from_wire(*hm);
  if (!m) return bad_payload(path(ctx, "holdMode") + ": unknown value \"" + *hm + "\"");
  return std::optional<PositionMode>{*m};
}

bool yes(std::string_view s) { return s == "yes" || s == "YES" || s == "Yes"; }

std::optional<Decimal> positive(std::optional<Decimal> d) { return d && d->is_positive() ? d : std::nullopt; }

}  // namespace

WireResult<std::optional<Ticker>> parse_ticker_object(const json& o, const std::string& ctx, std::string symbol,
                                                      MarketType market, UnixNanos fallback_ts, UnixNanos ts_init) {
  if (!o.is_object()) return bad_payload(ctx + ": expected an object");
  CARRY_TRY_ASSIGN(bid, opt_dec(o, "bid1Price", ctx));
  CARRY_TRY_ASSIGN(ask, opt_dec(o, "ask1Price", ctx));
  if (!bid || !ask) return std::optional<Ticker>{};
  Ticker t;
  t.bbo.symbol = std::move(symbol);
  t.bbo.market = market;
  t.bbo.bid_price = *bid;
  t.bbo.ask_price = *ask;
  CARRY_TRY_ASSIGN(bid_sz, dec(o, "bid1Size", ctx));
  CARRY_TRY_ASSIGN(ask_sz, dec(o, "ask1Size", ctx));
  t.bbo.bid_size = bid_sz;
  t.bbo.ask_size = ask_sz;
  CARRY_TRY_ASSIGN(ts, opt_ms_time(o, "ts", ctx));
  t.bbo.ts_event = ts.value_or(fallback_ts);
  t.bbo.ts_init = ts_init;
  CARRY_TRY_ASSIGN(last, opt_dec(o, "lastPrice", ctx));
  t.last = last;
  CARRY_TRY_ASSIGN(turnover, opt_dec(o, "turnover24h", ctx, /*rounded=*/true));
  t.quote_volume_24h = turnover;
  if (market == MarketType::Perp) {
    CARRY_TRY_ASSIGN(mark, opt_dec(o, "markPrice", ctx, true));
    CARRY_TRY_ASSIGN(index, opt_dec(o, "indexPrice", ctx, /*rounded=*/true));
    CARRY_TRY_ASSIGN(rate, opt_dec(o, "fundingRate", ctx));
    t.mark_price = mark;
    t.index_price = index;
    t.funding_rate = rate;
  }
  return std::optional<Ticker>{std::move(t)};
}

WireResult<VenueOrder> parse_order_object(const json& o, const std::string& ctx, UnixNanos ts_init) {
  if (!o.is_object()) return bad_payload(ctx + ": expected an object");
  VenueOrder r;
  OrderUpdate& u = r.order;
  CARRY_TRY_ASSIGN(market, market_field(o, ctx));
  CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
  CARRY_TRY_ASSIGN(order_id, text(o, "orderId", ctx));
  CARRY_TRY_ASSIGN(status_text, text(o, "orderStatus", ctx));
  auto status = order_status_from_wire(status_text);
  if (!status) return bad_payload(path(ctx, "orderStatus") + ": unknown value \"" + status_text + "\"");
  CARRY_TRY_ASSIGN(side, side_field(o, "side", ctx));
  CARRY_TRY_ASSIGN(type, type_field(o, ctx));
  CARRY_TRY_ASSIGN(tif, tif_field(o, ctx));
  CARRY_TRY_ASSIGN(mode, hold_mode(o, ctx));
  u.market = market;
  u.symbol = std::move(symbol);
  u.order_id = std::move(order_id);
  u.client_oid = text_or(o, "clientOid");
  u.status = *status;
  u.side = side;  // v3: always the trade direction, hedge closes included
  u.type = type;
  u.tif = tif;
  r.pos_mode = mode;
  r.pos_side = text_or(o, "posSide", text_or(o, "holdSide"));
  r.trade_side = text_or(o, "tradeSide");
  u.reduce_only = yes(text_or(o, "reduceOnly"));
  CARRY_TRY_ASSIGN(filled, dec(o, "cumExecQty", ctx));
  CARRY_TRY_ASSIGN(avg, opt_dec(o, "avgPrice", ctx));
  CARRY_TRY_ASSIGN(price, opt_dec(o, "price", ctx));
  CARRY_TRY_ASSIGN(qty, dec(o, "qty", ctx));
  u.filled_size = filled;
  u.avg_price = positive(avg);
  if (type == OrderType::Limit) {
    if (!price || !price->is_positive()) return bad_payload(path(ctx, "price") + ": limit order without a price");
    u.price = price;
  }
  if (market == MarketType::Spot && type == OrderType::Market && side == Side::Buy) {
    CARRY_TRY_ASSIGN(amount, dec(o, "amount", ctx));  // quote coin ordered; qty reads 0
    r.quote_size = amount;
    u.size = filled;
  } else {
    u.size = qty;
  }
  CARRY_TRY_ASSIGN(fee, fee_detail(o, ctx));
  r.fee_paid = fee.paid;
  r.fee_coin = fee.coin;
  u.reason = text_or(o, "cancelReason");
  CARRY_TRY_ASSIGN(created, opt_ms_time(o, "createdTime", ctx));
  CARRY_TRY_ASSIGN(updated, opt_ms_time(o, "updatedTime", ctx));
  r.created = created.value_or(UnixNanos{});
  u.ts_event = updated.value_or(r.created);
  u.ts_init = ts_init;
  return r;
}

WireResult<Fill> parse_fill_object(const json& o, const std::string& ctx, UnixNanos ts_init) {
  if (!o.is_object()) return bad_payload(ctx + ": expected an object");
  Fill f;
  CARRY_TRY_ASSIGN(market, market_field(o, ctx));
  CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
  CARRY_TRY_ASSIGN(exec_id, text(o, "execId", ctx));
  CARRY_TRY_ASSIGN(order_id, text(o, "orderId", ctx));
  CARRY_TRY_ASSIGN(side, side_field(o, "side", ctx));
  CARRY_TRY_ASSIGN(price, dec(o, "execPrice", ctx));
  CARRY_TRY_ASSIGN(qty, dec(o, "execQty", ctx));
  CARRY_TRY_ASSIGN(scope, text(o, "tradeScope", ctx));
  if (scope != "maker" && scope != "taker")
    return bad_payload(path(ctx, "tradeScope") + ": unknown value \"" + scope + "\"");
  // REST carries createdTime, the WS fill push execTime.
  CARRY_TRY_ASSIGN(ts, ms_time(o, find(o, "execTime") ? "execTime" : "createdTime", ctx));
  CARRY_TRY_ASSIGN(fee, fee_detail(o, ctx));
  f.market = market;
  f.symbol = std::move(symbol);
  f.trade_id = std::move(exec_id);
  f.order_id = std::move(order_id);
  f.client_oid = text_or(o, "clientOid");
  f.side = side;
  f.price = price;
  f.size = qty;
  f.fee = fee.paid.value_or(Decimal{});  // no feeDetail entry: nothing was charged
  f.fee_coin = fee.coin;
  f.maker = scope == "maker";
  f.ts_event = ts;
  f.ts_init = ts_init;
  return f;
}

WireResult<PositionRecord> parse_position_object(const json& o, const std::string& ctx, UnixNanos ts_init) {
  if (!o.is_object()) return bad_payload(ctx + ": expected an object");
  PositionRecord r;
  PositionUpdate& p = r.position;
  CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
  CARRY_TRY_ASSIGN(pos_side, text(o, "posSide", ctx));
  if (pos_side != "long" && pos_side != "short")
    return bad_payload(path(ctx, "posSide") + ": unknown value \"" + pos_side + "\"");
  CARRY_TRY_ASSIGN(mode, hold_mode(o, ctx));
  if (!mode) return bad_payload(path(ctx, "holdMode") + ": missing");
  const char* size_key = find(o, "total") ? "total" : "size";  // REST total, WS size
  CARRY_TRY_ASSIGN(total, dec(o, size_key, ctx));
  p.symbol = std::move(symbol);
  p.size = pos_side == "long" ? total : -total;
  r.pos_mode = mode;
  p.side = *mode == PositionMode::Hedge ? (pos_side == "long" ? PositionSide::Long : PositionSide::Short)
                                        : PositionSide::Net;
  CARRY_TRY_ASSIGN(entry, opt_dec(o, "avgPrice", ctx, true));
  CARRY_TRY_ASSIGN(mark, opt_dec(o, "markPrice", ctx));
  CARRY_TRY_ASSIGN(upl, opt_dec(o, "unrealisedPnl", ctx, true));
  p.entry_price = positive(entry);  // an ended WS position reads avgPrice "0"
  p.mark_price = mark;
  p.unrealized_pnl = upl.value_or(Decimal{});
  CARRY_TRY_ASSIGN(avail, opt_dec(o, "available", ctx));
  CARRY_TRY_ASSIGN(lev, opt_dec(o, "leverage", ctx));
  const char* liq_key = find(o, "liquidationPrice") ? "liquidationPrice" : "liqPrice";
  CARRY_TRY_ASSIGN(liq, opt_dec(o, liq_key, ctx, true));
  const char* funding_key = find(o, "totalFunding") ? "totalFunding" : "totalFundingFee";
  CARRY_TRY_ASSIGN(funding, opt_dec(o, funding_key, ctx, true));
  r.available = avail.value_or(Decimal{});
  r.leverage = lev;
  r.liquidation_price = positive(liq);  // <= 0: no liquidation (doc)
  r.accumulated_funding = funding;
  r.margin_mode = text_or(o, "marginMode");
  r.margin_coin = text_or(o, "marginCoin");
  CARRY_TRY_ASSIGN(updated, opt_ms_time(o, "updatedTime", ctx));
  CARRY_TRY_ASSIGN(created, opt_ms_time(o, "createdTime", ctx));
  p.ts_event = updated ? *updated : created.value_or(UnixNanos{});
  p.ts_init = ts_init;
  return r;
}

WireResult<BalanceUpdate> parse_coin_balance(const json& o, const std::string& ctx, MarketType account,
                                             UnixNanos ts_event, UnixNanos ts_init) {
  if (!o.is_object()) return bad_payload(ctx + ": expected an object");
  BalanceUpdate b;
  b.account = account;
  CARRY_TRY_ASSIGN(coin, text(o, "coin", ctx));
  CARRY_TRY_ASSIGN(available, dec_rounded(o, "available", ctx));
  CARRY_TRY_ASSIGN(locked, opt_dec(o, "locked", ctx, true));
  CARRY_TRY_ASSIGN(equity, opt_dec(o, "equity", ctx, true));
  b.coin = std::move(coin);
  b.available = available;
  b.frozen = locked.value_or(Decimal{});
  b.equity = equity;
  b.ts_event = ts_event;
  b.ts_init = ts_init;
  return b;
}

}  // namespace carry::bitget::uta::detail
