#include "book_checksum.hpp"

#include <gtest/gtest.h>

namespace carry::sim {
namespace {

TEST(BookChecksum, Crc32OfKnownString) {
  // REFERENCE section 5: python zlib.crc32 of the documented short-book string.
  EXPECT_EQ(crc32("3366.1:7:3366.8:9:3368:8:3372:8"), 831078360u);
}

TEST(BookChecksum, InterleavesBidsAndAsksAndSkipsMissing) {
  BookLevelStrings bids = {{"3366.1", "7"}};
  BookLevelStrings asks = {{"3366.8", "9"}, {"3368", "8"}, {"3372", "8"}};
  EXPECT_EQ(checksum_string(bids, asks), "3366.1:7:3366.8:9:3368:8:3372:8");
  EXPECT_EQ(book_checksum(bids, asks), 831078360);
}

TEST(BookChecksum, SignedResult) {
  BookLevelStrings bids = {{"43231.1", "4"}, {"43231", "6"}};
  BookLevelStrings asks = {{"43232.8", "9"}, {"43232.9", "8"}};
  EXPECT_EQ(checksum_string(bids, asks), "43231.1:4:43232.8:9:43231:6:43232.9:8");
  EXPECT_EQ(book_checksum(bids, asks), -1504501796);
}

TEST(BookChecksum, UsesOnlyTop25PerSide) {
  BookLevelStrings bids, asks;
  for (int i = 0; i < 30; ++i) {
    bids.emplace_back(std::to_string(100 - i), "1");
    asks.emplace_back(std::to_string(200 + i), "1");
  }
  auto full = book_checksum(bids, asks);
  bids.resize(25);
  asks.resize(25);
  EXPECT_EQ(book_checksum(bids, asks), full);
}

}  // namespace
}  // namespace carry::sim
