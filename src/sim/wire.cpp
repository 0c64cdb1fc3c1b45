#include "wire.hpp"

namespace carry::sim::wire {

std::string num(Decimal d) { return d.to_string(); }

namespace {

std::string ms(std::int64_t v) { return std::to_string(v); }

std::string price_or_empty(const Order& o, const InstrumentSpec& spec) {
  return o.type == OrdType::Market ? std::string() : spec.fmt_price(o.price);
}

// Spot orderInfo/history carry feeDetail as a JSON-encoded string (REFERENCE section 4).
std::string spot_fee_detail_string(const Order& o) {
  if (o.fee.is_zero()) return "";
  const double fee = o.fee.to_double();
  json j;
  j["newFees"] = {{"c", 0}, {"d", 0}, {"deduction", false}, {"r", fee}, {"t", fee}, {"totalDeductionFee", 0}};
  j[o.fee_coin] = {{"deduction", false}, {"feeCoinCode", o.fee_coin}, {"totalDeductionFee", 0}, {"totalFee", fee}};
  return j.dump();
}

}  // namespace

json perp_order_rest(const Order& o, const InstrumentSpec& spec, bool detail) {
  json j = {
      {"symbol", o.symbol},
      {"size", spec.fmt_size(o.size)},
      {"orderId", o.order_id},
      {"clientOid", o.client_oid},
      {"baseVolume", spec.fmt_size(o.filled)},
      {"fee", num(o.fee)},
      {"price", price_or_empty(o, spec)},
      {"priceAvg", o.filled.is_positive() ? num(o.avg_price()) : std::string()},
      {"side", std::string(to_string(o.side))},
      {"force", std::string(to_string(o.force))},
      {"totalProfits", "0"},
      {"posSide", o.pos_side},
      {"marginCoin", "USDT"},
      {"presetStopSurplusPrice", ""},
      {"presetStopLossPrice", ""},
      {"quoteVolume", num(o.filled_quote)},
      {"orderType", std::string(to_string(o.type))},
      {"leverage", std::to_string(o.leverage)},
      {"marginMode", o.margin_mode},
      {"reduceOnly", o.reduce_only ? "YES" : "NO"},
      {"enterPointSource", "API"},
      {"tradeSide", o.trade_side},
      {"posMode", o.pos_mode},
      {"orderSource", o.type == OrdType::Market ? "market" : "normal"},
      {"cTime", ms(o.c_time)},
      {"uTime", ms(o.u_time)},
  };
  j[detail ? "state" : "status"] = std::string(to_string(o.status, Market::Perp));
  if (detail) j["cancelReason"] = o.cancel_reason;
  return j;
}

json spot_order_rest(const Order& o, const InstrumentSpec& spec, bool unfilled_list) {
  const bool quote_sized = o.type == OrdType::Market && o.side == Side::Buy;
  json j = {
      {"userId", o.account},
      {"symbol", o.symbol},
      {"orderId", o.order_id},
      {"clientOid", o.client_oid},
      {"size", quote_sized ? num(o.size) : spec.fmt_size(o.size)},
      {"orderType", std::string(to_string(o.type))},
      {"side", std::string(to_string(o.side))},
      {"status", std::string(to_string(o.status, Market::Spot))},
      {"baseVolume", spec.fmt_size(o.filled)},
      {"quoteVolume", num(o.filled_quote)},
      {"enterPointSource", "API"},
      {"orderSource", o.type == OrdType::Market ? "market" : "normal"},
      {"cTime", ms(o.c_time)},
      {"uTime", ms(o.u_time)},
  };
  if (unfilled_list) {
    // unfilled-orders: priceAvg carries the limit price (REFERENCE section 4).
    j["priceAvg"] = o.type == OrdType::Market ? "0" : spec.fmt_price(o.price);
    j["basePrice"] = "0";
  } else {
    j["price"] = o.type == OrdType::Market ? "0" : spec.fmt_price(o.price);
    j["priceAvg"] = o.filled.is_positive() ? num(o.avg_price()) : "0";
    j["feeDetail"] = spot_fee_detail_string(o);
    j["cancelReason"] = o.cancel_reason;
  }
  return j;
}

json order_push(const Order& o, const InstrumentSpec& spec, const std::optional<Fill>& fill) {
  json j;
  const bool perp = o.market == Market::Perp;
  j["instId"] = o.symbol;
  j["orderId"] = o.order_id;
  j["clientOid"] = o.client_oid;
  j["price"] = perp ? price_or_empty(o, spec) : (o.type == OrdType::Market ? "0" : spec.fmt_price(o.price));
  j["size"] = (!perp && o.type == OrdType::Market && o.side == Side::Buy) ? num(o.size) : spec.fmt_size(o.size);
  j["orderType"] = std::string(to_string(o.type));
  j["force"] = std::string(to_string(o.force));
  j["side"] = std::string(to_string(o.side));
  j["accBaseVolume"] = spec.fmt_size(o.filled);
  j["priceAvg"] = o.filled.is_positive() ? num(o.avg_price()) : "0";
  j["status"] = std::string(to_string(o.status, o.market));
  j["cTime"] = ms(o.c_time);
  j["uTime"] = ms(o.u_time);
  j["enterPointSource"] = "API";
  j["stpMode"] = "none";
  j["cancelReason"] = o.cancel_reason;
  j["feeDetail"] = o.fee.is_zero() ? json::array() : json::array({{{"feeCoin", o.fee_coin}, {"fee", num(o.fee)}}});
  if (perp) {
    j["leverage"] = std::to_string(o.leverage);
    j["marginCoin"] = "USDT";
    j["marginMode"] = o.margin_mode;
    j["notionalUsd"] = num(o.type == OrdType::Market ? o.filled_quote : o.price * o.size);
    j["posMode"] = o.pos_mode;
    j["posSide"] = o.pos_side;
    j["reduceOnly"] = o.reduce_only ? "yes" : "no";
    j["tradeSide"] = o.trade_side;
    j["totalProfits"] = "0";
  } else {
    j["notional"] = num(o.type == OrdType::Market ? o.size : o.price * o.size);
  }
  if (fill) {
    j["fillPrice"] = spec.fmt_price(fill->price);
    j["tradeId"] = fill->trade_id;
    j["baseVolume"] = spec.fmt_size(fill->size);
    j["fillTime"] = ms(fill->ts);
    j["fillFee"] = num(fill->fee);
    j["fillFeeCoin"] = fill->fee_coin;
    j["tradeScope"] = fill->maker ? "M" : "T";
    if (perp) {
      j["fillNotionalUsd"] = num(fill->quote);
      j["pnl"] = num(fill->profit);
    }
  }
  return j;
}

json perp_fill_rest(const Fill& f, const InstrumentSpec& spec) {
  return {
      {"tradeId", f.trade_id},
      {"symbol", f.symbol},
      {"orderId", f.order_id},
      {"price", spec.fmt_price(f.price)},
      {"baseVolume", spec.fmt_size(f.size)},
      {"feeDetail",
       json::array(
           {{{"deduction", "no"}, {"feeCoin", f.fee_coin}, {"totalDeductionFee", nullptr}, {"totalFee", num(f.fee)}}})},
      {"side", std::string(to_string(f.side))},
      {"quoteVolume", num(f.quote)},
      {"profit", num(f.profit)},
      {"enterPointSource", "api"},
      {"tradeSide", f.trade_side},
      {"posMode", f.pos_mode},
      {"tradeScope", f.maker ? "maker" : "taker"},
      {"cTime", ms(f.ts)},
  };
}

json spot_fill_rest(const Fill& f, const InstrumentSpec& spec) {
  return {
      {"userId", f.account},
      {"symbol", f.symbol},
      {"orderId", f.order_id},
      {"tradeId", f.trade_id},
      {"orderType", std::string(to_string(f.type))},
      {"side", std::string(to_string(f.side))},
      {"priceAvg", spec.fmt_price(f.price)},
      {"size", spec.fmt_size(f.size)},
      {"amount", num(f.quote)},
      {"feeDetail",
       {{"deduction", "no"}, {"feeCoin", f.fee_coin}, {"totalDeductionFee", ""}, {"totalFee", num(f.fee)}}},
      {"tradeScope", f.maker ? "maker" : "taker"},
      {"cTime", ms(f.ts)},
      {"uTime", ms(f.ts)},
  };
}

json fill_push(const Fill& f, const InstrumentSpec& spec) {
  json fee = json::array(
      {{{"feeCoin", f.fee_coin}, {"deduction", "no"}, {"totalDeductionFee", "0"}, {"totalFee", num(f.fee)}}});
  if (f.market == Market::Perp) {
    return {
        {"orderId", f.order_id},
        {"clientOid", f.client_oid},
        {"tradeId", f.trade_id},
        {"symbol", f.symbol},
        {"side", std::string(to_string(f.side))},
        {"orderType", std::string(to_string(f.type))},
        {"posMode", f.pos_mode},
        {"price", spec.fmt_price(f.price)},
        {"baseVolume", spec.fmt_size(f.size)},
        {"quoteVolume", num(f.quote)},
        {"profit", num(f.profit)},
        {"tradeSide", f.trade_side},
        {"tradeScope", f.maker ? "maker" : "taker"},
        {"feeDetail", fee},
        {"cTime", ms(f.ts)},
        {"uTime", ms(f.ts)},
    };
  }
  return {
      {"orderId", f.order_id},
      {"tradeId", f.trade_id},
      {"symbol", f.symbol},
      {"orderType", std::string(to_string(f.type))},
      {"side", std::string(to_string(f.side))},
      {"priceAvg", spec.fmt_price(f.price)},
      {"size", spec.fmt_size(f.size)},
      {"amount", num(f.quote)},
      {"tradeScope", f.maker ? "maker" : "taker"},
      {"feeDetail", fee},
      {"cTime", ms(f.ts)},
      {"uTime", ms(f.ts)},
  };
}

namespace {
std::string margin_ratio(const PositionFigures& fig, Decimal notional) {
  if (!notional.is_positive()) return "0";
  return num((fig.margin / notional).round_to_decimals(6, Rounding::HalfEven).value());
}
}  // namespace

json position_rest(const Account& acc, const Position& p, const PositionFigures& fig) {
  return {
      {"marginCoin", "USDT"},
      {"symbol", p.symbol},
      {"holdSide", p.hold_side},
      {"openDelegateSize", "0"},
      {"marginSize", num(fig.margin)},
      {"available", num(p.total)},
      {"locked", "0"},
      {"total", num(p.total)},
      {"leverage", std::to_string(fig.leverage)},
      {"achievedProfits", num(p.achieved_profits)},
      {"openPriceAvg", num(p.open_price_avg)},
      {"marginMode", acc.margin_mode_for(p.symbol)},
      {"posMode", acc.pos_mode},
      {"unrealizedPL", num(fig.unrealized_pl)},
      {"liquidationPrice", "0"},
      {"keepMarginRate", "0.004"},
      {"markPrice", num(fig.mark)},
      {"marginRatio", margin_ratio(fig, p.total * fig.mark)},
      {"breakEvenPrice", num(p.open_price_avg)},
      {"totalFee", p.total_fee.is_zero() ? std::string() : num(p.total_fee)},
      {"deductedFee", "0"},
      {"assetMode", "single"},
      {"autoMargin", "off"},
      {"cTime", ms(p.c_time)},
      {"uTime", ms(p.u_time)},
  };
}

json position_push(const Account& acc, const Position& p, const PositionFigures& fig) {
  const Decimal margin = fig.margin;
  std::string plr = "0";
  if (margin.is_positive()) plr = num((fig.unrealized_pl / margin).round_to_decimals(8, Rounding::HalfEven).value());
  return {
      {"posId", p.pos_id},
      {"instId", p.symbol},
      {"marginCoin", "USDT"},
      {"marginSize", num(margin)},
      {"marginMode", acc.margin_mode_for(p.symbol)},
      {"holdSide", p.hold_side},
      {"posMode", acc.pos_mode},
      {"total", num(p.total)},
      {"available", num(p.total)},
      {"frozen", "0"},
      {"openPriceAvg", num(p.open_price_avg)},
      {"leverage", fig.leverage},
      {"achievedProfits", num(p.achieved_profits)},
      {"unrealizedPL", num(fig.unrealized_pl)},
      {"unrealizedPLR", plr},
      {"liquidationPrice", "0"},
      {"keepMarginRate", "0.004"},
      {"marginRate", margin_ratio(fig, p.total * fig.mark)},
      {"breakEvenPrice", num(p.open_price_avg)},
      {"totalFee", p.total_fee.is_zero() ? std::string() : num(p.total_fee)},
      {"deductedFee", "0"},
      {"markPrice", num(fig.mark)},
      {"assetMode", "single"},
      {"autoMargin", "off"},
      {"cTime", ms(p.c_time)},
      {"uTime", ms(p.u_time)},
  };
}

json futures_account_rest(const Account& acc, const Exchange::FuturesFigures& fig, bool single,
                          const std::string& symbol) {
  const std::string avail = num(max(fig.available, Decimal{}));
  json j = {
      {"marginCoin", "USDT"},
      {"locked", num(fig.order_margin)},
      {"available", avail},
      {"crossedMaxAvailable", avail},
      {"isolatedMaxAvailable", avail},
      {"maxTransferOut", avail},
      {"accountEquity", num(fig.equity)},
      {"usdtEquity", num(fig.equity)},
      {"btcEquity", "0"},
      {"crossedRiskRate", "0"},
      {"unrealizedPL", num(fig.unrealized_pl)},
      {"coupon", "0"},
      {"crossedUnrealizedPL", num(fig.unrealized_pl)},
      {"isolatedUnrealizedPL", ""},
      {"assetMode", "single"},
      {"isolatedMargin", "0"},
      {"crossedMargin", num(fig.position_margin)},
  };
  if (single) {
    const int lev = acc.leverage_for(symbol);
    j["crossedMarginLeverage"] = lev;
    j["isolatedLongLever"] = lev;
    j["isolatedShortLever"] = lev;
    j["marginMode"] = acc.margin_mode_for(symbol);
    j["posMode"] = acc.pos_mode;
    j["grant"] = "";
  } else {
    j["unionTotalMagin"] = num(fig.equity);
    j["unionAvailable"] = avail;
    j["unionMm"] = "0";
    j["assetList"] = json::array();
  }
  return j;
}

json futures_account_push(const Exchange::FuturesFigures& fig) {
  const std::string avail = num(max(fig.available, Decimal{}));
  return {
      {"marginCoin", "USDT"},
      {"frozen", num(fig.order_margin)},
      {"available", avail},
      {"maxOpenPosAvailable", avail},
      {"maxTransferOut", avail},
      {"equity", num(fig.equity)},
      {"usdtEquity", num(fig.equity)},
      {"crossedRiskRate", "0"},
      {"unrealizedPL", num(fig.unrealized_pl)},
      {"unionTotalMargin", num(fig.equity)},
      {"unionAvailable", avail},
      {"unionMm", "0"},
      {"assetMode", "single"},
  };
}

json spot_asset(const Account& acc, const std::string& coin) {
  auto get = [](const std::map<std::string, Decimal>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? Decimal{} : it->second;
  };
  auto ut = acc.spot_utime.find(coin);
  return {
      {"coin", coin},          {"available", num(get(acc.spot_available, coin))},
      {"limitAvailable", "0"}, {"frozen", num(get(acc.spot_frozen, coin))},
      {"locked", "0"},         {"uTime", ms(ut == acc.spot_utime.end() ? 0 : ut->second)},
  };
}

json bill(const Bill& b) {
  return {
      {"billId", b.bill_id}, {"symbol", b.symbol},        {"amount", num(b.amount)},
      {"fee", num(b.fee)},   {"feeByCoupon", ""},         {"businessType", b.business_type},
      {"coin", b.coin},      {"balance", num(b.balance)}, {"cTime", ms(b.c_time)},
  };
}

json contract(const InstrumentSpec& s, int fund_interval_hours) {
  return {
      {"symbol", s.symbol},
      {"baseCoin", s.base_coin},
      {"quoteCoin", s.quote_coin},
      {"buyLimitPriceRatio", "0.05"},
      {"sellLimitPriceRatio", "0.05"},
      {"feeRateUpRatio", "0.005"},
      {"makerFeeRate", num(s.maker_fee)},
      {"takerFeeRate", num(s.taker_fee)},
      {"openCostUpRatio", "0.01"},
      {"supportMarginCoins", json::array({"USDT"})},
      {"minTradeNum", num(s.min_size)},
      {"priceEndStep", std::to_string(s.price_end_step)},
      {"volumePlace", std::to_string(s.volume_place)},
      {"pricePlace", std::to_string(s.price_place)},
      {"sizeMultiplier", num(s.size_multiplier)},
      {"symbolType", "perpetual"},
      {"minTradeUSDT", num(s.min_notional)},
      {"maxSymbolOrderNum", "999999"},
      {"maxProductOrderNum", "999999"},
      {"maxPositionNum", "150"},
      {"symbolStatus", "normal"},
      {"offTime", "-1"},
      {"limitOpenTime", "-1"},
      {"deliveryTime", ""},
      {"deliveryStartTime", ""},
      {"launchTime", ""},
      {"fundInterval", std::to_string(fund_interval_hours)},
      {"minLever", "1"},
      {"maxLever", std::to_string(s.max_lever)},
      {"posLimit", "0.05"},
      {"maintainTime", ""},
      {"maxMarketOrderQty", "1000"},
      {"maxOrderQty", "10000"},
      {"isRwa", "NO"},
  };
}

json spot_symbol(const InstrumentSpec& s) {
  return {
      {"symbol", s.symbol},
      {"baseCoin", s.base_coin},
      {"quoteCoin", s.quote_coin},
      {"minTradeAmount", "0"},
      {"maxTradeAmount", "900000000000000000000"},
      {"takerFeeRate", num(s.taker_fee)},
      {"makerFeeRate", num(s.maker_fee)},
      {"pricePrecision", std::to_string(s.price_place)},
      {"quantityPrecision", std::to_string(s.volume_place)},
      {"quotePrecision", "8"},
      {"status", "online"},
      {"minTradeUSDT", num(s.min_notional)},
      {"buyLimitPriceRatio", "0.05"},
      {"sellLimitPriceRatio", "0.05"},
      {"areaSymbol", "no"},
      {"orderQuantity", "200"},
      {"openTime", "1532454360000"},
      {"offTime", ""},
  };
}

namespace {
std::string change(Decimal open, Decimal last) {
  if (!open.is_positive()) return "0";
  return num(((last - open) / open).round_to_decimals(5, Rounding::HalfEven).value());
}
}  // namespace

json mix_ticker_rest(const InstrumentMarket& inst, const MarketState::Stats& st, const FundingView& fv) {
  const auto& s = inst.spec;
  return {
      {"symbol", s.symbol},
      {"lastPr", s.fmt_price(inst.last_price)},
      {"askPr", s.fmt_price(inst.row.ask)},
      {"bidPr", s.fmt_price(inst.row.bid)},
      {"bidSz", s.fmt_size(inst.row.bid_size)},
      {"askSz", s.fmt_size(inst.row.ask_size)},
      {"high24h", s.fmt_price(st.high)},
      {"low24h", s.fmt_price(st.low)},
      {"ts", ms(inst.updated_ms)},
      {"change24h", change(st.open, inst.last_price)},
      {"baseVolume", num(st.base_volume)},
      {"quoteVolume", num(st.quote_volume.round_to_decimals(4, Rounding::HalfEven).value())},
      {"usdtVolume", num(st.quote_volume.round_to_decimals(4, Rounding::HalfEven).value())},
      {"openUtc", s.fmt_price(st.open)},
      {"changeUtc24h", change(st.open, inst.last_price)},
      {"indexPrice", num(fv.index)},
      {"fundingRate", num(fv.rate)},
      {"holdingAmount", "0"},
      {"deliveryStartTime", nullptr},
      {"deliveryTime", nullptr},
      {"deliveryStatus", ""},
      {"open24h", s.fmt_price(st.open)},
      {"markPrice", num(fv.mark)},
  };
}

json spot_ticker_rest(const InstrumentMarket& inst, const MarketState::Stats& st) {
  const auto& s = inst.spec;
  const auto qv = num(st.quote_volume.round_to_decimals(6, Rounding::HalfEven).value());
  return {
      {"open", s.fmt_price(st.open)},
      {"symbol", s.symbol},
      {"high24h", s.fmt_price(st.high)},
      {"low24h", s.fmt_price(st.low)},
      {"lastPr", s.fmt_price(inst.last_price)},
      {"quoteVolume", qv},
      {"baseVolume", num(st.base_volume)},
      {"usdtVolume", qv},
      {"ts", ms(inst.updated_ms)},
      {"bidPr", s.fmt_price(inst.row.bid)},
      {"askPr", s.fmt_price(inst.row.ask)},
      {"bidSz", s.fmt_size(inst.row.bid_size)},
      {"askSz", s.fmt_size(inst.row.ask_size)},
      {"openUtc", s.fmt_price(st.open)},
      {"changeUtc24h", change(st.open, inst.last_price)},
      {"change24h", change(st.open, inst.last_price)},
  };
}

json ticker_push(const InstrumentMarket& inst, const MarketState::Stats& st, const std::optional<FundingView>& fv) {
  const auto& s = inst.spec;
  json j = {
      {"instId", s.symbol},
      {"lastPr", s.fmt_price(inst.last_price)},
      {"bidPr", s.fmt_price(inst.row.bid)},
      {"askPr", s.fmt_price(inst.row.ask)},
      {"bidSz", s.fmt_size(inst.row.bid_size)},
      {"askSz", s.fmt_size(inst.row.ask_size)},
      {"open24h", s.fmt_price(st.open)},
      {"high24h", s.fmt_price(st.high)},
      {"low24h", s.fmt_price(st.low)},
      {"change24h", change(st.open, inst.last_price)},
      {"baseVolume", num(st.base_volume)},
      {"quoteVolume", num(st.quote_volume.round_to_decimals(4, Rounding::HalfEven).value())},
      {"openUtc", s.fmt_price(st.open)},
      {"ts", ms(inst.updated_ms)},
  };
  if (fv) {
    j["fundingRate"] = num(fv->rate);
    j["nextFundingTime"] = ms(fv->next_ms);
    j["markPrice"] = num(fv->mark);
    j["indexPrice"] = num(fv->index);
    j["holdingAmount"] = "0";
    j["symbolType"] = "1";
    j["symbol"] = s.symbol;
    j["deliveryPrice"] = "0";
  } else {
    j["changeUtc24h"] = change(st.open, inst.last_price);
  }
  return j;
}

json levels(const std::vector<Level>& lv, const InstrumentSpec& spec, std::size_t limit) {
  json a = json::array();
  for (std::size_t i = 0; i < lv.size() && i < limit; ++i)
    a.push_back(json::array({spec.fmt_price(lv[i].price), spec.fmt_size(lv[i].size)}));
  return a;
}

json trade_push(const PublicTrade& t, const InstrumentSpec& spec) {
  return {
      {"ts", ms(t.ts_ms)},
      {"price", spec.fmt_price(t.price)},
      {"size", spec.fmt_size(t.size)},
      {"side", t.buy ? "buy" : "sell"},
      {"tradeId", t.trade_id},
  };
}

}  // namespace carry::sim::wire
