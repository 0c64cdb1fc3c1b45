#include <carry/core/decimal.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace carry {
namespace {

using i128 = __int128;
constexpr i128 kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr i128 kI64Min = std::numeric_limits<std::int64_t>::min();

bool fits(i128 v) { return v >= kI64Min && v <= kI64Max; }

i128 pow10(int n) {
  i128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// n / d and n % d truncated toward zero (d > 0). A generic 128-bit division is a libgcc call of
// ~100 cycles; nearly every Decimal product or quotient fits the cheaper forms below (a 64-bit
// division, or one 128-by-64 `div` when the quotient fits 64 bits), with identical results.
inline void div_trunc(i128 n, i128 d, i128& q, i128& r) {
  if (fits(n) && d <= kI64Max) {
    const auto n64 = static_cast<std::int64_t>(n), d64 = static_cast<std::int64_t>(d);
    if (d64 == Decimal::kScale) {  // products: a constant divisor compiles to a multiply
      q = n64 / Decimal::kScale;
      r = n64 % Decimal::kScale;
      return;
    }
    if (n64 != std::numeric_limits<std::int64_t>::min()) {
      q = n64 / d64;
      r = n64 % d64;
      return;
    }
  }
#if defined(__x86_64__)
  using u128 = unsigned __int128;
  if (d <= static_cast<i128>(std::numeric_limits<std::uint64_t>::max())) {
    const bool negative = n < 0;
    const u128 un = negative ? static_cast<u128>(-n) : static_cast<u128>(n);
    const auto hi = static_cast<std::uint64_t>(un >> 64), lo = static_cast<std::uint64_t>(un);
    const auto d64 = static_cast<std::uint64_t>(d);
    if (hi < d64) {  // the quotient fits 64 bits: `div` cannot fault
      std::uint64_t uq, ur;
      __asm__("divq %4" : "=a"(uq), "=d"(ur) : "a"(lo), "d"(hi), "rm"(d64));
      q = negative ? -static_cast<i128>(uq) : static_cast<i128>(uq);
      r = negative ? -static_cast<i128>(ur) : static_cast<i128>(ur);
      return;
    }
  }
#endif
  q = n / d;
  r = n % d;
}

// n / d rounded with `mode`; d != 0.
i128 div_round(i128 n, i128 d, Rounding mode) {
  if (d < 0) {
    n = -n;
    d = -d;
  }
  i128 q, r;  // truncated toward zero
  div_trunc(n, d, q, r);
  if (r == 0) return q;
  const bool negative = n < 0;
  switch (mode) {
    case Rounding::TowardZero:
      return q;
    case Rounding::AwayFromZero:
      return negative ? q - 1 : q + 1;
    case Rounding::Down:
      return negative ? q - 1 : q;
    case Rounding::Up:
      return negative ? q : q + 1;
    case Rounding::HalfUp:
    case Rounding::HalfEven: {
      const i128 twice = (r < 0 ? -r : r) * 2;
      if (twice < d) return q;
      if (twice > d) return negative ? q - 1 : q + 1;
      if (mode == Rounding::HalfUp) return negative ? q - 1 : q + 1;
      const bool q_even = (q % 2) == 0;
      return q_even ? q : (negative ? q - 1 : q + 1);
    }
  }
  return q;
}

Result<Decimal> from_i128(i128 v) noexcept {
  if (!fits(v)) return make_error_code(Errc::overflow);
  return Decimal::from_raw(static_cast<std::int64_t>(v));
}

Decimal or_throw(Result<Decimal> r, const char* what) {
  if (!r) throw std::overflow_error(std::string("Decimal overflow in ") + what);
  return *r;
}

}  // namespace

Decimal Decimal::from_units(std::int64_t units) {
  return or_throw(from_i128(static_cast<i128>(units) * kScale), "from_units");
}

Result<Decimal> Decimal::parse(std::string_view s) noexcept {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  i128 digits = 0;
  int significant = 0;
  int frac_len = 0;
  bool any_digit = false;
  bool seen_dot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (digits == 0 && c == '0') {
        if (seen_dot) ++frac_len;
        continue;  // leading zeros carry no information
      }
      if (++significant > 36) return make_error_code(Errc::overflow);
      digits = digits * 10 + (c - '0');
      if (seen_dot) ++frac_len;
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
  }
  if (!any_digit) return make_error_code(Errc::invalid_argument);
  int exponent = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return make_error_code(Errc::invalid_argument);
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      exp_negative = s[i] == '-';
      ++i;
    }
    if (i == s.size()) return make_error_code(Errc::invalid_argument);
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return make_error_code(Errc::invalid_argument);
      exponent = exponent * 10 + (s[i] - '0');
      if (exponent > 400) return make_error_code(Errc::overflow);
    }
    if (exp_negative) exponent = -exponent;
  }
  // value = digits * 10^(exponent - frac_len); raw = value * 10^9
  const int shift = exponent - frac_len + kDecimals;
  i128 raw = digits;
  if (digits != 0) {
    if (shift >= 0) {
      if (shift + significant > 37) return make_error_code(Errc::overflow);
      raw = digits * pow10(shift);
    } else {
      if (-shift > 37) return make_error_code(Errc::out_of_range);
      const i128 div = pow10(-shift);
      if (digits % div != 0) return make_error_code(Errc::out_of_range);  // finer than 1e-9
      raw = digits / div;
    }
  }
  return from_i128(negative ? -raw : raw);
}

Result<std::optional<Decimal>> Decimal::parse_optional(std::string_view text) noexcept {
  if (text.empty() || text == "-1" || text == "null") return std::optional<Decimal>{};
  auto r = parse(text);
  if (!r) return r.error();
  return std::optional<Decimal>{*r};
}

Result<Decimal> Decimal::from_double(double value) noexcept {
  if (!std::isfinite(value)) return make_error_code(Errc::invalid_argument);
  const long double scaled = std::nearbyint(static_cast<long double>(value) * kScale);
  if (scaled > static_cast<long double>(kI64Max) || scaled < static_cast<long double>(kI64Min))
    return make_error_code(Errc::overflow);
  return Decimal(static_cast<std::int64_t>(scaled));
}

std::string Decimal::to_string() const {
  const bool negative = raw_ < 0;
  const unsigned __int128 mag = negative ? -static_cast<i128>(raw_) : static_cast<i128>(raw_);
  std::uint64_t int_part = static_cast<std::uint64_t>(mag / kScale);
  std::uint64_t frac = static_cast<std::uint64_t>(mag % kScale);
  std::string out = negative ? "-" : "";
  out += std::to_string(int_part);
  if (frac != 0) {
    char buf[10];
    for (int k = 8; k >= 0; --k) {
      buf[k] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    int len = 9;
    while (len > 0 && buf[len - 1] == '0') --len;
    out.push_back('.');
    out.append(buf, static_cast<std::size_t>(len));
  }
  return out;
}

std::string Decimal::to_string(int decimals, Rounding mode) const {
  if (decimals < 0) decimals = 0;
  if (decimals > kDecimals) decimals = kDecimals;
  const i128 unit = pow10(kDecimals - decimals);
  const i128 q = div_round(raw_, unit, mode);  // value in units of 10^-decimals
  const bool negative = q < 0;
  const unsigned __int128 mag = negative ? -q : q;
  const unsigned __int128 p = static_cast<unsigned __int128>(pow10(decimals));
  std::string out = negative ? "-" : "";
  out += std::to_string(static_cast<std::uint64_t>(mag / p));
  if (decimals > 0) {
    std::string frac = std::to_string(static_cast<std::uint64_t>(mag % p));
    out.push_back('.');
    out.append(static_cast<std::size_t>(decimals) - frac.size(), '0');
    out += frac;
  }
  return out;
}

Result<Decimal> Decimal::round_to_step(Decimal step, Rounding mode) const noexcept {
  if (step.raw_ <= 0) return make_error_code(Errc::invalid_argument);
  // Prices onto their tick (a backtest does two per quote): a non-negative value rounded down or
  // up needs one 64-bit remainder; same results as the general path below.
  if (raw_ >= 0 && mode != Rounding::HalfEven && mode != Rounding::HalfUp) {
    const std::int64_t rest = raw_ % step.raw_;
    if (rest == 0) return *this;
    const std::int64_t down = raw_ - rest;
    if (mode == Rounding::Down || mode == Rounding::TowardZero) return Decimal(down);
    std::int64_t up;
    if (__builtin_add_overflow(down, step.raw_, &up)) return make_error_code(Errc::overflow);
    return Decimal(up);
  }
  const i128 q = div_round(raw_, step.raw_, mode);
  return from_i128(q * step.raw_);
}

Result<Decimal> Decimal::round_to_decimals(int decimals, Rounding mode) const noexcept {
  if (decimals < 0 || decimals > kDecimals) return make_error_code(Errc::invalid_argument);
  return round_to_step(Decimal(static_cast<std::int64_t>(pow10(kDecimals - decimals))), mode);
}

Result<Decimal> Decimal::checked_add(Decimal o) const noexcept {
  std::int64_t r;
  if (__builtin_add_overflow(raw_, o.raw_, &r)) return make_error_code(Errc::overflow);
  return Decimal(r);
}

Result<Decimal> Decimal::checked_sub(Decimal o) const noexcept {
  std::int64_t r;
  if (__builtin_sub_overflow(raw_, o.raw_, &r)) return make_error_code(Errc::overflow);
  return Decimal(r);
}

Result<Decimal> Decimal::checked_mul(Decimal o, Rounding mode) const noexcept {
  return from_i128(div_round(static_cast<i128>(raw_) * o.raw_, kScale, mode));
}

Result<Decimal> Decimal::checked_div(Decimal o, Rounding mode) const noexcept {
  if (o.raw_ == 0) return make_error_code(Errc::invalid_argument);
  return from_i128(div_round(static_cast<i128>(raw_) * kScale, o.raw_, mode));
}

namespace decimal_detail {
void decimal_overflow(const char* op) { throw std::overflow_error(std::string("Decimal overflow in ") + op); }
Decimal decimal_mul_wide(Decimal a, Decimal b) { return or_throw(a.checked_mul(b), "*"); }
}  // namespace decimal_detail

Decimal operator/(Decimal a, Decimal b) {
  if (b.is_zero()) throw std::domain_error("Decimal division by zero");
  return or_throw(a.checked_div(b), "/");
}
Decimal Decimal::mul_int(std::int64_t k) const { return or_throw(from_i128(static_cast<i128>(raw_) * k), "mul_int"); }

Decimal operator""_dec(const char* text, std::size_t len) {
  auto r = Decimal::parse(std::string_view(text, len));
  if (!r) throw std::invalid_argument("bad decimal literal: " + std::string(text, len));
  return *r;
}

}  // namespace carry
