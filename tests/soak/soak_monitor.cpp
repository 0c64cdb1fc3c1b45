#include "soak_monitor.hpp"

#include <cmath>

namespace carry::soak {

double SymbolView::gap() const { return std::abs(spot + perp); }

namespace {
double num(const json& v) {
  if (v.is_string()) return std::stod(v.get<std::string>());
  return v.is_number() ? v.get<double>() : 0.0;
}
std::string base_coin(const std::string& symbol) { return symbol.substr(0, symbol.size() - 4); }  // BTCUSDT -> BTC
}  // namespace

std::map<std::string, SymbolView> read_venue(const World& w, const std::vector<std::string>& symbols) {
  std::map<std::string, SymbolView> out;
  const json accounts = w.get("/sim/accounts");
  const json funding = w.get("/sim/funding");
  if (!accounts.is_object() || !accounts.contains(World::kApiKey) || !funding.is_object()) return out;
  const json& acc = accounts[World::kApiKey];
  for (const auto& s : symbols) {
    SymbolView v;
    for (const auto& p : acc["positions"])
      if (p["symbol"] == s) v.perp += (p["holdSide"] == "short" ? -1.0 : 1.0) * num(p["total"]);
    if (acc["spot"].contains(base_coin(s))) {
      const json& c = acc["spot"][base_coin(s)];
      v.spot = num(c["available"]) + num(c["frozen"]);
    }
    if (funding.contains(s)) v.mark = num(funding[s]["markPrice"]);
    out[s] = v;
  }
  return out;
}

HedgeMonitor::HedgeMonitor(const World& w, std::vector<std::string> symbols, std::map<std::string, double> lots)
    : world_(w), symbols_(std::move(symbols)), lots_(std::move(lots)) {}

HedgeMonitor::~HedgeMonitor() { stop(); }

void HedgeMonitor::start(std::chrono::milliseconds period) {
  running_ = true;
  thread_ = std::thread([this, period] {
    auto next = std::chrono::steady_clock::now();
    while (running_) {
      sample();
      next += period;
      std::this_thread::sleep_until(next);  // a sampling clock, not a wait for a condition
    }
  });
}

void HedgeMonitor::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

MonitorReport HedgeMonitor::report() const {
  std::lock_guard lock(mu_);
  MonitorReport r = report_;
  // Episodes still open count up to now.
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [sym, st] : open_) {
    const double secs = std::chrono::duration<double>(now - st.first).count();
    if (st.second > r.worst.worst) r.worst = {sym, st.second, secs};
    if (secs > r.longest.seconds) r.longest = {sym, st.second, secs};
  }
  return r;
}

void HedgeMonitor::sample() {
  const auto venue = read_venue(world_, symbols_);
  if (venue.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  ++report_.samples;
  double total = 0;
  for (const auto& [sym, v] : venue) {
    const double leg = std::max(std::abs(v.perp), v.spot) * v.mark;
    report_.peak_leg_notional[sym] = std::max(report_.peak_leg_notional[sym], leg);
    total += (std::abs(v.perp) + v.spot) * v.mark;
    const double gap = v.gap();
    auto it = open_.find(sym);
    if (gap > lots_[sym] + 1e-12) {
      if (it == open_.end())
        open_[sym] = {now, gap};
      else
        it->second.second = std::max(it->second.second, gap);
    } else if (it != open_.end()) {
      const GapEpisode e{sym, it->second.second, std::chrono::duration<double>(now - it->second.first).count()};
      if (e.worst > report_.worst.worst) report_.worst = e;
      if (e.seconds > report_.longest.seconds) report_.longest = e;
      open_.erase(it);
    }
  }
  report_.peak_total_notional = std::max(report_.peak_total_notional, total);
}

}  // namespace carry::soak
