#include "soak_run.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

namespace carry::soak {

using namespace std::chrono_literals;
using carry_test::wait_until;

namespace {

std::int64_t server_ms(const World& w) {
  const json s = w.get("/sim/stats");
  return s.is_object() ? s.value("server_time", std::int64_t{0}) : 0;
}

// Kill-switch escalations in carryd's log, as "reason" strings.
std::vector<std::string> trips(const World& w) {
  std::vector<std::string> out;
  for (const char* ev : {"kill_switch.trip", "kill_switch.halt"})
    for (const auto& e : w.log_events(ev)) out.push_back(std::string(ev) + ":" + e.value("reason", "?"));
  return out;
}

}  // namespace

Soak::Soak(SoakOptions opt, std::filesystem::path dir) : opt_(std::move(opt)), dir_(std::move(dir)) {}

Soak::~Soak() {
  if (monitor_) monitor_->stop();
}

void Soak::say(const std::string& line) const {
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  std::cout << "soak t=" << fixed(t, 1) << "s " << line << std::endl;
}

void Soak::setup() {
  t0_ = std::chrono::steady_clock::now();
  WorldOptions wo;
  wo.seed = opt_.seed;
  wo.funding_interval_s = opt_.funding_interval_s;
  wo.dir = dir_;
  world_ = std::make_unique<World>(wo);
  say("bitget-sim ready on 127.0.0.1:" + std::to_string(world_->port()) + " (config/sim.yaml, seed " +
      std::to_string(opt_.seed) + ", funding every " + std::to_string(opt_.funding_interval_s) + " s); run dir " +
      dir_.string());
  for (const auto& s : symbols_) {
    const json c = world_->get("/api/v2/mix/market/contracts?productType=USDT-FUTURES&symbol=" + s);
    if (!c.is_object() || c["data"].empty()) throw std::runtime_error("cannot read the contract of " + s);
    lots_[s] = std::stod(c["data"][0]["sizeMultiplier"].get<std::string>());
  }
  start_server_ms_ = server_ms(*world_);
  world_->start_daemon();
  daemon_up_ = true;
  if (!wait_until([&] { return !world_->log_events("strategy.enabled").empty() || !world_->daemon_running(); }, 120s) ||
      !world_->daemon_running())
    throw std::runtime_error("carryd did not enable its strategy within 120 s: " + world_->daemon_stderr());
  say("carryd trading (strategy.enabled)");
  monitor_ = std::make_unique<HedgeMonitor>(*world_, symbols_, lots_);
  monitor_->start();
  // Faults start once the first hedge is on, so settlements pay it and the closes and reopens
  // run under fire; a run that never opens goes on and its invariants say so.
  const bool opened = wait_until(
      [&] {
        const auto venue = read_venue(*world_, symbols_);
        if (venue.size() != symbols_.size()) return false;
        for (const auto& [sym, v] : venue)
          if (v.perp >= 0 || v.gap() > lots_[sym] + 1e-12) return false;
        return true;
      },
      120s, 250ms);
  say(opened ? "first hedge open on every symbol: faults begin" : "no hedge open within 120 s: faults begin anyway");
}

std::vector<Soak::Action> Soak::timeline() const {
  std::vector<Action> out;
  for (const auto& e : make_schedule(opt_.seed, opt_.duration_s)) {
    if (e.kind == FaultKind::Kill9) {
      out.push_back({e.at_s, Action::Type::Kill, e.kind, nullptr});
      out.push_back({e.at_s + e.for_s, Action::Type::Restart, e.kind, nullptr});
      continue;
    }
    out.push_back({e.at_s, Action::Type::FaultOn, e.kind, e.on});
    if (!e.off.is_null()) out.push_back({e.at_s + e.for_s, Action::Type::FaultOff, e.kind, e.off});
  }
  // The scenario's driver: funding changes sign every flip_s (+-20 %), so the strategy closes and
  // reopens under fire; the last change leaves 20 s before the heal.
  std::mt19937_64 rng(opt_.seed ^ 0x5eedf1ee);
  bool negative = true;
  for (double t = opt_.flip_s; t < opt_.duration_s - 20.0;
       t += opt_.flip_s * std::uniform_real_distribution<double>(0.8, 1.2)(rng), negative = !negative)
    out.push_back({std::round(t * 10) / 10, Action::Type::Funding, FaultKind::WsClose,
                   json{{"rate", negative ? "-0.0002" : "0.0003"}}});
  std::stable_sort(out.begin(), out.end(), [](const Action& a, const Action& b) { return a.at_s < b.at_s; });
  return out;
}

void Soak::restart_daemon(const char* why) {
  // An operator restarting after a trip resets the kill switch first; otherwise the rest of the
  // soak would only watch a flat daemon.
  const auto now_trips = trips(*world_);
  if (now_trips.size() > trips_seen_) {
    std::string reasons;
    for (std::size_t i = trips_seen_; i < now_trips.size(); ++i) reasons += " " + now_trips[i];
    trips_seen_ = now_trips.size();
    const int rc = world_->reset_kill_switch();
    ++kill_switch_resets_;
    say("kill switch had tripped (" + reasons.substr(1) + "); carryd --reset-kill-switch exit " + std::to_string(rc));
  }
  world_->start_daemon();
  daemon_up_ = true;
  ++restarts_;
  say(std::string("carryd restarted (") + why + ")");
}

// carryd must never end by itself: an exit is counted, reported with its stderr, and it is
// restarted so the soak goes on.
void Soak::watch_daemon() {
  if (!daemon_up_) return;
  if (auto code = world_->daemon_exit_code()) {
    ++unexpected_exits_;
    say("UNEXPECTED carryd exit " + std::to_string(*code) + ": " + world_->daemon_stderr().substr(0, 2000));
    restart_daemon("after an unexpected exit");
  }
}

void Soak::perform(const Action& a) {
  switch (a.type) {
    case Action::Type::Funding: {
      const auto r = world_->post("/sim/funding", a.body);
      say("scenario funding rate " + a.body["rate"].get<std::string>() + (r.status == 200 ? "" : " FAILED: " + r.body));
      return;
    }
    case Action::Type::Kill:
      world_->kill_daemon();
      daemon_up_ = false;
      ++injected_[std::string(name(a.kind))];
      say("fault kill9_restart: carryd killed with SIGKILL");
      return;
    case Action::Type::Restart:
      restart_daemon("after kill -9");
      return;
    case Action::Type::FaultOn:
    case Action::Type::FaultOff: {
      if (a.kind == FaultKind::ClockStep && !clock_skew_supported_) return;
      const auto r = world_->post("/sim/faults", a.body);
      if (r.status == 400 && a.kind == FaultKind::ClockStep) {
        clock_skew_supported_ = false;
        say("fault clock_step SKIPPED: this bitget-sim rejects clock_skew_ms (" + r.body + ")");
        return;
      }
      if (r.status != 200)
        throw std::runtime_error("POST /sim/faults " + a.body.dump() + " -> " + std::to_string(r.status) + " " +
                                 r.body);
      if (a.type == Action::Type::FaultOn) ++injected_[std::string(name(a.kind))];
      say(std::string("fault ") + std::string(name(a.kind)) + (a.type == Action::Type::FaultOn ? " on " : " off ") +
          a.body.dump());
      return;
    }
  }
}

void Soak::fault_phase() {
  const auto begin = std::chrono::steady_clock::now();
  for (const auto& a : timeline()) {
    const auto due =
        begin + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(a.at_s));
    // A scheduler, not a wait for a condition: it runs each action at its instant and looks at
    // carryd at least once a second in between.
    while (std::chrono::steady_clock::now() < due) {
      watch_daemon();
      std::this_thread::sleep_until(std::min(due, std::chrono::steady_clock::now() + 1s));
    }
    perform(a);
  }
  const auto end = begin + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(opt_.duration_s));
  while (std::chrono::steady_clock::now() < end) {
    watch_daemon();
    std::this_thread::sleep_until(std::min(end, std::chrono::steady_clock::now() + 1s));
  }
  if (!daemon_up_) restart_daemon("before healing");
  watch_daemon();
}

}  // namespace carry::soak
