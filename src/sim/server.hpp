#pragma once
// The I/O shell of bitget-sim: one io_context, Beast HTTP + WebSocket on one loopback port
// (optionally TLS), a market pump every tick, per-connection push faults, SIGINT/SIGTERM.
#include "simulator.hpp"

#include <functional>
#include <memory>
#include <string>

namespace carry::sim {

class Server {
 public:
  explicit Server(Simulator& sim);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, calls on_ready with the sim.ready JSON line, serves until SIGINT/SIGTERM.
  // Throws std::runtime_error when it cannot bind or load the TLS files.
  void run(const std::function<void(const std::string&)>& on_ready);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carry::sim
