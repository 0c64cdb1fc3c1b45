#pragma once
// Bitget order-book checksum (REFERENCE section 5): interleave the first 25 bids and asks as
// "bid1p:bid1s:ask1p:ask1s:bid2p:...", skipping missing entries, CRC-32/IEEE, as signed int32.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carry::sim {

using BookLevelStrings = std::vector<std::pair<std::string, std::string>>;  // price, size

std::uint32_t crc32(std::string_view data) noexcept;
std::string checksum_string(const BookLevelStrings& bids, const BookLevelStrings& asks);
std::int32_t book_checksum(const BookLevelStrings& bids, const BookLevelStrings& asks);

}  // namespace carry::sim
