#pragma once
// What the backtest process suites share: running carryd and reading its summary line.
#include <carry/core/decimal.hpp>
#include <carry_test/paths.hpp>
#include <carry_test/process.hpp>

#include <map>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace carry_test::backtest {

struct RunResult {
  int code = -1;
  std::string out, err;
};

// carryd with `args` (argv[0] added), waited for up to ten minutes.
inline RunResult carryd(std::vector<std::string> args) {
  using namespace std::chrono_literals;
  args.insert(args.begin(), carry_test::carryd_path());
  Process p(args);
  const auto code = p.wait(600s);
  return {code.value_or(-1), p.out(), p.err()};
}

// The "Backtest done: key=value ..." line as a map; empty when there is none.
inline std::map<std::string, std::string> summary_fields(const std::string& out) {
  std::map<std::string, std::string> f;
  const auto pos = out.find("Backtest done:");
  if (pos == std::string::npos) return f;
  const std::string line = out.substr(pos, out.find('\n', pos) - pos);
  static const std::regex kv(R"(([a-z_]+)=([^ ]+))");
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kv); it != std::sregex_iterator(); ++it)
    f[(*it)[1]] = (*it)[2];
  return f;
}

inline carry::Decimal dec(const std::string& s) {
  auto d = carry::Decimal::parse(s);
  if (!d) throw std::runtime_error("not a decimal: " + s);
  return *d;
}

}  // namespace carry_test::backtest
