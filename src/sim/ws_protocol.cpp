// Simulator: the WebSocket protocol (REFERENCE section 5): ping/pong, login, subscribe and
// unsubscribe with acks, error events, and the snapshot each channel sends on subscribe. The v3
// (UTA) args and pushes are in ws_protocol_v3.cpp; ping, login and errors are shared.
#include "request_auth.hpp"
#include "simulator.hpp"
#include "wire.hpp"

#include <algorithm>

namespace carry::sim {

using nlohmann::json;

std::string ws_error_event(int code, const std::string& msg) {
  return json({{"event", "error"}, {"code", code}, {"msg", msg}}).dump();
}

namespace {

bool is_public_channel(const std::string& c) {
  return c == "ticker" || c == "books" || c == "books1" || c == "books5" || c == "books15" || c == "trade";
}

bool is_private_channel(const std::string& c) {
  return c == "orders" || c == "fill" || c == "positions" || c == "account";
}

}  // namespace

WsOutput Simulator::on_ws_text(WsSession& s, std::string_view text) {
  WsOutput out;
  const std::int64_t now = now_ms();
  if (text == "ping") {
    s.last_ping_ms = now;
    out.frames.emplace_back("pong");
    return out;
  }
  json msg = json::parse(text, nullptr, false);
  if (msg.is_discarded() || !msg.is_object() || !msg.contains("op") || !msg["op"].is_string()) {
    out.frames.push_back(ws_error_event(30002, "illegal request"));
    return out;
  }
  const std::string op = msg["op"];
  const json args = msg.contains("args") ? msg["args"] : json::array();
  if (op == "login") {
    if (!s.is_private) {
      out.frames.push_back(ws_error_event(30003, "Invalid op"));
      return out;
    }
    ++stats_.ws_login_attempts;
    if (!args.is_array() || args.empty()) {
      out.frames.push_back(ws_error_event(30016, "param error"));
      out.close = true;
      return out;
    }
    // Checked before the signature, as the REST gate is (rest_api.cpp).
    if (auto refusal = login_refusal(s, args[0])) {
      out.frames.push_back(*refusal);
      out.close = true;
      return out;
    }
    auto r = authenticate_ws_login(args[0], server_ms(), config_.timestamp_window_ms, exchange_);
    if (r.error_code != 0) {
      ++stats_.auth_failures;
      if (r.bad_signature) ++stats_.signature_failures;
      out.frames.push_back(ws_error_event(r.error_code, r.error_msg));
      out.close = true;  // "If login fails, it will automatically disconnect"
      return out;
    }
    s.account = r.account;
    out.frames.push_back(json({{"event", "login"}, {"code", 0}, {"msg", ""}}).dump());
    return out;
  }
  if (op == "subscribe" || op == "unsubscribe") {
    if (!args.is_array()) {
      out.frames.push_back(ws_error_event(30016, "param error"));
      return out;
    }
    const bool unsub = op == "unsubscribe";
    auto r = s.dialect == WsDialect::V3 ? subscribe_v3(s, args, unsub) : subscribe(s, args, unsub);
    render_private_events();
    return r;
  }
  out.frames.push_back(ws_error_event(30003, "Invalid op"));
  return out;
}

WsOutput Simulator::subscribe(WsSession& s, const json& args, bool unsubscribe) {
  WsOutput out;
  for (const auto& arg : args) {
    auto field = [&](const char* k) -> std::string {
      return arg.is_object() && arg.contains(k) && arg[k].is_string() ? arg[k].get<std::string>() : std::string();
    };
    WsSub sub;
    sub.inst_type = field("instType");
    sub.channel = field("channel");
    sub.coin_key = sub.channel == "account";
    sub.inst_id = sub.coin_key ? field("coin") : field("instId");
    const std::string desc = "instType:" + sub.inst_type + ",channel:" + sub.channel + "," +
                             (sub.coin_key ? "coin:" : "instId:") + sub.inst_id + " doesn't exist";
    Market market;
    if (sub.inst_type == "SPOT")
      market = Market::Spot;
    else if (sub.inst_type == "USDT-FUTURES")
      market = Market::Perp;
    else {
      out.frames.push_back(ws_error_event(30001, desc));
      continue;
    }
    if (s.is_private) {
      if (s.account.empty()) {
        out.frames.push_back(ws_error_event(30004, "User not logged in"));
        continue;
      }
      const bool ok_channel =
          is_private_channel(sub.channel) && !(sub.channel == "positions" && market == Market::Spot);
      const bool ok_id = sub.inst_id == "default" || (!sub.coin_key && market_.find(market, sub.inst_id) != nullptr) ||
                         (sub.coin_key && !sub.inst_id.empty());
      if (!ok_channel || !ok_id) {
        out.frames.push_back(ws_error_event(30001, desc));
        continue;
      }
    } else {
      if (!is_public_channel(sub.channel) || !market_.find(market, sub.inst_id)) {
        out.frames.push_back(ws_error_event(30001, desc));
        continue;
      }
    }
    json ack_arg = {{"instType", sub.inst_type}, {"channel", sub.channel}};
    ack_arg[sub.coin_key ? "coin" : "instId"] = sub.inst_id;
    if (!record_sub(s, sub, ack_arg, unsubscribe, out)) continue;
    // Snapshot on subscribe (none for orders/fill: REFERENCE section 5).
    std::vector<Push> snaps;
    if (s.is_private) {
      snaps = private_snapshot(s, sub);
    } else {
      const auto* inst = market_.find(market, sub.inst_id);
      if (sub.channel == "ticker") {
        snaps.push_back(ticker_push(*inst));
      } else if (sub.channel == "trade") {
        Push t;
        t.inst_type = sub.inst_type;
        t.channel = "trade";
        t.key = sub.inst_id;
        t.ts = now_ms();
        t.data = json::array();
        for (auto r = inst->trades.rbegin(); r != inst->trades.rend() && t.data.size() < 50; ++r)
          t.data.push_back(wire::trade_push(*r, inst->spec));
        snaps.push_back(std::move(t));
      } else {
        snaps = book_snapshots(*inst, sub.channel);
      }
    }
    for (const auto& p : snaps) out.frames.push_back(render(p, sub));
  }
  return out;
}

bool Simulator::record_sub(WsSession& s, const WsSub& sub, const json& ack_arg, bool unsubscribe, WsOutput& out) {
  out.frames.push_back(json({{"event", unsubscribe ? "unsubscribe" : "subscribe"}, {"arg", ack_arg}}).dump());
  auto it = std::find(s.subs.begin(), s.subs.end(), sub);
  if (unsubscribe) {
    if (it != s.subs.end()) s.subs.erase(it);
    return false;
  }
  if (it == s.subs.end()) s.subs.push_back(sub);
  return true;
}

std::vector<Push> Simulator::private_snapshot(const WsSession& s, const WsSub& sub) {
  std::vector<Push> out;
  const Account* acc = exchange_.account(s.account);
  if (!acc) return out;
  Push p;
  p.is_private = true;
  p.account = s.account;
  p.inst_type = sub.inst_type;
  p.channel = sub.channel;
  p.key = "default";
  p.ts = now_ms();
  if (sub.channel == "positions") {
    p.data = json::array();
    for (const auto& pos : acc->positions)
      p.data.push_back(wire::position_push(*acc, pos, position_figures(*acc, pos)));
    out.push_back(std::move(p));
  } else if (sub.channel == "account") {
    if (sub.inst_type == "USDT-FUTURES") {
      p.data = json::array({wire::futures_account_push(exchange_.futures_figures(*acc))});
    } else {
      p.data = json::array();
      for (const auto& [coin, amount] : acc->spot_available)
        if (sub.inst_id == "default" || sub.inst_id == coin) p.data.push_back(wire::spot_asset(*acc, coin));
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace carry::sim
