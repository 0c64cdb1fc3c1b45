// Private v2 account REST (REFERENCE section 4): positions, the USDT-M futures account, bills,
// the leverage / position-mode / margin-mode setters and the spot assets.
#include "rest_router.hpp"
#include "wire.hpp"

namespace carry::sim::rest {

namespace {

HttpResponse positions(const Call& c) {
  const bool single = c.path.ends_with("single-position");
  if (single) {
    if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  }
  const auto sym = c.get("symbol");
  auto& ex = c.sim.exchange();
  const Account& acc = c.acc();
  json data = json::array();
  for (const auto& pos : acc.positions) {
    if (single && pos.symbol != sym) continue;
    wire::PositionFigures fig;
    fig.mark = c.sim.market().mark_price(pos.symbol);
    fig.unrealized_pl = ex.unrealized_pl(pos);
    fig.margin = ex.position_margin(acc, pos);
    fig.leverage = acc.leverage_for(pos.symbol);
    data.push_back(wire::position_rest(acc, pos, fig));
  }
  return c.ok(data);
}

HttpResponse futures_accounts(const Call& c) {
  return c.ok(json::array({wire::futures_account_rest(c.acc(), c.sim.exchange().futures_figures(c.acc()), false, "")}));
}

HttpResponse futures_account(const Call& c) {
  if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  if (c.get("marginCoin").empty()) return c.fail(missing("marginCoin"));
  return c.ok(wire::futures_account_rest(c.acc(), c.sim.exchange().futures_figures(c.acc()), true, c.get("symbol")));
}

HttpResponse bills(const Call& c) {
  const auto limit = limit_param(c.get("limit"), 20, 100);
  const auto start = to_int(c.get("startTime")).value_or(INT64_MIN);
  const auto end = to_int(c.get("endTime")).value_or(INT64_MAX);
  const auto bt = c.get("businessType");
  const bool only_funding = lower(c.get("onlyFunding")) == "true" || upper(c.get("onlyFunding")) == "YES";
  const auto id_lt = c.get("idLessThan");
  const auto sym = c.get("symbol");
  const auto& all = c.acc().bills;
  json out = json::array();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (!bt.empty() && it->business_type != bt) continue;
    if (only_funding && it->business_type != "contract_settle_fee") continue;
    if (!sym.empty() && it->symbol != sym) continue;
    if (it->c_time < start || it->c_time > end) continue;
    if (!id_lt.empty() && !(it->bill_id < id_lt)) continue;
    if (static_cast<std::int64_t>(out.size()) >= limit) break;
    out.push_back(wire::bill(*it));
  }
  json end_id = out.empty() ? json(nullptr) : json(out.back()["billId"]);
  return c.ok({{"bills", out}, {"endId", end_id}});
}

HttpResponse set_leverage(const Call& c) {
  if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  auto lev = to_int(c.get("leverage"));
  if (!lev) return c.fail(missing("leverage"));
  const auto sym = c.get("symbol");
  auto r = c.sim.exchange().set_leverage(c.account, sym, static_cast<int>(*lev));
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  const auto l = std::to_string(std::get<int>(r));
  return c.ok({{"symbol", sym},
               {"marginCoin", "USDT"},
               {"longLeverage", l},
               {"shortLeverage", l},
               {"crossMarginLeverage", l},
               {"marginMode", c.acc().margin_mode_for(sym)}});
}

HttpResponse set_position_mode(const Call& c) {
  auto r = c.sim.exchange().set_position_mode(c.account, c.get("posMode"));
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  return c.ok({{"posMode", std::get<std::string>(r)}});
}

HttpResponse set_margin_mode(const Call& c) {
  if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  const auto sym = c.get("symbol");
  auto r = c.sim.exchange().set_margin_mode(c.account, sym, lower(c.get("marginMode")));
  if (auto* e = std::get_if<ApiError>(&r)) return c.fail(*e);
  const auto l = std::to_string(c.acc().leverage_for(sym));
  return c.ok({{"symbol", sym},
               {"marginCoin", "USDT"},
               {"longLeverage", l},
               {"shortLeverage", l},
               {"marginMode", std::get<std::string>(r)}});
}

HttpResponse spot_assets(const Call& c) {
  const auto coin = c.get("coin");
  const bool all = c.get("assetType") == "all";
  const Account& acc = c.acc();
  json data = json::array();
  for (const auto& [k, amount] : acc.spot_available) {
    if (!coin.empty() && k != coin) continue;
    const Decimal frozen = acc.spot_frozen.count(k) ? acc.spot_frozen.at(k) : Decimal{};
    if (!all && coin.empty() && amount.is_zero() && frozen.is_zero()) continue;
    data.push_back(wire::spot_asset(acc, k));
  }
  return c.ok(data);
}

HttpResponse spot_bills(const Call& c) { return c.ok(json::array()); }  // not modelled

}  // namespace

void add_account_v2(Router& r) {
  auto mix = [&r](const char* method, const char* path, Handler h) { r.add({method, path, Api::PrivateV2, h, true}); };
  mix("GET", "/api/v2/mix/position/all-position", positions);
  mix("GET", "/api/v2/mix/position/single-position", positions);
  mix("GET", "/api/v2/mix/account/accounts", futures_accounts);
  mix("GET", "/api/v2/mix/account/account", futures_account);
  mix("GET", "/api/v2/mix/account/bill", bills);
  mix("POST", "/api/v2/mix/account/set-leverage", set_leverage);
  mix("POST", "/api/v2/mix/account/set-position-mode", set_position_mode);
  mix("POST", "/api/v2/mix/account/set-margin-mode", set_margin_mode);
  r.add({"GET", "/api/v2/spot/account/assets", Api::PrivateV2, spot_assets});
  r.add({"GET", "/api/v2/spot/account/bills", Api::PrivateV2, spot_bills});
}

}  // namespace carry::sim::rest
