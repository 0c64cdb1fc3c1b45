#include "wire_v3.hpp"

namespace carry::sim::wire::v3 {

namespace {

std::string ms(std::int64_t v) { return std::to_string(v); }

// Hedge closes run on the engine as the position's direction; v3 reports the trade's direction.
Side trade_direction(Side engine_side, bool hedge_close) {
  if (!hedge_close) return engine_side;
  return engine_side == Side::Buy ? Side::Sell : Side::Buy;
}

std::string lower_category(Market m) { return m == Market::Perp ? "usdt-futures" : "spot"; }

json fee_detail(const std::string& coin, Decimal engine_fee) {
  return json::array({{{"feeCoin", coin}, {"fee", num(-engine_fee)}}});
}

std::string ratio_24h(Decimal open, Decimal last) {
  if (!open.is_positive()) return "0";
  return num(((last - open) / open).round_to_decimals(5, Rounding::HalfEven).value());
}

}  // namespace

std::string category(Market m) { return m == Market::Perp ? "USDT-FUTURES" : "SPOT"; }

std::string status(const Order& o) {
  switch (o.status) {
    case OrdStatus::Live:
      return "live";
    case OrdStatus::PartiallyFilled:
      return "partially_filled";
    case OrdStatus::Filled:
      return "filled";
    case OrdStatus::Canceled:
      return "cancelled";
  }
  return "live";
}

json order(const Order& o, const InstrumentSpec& spec, bool ws) {
  const bool perp = o.market == Market::Perp;
  const bool hedge = perp && o.pos_mode == "hedge_mode";
  const bool quote_sized = !perp && o.type == OrdType::Market && o.side == Side::Buy;
  const Side side = trade_direction(o.side, hedge && o.trade_side == "close");
  const bool market = o.type == OrdType::Market;
  json j = {{"orderId", o.order_id},
            {"clientOid", o.client_oid},
            // The push sample spells the category in lower case, the REST pages in upper case.
            {"category", ws ? lower_category(o.market) : category(o.market)},
            {"symbol", o.symbol},
            {"orderType", std::string(to_string(o.type))},
            {"side", std::string(to_string(side))},
            {"price", market ? (ws ? "" : "0") : spec.fmt_price(o.price)},
            {"qty", quote_sized ? "0" : num(o.size)},
            {"amount", quote_sized ? num(o.size) : "0"},
            {"cumExecQty", num(o.filled)},
            {"cumExecValue", num(o.filled_quote)},
            {"avgPrice", num(o.avg_price())},
            {"timeInForce", std::string(to_string(o.force))},
            {"orderStatus", status(o)},
            {ws ? "holdSide" : "posSide", hedge ? o.pos_side : ""},
            {"holdMode", perp ? o.pos_mode : ""},
            {"tradeSide", hedge ? o.trade_side : (o.reduce_only ? "close" : "open")},
            {"reduceOnly", ws ? (o.reduce_only ? "yes" : "no") : (o.reduce_only ? "YES" : "NO")},
            {"feeDetail", fee_detail(o.fee_coin, o.fee)},
            {"cancelReason", o.cancel_reason},
            {"createdTime", ms(o.c_time)},
            {"updatedTime", ms(o.u_time)}};
  if (!ws) {
    j["execType"] = "normal";
    return j;
  }
  j["stpMode"] = "none";
  if (perp) {
    j["marginMode"] = o.margin_mode;
    j["marginCoin"] = "USDT";
    j["leverage"] = std::to_string(o.leverage);
    j["totalProfit"] = "0";
  }
  return j;
}

std::string fill_trade_side(const Exchange& ex, const Fill& f) {
  if (f.trade_side == "open" || f.trade_side == "close") return f.trade_side;
  if (f.market != Market::Perp) return "open";
  const Order* o = ex.find_order(f.account, f.market, f.order_id, "");
  return (o && o->reduce_only) || !f.profit.is_zero() ? "close" : "open";
}

json fill(const Fill& f, const InstrumentSpec& spec, const std::string& trade_side, bool ws) {
  const bool perp = f.market == Market::Perp;
  const Side side = trade_direction(f.side, perp && f.pos_mode == "hedge_mode" && f.trade_side == "close");
  json j = {{"execId", f.trade_id},
            {"orderId", f.order_id},
            {"clientOid", f.client_oid},
            {"category", category(f.market)},
            {"symbol", f.symbol},
            {"orderType", std::string(to_string(f.type))},
            {"side", std::string(to_string(side))},
            {"execPrice", spec.fmt_price(f.price)},
            {"execQty", num(f.size)},
            {"execValue", num(f.quote)},
            {"tradeScope", f.maker ? "maker" : "taker"},
            {"tradeSide", trade_side},
            {"feeDetail", fee_detail(f.fee_coin, f.fee)},
            {"updatedTime", ms(f.ts)},
            {"execPnl", num(f.profit)}};
  if (!ws) {
    j["createdTime"] = ms(f.ts);
    return j;
  }
  j["execTime"] = ms(f.ts);
  j["execLinkId"] = f.trade_id;
  // The position the fill opened or closed: a buy opens a long and closes a short.
  j["holdSide"] = perp ? ((trade_side == "open") == (side == Side::Buy) ? "long" : "short") : "";
  return j;
}

json position(const Account& acc, const Position& p, const PositionFigures& fig, bool ended, bool ws) {
  json j = {{"symbol", p.symbol},
            {"marginCoin", "USDT"},
            {"posSide", p.hold_side},
            {ws ? "marginSize" : "positionBalance", num(fig.margin)},
            {"available", num(p.total)},
            {"frozen", "0"},
            {ws ? "size" : "total", num(p.total)},
            {"leverage", std::to_string(fig.leverage)},
            {"curRealisedPnl", num(p.achieved_profits)},
            {"avgPrice", ended ? "0" : num(p.open_price_avg)},
            {"marginMode", acc.margin_mode_for(p.symbol)},
            {"positionStatus", ended ? "ended" : "normal"},
            {"holdMode", acc.pos_mode},
            {"unrealisedPnl", num(fig.unrealized_pl)},
            {ws ? "liqPrice" : "liquidationPrice", ws ? "" : "0"},
            {"mmr", "0"},
            {"profitRate", "0"},
            {"markPrice", num(fig.mark)},
            {"breakEvenPrice", num(p.open_price_avg)},
            {ws ? "totalFundingFee" : "totalFunding", num(p.total_fee)},
            {"openFeeTotal", "0"},
            {"closeFeeTotal", "0"},
            {"createdTime", ms(p.c_time)},
            {"updatedTime", ms(p.u_time)}};
  if (!ws) j["category"] = "USDT-FUTURES";
  return j;
}

json account(const Account& acc, const Exchange::FuturesFigures& fig, bool ws) {
  json coins = json::array();
  Decimal total_usdt;
  for (const auto& [coin, avail] : acc.spot_available) {
    const Decimal frozen = acc.spot_frozen.count(coin) ? acc.spot_frozen.at(coin) : Decimal{};
    Decimal balance = avail + frozen, available = avail, locked = frozen, equity = avail + frozen;
    if (coin == "USDT") {
      balance = balance + fig.cash;
      equity = equity + fig.equity;
      available = available + fig.available;
      locked = locked + (fig.equity - fig.available);
      total_usdt = equity;
    }
    if (balance.is_zero() && coin != "USDT") continue;
    json c = {{"coin", coin},
              {"equity", num(equity)},
              {"usdValue", coin == "USDT" ? num(equity) : "0"},
              {"balance", num(balance)},
              {"available", num(available)},
              {"locked", num(locked)}};
    if (ws) {
      c["debts"] = "0";
      c["borrow"] = "0";
    } else {
      c["debt"] = "0";
    }
    coins.push_back(std::move(c));
  }
  const auto upl = num(fig.unrealized_pl);
  const auto total = num(total_usdt);
  json j = {{"effEquity", total},
            {"mmr", "0"},
            {"imr", num(fig.position_margin + fig.order_margin)},
            {"mgnRatio", "0"},
            {"positionMgnRatio", "0"}};
  if (ws) {
    j["totalEquity"] = total;
    j["unrealisedPnL"] = upl;  // the push sample's spelling
    j["coin"] = std::move(coins);
    return j;
  }
  j["accountEquity"] = total;
  j["usdtEquity"] = total;
  j["btcEquity"] = "0";
  j["unrealisedPnl"] = upl;
  j["usdtUnrealisedPnl"] = upl;
  j["btcUnrealizedPnl"] = "0";
  j["assets"] = std::move(coins);
  return j;
}

json ticker(const InstrumentMarket& i, const MarketState::Stats& st, const std::optional<FundingView>& fv, bool ws) {
  const auto& s = i.spec;
  json j = {{"lastPrice", s.fmt_price(i.last_price)},
            {"openPrice24h", s.fmt_price(st.open)},
            {"highPrice24h", s.fmt_price(st.high)},
            {"lowPrice24h", s.fmt_price(st.low)},
            {"ask1Price", s.fmt_price(i.row.ask)},
            {"bid1Price", s.fmt_price(i.row.bid)},
            {"bid1Size", s.fmt_size(i.row.bid_size)},
            {"ask1Size", s.fmt_size(i.row.ask_size)},
            {"price24hPcnt", ratio_24h(st.open, i.last_price)},
            {"volume24h", num(st.base_volume)},
            {"turnover24h", num(st.quote_volume.round_to_decimals(4, Rounding::HalfEven).value())}};
  if (!ws) {  // REST items name themselves; push items take the arg's symbol and the push's ts
    j["category"] = category(s.market);
    j["symbol"] = s.symbol;
    j["ts"] = ms(i.updated_ms);
  }
  if (!fv) return j;
  j["indexPrice"] = num(fv->index);
  j["markPrice"] = num(fv->mark);
  j["fundingRate"] = num(fv->rate);
  j["openInterest"] = "0";
  if (ws) {
    j["nextFundingTime"] = ms(fv->next_ms);
    j["deliveryTime"] = "";
    j["deliveryStartTime"] = "";
    j["deliveryStatus"] = "";
  }
  return j;
}

}  // namespace carry::sim::wire::v3
