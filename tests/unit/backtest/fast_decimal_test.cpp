#include "fast_decimal.hpp"

#include <carry/backtest/candle_reader.hpp>

#include "test_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace carry::backtest::detail {
namespace {

void expect_same(std::string_view s) {
  const auto fast = parse_decimal_fast(s);
  const auto ref = Decimal::parse(s);
  ASSERT_EQ(fast.has_value(), ref.has_value()) << "'" << s << "'";
  if (ref)
    EXPECT_EQ(fast->raw(), ref->raw()) << "'" << s << "'";
  else
    EXPECT_EQ(fast.error(), ref.error()) << "'" << s << "'";
}

TEST(FastDecimal, AgreesWithDecimalParseOnEdgeCases) {
  for (const char* s : {"0",
                        "-0",
                        "1",
                        "-1",
                        "105531.5",
                        "-0.00000014",
                        "0.000000001",
                        "0.0000000001",
                        "999999999.999999999",
                        "1000000000",
                        "9223372036.854775807",
                        "9223372036.854775808",
                        "12345678901234567890123",
                        ".5",
                        "-.5",
                        "5.",
                        ".",
                        "-",
                        "",
                        "+1.5",
                        "1e-5",
                        "1E3",
                        "1.5e",
                        "12x.5",
                        "1.2.3",
                        " 1",
                        "1 ",
                        "0001.1000",
                        "1.0000000000",
                        "1.0000000001",
                        "-999999999",
                        "NaN",
                        "inf",
                        "0x10",
                        "--1",
                        "1-"})
    expect_same(s);
}

TEST(FastDecimal, AgreesWithDecimalParseOnEveryRealPriceField) {
  for (const char* name :
       {"binance_spot_BTCUSDT_1h.csv", "binance_perp_ETHUSDT_1h.csv", "binance_funding_BTCUSDT.csv"}) {
    std::ifstream in(testing::repo_data_dir() / name);
    std::string line;
    std::getline(in, line);  // header
    std::size_t fields = 0;
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::string f;
      for (int col = 0; std::getline(ss, f, ','); ++col)
        if (col >= 2 && f.find_first_not_of("0123456789.-") == std::string::npos) {
          expect_same(f);
          ++fields;
        }
    }
    EXPECT_GT(fields, 300u) << name;
  }
}

}  // namespace
}  // namespace carry::backtest::detail
