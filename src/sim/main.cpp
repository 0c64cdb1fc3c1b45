// bitget-sim: a loopback Bitget exchange (REST v2 and v3, WebSocket v2). See docs/simulator.md.
#include "server.hpp"
#include "sim_config.hpp"
#include "simulator.hpp"
#include "tape.hpp"

#include <carry/core/time.hpp>

#include <iostream>
#include <memory>

int main(int argc, char** argv) {
  using namespace carry::sim;
  SimConfig cfg;
  std::unique_ptr<Tape> tape;
  try {
    if (!parse_cli(cfg, argc, argv)) return 0;
    if (cfg.tape_path && !cfg.synthetic)
      tape = std::make_unique<Tape>(Tape::load_csv(*cfg.tape_path, cfg.instruments));
    else
      tape = std::make_unique<Tape>(Tape::synthetic(cfg.seed, cfg.instruments));
  } catch (const ConfigError& e) {
    std::cerr << "bitget-sim: error: " << e.what() << "\n";
    return 2;
  } catch (const TapeError& e) {
    std::cerr << "bitget-sim: error: " << e.what() << "\n";
    return 2;
  }
  if (cfg.accounts.empty())
    std::cerr
        << "bitget-sim: warning: no accounts configured (--account KEY,SECRET,PASSPHRASE); private calls will fail\n";
  carry::SystemClock clock;
  Simulator sim(std::move(cfg), std::move(tape), clock);
  try {
    Server server(sim);
    server.run([](const std::string& line) { std::cout << line << std::endl; });
  } catch (const std::exception& e) {
    std::cerr << "bitget-sim: error: " << e.what() << "\n";
    return 2;
  }
  std::cerr << "bitget-sim: stopped\n";
  return 0;
}
