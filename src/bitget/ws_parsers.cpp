#include <carry/bitget/ws_parsers.hpp>

#include "json_fields.hpp"
#include "objects.hpp"

namespace carry::bitget {

using namespace detail;

nlohmann::json SubscriptionArg::to_json() const {
  nlohmann::json j = {{"instType", inst_type}, {"channel", channel}};
  if (!coin.empty()) {
    j["coin"] = coin;
  } else {
    j["instId"] = inst_id;
  }
  return j;
}

std::string SubscriptionArg::key() const { return inst_type + "/" + channel + "/" + (coin.empty() ? inst_id : coin); }

bool WsEvent::ok() const noexcept {
  if (kind == WsEventKind::Subscribe || kind == WsEventKind::Unsubscribe) return true;
  if (kind == WsEventKind::Login) return code.empty() || code == "0" || code == "00000";
  return false;
}

Errc WsEvent::errc() const noexcept {
  if (ok()) return Errc::ok;
  const Errc e = classify_error(code);
  return e == Errc::ok ? Errc::exchange_rejected : e;
}

namespace {

WireResult<SubscriptionArg> parse_arg(const json& a, const std::string& ctx) {
  if (!a.is_object()) return bad_payload(ctx + ": expected an object");
  SubscriptionArg s;
  CARRY_TRY_ASSIGN(inst_type, text(a, "instType", ctx));
  CARRY_TRY_ASSIGN(channel, text(a, "channel", ctx));
  s.inst_type = std::move(inst_type);
  s.channel = std::move(channel);
  s.inst_id = text_or(a, "instId");
  s.coin = text_or(a, "coin");
  return s;
}

WireResult<MarketType> push_market(const WsPush& push) {
  auto m = market_from_inst_type(push.arg.inst_type);
  if (!m) return bad_payload("arg.instType: unknown value \"" + push.arg.inst_type + "\"");
  return *m;
}

}  // namespace

WireResult<WsMessage> parse_ws_message(std::string_view text_in) {
  if (text_in == "pong") return WsMessage{WsPong{}};
  json j = json::parse(text_in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return bad_payload("ws message is not a JSON object: " + std::string(text_in.substr(0, 120)));
  if (auto ev = opt_text(j, "event")) {
    WsEvent e;
    if (*ev == "subscribe")
      e.kind = WsEventKind::Subscribe;
    else if (*ev == "unsubscribe")
      e.kind = WsEventKind::Unsubscribe;
    else if (*ev == "login")
      e.kind = WsEventKind::Login;
    else if (*ev == "error")
      e.kind = WsEventKind::Error;
    else
      return bad_payload("event: unknown value \"" + *ev + "\"");
    e.code = text_or(j, "code");
    e.msg = text_or(j, "msg");
    if (const json* a = find(j, "arg")) {
      CARRY_TRY_ASSIGN(arg, parse_arg(*a, "arg"));
      e.arg = std::move(arg);
    }
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
  // Top-level ts is absent in some captures (ccxt's spot books5); items carry their own ts.
  CARRY_TRY_ASSIGN(ts, opt_ms_time(j, "ts", ""));
  p.ts = ts.value_or(UnixNanos{});
  return WsMessage{std::move(p)};
}

WireResult<std::vector<WsTicker>> parse_ws_ticker(const WsPush& push, UnixNanos ts_init) {
  CARRY_TRY_ASSIGN(market, push_market(push));
  return parse_each(push.data, "data", [&](const json& o, const std::string& ctx) -> WireResult<WsTicker> {
    CARRY_TRY_ASSIGN(t, parse_ticker_object(o, ctx, market, ts_init));
    WsTicker w{std::move(t), std::nullopt};
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
    return w;
  });
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
}  // namespace

WireResult<std::vector<BookMessage>> parse_ws_books(const WsPush& push) {
  CARRY_TRY_ASSIGN(market, push_market(push));
  return parse_each(push.data, "data", [&](const json& o, const std::string& ctx) -> WireResult<BookMessage> {
    BookMessage b;
    b.symbol = push.arg.inst_id;
    b.market = market;
    b.channel = push.arg.channel;
    b.snapshot = push.action == "snapshot";
    CARRY_TRY_ASSIGN(bids, raw_levels(o, "bids", ctx));
    CARRY_TRY_ASSIGN(asks, raw_levels(o, "asks", ctx));
    b.bids = std::move(bids);
    b.asks = std::move(asks);
    if (const json* c = find(o, "checksum")) {
      if (!c->is_number_integer()) return bad_payload(path(ctx, "checksum") + ": expected an integer");
      const auto v = c->get<std::int64_t>();
      if (v < INT32_MIN || v > INT32_MAX) return bad_payload(path(ctx, "checksum") + ": not a signed 32-bit value");
      b.checksum = static_cast<std::int32_t>(v);
    }
    if (const json* s = find(o, "seq")) {
      if (!s->is_number_integer()) return bad_payload(path(ctx, "seq") + ": expected an integer");
      b.seq = s->get<std::int64_t>();
    }
    if (const json* s = find(o, "pseq")) {
      if (!s->is_number_integer()) return bad_payload(path(ctx, "pseq") + ": expected an integer");
      b.pseq = s->get<std::int64_t>();
    }
    CARRY_TRY_ASSIGN(ts, ms_time(o, "ts", ctx));
    b.ts = ts;
    return b;
  });
}

WireResult<Bbo> bbo_from_book(const BookMessage& book, UnixNanos ts_init) {
  if (book.bids.empty() || book.asks.empty())
    return bad_payload(book.symbol + " " + book.channel + ": one side of the book is empty");
  Bbo b;
  b.symbol = book.symbol;
  b.market = book.market;
  CARRY_TRY_ASSIGN(bp, parse_dec(book.bids[0].price, "bids[0][0]"));
  CARRY_TRY_ASSIGN(bs, parse_dec(book.bids[0].size, "bids[0][1]"));
  CARRY_TRY_ASSIGN(ap, parse_dec(book.asks[0].price, "asks[0][0]"));
  CARRY_TRY_ASSIGN(as, parse_dec(book.asks[0].size, "asks[0][1]"));
  b.bid_price = bp;
  b.bid_size = bs;
  b.ask_price = ap;
  b.ask_size = as;
  b.ts_event = book.ts;
  b.ts_init = ts_init;
  return b;
}

WireResult<std::vector<TradeTick>> parse_ws_trades(const WsPush& push, UnixNanos ts_init) {
  CARRY_TRY_ASSIGN(market, push_market(push));
  return parse_each(push.data, "data", [&](const json& o, const std::string& ctx) {
    return parse_trade_object(o, ctx, push.arg.inst_id, market, ts_init);
  });
}

WireResult<std::vector<VenueOrder>> parse_ws_orders(const WsPush& push, UnixNanos ts_init) {
  CARRY_TRY_ASSIGN(market, push_market(push));
  return parse_each(push.data, "data", [&](const json& o, const std::string& ctx) {
    return parse_order_object(o, ctx, market, ts_init, true);
  });
}

WireResult<std::vector<Fill>> parse_ws_order_fills(const WsPush& push, UnixNanos ts_init) {
  CARRY_TRY_ASSIGN(market, push_market(push));
  CARRY_TRY_ASSIGN(orders, parse_ws_orders(push, ts_init));
  std::vector<Fill> out;
  for (std::size_t i = 0; i < push.data.size(); ++i) {
    const json& o = push.data[i];
    const std::string ctx = index_path("data", i);
    auto trade_id = opt_text(o, "tradeId");
    if (!trade_id || trade_id->empty()) continue;
    Fill f;
    f.market = market;
    f.symbol = orders[i].order.symbol;
    f.order_id = orders[i].order.order_id;
    f.client_oid = orders[i].order.client_oid;
    f.trade_id = *trade_id;
    f.side = orders[i].order.side;
    CARRY_TRY_ASSIGN(price, dec(o, "fillPrice", ctx));
    CARRY_TRY_ASSIGN(size, dec(o, "baseVolume", ctx));  // last fill quantity on this channel
    CARRY_TRY_ASSIGN(fee, opt_dec(o, "fillFee", ctx));
    CARRY_TRY_ASSIGN(ts, ms_time(o, "fillTime", ctx));
    f.price = price;
    f.size = size;
    f.fee = fee ? -*fee : Decimal{};
    f.fee_coin = text_or(o, "fillFeeCoin");
    const std::string scope = text_or(o, "tradeScope");
    if (scope != "T" && scope != "M" && scope != "taker" && scope != "maker")
      return bad_payload(path(ctx, "tradeScope") + ": unknown value \"" + scope + "\"");
    f.maker = scope == "M" || scope == "maker";
    f.ts_event = ts;
    f.ts_init = ts_init;
    out.push_back(std::move(f));
  }
  return out;
}

WireResult<std::vector<Fill>> parse_ws_fills(const WsPush& push, UnixNanos ts_init) {
  CARRY_TRY_ASSIGN(market, push_market(push));
  // The fill channel doc says a close-long fill reads side=sell (the trade direction).
  return parse_each(push.data, "data", [&](const json& o, const std::string& ctx) {
    return parse_fill_object(o, ctx, market, ts_init, false);
  });
}

WireResult<std::vector<PositionRecord>> parse_ws_positions(const WsPush& push, UnixNanos ts_init) {
  return parse_each(push.data, "data",
                    [&](const json& o, const std::string& ctx) { return parse_position_object(o, ctx, ts_init); });
}

WireResult<std::vector<FuturesAccount>> parse_ws_futures_account(const WsPush& push, UnixNanos ts_init) {
  return parse_each(push.data, "data", [&](const json& o, const std::string& ctx) -> WireResult<FuturesAccount> {
    CARRY_TRY_ASSIGN(a, parse_futures_account_object(o, ctx, ts_init));
    if (push.ts.ns != 0) a.balance.ts_event = push.ts;
    return a;
  });
}

WireResult<std::vector<BalanceUpdate>> parse_ws_spot_account(const WsPush& push, UnixNanos ts_init) {
  return parse_each(push.data, "data",
                    [&](const json& o, const std::string& ctx) { return parse_spot_balance_object(o, ctx, ts_init); });
}

}  // namespace carry::bitget
