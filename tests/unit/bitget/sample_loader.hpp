#pragma once
// Reads the Bitget samples at test time (CARRY_FIXTURES_DIR "/bitget/samples/" and, for the UTA
// API, "/bitget/v3/"; see each folder's SOURCES.md).
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
  return read_file(std::string(CARRY_FIXTURES_DIR) + "/bitget/samples/" + name);
}

inline std::string v3_sample(const std::string& name) {
  return read_file(std::string(CARRY_FIXTURES_DIR) + "/bitget/v3/" + name);
}

}  // namespace carry::bitget::test
