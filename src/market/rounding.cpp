#include <carry/market/rounding.hpp>

namespace carry::market {

Result<Decimal> round_price(const Instrument& ins, Decimal price, Rounding mode) {
  if (!ins.tick.is_positive()) return make_error_code(Errc::invalid_argument);
  return price.round_to_step(ins.tick, mode);
}

Result<Decimal> passive_price(const Instrument& ins, Decimal price, Side side) {
  return round_price(ins, price, side == Side::Buy ? Rounding::Down : Rounding::Up);
}

Result<Decimal> round_size(const Instrument& ins, Decimal size) {
  if (!ins.lot.is_positive()) return make_error_code(Errc::invalid_argument);
  return size.round_to_step(ins.lot, Rounding::TowardZero);
}

std::string order_rule_violation(const Instrument& ins, Decimal price, Decimal size) {
  const std::string sym = ins.symbol + ": ";
  if (!size.is_positive()) return sym + "size " + size.to_string() + " is not positive";
  if (!price.is_positive()) return sym + "price " + price.to_string() + " is not positive";
  if (auto p = round_price(ins, price, Rounding::HalfEven); !p || *p != price)
    return sym + "price " + price.to_string() + " is not a multiple of tick " + ins.tick.to_string();
  if (auto s = round_size(ins, size); !s || *s != size)
    return sym + "size " + size.to_string() + " is not a multiple of lot " + ins.lot.to_string();
  if (size < ins.min_size)
    return sym + "size " + size.to_string() + " is below the minimum " + ins.min_size.to_string();
  auto notional = price.checked_mul(size);
  if (!notional) return sym + "notional overflows";
  if (*notional < ins.min_notional)
    return sym + "notional " + notional->to_string() + " is below the minimum " + ins.min_notional.to_string();
  return {};
}

}  // namespace carry::market
