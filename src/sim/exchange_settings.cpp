// Simulator: the futures account settings (set-leverage, set-position-mode, set-margin-mode) with
// Bitget's rules: posMode is one setting for the whole USDT-M product type, marginMode and
// leverage are per symbol; a mode cannot be switched while a position or an order is open (40920).
#include "exchange.hpp"

#include "exchange_internal.hpp"

namespace carry::sim {

using namespace detail;

bool Exchange::perp_busy(const std::string& account_key, const Account& acc, const std::string& symbol) const {
  for (const auto& p : acc.positions)
    if (symbol.empty() || p.symbol == symbol) return true;
  for (const auto& id : pending_) {
    const Order& o = orders_.at(id);
    if (o.account == account_key && o.market == Market::Perp && (symbol.empty() || o.symbol == symbol)) return true;
  }
  return false;
}

ApiResult<int> Exchange::set_leverage(const std::string& account_key, const std::string& symbol, int leverage) {
  Account* acc = account(account_key);
  const auto* inst = market_.find(Market::Perp, symbol);
  if (!inst) return err("40034", "Parameter " + symbol + " does not exist");
  if (leverage < 1 || leverage > inst->spec.max_lever) return err("40034", "Parameter leverage error");
  acc->leverage[symbol] = leverage;  // allowed with a position open, as on Bitget
  return leverage;
}

ApiResult<std::string> Exchange::set_position_mode(const std::string& account_key, const std::string& mode) {
  Account* acc = account(account_key);
  if (mode != "one_way_mode" && mode != "hedge_mode") return err("40034", "Parameter posMode error");
  if (mode != acc->pos_mode && perp_busy(account_key, *acc, ""))
    return err("40920", "Position mode cannot be switched while holding positions or orders");
  acc->pos_mode = mode;
  return mode;
}

ApiResult<std::string> Exchange::set_margin_mode(const std::string& account_key, const std::string& symbol,
                                                 const std::string& mode) {
  Account* acc = account(account_key);
  if (mode != "crossed" && mode != "isolated") return err("40034", "Parameter marginMode error");
  if (mode != acc->margin_mode_for(symbol) && perp_busy(account_key, *acc, symbol))
    return err("40920", "Margin mode cannot be switched while holding positions or orders");
  acc->margin_modes[symbol] = mode;
  return mode;
}

}  // namespace carry::sim
