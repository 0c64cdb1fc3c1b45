#include <carry/bitget/uta_parsers.hpp>

#include <array>

#include "json_fields.hpp"
#include "uta_objects.hpp"

namespace carry::bitget::uta {

using namespace carry::bitget::detail;

namespace {

bool blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return false;
  return true;
}

template <std::size_t N>
bool one_of(std::string_view code, const std::array<std::string_view, N>& set) noexcept {
  for (auto c : set)
    if (c == code) return true;
  return false;
}

// uta/error-code/restapi.md
constexpr std::array<std::string_view, 3> kBusy = {"25000", "25001", "25003"};

// data.list of a paged reply; null or missing list: empty.
template <class F>
auto list_of(const json& data, F&& one) -> decltype(parse_each_in(data, "list", "data", one)) {
  if (data.is_null()) return decltype(parse_each_in(data, "list", "data", one)){};
  if (!data.is_object()) return bad_payload("data: expected an object");
  return parse_each_in(data, "list", "data", std::forward<F>(one));
}

}  // namespace

Errc classify_error(std::string_view code, int http_status) noexcept {
  if (http_status == 429) return Errc::rate_limited;
  if (one_of(code, kBusy)) return Errc::http_server_error;
  if (code == "25004") return Errc::rate_limited;
  if (code == "25204") return Errc::not_found;
  if (code == "25212") return Errc::duplicate;
  if (code == "40084") return Errc::unsupported;
  return bitget::classify_error(code, http_status);
}

WireResult<Envelope> parse_envelope(std::string_view body, int http_status) {
  if (blank(body) && http_status >= 200 && http_status < 300)
    return Error{Errc::empty_response, std::to_string(http_status), "empty response body"};
  auto env = bitget::parse_envelope(body, http_status);
  if (!env && !env.error().exchange_code.empty()) {
    // Re-classify with the v3 codes; the message and code stay as the venue sent them.
    Error e = env.error();
    const Errc v3 = classify_error(e.exchange_code, http_status);
    if (v3 != Errc::ok) e.errc = v3;
    return e;
  }
  return env;
}

std::string_view to_string(AccountMode m) noexcept {
  switch (m) {
    case AccountMode::Unified:
      return "unified";
    case AccountMode::Hybrid:
      return "hybrid";
    case AccountMode::Upgrading:
      return "upgrading";
    case AccountMode::Switching:
      return "switching";
  }
  return "unified";
}

WireResult<AccountSettings> parse_account_settings(const json& data) {
  if (!data.is_object()) return bad_payload("data: expected an object");
  AccountSettings s;
  CARRY_TRY_ASSIGN(mode, text(data, "accountMode", "data"));
  if (mode == "unified")
    s.account_mode = AccountMode::Unified;
  else if (mode == "hybrid")
    s.account_mode = AccountMode::Hybrid;
  else if (mode == "upgrading")
    s.account_mode = AccountMode::Upgrading;
  else if (mode == "switching")
    s.account_mode = AccountMode::Switching;
  else
    return bad_payload("data.accountMode: unknown value \"" + mode + "\"");
  CARRY_TRY_ASSIGN(hold, text(data, "holdMode", "data"));
  auto pm = position_mode_from_wire(hold);
  if (!pm) return bad_payload("data.holdMode: unknown value \"" + hold + "\"");
  s.hold_mode = *pm;
  s.uid = text_or(data, "uid");
  s.asset_mode = text_or(data, "assetMode");
  s.stp_mode = text_or(data, "stpMode");
  CARRY_TRY_ASSIGN(
      symbols,
      parse_each_in(data, "symbolConfigList", "data",
                    [](const json& o, const std::string& ctx) -> WireResult<SymbolConfig> {
                      CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
                      CARRY_TRY_ASSIGN(lev, opt_dec(o, "leverage", ctx));
                      return SymbolConfig{text_or(o, "category"), std::move(symbol), text_or(o, "marginMode"), lev};
                    }));
  s.symbols = std::move(symbols);
  return s;
}

WireResult<void> parse_success(const json& data) {
  if (data.is_string() && data.get<std::string>() == "success") return {};
  return bad_payload("data: expected \"success\", got " + data.dump());
}

namespace {

WireResult<Decimal> pow10_neg(int places, const std::string& where) {
  if (places < 0 || places > Decimal::kDecimals) return bad_payload(where + ": out of range (0..9)");
  std::int64_t raw = 1;
  for (int i = 0; i < Decimal::kDecimals - places; ++i) raw *= 10;
  return Decimal::from_raw(raw);
}

WireResult<Instrument> parse_instrument(const json& o, const std::string& ctx, MarketType market) {
  Instrument ins;
  ins.market = market;
  CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
  CARRY_TRY_ASSIGN(price_precision, integer(o, "pricePrecision", ctx));
  CARRY_TRY_ASSIGN(qty_precision, integer(o, "quantityPrecision", ctx));
  CARRY_TRY_ASSIGN(status, text(o, "status", ctx));
  ins.symbol = std::move(symbol);
  ins.base_coin = text_or(o, "baseCoin");
  ins.quote_coin = text_or(o, "quoteCoin");
  ins.price_decimals = price_precision;
  ins.size_decimals = qty_precision;
  if (market == MarketType::Perp) {
    // The doc: a futures price/qty must be a multiple of the multiplier at that precision.
    CARRY_TRY_ASSIGN(tick, dec(o, "priceMultiplier", ctx));
    CARRY_TRY_ASSIGN(lot, dec(o, "quantityMultiplier", ctx));
    if (!tick.is_positive()) return bad_payload(path(ctx, "priceMultiplier") + ": not positive");
    if (!lot.is_positive()) return bad_payload(path(ctx, "quantityMultiplier") + ": not positive");
    ins.tick = tick;
    ins.lot = lot;
    CARRY_TRY_ASSIGN(hours, opt_dec(o, "fundInterval", ctx));
    if (hours) {
      CARRY_TRY_ASSIGN(h, integer(o, "fundInterval", ctx));
      ins.funding_interval_hours = h;
    }
  } else {
    CARRY_TRY_ASSIGN(tick, pow10_neg(price_precision, path(ctx, "pricePrecision")));
    CARRY_TRY_ASSIGN(lot, pow10_neg(qty_precision, path(ctx, "quantityPrecision")));
    ins.tick = tick;
    ins.lot = lot;
  }
  CARRY_TRY_ASSIGN(min_qty, opt_dec(o, "minOrderQty", ctx));
  CARRY_TRY_ASSIGN(min_amount, opt_dec(o, "minOrderAmount", ctx));
  CARRY_TRY_ASSIGN(maker, opt_dec(o, "makerFeeRate", ctx));
  CARRY_TRY_ASSIGN(taker, opt_dec(o, "takerFeeRate", ctx));
  ins.min_size = min_qty.value_or(ins.lot);
  ins.min_notional = min_amount.value_or(Decimal{});
  ins.maker_fee = maker.value_or(Decimal{});
  ins.taker_fee = taker.value_or(Decimal{});
  ins.tradable = status == "online";
  return ins;
}

WireResult<Decimal> cell(const json& row, std::size_t k, const std::string& ctx) {
  const json& v = row[k];
  const std::string where = index_path(ctx, k);
  if (v.is_string()) return parse_dec(v.get_ref<const std::string&>(), where);
  if (v.is_number()) return parse_dec(v.dump(), where);
  return bad_payload(where + ": expected a decimal");
}

WireResult<std::vector<PriceLevel>> levels(const json& o, const char* key) {
  CARRY_TRY_ASSIGN(arr, array(o, key, "data"));
  return parse_each(*arr, path("data", key), [](const json& row, const std::string& where) -> WireResult<PriceLevel> {
    if (!row.is_array() || row.size() < 2) return bad_payload(where + ": expected [price, size]");
    CARRY_TRY_ASSIGN(p, cell(row, 0, where));
    CARRY_TRY_ASSIGN(s, cell(row, 1, where));
    return PriceLevel{p, s};
  });
}

}  // namespace

WireResult<std::vector<Instrument>> parse_instruments(const json& data, MarketType market) {
  return parse_each(data, "data",
                    [&](const json& o, const std::string& ctx) { return parse_instrument(o, ctx, market); });
}

WireResult<std::vector<Ticker>> parse_tickers(const json& data, MarketType market, UnixNanos fallback_ts,
                                              UnixNanos ts_init) {
  if (!data.is_array()) return bad_payload("data: expected an array");
  std::vector<Ticker> out;
  out.reserve(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::string ctx = index_path("data", i);
    CARRY_TRY_ASSIGN(symbol, text(data[i], "symbol", ctx));
    CARRY_TRY_ASSIGN(t, detail::parse_ticker_object(data[i], ctx, std::move(symbol), market, fallback_ts, ts_init));
    if (t) out.push_back(std::move(*t));
  }
  return out;
}

WireResult<DepthSnapshot> parse_orderbook(const json& data) {
  if (!data.is_object()) return bad_payload("data: expected an object");
  DepthSnapshot d;
  CARRY_TRY_ASSIGN(bids, levels(data, "b"));
  CARRY_TRY_ASSIGN(asks, levels(data, "a"));
  CARRY_TRY_ASSIGN(ts, ms_time(data, "ts", "data"));
  d.bids = std::move(bids);
  d.asks = std::move(asks);
  d.ts = ts;
  return d;
}

WireResult<std::vector<CurrentFunding>> parse_current_funding(const json& data) {
  // Same fields as v2's current-fund-rate.
  return bitget::parse_current_funding(data);
}

WireResult<std::vector<FundingHistoryEntry>> parse_funding_history(const json& data) {
  if (data.is_null()) return std::vector<FundingHistoryEntry>{};
  if (!data.is_object()) return bad_payload("data: expected an object");
  return parse_each_in(data, "resultList", "data",
                       [](const json& o, const std::string& ctx) -> WireResult<FundingHistoryEntry> {
                         CARRY_TRY_ASSIGN(symbol, text(o, "symbol", ctx));
                         CARRY_TRY_ASSIGN(rate, dec(o, "fundingRate", ctx));
                         CARRY_TRY_ASSIGN(t, ms_time(o, "fundingRateTimestamp", ctx));
                         return FundingHistoryEntry{std::move(symbol), rate, t};
                       });
}

WireResult<std::vector<Candle>> parse_candles(const json& data) {
  return parse_each(data, "data", [](const json& row, const std::string& ctx) -> WireResult<Candle> {
    if (!row.is_array() || row.size() < 7) return bad_payload(ctx + ": expected an array of 7 fields");
    const std::string ts_text = row[0].is_string() ? row[0].get<std::string>() : row[0].dump();
    auto ts = UnixNanos::parse_ms(ts_text);
    if (!ts) return bad_payload(ctx + "[0]: not a millisecond timestamp");
    Candle c;
    c.open_time = *ts;
    CARRY_TRY_ASSIGN(o, cell(row, 1, ctx));
    CARRY_TRY_ASSIGN(h, cell(row, 2, ctx));
    CARRY_TRY_ASSIGN(l, cell(row, 3, ctx));
    CARRY_TRY_ASSIGN(cl, cell(row, 4, ctx));
    CARRY_TRY_ASSIGN(bv, cell(row, 5, ctx));
    CARRY_TRY_ASSIGN(qv, cell(row, 6, ctx));
    c.open = o;
    c.high = h;
    c.low = l;
    c.close = cl;
    c.base_volume = bv;
    c.quote_volume = qv;
    return c;
  });
}

WireResult<OrderIds> parse_order_ack(const json& data) {
  if (!data.is_object()) return bad_payload("data: expected an object");
  OrderIds a{text_or(data, "orderId"), text_or(data, "clientOid")};
  if (a.order_id.empty() && a.client_oid.empty()) return bad_payload("data: neither orderId nor clientOid");
  return a;
}

WireResult<BatchResult> parse_batch_result(const json& data) {
  const json* entries = &data;
  if (data.is_object()) {
    entries = find(data, "list");  // cancel-symbol-order
    if (!entries) return BatchResult{};
  } else if (data.is_null()) {
    return BatchResult{};
  }
  const std::string ctx = data.is_object() ? "data.list" : "data";
  if (!entries->is_array()) return bad_payload(ctx + ": expected an array");
  BatchResult r;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const json& e = (*entries)[i];
    if (!e.is_object()) return bad_payload(index_path(ctx, i) + ": expected an object");
    const std::string code = text_or(e, "code");
    if (code.empty() || code == "00000" || code == "0") {
      r.success.push_back({text_or(e, "orderId"), text_or(e, "clientOid")});
      continue;
    }
    BatchFailure f{text_or(e, "orderId"), text_or(e, "clientOid"), code, text_or(e, "msg")};
    f.errc = classify_error(code);
    r.failure.push_back(std::move(f));
  }
  return r;
}

WireResult<VenueOrder> parse_order_info(const json& data, UnixNanos ts_init) {
  return detail::parse_order_object(data, "data", ts_init);
}

WireResult<OrdersPage> parse_unfilled_orders(const json& data, UnixNanos ts_init) {
  CARRY_TRY_ASSIGN(orders, list_of(data, [&](const json& o, const std::string& ctx) {
                     return detail::parse_order_object(o, ctx, ts_init);
                   }));
  return OrdersPage{std::move(orders), data.is_object() ? text_or(data, "cursor") : std::string{}};
}

WireResult<FillsPage> parse_fills(const json& data, UnixNanos ts_init) {
  CARRY_TRY_ASSIGN(fills, list_of(data, [&](const json& o, const std::string& ctx) {
                     return detail::parse_fill_object(o, ctx, ts_init);
                   }));
  return FillsPage{std::move(fills), data.is_object() ? text_or(data, "cursor") : std::string{}};
}

WireResult<std::vector<PositionRecord>> parse_positions(const json& data, UnixNanos ts_init) {
  return list_of(data,
                 [&](const json& o, const std::string& ctx) { return detail::parse_position_object(o, ctx, ts_init); });
}

WireResult<Assets> parse_assets(const json& data, MarketType account, UnixNanos ts_init) {
  if (!data.is_object()) return bad_payload("data: expected an object");
  Assets a;
  CARRY_TRY_ASSIGN(equity, opt_dec(data, "accountEquity", "data", true));
  CARRY_TRY_ASSIGN(usdt_equity, opt_dec(data, "usdtEquity", "data", true));
  CARRY_TRY_ASSIGN(eff, opt_dec(data, "effEquity", "data", true));
  CARRY_TRY_ASSIGN(upl, opt_dec(data, "unrealisedPnl", "data", true));
  CARRY_TRY_ASSIGN(imr, opt_dec(data, "imr", "data", true));
  CARRY_TRY_ASSIGN(mmr, opt_dec(data, "mmr", "data", true));
  a.account_equity = equity;
  a.usdt_equity = usdt_equity;
  a.eff_equity = eff;
  a.unrealised_pnl = upl;
  a.imr = imr;
  a.mmr = mmr;
  CARRY_TRY_ASSIGN(balances, parse_each_in(data, "assets", "data", [&](const json& o, const std::string& ctx) {
                     return detail::parse_coin_balance(o, ctx, account, ts_init, ts_init);
                   }));
  a.balances = std::move(balances);
  return a;
}

WireResult<RecordsPage> parse_financial_records(const json& data) {
  CARRY_TRY_ASSIGN(records, list_of(data, [](const json& o, const std::string& ctx) -> WireResult<FinancialRecord> {
                     FinancialRecord r;
                     CARRY_TRY_ASSIGN(id, text(o, "id", ctx));
                     CARRY_TRY_ASSIGN(type, text(o, "type", ctx));
                     CARRY_TRY_ASSIGN(amount, dec(o, "amount", ctx));
                     CARRY_TRY_ASSIGN(fee, opt_dec(o, "fee", ctx));
                     CARRY_TRY_ASSIGN(balance, opt_dec(o, "balance", ctx, true));
                     CARRY_TRY_ASSIGN(ts, ms_time(o, "ts", ctx));
                     r.id = std::move(id);
                     r.type = std::move(type);
                     r.category = text_or(o, "category");
                     r.symbol = text_or(o, "symbol");
                     r.coin = text_or(o, "coin");
                     r.amount = amount;
                     r.fee = fee.value_or(Decimal{});
                     r.balance = balance;
                     r.ts = ts;
                     return r;
                   }));
  return RecordsPage{std::move(records), data.is_object() ? text_or(data, "cursor") : std::string{}};
}

bool is_funding_settlement(std::string_view type) noexcept {
  return type == "CONTRACT_MAIN_SETTLE_FEE_USER_IN" || type == "CONTRACT_MAIN_SETTLE_FEE_USER_OUT" ||
         type == "FIXED_SETTLE_FEE_USER_IN" || type == "FIXED_SETTLE_FEE_USER_OUT";
}

std::vector<FundingPayment> funding_payments(const RecordsPage& page, UnixNanos ts_init) {
  std::vector<FundingPayment> out;
  for (const auto& r : page.records) {
    if (!is_funding_settlement(r.type)) continue;
    const bool paid = r.type.ends_with("_OUT");
    const Decimal magnitude = r.amount.raw() < 0 ? -r.amount : r.amount;
    FundingPayment p;
    p.symbol = r.symbol;
    p.amount = paid ? -magnitude : magnitude;
    p.ts_event = r.ts;
    p.ts_init = ts_init;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace carry::bitget::uta
