#pragma once
// Samples the simulator's ledger (/sim/accounts, marks from /sim/funding) while the soak runs:
// per symbol the hedge gap |spot + perp| in base coin, the episodes where it exceeds one lot step
// (how big, how long), and the peak notional of each leg and of the whole book.
#include "soak_world.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace carry::soak {

struct SymbolView {
  double perp = 0;  // signed base quantity (short < 0)
  double spot = 0;  // base coin held (available + frozen)
  double mark = 0;
  double gap() const;
};

// One read of the venue; empty when the simulator did not answer.
std::map<std::string, SymbolView> read_venue(const World& w, const std::vector<std::string>& symbols);

struct GapEpisode {
  std::string symbol;
  double worst = 0;    // base coin
  double seconds = 0;  // how long the gap stayed above one lot
};

struct MonitorReport {
  int samples = 0;
  GapEpisode worst;                                 // the episode with the largest gap
  GapEpisode longest;                               // the longest episode
  std::map<std::string, double> peak_leg_notional;  // symbol -> max(|perp|, spot) x mark
  double peak_total_notional = 0;                   // sum over every leg
};

class HedgeMonitor {
 public:
  HedgeMonitor(const World& w, std::vector<std::string> symbols, std::map<std::string, double> lots);
  ~HedgeMonitor();
  void start(std::chrono::milliseconds period = std::chrono::milliseconds(500));
  void stop();
  MonitorReport report() const;

 private:
  void sample();

  const World& world_;
  std::vector<std::string> symbols_;
  std::map<std::string, double> lots_;
  std::atomic<bool> running_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  MonitorReport report_;
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, double>> open_;  // symbol -> start, worst
};

}  // namespace carry::soak
