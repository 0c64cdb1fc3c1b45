// Simulator: the loopback admin endpoints under /sim/ (stats, faults, funding, settlements,
// orders, accounts). See docs/simulator.md.
#include "rest_router.hpp"
#include "simulator.hpp"
#include "wire.hpp"

#include <set>

namespace carry::sim {

using nlohmann::json;

namespace {

HttpResponse error_response(int status, const std::string& msg) {
  HttpResponse e;
  e.status = status;
  e.body = json({{"error", msg}}).dump();
  return e;
}

}  // namespace

HttpResponse Simulator::sim_admin(const HttpRequest& req, const std::string& path) {
  HttpResponse r;
  if (!req.loopback) {
    r.status = 403;
    r.body = R"({"error":"/sim/ endpoints are loopback only"})";
    return r;
  }
  if (req.method == "GET" && path == "/sim/stats") {
    r.body = stats_json().dump();
    return r;
  }
  if (path == "/sim/faults") return sim_faults(req);
  if (path == "/sim/funding") return sim_funding(req);
  if (req.method == "GET" && path == "/sim/settlements") {
    r.body = settlements_json().dump();
    return r;
  }
  if (req.method == "GET" && path == "/sim/orders") {
    r.body = orders_json().dump();
    return r;
  }
  // POST changes an account's kind, then answers with the accounts view like GET.
  if (req.method == "POST" && path == "/sim/accounts")
    if (auto refused = set_account_mode(req)) return *refused;
  if ((req.method == "GET" || req.method == "POST") && path == "/sim/accounts") {
    r.body = accounts_json().dump();
    return r;
  }
  return error_response(404, "unknown /sim/ endpoint");
}

HttpResponse Simulator::sim_faults(const HttpRequest& req) {
  HttpResponse r;
  if (req.method == "POST") {
    json j = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    if (j.is_discarded()) return error_response(400, "faults: body is not JSON");
    FaultActions actions;
    auto e = apply_fault_json(faults_, actions, j);
    if (!e.empty()) return error_response(400, e);
    if (!actions.ws_close_now.empty()) pending_actions_.ws_close_now = actions.ws_close_now;
    if (!actions.ws_stall_now.empty()) pending_actions_.ws_stall_now = actions.ws_stall_now;
    if (actions.ws_service_upgrade_ms >= 0) pending_actions_.ws_service_upgrade_ms = actions.ws_service_upgrade_ms;
  } else if (req.method != "GET") {
    return error_response(405, "GET or POST");
  }
  r.body = fault_json(faults_).dump();
  return r;
}

HttpResponse Simulator::sim_funding(const HttpRequest& req) {
  HttpResponse r;
  if (req.method == "POST") {
    json j = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return error_response(400, "funding: body is not a JSON object");
    if (j.value("clear", false)) funding_.clear_overrides();
    if (j.contains("rate")) {
      auto rate = Decimal::parse(rest::Params::value_string(j["rate"]));
      if (!rate) return error_response(400, "funding.rate: expected a decimal string");
      if (*rate < config_.funding.min_rate || *rate > config_.funding.max_rate)
        return error_response(400, "funding.rate: outside [min_rate, max_rate]");
      const std::string sym = j.contains("symbol") ? rest::Params::value_string(j["symbol"]) : "";
      if (!sym.empty() && !market_.find(Market::Perp, sym))
        return error_response(400, "funding.symbol: unknown perp " + sym);
      funding_.set_override(sym, *rate);
    }
  } else if (req.method != "GET") {
    return error_response(405, "GET or POST");
  }
  json out = json::object();
  const std::int64_t now = now_ms();
  for (const auto& [sym, next] : next_settlement_)
    out[sym] = {{"fundingRate", wire::num(funding_.rate_at(sym, now))},
                {"nextFundingTime", next},
                {"markPrice", wire::num(market_.mark_price(sym))}};
  r.body = out.dump();
  return r;
}

json Simulator::settlements_json() const {
  json out = json::array();
  for (const auto& rec : funding_history_) {
    json pays = json::array();
    for (const auto& [key, amount] : rec.payments) pays.push_back({{"api_key", key}, {"amount", wire::num(amount)}});
    out.push_back({{"symbol", rec.symbol},
                   {"fundingRate", wire::num(rec.rate)},
                   {"fundingTime", rec.time_ms},
                   {"markPrice", wire::num(rec.mark)},
                   {"payments", pays}});
  }
  return out;
}

// Changes an account's kind mid-run, e.g. to `upgrading` so a client's detection retry can be
// exercised.
std::optional<HttpResponse> Simulator::set_account_mode(const HttpRequest& req) {
  json j = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return error_response(400, "accounts: body is not a JSON object");
  const std::string key = j.contains("api_key") ? rest::Params::value_string(j["api_key"]) : "";
  Account* acc = exchange_.account(key);
  if (!acc) return error_response(400, "accounts.api_key: unknown account '" + key + "'");
  const std::string mode = j.contains("account_mode") ? rest::Params::value_string(j["account_mode"]) : "";
  static const std::set<std::string> modes = {"classic", "unified", "hybrid", "upgrading", "switching"};
  if (!modes.count(mode))
    return error_response(400, "accounts.account_mode: expected classic, unified, hybrid, upgrading or switching");
  acc->account_mode = mode;
  return std::nullopt;
}

json Simulator::accounts_json() const {
  json out = json::object();
  for (const auto& [key, acc] : exchange_.accounts()) {
    json positions = json::array();
    for (const auto& p : acc.positions)
      positions.push_back({{"symbol", p.symbol},
                           {"holdSide", p.hold_side},
                           {"total", wire::num(p.total)},
                           {"openPriceAvg", wire::num(p.open_price_avg)},
                           {"totalFee", wire::num(p.total_fee)}});
    json spot = json::object();
    for (const auto& [c, a] : acc.spot_available)
      spot[c] = {{"available", wire::num(a)},
                 {"frozen", wire::num(acc.spot_frozen.count(c) ? acc.spot_frozen.at(c) : Decimal{})}};
    const auto fig = exchange_.futures_figures(acc);
    out[key] = {
        {"account_mode", acc.account_mode},
        {"open_orders",
         {{"spot", exchange_.orders(key, Market::Spot, true).size()},
          {"perp", exchange_.orders(key, Market::Perp, true).size()}}},
        {"positions", positions},
        {"spot", spot},
        {"futures",
         {{"cash", wire::num(fig.cash)}, {"equity", wire::num(fig.equity)}, {"available", wire::num(fig.available)}}}};
  }
  return out;
}

}  // namespace carry::sim
