// Simulator: the Bitget UTA (v3) WebSocket, /v3/ws/public and /v3/ws/private (UTA.md "WebSocket",
// tests/fixtures/bitget/v3/ws_*.json): subscribe args {instType, topic, symbol}, the v3 push
// envelope and data, and the login gate that keeps each account kind on its own dialect. Ping,
// login and error frames are v2's (ws_protocol.cpp); the market, engine and faults are shared.
#include "simulator.hpp"
#include "wire_v3.hpp"

namespace carry::sim {

using nlohmann::json;

namespace {

bool is_public_topic(const std::string& t) { return t == "ticker" || t == "books1" || t == "books5" || t == "books"; }

bool is_private_topic(const std::string& t) { return t == "order" || t == "fill" || t == "position" || t == "account"; }

// v3 public instTypes are lower case.
std::optional<Market> public_market(const std::string& inst_type) {
  if (inst_type == "spot") return Market::Spot;
  if (inst_type == "usdt-futures") return Market::Perp;
  return std::nullopt;
}

std::string v3_inst_type(Market m) { return m == Market::Perp ? "usdt-futures" : "spot"; }

std::string text_field(const json& arg, const char* k) {
  return arg.is_object() && arg.contains(k) && arg[k].is_string() ? arg[k].get<std::string>() : std::string();
}

}  // namespace

std::optional<std::string> Simulator::login_refusal(const WsSession& s, const json& login_arg) const {
  // Like the REST gate (rest_api.cpp): the other kind's socket is refused, with the REST codes, and
  // closed like a failed login, so a client on the wrong dialect learns why instead of hearing
  // nothing. (Bitget's own v2 socket was seen accepting a UTA login, then serving nothing: UTA.md.)
  const auto& accounts = exchange_.accounts();
  const auto it = accounts.find(text_field(login_arg, "apiKey"));
  if (it == accounts.end()) return std::nullopt;  // the signature check reports unknown keys
  const bool classic = it->second.account_mode == "classic";
  if (s.dialect == WsDialect::V2 && !classic)
    return ws_error_event(40085, "You are in Unified Account mode, and the Classic Account WebSocket is not supported");
  if (s.dialect == WsDialect::V3 && classic)
    return ws_error_event(40084, "You are in Classic Account mode, and the Unified Account WebSocket is not supported");
  return std::nullopt;
}

WsOutput Simulator::subscribe_v3(WsSession& s, const json& args, bool unsubscribe) {
  WsOutput out;
  for (const auto& arg : args) {
    WsSub sub;
    sub.inst_type = text_field(arg, "instType");
    sub.channel = text_field(arg, "topic");
    sub.inst_id = text_field(arg, "symbol");
    const std::string desc = "instType:" + sub.inst_type + ",topic:" + sub.channel +
                             (sub.inst_id.empty() ? "" : ",symbol:" + sub.inst_id) + " doesn't exist";
    std::optional<Market> market;
    if (s.is_private) {
      if (s.account.empty()) {
        out.frames.push_back(ws_error_event(30004, "User not logged in"));
        continue;
      }
      // One account stream for every market: instType UTA, no symbol.
      if (sub.inst_type != "UTA" || !is_private_topic(sub.channel) || !sub.inst_id.empty()) {
        out.frames.push_back(ws_error_event(30001, desc));
        continue;
      }
    } else {
      market = public_market(sub.inst_type);
      if (!market || !is_public_topic(sub.channel) || !market_.find(*market, sub.inst_id)) {
        out.frames.push_back(ws_error_event(30001, desc));
        continue;
      }
    }
    json ack_arg = {{"instType", sub.inst_type}, {"topic", sub.channel}};
    if (!sub.inst_id.empty()) ack_arg["symbol"] = sub.inst_id;
    if (!record_sub(s, sub, ack_arg, unsubscribe, out)) continue;
    // Snapshot on subscribe: ticker and books; position and account (order and fill send none).
    std::vector<Push> snaps;
    if (s.is_private) {
      snaps = private_snapshot_v3(s, sub);
    } else if (sub.channel == "ticker") {
      snaps.push_back(ticker_push_v3(*market_.find(*market, sub.inst_id)));
    } else {
      for (const auto& p : book_snapshots(*market_.find(*market, sub.inst_id), sub.channel))
        if (auto twin = v3_twin(p)) snaps.push_back(std::move(*twin));
    }
    for (const auto& p : snaps) out.frames.push_back(render_v3(p, sub));
  }
  return out;
}

std::vector<Push> Simulator::private_snapshot_v3(const WsSession& s, const WsSub& sub) const {
  const auto it = exchange_.accounts().find(s.account);
  if (it == exchange_.accounts().end()) return {};
  PrivateEvent e;
  e.account = s.account;
  if (sub.channel == "position") {
    e.kind = PrivateEvent::Kind::Positions;
    e.positions = it->second.positions;
  } else if (sub.channel == "account") {
    e.kind = PrivateEvent::Kind::FuturesAccount;
  } else {
    return {};
  }
  return {private_push_v3(e, it->second)};
}

Push Simulator::private_push_v3(const PrivateEvent& e, const Account& acc) const {
  Push p;
  p.is_private = true;
  p.dialect = WsDialect::V3;
  p.account = e.account;
  p.inst_type = "UTA";
  p.key = "default";
  p.ts = now_ms();
  p.data = json::array();
  switch (e.kind) {
    case PrivateEvent::Kind::Order:
      p.channel = "order";
      p.data.push_back(wire::v3::order(e.order, market_.find(e.market, e.order.symbol)->spec, true));
      break;
    case PrivateEvent::Kind::Fill:
      p.channel = "fill";
      p.data.push_back(wire::v3::fill(*e.fill, market_.find(e.market, e.fill->symbol)->spec,
                                      wire::v3::fill_trade_side(exchange_, *e.fill), true));
      break;
    case PrivateEvent::Kind::Positions:
      p.channel = "position";
      for (const auto& pos : e.positions)
        p.data.push_back(wire::v3::position(acc, pos, position_figures(acc, pos), !pos.total.is_positive(), true));
      break;
    case PrivateEvent::Kind::FuturesAccount:
    case PrivateEvent::Kind::SpotAccount:
      p.channel = "account";
      p.data.push_back(wire::v3::account(acc, exchange_.futures_figures(acc), true));
      break;
  }
  return p;
}

Push Simulator::ticker_push_v3(const InstrumentMarket& inst) const {
  Push p;
  p.dialect = WsDialect::V3;
  p.inst_type = v3_inst_type(inst.spec.market);
  p.channel = "ticker";
  p.key = inst.spec.symbol;
  p.ts = now_ms();
  std::optional<wire::FundingView> fv;
  if (inst.spec.market == Market::Perp) fv = funding_view(inst);
  p.data = json::array({wire::v3::ticker(inst, market_.stats_24h(inst, p.ts), fv, true)});
  return p;
}

void Simulator::publish(Push p) {
  auto twin = v3_twin(p);
  pushes_.push_back(std::move(p));
  if (twin) pushes_.push_back(std::move(*twin));
}

std::optional<Push> Simulator::v3_twin(const Push& v2) const {
  if (v2.is_private || v2.dialect != WsDialect::V2) return std::nullopt;
  const Market m = v2.inst_type == "SPOT" ? Market::Spot : Market::Perp;
  if (v2.channel == "ticker") {
    const auto* inst = market_.find(m, v2.key);
    if (!inst) return std::nullopt;
    Push t = ticker_push_v3(*inst);
    t.action = v2.action;
    return t;
  }
  // Books carry the same levels, seq and checksum; v3 names the sides `a` and `b`. books15 and
  // trade have no v3 topic here.
  if (v2.channel != "books" && v2.channel != "books1" && v2.channel != "books5") return std::nullopt;
  Push p = v2;
  p.dialect = WsDialect::V3;
  p.inst_type = v3_inst_type(m);
  for (auto& item : p.data) {
    item["a"] = std::move(item["asks"]);
    item["b"] = std::move(item["bids"]);
    item.erase("asks");
    item.erase("bids");
  }
  return p;
}

std::string Simulator::render_v3(const Push& p, const WsSub& sub) {
  json arg = {{"instType", sub.inst_type}, {"topic", sub.channel}};
  if (!sub.inst_id.empty()) arg["symbol"] = sub.inst_id;
  return json({{"action", p.action}, {"arg", std::move(arg)}, {"data", p.data}, {"ts", p.ts}}).dump();
}

}  // namespace carry::sim
