#include <carry/core/symbol_lookup.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <unordered_map>

using namespace carry;

// Every length (the word-load paths and the fallback), equal and differing at each position.
TEST(SymbolLookup, SameSymbolAgreesWithStringEqualityForEveryLengthAndPosition) {
  const std::string base = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (std::size_t n = 0; n <= 24; ++n) {
    const std::string a = base.substr(0, n);
    EXPECT_TRUE(same_symbol(a, std::string(a))) << n;
    for (std::size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] = static_cast<char>(b[i] + 1);
      EXPECT_FALSE(same_symbol(a, b)) << n << " at " << i;
    }
    EXPECT_FALSE(same_symbol(a, a + "X")) << n;
  }
  // Views into a larger buffer: only the view's bytes count.
  const std::string buffer = "BTCUSDTBTCUSDX";
  EXPECT_TRUE(same_symbol(std::string_view(buffer).substr(0, 6), "BTCUSD"));
  EXPECT_FALSE(same_symbol(std::string_view(buffer).substr(7, 7), "BTCUSDT"));
}

struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

TEST(SymbolLookup, FindsLikeFindInSmallAndLargeMaps) {
  std::unordered_map<std::string, int, Hash, std::equal_to<>> small{{"BTCUSDT", 1}, {"ETHUSDT", 2}};
  EXPECT_EQ(find_symbol_entry(small, "ETHUSDT")->second, 2);
  EXPECT_EQ(find_symbol_entry(small, "ETHUSD"), small.end());
  std::map<std::string, int, std::less<>> large;
  for (int i = 0; i < 20; ++i) large.emplace("SYM" + std::to_string(i) + "USDT", i);
  EXPECT_EQ(find_symbol_entry(large, "SYM13USDT")->second, 13);
  EXPECT_EQ(find_symbol_entry(large, "SYM20USDT"), large.end());
  const auto& const_small = small;
  EXPECT_EQ(find_symbol_entry(const_small, "BTCUSDT")->second, 1);
}
