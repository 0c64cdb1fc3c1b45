#include "book_checksum.hpp"

#include <array>

namespace carry::sim {

namespace {
constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kTable = make_table();
}  // namespace

std::uint32_t crc32(std::string_view data) noexcept {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char ch : data) c = kTable[(c ^ ch) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string checksum_string(const BookLevelStrings& bids, const BookLevelStrings& asks) {
  std::string s;
  auto append = [&](const std::pair<std::string, std::string>& lvl) {
    if (!s.empty()) s.push_back(':');
    s += lvl.first;
    s.push_back(':');
    s += lvl.second;
  };
  for (std::size_t i = 0; i < 25; ++i) {
    if (i < bids.size()) append(bids[i]);
    if (i < asks.size()) append(asks[i]);
  }
  return s;
}

std::int32_t book_checksum(const BookLevelStrings& bids, const BookLevelStrings& asks) {
  return static_cast<std::int32_t>(crc32(checksum_string(bids, asks)));
}

}  // namespace carry::sim
