#include <carry/bitget/uta_ws.hpp>

#include "subscription_batches.hpp"

#include <carry/bitget/uta_requests.hpp>

#include "json_fields.hpp"
#include "uta_objects.hpp"

namespace carry::bitget::uta {

using namespace carry::bitget::detail;

nlohmann::json WsArg::to_json() const {
  nlohmann::json j = {{"instType", inst_type}, {"topic", topic}};
  if (!symbol.empty()) j["symbol"] = symbol;
  return j;
}

std::string WsArg::key() const { return inst_type + "/" + topic + (symbol.empty() ? "" : "/" + symbol); }

WsArg public_arg(MarketType market, std::string_view topic, std::string_view symbol) {
  return {market == MarketType::Spot ? "spot" : "usdt-futures", std::string(topic), std::string(symbol)};
}

WsArg private_arg(std::string_view topic) { return {"UTA", std::string(topic), {}}; }

WireResult<std::vector<std::string>> build_subscription_messages(std::string_view op, const std::vector<WsArg>& args,
                                                                 std::size_t max_args_bytes) {
  return ::carry::bitget::detail::batch_subscriptions(op, args, max_args_bytes);
}

std::string login_message(const Signer& signer, std::int64_t timestamp_s) {
  return signer.ws_login_message(timestamp_s);
}

bool WsEvent::ok() const noexcept {
  if (kind == WsEventKind::Subscribe || kind == WsEventKind::Unsubscribe) return true;
  if (kind == WsEventKind::Login) return code.empty() || code == "0" || code == "00000";
  return false;
}

Errc WsEvent::errc() const noexcept {
  if (ok()) return Errc::ok;
  if (planned_reconnect()) return Errc::http_server_error;  // the service goes away and comes back
  const Errc e = classify_error(code);
  return e == Errc::ok ? Errc::exchange_rejected : e;
}

namespace {

WireResult<WsArg> parse_arg(const json& a, const std::string& ctx) {
  if (!a.is_object()) return bad_payload(ctx + ": expected an object");
  CARRY_TRY_ASSIGN(inst_type, text(a, "instType", ctx));
  CARRY_TRY_ASSIGN(topic, text(a, "topic", ctx));
  return WsArg{std::move(inst_type), std::move(topic), text_or(a, "symbol")};
}

WireResult<MarketType> push_market(const WsPush& push) {
  auto m = market_from_category(push.arg.inst_type);
  if (!m) return bad_payload("arg.instType: unknown value \"" + push.arg.inst_type + "\"");
  return *m;
}

WireResult<WsEvent> parse_event(const json& j, const std::string& ev) {
  WsEvent e;
  if (ev == "subscribe")
    e.kind = WsEventKind::Subscribe;
  else if (ev == "unsubscribe")
    e.kind = WsEventKind::Unsubscribe;
  else if (ev == "login")
    e.kind = WsEventKind::Login;
  else if (ev == "error")
    e.kind = WsEventKind::Error;
  else
    return bad_payload("event: unknown value \"" + ev + "\"");
  e.code = text_or(j, "code");
  e.msg = text_or(j, "msg");
  if (const json* a = find(j, "arg")) {
    CARRY_TRY_ASSIGN(arg, parse_arg(*a, "arg"));
    e.arg = std::move(arg);
  }
  return e;
}

}  // namespace

WireResult<WsMessage> parse_ws_message(std::string_view text_in) {
  if (text_in == "pong") return WsMessage{WsPong{}};
  json j = json::parse(text_in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return bad_payload("ws message is not a JSON object: " + std::string(text_in.substr(0, 120)));
  if (auto ev = opt_text(j, "event")) {
    CARRY_TRY_ASSIGN(e, parse_event(j, *ev));
    return WsMessage{std::move(e)};
  }
  WsPush p;
  CARRY_TRY_ASSIGN(action, text(j, "action", ""));
  if (action != "snapshot" && action != "update") return bad_payload("action: unknown value \"" + action + "\"");
  p.action = std::move(action);
  const json* a = find(j, "arg");
  if (!a) return bad_payload("arg: missing");
  CARRY_TRY_ASSIGN(arg, parse_arg(*a, "arg"));
  p.arg = std::move(arg);
  auto it = j.find("data");
  if (it == j.end() || !it->is_array()) return bad_payload("data: expected an array");
  p.data = std::move(*it);
  CARRY_TRY_ASSIGN(ts, opt_ms_time(j, "ts", ""));
  p.ts = ts.value_or(UnixNanos{});
  return WsMessage{std::move(p)};
}

WireResult<std::vector<WsTicker>> parse_ws_ticker(const WsPush& push, UnixNanos ts_init) {
  CARRY_TRY_ASSIGN(market, push_market(push));
  if (push.arg.symbol.empty()) return bad_payload("arg.symbol: missing");
  if (!push.data.is_array()) return bad_payload("data: expected an array");
  std::vector<WsTicker> out;
  for (std::size_t i = 0; i < push.data.size(); ++i) {
    const json& o = push.data[i];
    const std::string ctx = index_path("data", i);
    CARRY_TRY_ASSIGN(t, detail::parse_ticker_object(o, ctx, push.arg.symbol, market, push.ts, ts_init));
    if (!t) continue;
    WsTicker w{std::move(*t), std::nullopt};
    if (market == MarketType::Perp && w.ticker.funding_rate) {
      CARRY_TRY_ASSIGN(next, opt_ms_time(o, "nextFundingTime", ctx));
      if (next) {
        FundingRateUpdate f;
        f.symbol = w.ticker.bbo.symbol;
        f.rate = *w.ticker.funding_rate;
        f.next_settlement = *next;
        f.mark_price = w.ticker.mark_price;
        f.index_price = w.ticker.index_price;
        f.ts_event = w.ticker.bbo.ts_event;
        f.ts_init = ts_init;
        w.funding = std::move(f);
      }
    }
    out.push_back(std::move(w));
  }
  return out;
}

namespace {

WireResult<std::vector<RawLevel>> raw_levels(const json& o, const char* key, const std::string& ctx) {
  CARRY_TRY_ASSIGN(arr, array(o, key, ctx));
  return parse_each(*arr, path(ctx, key), [](const json& row, const std::string& where) -> WireResult<RawLevel> {
    if (!row.is_array() || row.size() < 2 || !row[0].is_string() || !row[1].is_string())
      return bad_payload(where + ": expected [\"price\", \"size\"]");
    RawLevel l{row[0].get<std::string>(), row[1].get<std::string>()};
    if (!Decimal::parse(l.price) || !Decimal::parse(l.size))
      return bad_payload(where + ": not a decimal pair [\"" + l.price + "\", \"" + l.size + "\"]");
    return l;
  });
}

WireResult<std::optional<std::int64_t>> opt_int(const json& o, const char* key, const std::string& ctx) {
  const json* v = find(o, key);
  if (!v) return std::optional<std::int64_t>{};
  if (!v->is_number_integer()) return bad_payload(path(ctx, key) + ": expected an integer");
  return std::optional<std::int64_t>{v->get<std::int64_t>()};
}

}  // namespace

WireResult<std::vector<BookMessage>> parse_ws_books(const WsPush& push) {
  CARRY_TRY_ASSIGN(market, push_market(push));
  return parse_each(push.data, "data", [&](const json& o, const std::string& ctx) -> WireResult<BookMessage> {
    BookMessage b;
    b.symbol = push.arg.symbol;
    b.market = market;
    b.channel = push.arg.topic;
    b.snapshot = push.action == "snapshot";
    CARRY_TRY_ASSIGN(bids, raw_levels(o, "b", ctx));
    CARRY_TRY_ASSIGN(asks, raw_levels(o, "a", ctx));
    b.bids = std::move(bids);
    b.asks = std::move(asks);
    CARRY_TRY_ASSIGN(checksum, opt_int(o, "checksum", ctx));
    if (checksum) {
      if (*checksum < INT32_MIN || *checksum > INT32_MAX)
        return bad_payload(path(ctx, "checksum") + ": not a signed 32-bit value");
      b.checksum = static_cast<std::int32_t>(*checksum);
    }
    CARRY_TRY_ASSIGN(seq, opt_int(o, "seq", ctx));
    CARRY_TRY_ASSIGN(pseq, opt_int(o, "pseq", ctx));
    b.seq = seq;
    b.pseq = pseq;
    CARRY_TRY_ASSIGN(ts, ms_time(o, "ts", ctx));
    b.ts = ts;
    return b;
  });
}

WireResult<std::vector<VenueOrder>> parse_ws_orders(const WsPush& push, UnixNanos ts_init) {
  return parse_each(push.data, "data",
                    [&](const json& o, const std::string& ctx) { return detail::parse_order_object(o, ctx, ts_init); });
}

WireResult<std::vector<Fill>> parse_ws_fills(const WsPush& push, UnixNanos ts_init) {
  return parse_each(push.data, "data",
                    [&](const json& o, const std::string& ctx) { return detail::parse_fill_object(o, ctx, ts_init); });
}

WireResult<std::vector<PositionRecord>> parse_ws_positions(const WsPush& push, UnixNanos ts_init) {
  return parse_each(push.data, "data", [&](const json& o, const std::string& ctx) {
    return detail::parse_position_object(o, ctx, ts_init);
  });
}

WireResult<std::vector<Assets>> parse_ws_account(const WsPush& push, MarketType account, UnixNanos ts_init) {
  const UnixNanos ts_event = push.ts.ns != 0 ? push.ts : ts_init;
  return parse_each(push.data, "data", [&](const json& o, const std::string& ctx) -> WireResult<Assets> {
    if (!o.is_object()) return bad_payload(ctx + ": expected an object");
    Assets a;
    CARRY_TRY_ASSIGN(equity, opt_dec(o, "totalEquity", ctx, true));
    CARRY_TRY_ASSIGN(eff, opt_dec(o, "effEquity", ctx, true));
    // The field table spells unrealisedPnl, the doc example unrealisedPnL.
    CARRY_TRY_ASSIGN(upl, opt_dec(o, find(o, "unrealisedPnL") ? "unrealisedPnL" : "unrealisedPnl", ctx, true));
    CARRY_TRY_ASSIGN(imr, opt_dec(o, "imr", ctx, true));
    CARRY_TRY_ASSIGN(mmr, opt_dec(o, "mmr", ctx, true));
    a.account_equity = equity;
    a.eff_equity = eff;
    a.unrealised_pnl = upl;
    a.imr = imr;
    a.mmr = mmr;
    CARRY_TRY_ASSIGN(balances, parse_each_in(o, "coin", ctx, [&](const json& c, const std::string& where) {
                       return detail::parse_coin_balance(c, where, account, ts_event, ts_init);
                     }));
    a.balances = std::move(balances);
    return a;
  });
}

}  // namespace carry::bitget::uta
