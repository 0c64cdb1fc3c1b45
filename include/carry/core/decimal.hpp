#pragma once
// Fixed-point decimal for prices, sizes and money: int64 scaled by 1e-9.
// Parsed straight from exchange strings (never through double); overflow is detected, never wrapped.
#include <carry/core/result.hpp>

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace carry {

enum class Rounding {
  Down,  // toward negative infinity
  Up,    // toward positive infinity
  TowardZero,
  AwayFromZero,
  HalfEven,  // banker's rounding
  HalfUp,    // half away from zero
};

class Decimal {
 public:
  static constexpr int kDecimals = 9;
  static constexpr std::int64_t kScale = 1'000'000'000;

  constexpr Decimal() = default;

  static constexpr Decimal from_raw(std::int64_t raw) noexcept { return Decimal(raw); }
  // Whole units (e.g. from_units(5) == 5.0). Throws std::overflow_error if out of range.
  static Decimal from_units(std::int64_t units);
  // Exact parse of a plain decimal string ("123", "-0.000123", "+1.5"). Exponent notation ("1e-5")
  // is accepted only when the result is exact at 9 decimals; more than 9 fractional digits is an
  // error (never silently truncated).
  static Result<Decimal> parse(std::string_view text) noexcept;
  // Exchange fields that use "" / "-1" / "null" for "not applicable" come back as nullopt.
  static Result<std::optional<Decimal>> parse_optional(std::string_view text) noexcept;
  // Lossy conversion for analytics inputs only; rounds half-even to 9 decimals.
  static Result<Decimal> from_double(double value) noexcept;

  constexpr std::int64_t raw() const noexcept { return raw_; }
  double to_double() const noexcept { return static_cast<double>(raw_) / static_cast<double>(kScale); }
  constexpr bool is_zero() const noexcept { return raw_ == 0; }
  constexpr bool is_negative() const noexcept { return raw_ < 0; }
  constexpr bool is_positive() const noexcept { return raw_ > 0; }
  inline Decimal abs() const;

  // Shortest exact representation ("0.5", "-12", "0.000123").
  std::string to_string() const;
  // Exactly `decimals` fractional digits (0..9), rounded with `mode`.
  std::string to_string(int decimals, Rounding mode = Rounding::HalfEven) const;

  // Rounds to a multiple of `step` (> 0).
  Result<Decimal> round_to_step(Decimal step, Rounding mode) const noexcept;
  Result<Decimal> round_to_decimals(int decimals, Rounding mode) const noexcept;

  // Checked arithmetic: errors instead of wrapping.
  Result<Decimal> checked_add(Decimal other) const noexcept;
  Result<Decimal> checked_sub(Decimal other) const noexcept;
  Result<Decimal> checked_mul(Decimal other, Rounding mode = Rounding::HalfEven) const noexcept;
  Result<Decimal> checked_div(Decimal other, Rounding mode = Rounding::HalfEven) const noexcept;

  // Operators throw std::overflow_error on overflow (a broken invariant for sane trading values).
  // +, -, * and abs are inline (defined below): the engine does a few dozen per evaluation.
  friend Decimal operator/(Decimal a, Decimal b);
  inline Decimal operator-() const;
  inline Decimal& operator+=(Decimal b);
  inline Decimal& operator-=(Decimal b);
  Decimal mul_int(std::int64_t k) const;

  friend constexpr auto operator<=>(Decimal a, Decimal b) noexcept = default;
  friend constexpr bool operator==(Decimal a, Decimal b) noexcept = default;

 private:
  constexpr explicit Decimal(std::int64_t raw) noexcept : raw_(raw) {}
  std::int64_t raw_ = 0;
};

namespace decimal_detail {
[[noreturn]] void decimal_overflow(const char* op);  // throws std::overflow_error
Decimal decimal_mul_wide(Decimal a, Decimal b);      // a * b when the raw product exceeds 64 bits
}  // namespace decimal_detail

inline Decimal operator+(Decimal a, Decimal b) {
  std::int64_t r;
  if (__builtin_add_overflow(a.raw(), b.raw(), &r)) [[unlikely]]
    decimal_detail::decimal_overflow("+");
  return Decimal::from_raw(r);
}

inline Decimal operator-(Decimal a, Decimal b) {
  std::int64_t r;
  if (__builtin_sub_overflow(a.raw(), b.raw(), &r)) [[unlikely]]
    decimal_detail::decimal_overflow("-");
  return Decimal::from_raw(r);
}

// Rounded half-even, like checked_mul's default.
inline Decimal operator*(Decimal a, Decimal b) {
  std::int64_t p;
  if (__builtin_mul_overflow(a.raw(), b.raw(), &p)) [[unlikely]]
    return decimal_detail::decimal_mul_wide(a, b);
  std::int64_t q = p / Decimal::kScale;  // a constant divisor: a multiply, no division
  const std::int64_t r = p % Decimal::kScale;
  const std::int64_t twice = (r < 0 ? -r : r) * 2;
  if (twice > Decimal::kScale || (twice == Decimal::kScale && (q & 1) != 0)) q += p < 0 ? -1 : 1;
  return Decimal::from_raw(q);
}

inline Decimal& Decimal::operator+=(Decimal b) { return *this = *this + b; }
inline Decimal& Decimal::operator-=(Decimal b) { return *this = *this - b; }

inline Decimal Decimal::operator-() const {
  if (raw_ == std::numeric_limits<std::int64_t>::min()) [[unlikely]]
    decimal_detail::decimal_overflow("negate");
  return Decimal(-raw_);
}

inline Decimal Decimal::abs() const {
  if (raw_ == std::numeric_limits<std::int64_t>::min()) [[unlikely]]
    decimal_detail::decimal_overflow("abs");
  return Decimal(raw_ < 0 ? -raw_ : raw_);
}

inline Decimal min(Decimal a, Decimal b) { return a < b ? a : b; }
inline Decimal max(Decimal a, Decimal b) { return a < b ? b : a; }

// Literal helper for tests and constants: "0.1"_dec. Throws on bad input.
Decimal operator""_dec(const char* text, std::size_t len);

}  // namespace carry
