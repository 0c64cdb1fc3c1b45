#include <carry/core/decimal.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <random>
#include <stdexcept>

using namespace carry;

TEST(Decimal, ParsesExchangeStringsExactly) {
  EXPECT_EQ(Decimal::parse("0.000123")->raw(), 123'000);
  EXPECT_EQ(Decimal::parse("-1.5")->raw(), -1'500'000'000);
  EXPECT_EQ(Decimal::parse("+2")->raw(), 2'000'000'000);
  EXPECT_EQ(Decimal::parse("30000")->raw(), 30'000'000'000'000);
  EXPECT_EQ(Decimal::parse(".5")->raw(), 500'000'000);
  EXPECT_EQ(Decimal::parse("5.")->raw(), 5'000'000'000);
  EXPECT_EQ(Decimal::parse("0.500000000000")->raw(), 500'000'000);  // trailing zeros beyond 9 are exact
  EXPECT_EQ(Decimal::parse("0.000000001")->raw(), 1);
}

TEST(Decimal, ExponentNotationHandledExplicitly) {
  EXPECT_EQ(Decimal::parse("1e-5")->raw(), 10'000);
  EXPECT_EQ(Decimal::parse("2.5E3")->raw(), 2'500'000'000'000);
  EXPECT_EQ(Decimal::parse("1e-9")->raw(), 1);
  // Finer than 1e-9 is refused rather than truncated.
  EXPECT_FALSE(Decimal::parse("1e-10"));
  EXPECT_FALSE(Decimal::parse("0.0000000001"));
  EXPECT_FALSE(Decimal::parse("1e"));
  EXPECT_FALSE(Decimal::parse("1e+"));
}

TEST(Decimal, RejectsGarbage) {
  for (const char* bad : {"", "-", "+", ".", "abc", "1.2.3", "1,5", " 1", "1 ", "0x10", "--1", "nan", "inf"}) {
    EXPECT_FALSE(Decimal::parse(bad)) << bad;
  }
}

TEST(Decimal, OverflowDetectedNeverWrapped) {
  EXPECT_TRUE(Decimal::parse("9223372036.854775807"));
  EXPECT_FALSE(Decimal::parse("9223372036.854775808"));
  EXPECT_FALSE(Decimal::parse("99999999999999999999999999"));
  EXPECT_FALSE(Decimal::parse("1e300"));
  const Decimal big = *Decimal::parse("9000000000");
  EXPECT_FALSE(big.checked_add(big));
  EXPECT_FALSE(big.checked_mul(*Decimal::parse("2")));
  EXPECT_THROW(big + big, std::overflow_error);
  EXPECT_THROW((void)(big * big), std::overflow_error);
  EXPECT_FALSE(Decimal::from_raw(5).checked_div(Decimal()));
}

TEST(Decimal, SentinelsSurfaceAsAbsent) {
  EXPECT_FALSE(Decimal::parse_optional("")->has_value());
  EXPECT_FALSE(Decimal::parse_optional("-1")->has_value());
  EXPECT_FALSE(Decimal::parse_optional("null")->has_value());
  EXPECT_EQ(Decimal::parse_optional("0.1")->value(), "0.1"_dec);
  EXPECT_FALSE(Decimal::parse_optional("x"));
  // A plain parse of "-1" is the number -1: sentinels are only for fields that use them.
  EXPECT_EQ(Decimal::parse("-1")->raw(), -1'000'000'000);
}

TEST(Decimal, FormatsShortestAndFixed) {
  EXPECT_EQ("0.5"_dec.to_string(), "0.5");
  EXPECT_EQ("-12"_dec.to_string(), "-12");
  EXPECT_EQ("0.000123"_dec.to_string(), "0.000123");
  EXPECT_EQ(Decimal().to_string(), "0");
  EXPECT_EQ("-0.000000001"_dec.to_string(), "-0.000000001");
  EXPECT_EQ("1.25"_dec.to_string(1, Rounding::HalfEven), "1.2");
  EXPECT_EQ("1.35"_dec.to_string(1, Rounding::HalfEven), "1.4");
  EXPECT_EQ("1.25"_dec.to_string(1, Rounding::HalfUp), "1.3");
  EXPECT_EQ("-1.25"_dec.to_string(1, Rounding::HalfUp), "-1.3");
  EXPECT_EQ("30000"_dec.to_string(2), "30000.00");
  EXPECT_EQ("0.001"_dec.to_string(3), "0.001");
  EXPECT_EQ("-0.04"_dec.to_string(1, Rounding::HalfEven), "0.0");
  EXPECT_EQ(Decimal::from_raw(INT64_MIN).to_string(), "-9223372036.854775808");
}

TEST(Decimal, RoundsToStepWithExplicitMode) {
  const Decimal tick = "0.5"_dec;
  EXPECT_EQ(*"100.74"_dec.round_to_step(tick, Rounding::Down), "100.5"_dec);
  EXPECT_EQ(*"100.74"_dec.round_to_step(tick, Rounding::Up), "101"_dec);
  EXPECT_EQ(*"100.74"_dec.round_to_step(tick, Rounding::HalfEven), "100.5"_dec);
  EXPECT_EQ(*"100.75"_dec.round_to_step(tick, Rounding::HalfEven), "101"_dec);
  EXPECT_EQ(*"-100.74"_dec.round_to_step(tick, Rounding::Down), "-101"_dec);
  EXPECT_EQ(*"-100.74"_dec.round_to_step(tick, Rounding::TowardZero), "-100.5"_dec);
  EXPECT_EQ(*"0.0037"_dec.round_to_step("0.001"_dec, Rounding::Down), "0.003"_dec);
  EXPECT_FALSE("1"_dec.round_to_step(Decimal(), Rounding::Down));
}

TEST(Decimal, Arithmetic) {
  EXPECT_EQ("0.1"_dec + "0.2"_dec, "0.3"_dec);
  EXPECT_EQ("30000"_dec * "0.001"_dec, "30"_dec);
  EXPECT_EQ("1"_dec / "3"_dec, Decimal::from_raw(333'333'333));
  EXPECT_EQ(*"2"_dec.checked_div("3"_dec, Rounding::Down), Decimal::from_raw(666'666'666));
  EXPECT_EQ(-"1.5"_dec, "-1.5"_dec);
  EXPECT_EQ("-1.5"_dec.abs(), "1.5"_dec);
  EXPECT_LT("0.1"_dec, "0.2"_dec);
}

// Randomised: format(parse(x)) == x for canonical strings, and parse(format(d)) == d for raw values.
TEST(Decimal, RandomisedRoundTrips100k) {
  std::mt19937_64 rng(20261121);
  std::uniform_int_distribution<std::int64_t> raw_dist(-9'000'000'000'000'000'000LL, 9'000'000'000'000'000'000LL);
  std::uniform_int_distribution<int> decimals_dist(0, 9);
  for (int i = 0; i < 100'000; ++i) {
    // Scale down some values so small magnitudes are well covered too.
    std::int64_t raw = raw_dist(rng) >> (rng() % 60);
    const Decimal d = Decimal::from_raw(raw);
    const std::string s = d.to_string();
    auto back = Decimal::parse(s);
    ASSERT_TRUE(back) << s;
    ASSERT_EQ(back->raw(), raw) << s;

    const int decimals = decimals_dist(rng);
    const std::string fixed = d.to_string(decimals, Rounding::Down);
    auto parsed_fixed = Decimal::parse(fixed);
    ASSERT_TRUE(parsed_fixed) << fixed;
    ASSERT_EQ(*parsed_fixed, *d.round_to_decimals(decimals, Rounding::Down)) << fixed;
  }
}

TEST(Decimal, RandomisedTickRounding100k) {
  std::mt19937_64 rng(7);
  const std::int64_t steps[] = {1,          10,          5'000,       100'000,       1'000'000,
                                10'000'000, 100'000'000, 500'000'000, 1'000'000'000, 5'000'000'000};
  const Rounding modes[] = {Rounding::Down,         Rounding::Up,       Rounding::TowardZero,
                            Rounding::AwayFromZero, Rounding::HalfEven, Rounding::HalfUp};
  std::uniform_int_distribution<std::int64_t> raw_dist(-1'000'000'000'000'000LL, 1'000'000'000'000'000LL);
  for (int i = 0; i < 100'000; ++i) {
    const Decimal value = Decimal::from_raw(raw_dist(rng));
    const Decimal step = Decimal::from_raw(steps[rng() % std::size(steps)]);
    const Rounding mode = modes[rng() % std::size(modes)];
    const Decimal r = *value.round_to_step(step, mode);
    ASSERT_EQ(r.raw() % step.raw(), 0);
    const std::int64_t diff = r.raw() - value.raw();
    ASSERT_LT(diff < 0 ? -diff : diff, step.raw());
    switch (mode) {
      case Rounding::Down:
        ASSERT_LE(r, value);
        break;
      case Rounding::Up:
        ASSERT_GE(r, value);
        break;
      case Rounding::TowardZero:
        ASSERT_LE(r.abs(), value.abs());
        break;
      case Rounding::AwayFromZero:
        ASSERT_GE(r.abs(), value.abs());
        break;
      case Rounding::HalfEven:
      case Rounding::HalfUp:
        ASSERT_LE(2 * (diff < 0 ? -diff : diff), step.raw());
        break;
    }
  }
}

namespace {

// The textbook definition (one generic 128-bit division), to check the fast paths against.
__int128 reference_div_round(__int128 n, __int128 d, Rounding mode) {
  if (d < 0) {
    n = -n;
    d = -d;
  }
  const __int128 q = n / d, r = n % d;
  if (r == 0) return q;
  const bool negative = n < 0;
  const __int128 away = negative ? q - 1 : q + 1;
  switch (mode) {
    case Rounding::TowardZero:
      return q;
    case Rounding::AwayFromZero:
      return away;
    case Rounding::Down:
      return negative ? q - 1 : q;
    case Rounding::Up:
      return negative ? q : q + 1;
    case Rounding::HalfUp:
    case Rounding::HalfEven: {
      const __int128 twice = (r < 0 ? -r : r) * 2;
      if (twice != d) return twice < d ? q : away;
      return mode == Rounding::HalfUp || q % 2 != 0 ? away : q;
    }
  }
  return q;
}

std::optional<std::int64_t> reference_result(__int128 v) {
  if (v > std::numeric_limits<std::int64_t>::max() || v < std::numeric_limits<std::int64_t>::min()) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

}  // namespace

// Products and quotients over every magnitude (64-bit, 128-by-64 and generic division paths,
// overflow included) agree exactly with one generic 128-bit division.
TEST(Decimal, RandomisedMulDivMatchReference200k) {
  std::mt19937_64 rng(20251122);
  const Rounding modes[] = {Rounding::Down,         Rounding::Up,       Rounding::TowardZero,
                            Rounding::AwayFromZero, Rounding::HalfEven, Rounding::HalfUp};
  auto random_raw = [&] {
    std::int64_t v = static_cast<std::int64_t>(rng() >> (rng() % 64));
    if (rng() % 2) v = -v;
    if (rng() % 50 == 0) v = std::numeric_limits<std::int64_t>::min() + static_cast<std::int64_t>(rng() % 3);
    return v;
  };
  for (int i = 0; i < 200'000; ++i) {
    const std::int64_t a = random_raw(), b = random_raw();
    const Rounding mode = modes[rng() % std::size(modes)];
    const auto mul = Decimal::from_raw(a).checked_mul(Decimal::from_raw(b), mode);
    const auto want_mul = reference_result(reference_div_round(static_cast<__int128>(a) * b, Decimal::kScale, mode));
    ASSERT_EQ(mul.has_value(), want_mul.has_value()) << a << " * " << b;
    if (mul) {
      ASSERT_EQ(mul->raw(), *want_mul) << a << " * " << b;
    }
    // The inline operators: half-even products, overflow thrown.
    const auto product_he =
        reference_result(reference_div_round(static_cast<__int128>(a) * b, Decimal::kScale, Rounding::HalfEven));
    if (product_he)
      ASSERT_EQ((Decimal::from_raw(a) * Decimal::from_raw(b)).raw(), *product_he) << a << " * " << b;
    else
      ASSERT_THROW((void)(Decimal::from_raw(a) * Decimal::from_raw(b)), std::overflow_error) << a << " * " << b;
    const auto sum = reference_result(static_cast<__int128>(a) + b);
    if (sum)
      ASSERT_EQ((Decimal::from_raw(a) + Decimal::from_raw(b)).raw(), *sum);
    else
      ASSERT_THROW((void)(Decimal::from_raw(a) + Decimal::from_raw(b)), std::overflow_error);
    const auto difference = reference_result(static_cast<__int128>(a) - b);
    if (difference)
      ASSERT_EQ((Decimal::from_raw(a) - Decimal::from_raw(b)).raw(), *difference);
    else
      ASSERT_THROW((void)(Decimal::from_raw(a) - Decimal::from_raw(b)), std::overflow_error);
    if (b == 0) continue;
    const auto div = Decimal::from_raw(a).checked_div(Decimal::from_raw(b), mode);
    const auto want_div = reference_result(reference_div_round(static_cast<__int128>(a) * Decimal::kScale, b, mode));
    ASSERT_EQ(div.has_value(), want_div.has_value()) << a << " / " << b;
    if (div) {
      ASSERT_EQ(div->raw(), *want_div) << a << " / " << b;
    }
    const auto step = Decimal::from_raw(b < 0 ? -(b / 2) + 1 : b);
    if (step.is_positive()) {
      const auto r = Decimal::from_raw(a).round_to_step(step, mode);
      const auto want = reference_result(reference_div_round(a, step.raw(), mode) * step.raw());
      ASSERT_EQ(r.has_value(), want.has_value()) << a << " step " << step.raw();
      if (r) {
        ASSERT_EQ(r->raw(), *want) << a << " step " << step.raw();
      }
    }
  }
}

TEST(Decimal, InlineSignOperationsThrowOnTheOneUnrepresentableValue) {
  const Decimal lowest = Decimal::from_raw(std::numeric_limits<std::int64_t>::min());
  EXPECT_THROW((void)lowest.abs(), std::overflow_error);
  EXPECT_THROW((void)-lowest, std::overflow_error);
  EXPECT_EQ((-Decimal::from_raw(std::numeric_limits<std::int64_t>::max())).raw(),
            -std::numeric_limits<std::int64_t>::max());
  Decimal d = "1.5"_dec;
  d += "0.25"_dec;
  d -= "0.5"_dec;
  EXPECT_EQ(d, "1.25"_dec);
}
