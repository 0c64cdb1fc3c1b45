#pragma once
// Private: the common CSV number shape ("105531.5", "-0.00000014": optional '-', up to 9 integer
// digits, up to 9 fractional digits) parsed with plain int64 arithmetic; anything else (exponent,
// '+', more digits, garbage) goes to Decimal::parse, which has the final word and the errors.
// Same results as Decimal::parse for every input (tested), about 3x faster on candle files.
#include <carry/core/decimal.hpp>

#include <cstdint>
#include <string_view>

namespace carry::backtest::detail {

inline Result<Decimal> parse_decimal_fast(std::string_view s) noexcept {
  static constexpr std::uint64_t kPow10[10] = {1,       10,        100,        1'000,       10'000,
                                               100'000, 1'000'000, 10'000'000, 100'000'000, 1'000'000'000};
  const char* p = s.data();
  const char* const end = p + s.size();
  bool negative = false;
  if (p != end && *p == '-') {
    negative = true;
    ++p;
  }
  const char* const int_begin = p;
  // Unsigned accumulators: long digit runs wrap harmlessly and are sent to the fallback below.
  std::uint64_t int_part = 0;
  while (p != end && static_cast<unsigned>(*p - '0') < 10) int_part = int_part * 10 + static_cast<unsigned>(*p++ - '0');
  const std::ptrdiff_t int_len = p - int_begin;
  std::uint64_t frac = 0;
  std::ptrdiff_t frac_len = 0;
  if (p != end && *p == '.') {
    const char* const frac_begin = ++p;
    while (p != end && static_cast<unsigned>(*p - '0') < 10) frac = frac * 10 + static_cast<unsigned>(*p++ - '0');
    frac_len = p - frac_begin;
  }
  if (p != end || int_len > 9 || frac_len > 9 || int_len + frac_len == 0) return Decimal::parse(s);
  const auto raw = static_cast<std::int64_t>(int_part * Decimal::kScale + frac * kPow10[9 - frac_len]);
  return Decimal::from_raw(negative ? -raw : raw);
}

}  // namespace carry::backtest::detail
