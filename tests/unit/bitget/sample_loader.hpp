#pragma once
// Reads the Bitget samples at test time (CARRY_FIXTURES_DIR "/bitget/samples/", see its SOURCES.md).
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

}  // namespace carry::bitget::test
