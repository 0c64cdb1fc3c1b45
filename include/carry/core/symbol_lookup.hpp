#pragma once
// Finding a symbol's state on every market event. A process trades a handful of symbols, so a
// short scan beats hashing (a hash and a bucket division per quote), and names are short, so two
// overlapping word loads beat a memcmp call. Profiled: memcmp alone was ~10 % of a backtest.
#include <cstdint>
#include <cstring>
#include <string_view>

namespace carry {

// a == b, without a library call for names up to 16 bytes.
inline bool same_symbol(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n >= 8 && n <= 16) {
    std::uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, a.data(), 8);
    std::memcpy(&b0, b.data(), 8);
    std::memcpy(&a1, a.data() + n - 8, 8);
    std::memcpy(&b1, b.data() + n - 8, 8);
    return a0 == b0 && a1 == b1;
  }
  if (n >= 4 && n < 8) {
    std::uint32_t a0, a1, b0, b1;
    std::memcpy(&a0, a.data(), 4);
    std::memcpy(&b0, b.data(), 4);
    std::memcpy(&a1, a.data() + n - 4, 4);
    std::memcpy(&b1, b.data() + n - 4, 4);
    return a0 == b0 && a1 == b1;
  }
  return a == b;
}

// map.find(name) for a map keyed by symbol: scanned while it holds a handful of entries.
template <class Map>
auto find_symbol_entry(Map& map, std::string_view name) -> decltype(map.begin()) {
  if (map.size() > 8) return map.find(name);
  for (auto it = map.begin(); it != map.end(); ++it)
    if (same_symbol(it->first, name)) return it;
  return map.end();
}

}  // namespace carry
