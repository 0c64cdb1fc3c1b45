#include <carry/core/position_math.hpp>

namespace carry {

Decimal apply_trade(Decimal& size, Decimal& avg_entry, Decimal signed_qty, Decimal price) {
  const Decimal old = size;
  if (old.is_zero() || old.is_positive() == signed_qty.is_positive()) {
    const Decimal total = old.abs() + signed_qty.abs();
    if (!total.is_zero()) avg_entry = (avg_entry * old.abs() + price * signed_qty.abs()) / total;
    size = old + signed_qty;
    return {};
  }
  const Decimal closed = min(old.abs(), signed_qty.abs());
  const Decimal realized = (old.is_positive() ? price - avg_entry : avg_entry - price) * closed;
  size = old + signed_qty;
  if (size.is_zero())
    avg_entry = Decimal{};
  else if (size.is_positive() != old.is_positive())
    avg_entry = price;  // flipped: the remainder was opened at this price
  return realized;
}

}  // namespace carry
