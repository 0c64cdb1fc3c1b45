// Private v3 (Unified Trading Account) REST over the same ledger as v2: the account settings,
// which clients call first to learn the account's kind (UTA.md, "Detection"), and the assets.
#include "rest_router.hpp"
#include "wire_v3.hpp"

namespace carry::sim::rest {

namespace {

// SG uta/account/Get-Account-Setting.md. holdMode is account-wide in UTA, which is what the sim's
// per-account position mode already is; leverage and margin mode are per symbol.
HttpResponse account_settings(const Call& c) {
  const Account& acc = c.acc();
  json symbols = json::array();
  for (const auto& i : c.sim.market().instruments()) {
    if (i.spec.market != Market::Perp) continue;
    symbols.push_back({{"category", "USDT-FUTURES"},
                       {"symbol", i.spec.symbol},
                       {"marginMode", acc.margin_mode_for(i.spec.symbol)},
                       {"leverage", std::to_string(acc.leverage_for(i.spec.symbol))}});
  }
  return c.ok({{"uid", acc.api_key},
               {"accountMode", acc.account_mode},
               {"assetMode", "multi_assets"},
               {"holdMode", acc.pos_mode},
               {"stpMode", "none"},
               {"symbolConfigList", symbols},
               {"coinConfigList", json::array()}});
}

// SG uta/account/Get-Account.md. The ledger keeps v2's two wallets (spot coins, USDT-M futures
// USDT); a unified account shows them as one: USDT is the sum, futures unrealised PnL counts in
// equity, and what open orders and positions hold is `locked`. USD = USDT here; no BTC price
// conversion (btc* fields are "0"), no borrowing (debt "0").
HttpResponse account_assets(const Call& c) {
  const Account& acc = c.acc();
  return c.ok(wire::v3::account(acc, c.sim.exchange().futures_figures(acc), false));
}

}  // namespace

void add_account_v3(Router& r) {
  r.add({"GET", "/api/v3/account/settings", Api::PrivateV3, account_settings});
  r.add({"GET", "/api/v3/account/assets", Api::PrivateV3, account_assets});
}

}  // namespace carry::sim::rest
