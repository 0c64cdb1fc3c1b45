// Private v3 (UTA) positions and account records over the v2 ledger (SG uta/trade/Get-Position,
// uta/account/Get-Financial-Records, Change-Leverage, Change-Position-Mode): current-position,
// financial-records (the v2 bills under v3 record types), set-leverage, set-hold-mode.
#include "rest_router.hpp"
#include "wire_v3.hpp"

#include <set>

namespace carry::sim::rest {

namespace {

ApiError v3_missing(const std::string& k) { return {"40017", "Parameter verification failed " + k, 400}; }

// Futures records and positions exist for USDT-FUTURES only; the other categories are empty.
std::optional<ApiError> futures_category(const Call& c, bool& usdt_m, bool allow_spot) {
  const auto cat = upper(c.get("category"));
  usdt_m = cat == "USDT-FUTURES";
  if (cat.empty()) return v3_missing("category");
  static const std::set<std::string> known = {"USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES"};
  if (known.count(cat) || (allow_spot && (cat == "SPOT" || cat == "MARGIN" || cat == "OTHER"))) return std::nullopt;
  return ApiError{"40034", "Parameter category does not exist", 400};
}

HttpResponse current_position(const Call& c) {
  bool usdt_m = false;
  if (auto e = futures_category(c, usdt_m, false)) return c.fail(*e);
  json list = json::array();
  const Account& acc = c.acc();
  const auto sym = c.get("symbol");
  const auto side = lower(c.get("posSide"));
  for (const auto& p : acc.positions) {
    if (!usdt_m || !p.total.is_positive()) continue;
    if ((!sym.empty() && p.symbol != sym) || (!side.empty() && p.hold_side != side)) continue;
    list.push_back(wire::v3::position(acc, p, c.sim.position_figures(acc, p), false, false));
  }
  return c.ok({{"list", list}});
}

// v2 bill businessType -> v3 record type (uta/enum.md). Settled funding is split by direction
// and by margin mode: CONTRACT_MAIN_* for crossed, FIXED_* for isolated.
std::string record_type(const Account& acc, const Bill& b) {
  if (b.business_type == "contract_settle_fee") {
    const bool isolated = acc.margin_mode_for(b.symbol) == "isolated";
    const char* dir = b.amount.is_negative() ? "OUT" : "IN";
    return std::string(isolated ? "FIXED_SETTLE_FEE_USER_" : "CONTRACT_MAIN_SETTLE_FEE_USER_") + dir;
  }
  return upper(b.business_type);  // open_long -> OPEN_LONG, close_short -> CLOSE_SHORT
}

// Newest first; `cursor` continues below the last record id of the previous page.
HttpResponse financial_records(const Call& c) {
  bool usdt_m = false;
  if (auto e = futures_category(c, usdt_m, true)) return c.fail(*e);
  const auto limit = limit_param(c.get("limit"), 100, 100);
  const auto start = to_int(c.get("startTime")).value_or(INT64_MIN);
  const auto end = to_int(c.get("endTime")).value_or(INT64_MAX);
  const auto type = c.get("type");
  const auto coin = c.get("coin");
  const auto cursor = c.get("cursor");
  const Account& acc = c.acc();
  json list = json::array();
  for (auto it = acc.bills.rbegin(); usdt_m && it != acc.bills.rend(); ++it) {
    const auto t = record_type(acc, *it);
    if (!type.empty() && t != type) continue;
    if (!coin.empty() && it->coin != coin) continue;
    if (it->c_time < start || it->c_time > end) continue;
    if (!cursor.empty() && !(it->bill_id < cursor)) continue;
    if (static_cast<std::int64_t>(list.size()) >= limit) break;
    list.push_back({{"category", "USDT-FUTURES"},
                    {"id", it->bill_id},
                    {"symbol", it->symbol},
                    {"coin", it->coin},
                    {"type", t},
                    {"amount", wire::num(it->amount)},
                    {"fee", wire::num(it->fee)},
                    {"balance", wire::num(it->balance)},
                    {"ts", std::to_string(it->c_time)}});
  }
  const std::string next = list.empty() ? std::string() : list.back()["id"].get<std::string>();
  return c.ok({{"list", list}, {"cursor", next}});
}

HttpResponse set_leverage(const Call& c) {
  if (c.get("category").empty()) return c.fail(v3_missing("category"));
  if (upper(c.get("category")) != "USDT-FUTURES")
    return c.fail({"25100", "Trading pair " + c.get("symbol") + " does not exist", 400});
  if (c.get("symbol").empty()) return c.fail(v3_missing("symbol"));
  if (!c.sim.market().find(Market::Perp, c.get("symbol")))
    return c.fail({"25100", "Trading pair " + c.get("symbol") + " does not exist", 400});
  auto lev = to_int(c.get("leverage"));
  if (!lev) return c.fail(v3_missing("leverage"));
  auto r = c.sim.exchange().set_leverage(c.account, c.get("symbol"), static_cast<int>(*lev));
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  return c.ok("success");
}

// holdMode is account-wide in UTA, as the simulator's position mode already is.
HttpResponse set_hold_mode(const Call& c) {
  if (c.get("holdMode").empty()) return c.fail(v3_missing("holdMode"));
  auto r = c.sim.exchange().set_position_mode(c.account, c.get("holdMode"));
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  return c.ok("success");
}

}  // namespace

void add_position_v3(Router& r) {
  r.add({"GET", "/api/v3/position/current-position", Api::PrivateV3, current_position});
  r.add({"GET", "/api/v3/account/financial-records", Api::PrivateV3, financial_records});
  r.add({"POST", "/api/v3/account/set-leverage", Api::PrivateV3, set_leverage});
  r.add({"POST", "/api/v3/account/set-hold-mode", Api::PrivateV3, set_hold_mode});
}

}  // namespace carry::sim::rest
