// Simulator: v3 modify-order on the matching engine. Unlike v2's modify (a delayed cancel and a new
// order under a new clientOid), the v3 amend changes the resting order itself: same orderId and
// clientOid, new price and/or quantity, the reserved funds re-sized; a price that now crosses
// trades at once (a post-only one is cancelled, as on placement).
#include "exchange.hpp"

#include "exchange_internal.hpp"

namespace carry::sim {

using namespace detail;

ApiResult<Order> Exchange::amend(const std::string& account_key, Market market, const std::string& order_id,
                                 std::optional<Decimal> new_size, std::optional<Decimal> new_price,
                                 std::int64_t now_ms) {
  auto it = orders_.find(order_id);
  if (it == orders_.end() || it->second.account != account_key || it->second.market != market)
    return err("25204", "Order does not exist");
  Order& o = it->second;
  // The engine's v2 code for the same refusal: filled and cancelled orders cannot change.
  if (!o.pending()) return err("40768", "Order status does not allow modification");
  if (o.type != OrdType::Limit) return err("40768", "Only a limit order can be modified");
  if (!new_size && !new_price) return err("40017", "Parameter verification failed qty");
  InstrumentMarket* inst = market_.find(o.market, o.symbol);
  const auto& spec = inst->spec;
  const bool perp = o.market == Market::Perp;
  const Decimal price = new_price.value_or(o.price), size = new_size.value_or(o.size);
  if (!price.is_positive() || !on_step(price, spec.tick()))
    return perp ? err("45115", "The price you enter should be a multiple of " + spec.tick().to_string())
                : err("43028", "Price step mismatch");
  if (!size.is_positive() || !on_step(size, spec.size_multiplier))
    return err("40808", "Parameter verification exception size checkBDScale error value=" + size.to_string() +
                            " checkScale=" + std::to_string(spec.volume_place));
  if (size <= o.filled) return err("40808", "The new quantity must exceed the filled quantity " + o.filled.to_string());
  if (!o.reduce_only && size < spec.min_size)
    return perp ? err("45111", "less than the minimum order quantity")
                : err("43006", "The order amount is less than the minimum");
  Account& acc = accounts_.at(account_key);
  if (auto e = reserve_for_amend(acc, o, price, size, now_ms)) return *e;
  o.price = price;
  o.size = size;
  o.u_time = now_ms;
  push_order(o);
  push_account(acc, o.market);
  if (o.force == Force::PostOnly && (o.side == Side::Buy ? o.price >= inst->row.ask : o.price <= inst->row.bid)) {
    finish_cancel(o, "post_only", now_ms);
    return o;
  }
  match_taker(o, *inst, now_ms);
  return o;
}

std::optional<ApiError> Exchange::reserve_for_amend(Account& acc, Order& o, Decimal price, Decimal size,
                                                    std::int64_t now_ms) {
  // What placement would reserve for the unfilled part (fills release it pro rata).
  const Decimal remaining = size - o.filled;
  Decimal need;
  if (o.market == Market::Perp)
    need = o.reduce_only ? Decimal{} : price * remaining / Decimal::from_units(o.leverage);
  else
    need = o.side == Side::Buy ? price * remaining : remaining;
  const Decimal extra = need - o.frozen;
  if (o.market == Market::Perp) {
    if (extra.is_positive() && extra > futures_figures(acc).available)
      return err("40762", "The order size is greater than the max open size");
  } else {
    if (extra.is_positive() && extra > acc.spot_available[o.frozen_coin]) return err("43012", "Insufficient balance");
    acc.spot_available[o.frozen_coin] -= extra;
    acc.spot_frozen[o.frozen_coin] += extra;
    acc.spot_utime[o.frozen_coin] = now_ms;
  }
  o.frozen = need;
  return std::nullopt;
}

}  // namespace carry::sim
