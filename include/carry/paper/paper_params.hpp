#pragma once
// Paper exchange knobs. The config module maps the YAML keys of the same names onto these fields.
#include <carry/core/decimal.hpp>

#include <map>
#include <string>

namespace carry::paper {

struct PaperParams {
  double market_slippage_bps = 0.0;                           // market orders fill this much beyond the touch
  int leverage = 1;                                           // initial margin = notional / leverage
  std::map<std::string, Decimal, std::less<>> spot_balances;  // starting spot wallet, coin -> amount
  Decimal futures_usdt;                                       // starting USDT-M futures balance
  bool fill_on_trades = true;                                 // trades through a resting price fill it
  std::string id_prefix;  // order ids P<prefix>-n, trade ids T<prefix>-n (unique per run)
};

}  // namespace carry::paper
