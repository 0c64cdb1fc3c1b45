// carry_soak: the fault soak (issue 14). Starts the real bitget-sim and carryd, trades the bundled
// scenario while a seeded schedule injects every fault the simulator has, kills and restarts
// carryd, heals, and checks the invariants against the simulator's ledger and carryd's store.
// Exit 0: every invariant held; 1: one failed; 2: bad arguments or the run could not start.
#include "soak_run.hpp"

#include <unistd.h>

#include <charconv>
#include <iostream>
#include <sstream>

namespace {

const char* kUsage =
    "usage: carry_soak [--seed N] [--duration-s S] [--funding-interval-s S] [--flip-s S] [--keep]\n"
    "  --seed N               fault schedule and simulator seed (default 1)\n"
    "  --duration-s S         length of the fault phase in seconds, >= 30 (default 90); start-up and\n"
    "                         the healing checks add up to about 3 minutes\n"
    "  --funding-interval-s S the simulator settles funding every S seconds (default 30)\n"
    "  --flip-s S             the scenario's funding rate changes sign about every S seconds (default 40)\n"
    "  --keep                 keep the run directory (logs, database) even when every invariant passes\n";

// One flag's number, or an error naming the flag.
template <class T>
bool parse_number(const std::string& flag, const std::string& text, T& out, T min, std::string& error) {
  T v{};
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v < min) {
    std::ostringstream m;
    m << flag << ": expected a number >= " << min << ", got '" << text << "'";
    error = m.str();
    return false;
  }
  out = v;
  return true;
}

bool parse_args(int argc, char** argv, carry::soak::SoakOptions& o, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--keep") {
      o.keep = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      error = "help";
      return false;
    }
    if (i + 1 >= argc) {
      error = a.rfind("--", 0) == 0 ? a + ": missing value" : "unexpected argument '" + a + "'";
      return false;
    }
    const std::string v = argv[++i];
    bool ok = false;
    if (a == "--seed")
      ok = parse_number<std::uint64_t>(a, v, o.seed, 0, error);
    else if (a == "--duration-s")
      ok = parse_number<double>(a, v, o.duration_s, 30.0, error);
    else if (a == "--funding-interval-s")
      ok = parse_number<int>(a, v, o.funding_interval_s, 5, error);
    else if (a == "--flip-s")
      ok = parse_number<double>(a, v, o.flip_s, 10.0, error);
    else
      error = a + ": unknown option";
    if (!ok) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  carry::soak::SoakOptions opt;
  std::string error;
  if (!parse_args(argc, argv, opt, error)) {
    if (error == "help") {
      std::cout << kUsage;
      return 0;
    }
    std::cerr << "carry_soak: " << error << "\n" << kUsage;
    return 2;
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   ("carry_soak_" + std::to_string(opt.seed) + "_" + std::to_string(::getpid()));
  int rc = 2;
  try {
    carry::soak::Soak soak(opt, dir);
    rc = soak.run();
  } catch (const std::exception& e) {
    std::cerr << "carry_soak: " << e.what() << "\n";
    rc = 2;
  }
  if (rc == 0 && !opt.keep) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  } else {
    std::cout << "carry_soak: run directory kept: " << dir.string() << " (logs/app.jsonl, carry.db)\n";
  }
  return rc;
}
