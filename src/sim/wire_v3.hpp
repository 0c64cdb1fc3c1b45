#pragma once
// JSON renderings of the simulator's state with Bitget v3 (UTA) field names, shared by the v3 REST
// replies and the v3 WebSocket pushes. `ws` picks the push spelling where the two differ (the
// fixtures in tests/fixtures/bitget/v3): positions `size`/`liqPrice`/`totalFundingFee` vs REST
// `total`/`liquidationPrice`/`totalFunding`, fills `execTime` vs `createdTime`, account `coin[]`
// vs `assets[]`. v3 fees are positive when paid (the engine keeps v2's negative sign).
#include "exchange.hpp"
#include "market.hpp"
#include "wire.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace carry::sim::wire::v3 {

using nlohmann::json;

// "SPOT" | "USDT-FUTURES".
std::string category(Market m);
// live | partially_filled | filled | cancelled.
std::string status(const Order& o);

json order(const Order& o, const InstrumentSpec& spec, bool ws);
// open | close: hedge orders say so; a one-way fill closes when its order is reduce-only or it
// realised PnL on a position.
std::string fill_trade_side(const Exchange& ex, const Fill& f);
json fill(const Fill& f, const InstrumentSpec& spec, const std::string& trade_side, bool ws);
// `ended`: a position the last change closed (size 0).
json position(const Account& acc, const Position& p, const PositionFigures& fig, bool ended, bool ws);
// The ledger's two wallets as one unified account (USDT = spot USDT + the futures wallet).
json account(const Account& acc, const Exchange::FuturesFigures& fig, bool ws);
json ticker(const InstrumentMarket& inst, const MarketState::Stats& st, const std::optional<FundingView>& fv, bool ws);

}  // namespace carry::sim::wire::v3
