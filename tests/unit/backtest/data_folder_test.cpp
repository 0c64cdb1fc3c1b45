// The repo's data/ folder holds copies of ../shared/data files "as they are": guard against edits.
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace carry::backtest {
namespace {

using namespace carry::backtest::testing;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(DataFolder, CsvFilesAreByteIdenticalToTheSharedOriginals) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(repo_data_dir())) {
    if (e.path().extension() != ".csv") continue;
    const auto original = shared_data_dir() / e.path().filename();
    ASSERT_TRUE(std::filesystem::exists(original)) << e.path();
    EXPECT_TRUE(slurp(e.path()) == slurp(original)) << e.path().filename() << " differs from " << original;
    ++n;
  }
  EXPECT_EQ(n, 10u);  // spot+perp x BTC+ETH x 1m+1h, funding x BTC+ETH
  EXPECT_TRUE(std::filesystem::exists(repo_data_dir() / "README.md"));
}

}  // namespace
}  // namespace carry::backtest
