// The repo's data/ folder holds real exchange files "as they are": each data/*.csv must match the
// SHA-256 recorded in data/SHA256SUMS (sha256sum format), and the list must name exactly those files.
#include "test_files.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>

namespace carry::backtest {
namespace {

using namespace carry::backtest::testing;

// Lower-case hex SHA-256 of a file's bytes, or "" if it cannot be read.
std::string sha256_hex(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return "";
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return "";
  std::array<char, 1 << 16> buf;
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
    if (EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(in.gcount())) != 1) return "";
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

// file name -> recorded digest; every line must be "<64 hex>  <name>" (or " *<name>", binary mode).
// `subdirs`: names may be one folder deep ("<window>/<file>", data/regimes).
std::map<std::string, std::string> recorded_sums(const std::filesystem::path& list, bool subdirs = false) {
  std::ifstream in(list);
  EXPECT_TRUE(in) << "cannot read " << list;
  static const std::regex kFlat("([0-9a-f]{64}) [ *]([^/]+)");
  static const std::regex kNested("([0-9a-f]{64}) [ *]([^/]+/[^/]+)");
  const std::regex& kLine = subdirs ? kNested : kFlat;
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, kLine)) {
      ADD_FAILURE() << list << ": not a sha256sum line: " << line;
      continue;
    }
    EXPECT_TRUE(out.emplace(m[2], m[1]).second) << list << ": " << m[2] << " listed twice";
  }
  return out;
}

TEST(DataFolder, Sha256HelperMatchesKnownAnswers) {
  const auto dir = scratch_dir();
  EXPECT_EQ(sha256_hex(write_file(dir, "empty", "")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(write_file(dir, "abc", "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(dir / "missing"), "");
}

TEST(DataFolder, CsvFilesMatchTheRecordedSha256Sums) {
  const auto recorded = recorded_sums(repo_data_dir() / "SHA256SUMS");
  std::set<std::string> on_disk;
  for (const auto& e : std::filesystem::directory_iterator(repo_data_dir())) {
    if (e.path().extension() != ".csv") continue;
    const std::string name = e.path().filename().string();
    on_disk.insert(name);
    const auto it = recorded.find(name);
    if (it == recorded.end()) {
      ADD_FAILURE() << name << " is in data/ but not in data/SHA256SUMS";
      continue;
    }
    EXPECT_EQ(sha256_hex(e.path()), it->second) << name << " differs from the recorded original";
  }
  for (const auto& [name, sum] : recorded) EXPECT_TRUE(on_disk.count(name)) << name << " is listed but not in data/";
  EXPECT_EQ(recorded.size(), 10u);  // spot+perp x BTC+ETH x 1m+1h, funding x BTC+ETH
  EXPECT_TRUE(std::filesystem::exists(repo_data_dir() / "README.md"));
}

// data/regimes/<window>/*.csv: the development windows, one folder each, listed in one SHA256SUMS.
TEST(DataFolder, RegimeFilesMatchTheRecordedSha256Sums) {
  const auto root = repo_data_dir() / "regimes";
  const auto recorded = recorded_sums(root / "SHA256SUMS", true);
  std::set<std::string> on_disk;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".csv") continue;
    const std::string name = e.path().lexically_relative(root).generic_string();
    on_disk.insert(name);
    const auto it = recorded.find(name);
    if (it == recorded.end()) {
      ADD_FAILURE() << name << " is in data/regimes/ but not in its SHA256SUMS";
      continue;
    }
    EXPECT_EQ(sha256_hex(e.path()), it->second) << name << " differs from the recorded original";
  }
  for (const auto& [name, sum] : recorded) EXPECT_TRUE(on_disk.count(name)) << name << " is listed but not on disk";
  EXPECT_EQ(recorded.size(), 45u);  // 5 windows x 3 symbols x (spot, perp, funding)
  EXPECT_TRUE(std::filesystem::exists(root / "SOURCES.md"));
}

}  // namespace
}  // namespace carry::backtest
