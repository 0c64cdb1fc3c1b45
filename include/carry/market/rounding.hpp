#pragma once
// Trading-rule helpers over core::Instrument: price to tick, size to lot, minimum checks.
#include <carry/core/result.hpp>
#include <carry/core/types.hpp>

#include <string>

namespace carry::market {

// Price on the instrument's tick grid. For a passive (maker) order use passive_price().
Result<Decimal> round_price(const Instrument& ins, Decimal price, Rounding mode = Rounding::HalfEven);
// Never crosses further than asked: a buy rounds down, a sell rounds up.
Result<Decimal> passive_price(const Instrument& ins, Decimal price, Side side);
// Size on the lot grid, rounded toward zero (never more than asked).
Result<Decimal> round_size(const Instrument& ins, Decimal size);

// Why an order would be refused by the venue's static rules ("" when it is fine):
// off-tick price, off-lot size, size below min_size, notional below min_notional.
std::string order_rule_violation(const Instrument& ins, Decimal price, Decimal size);

}  // namespace carry::market
