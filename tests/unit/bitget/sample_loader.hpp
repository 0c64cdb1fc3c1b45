#pragma once
// Reads the Bitget samples at test time (carry_test::fixtures_dir() "/bitget/samples/" and, for the UTA
// API, "/bitget/v3/"; see each folder's SOURCES.md).
#include <carry_test/paths.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace carry::bitget::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string sample(const std::string& name) {
  return read_file(std::string(carry_test::fixtures_dir()) + "/bitget/samples/" + name);
}

inline std::string v3_sample(const std::string& name) {
  return read_file(std::string(carry_test::fixtures_dir()) + "/bitget/v3/" + name);
}

}  // namespace carry::bitget::test
