// Soak: the end of a run. Heal every fault, check the hedge within the deadline, wait until the
// venue is quiet, stop carryd, then the invariants against the ledger and the store.
#include "soak_run.hpp"

#include <cmath>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>

namespace carry::soak {

using namespace std::chrono_literals;
using carry_test::wait_until;

namespace {

std::string hedge_figures(const std::map<std::string, SymbolView>& venue, const std::map<std::string, double>& lots) {
  std::string out;
  for (const auto& [sym, v] : venue)
    out += sym + " perp=" + fixed(v.perp, 6) + " spot=" + fixed(v.spot, 6) + " gap=" + fixed(v.gap(), 6) +
           " lot=" + fixed(lots.at(sym), 6) + "; ";
  return out;
}

std::int64_t server_ms(const World& w) {
  const json s = w.get("/sim/stats");
  return s.is_object() ? s.value("server_time", std::int64_t{0}) : 0;
}

bool all_hedged(const std::map<std::string, SymbolView>& venue, const std::map<std::string, double>& lots) {
  if (venue.size() != lots.size()) return false;
  for (const auto& [sym, v] : venue)
    if (v.gap() > lots.at(sym) + 1e-12) return false;
  return true;
}

}  // namespace

Check Soak::heal_and_hedge() {
  const auto r = world_->post("/sim/faults", json{{"reset", true}});
  if (r.status != 200) throw std::runtime_error("POST /sim/faults reset -> " + std::to_string(r.status) + " " + r.body);
  const auto healed = std::chrono::steady_clock::now();
  heal_server_ms_ = server_ms(*world_);
  say("healed: every fault knob reset");
  std::map<std::string, SymbolView> venue;
  const bool hedged = wait_until(
      [&] {
        venue = read_venue(*world_, symbols_);
        return all_hedged(venue, lots_);
      },
      std::chrono::milliseconds(static_cast<int>(opt_.hedge_deadline_s * 1000)), 250ms);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - healed).count();
  return {"hedged_within_" + fixed(opt_.hedge_deadline_s, 0) + "s_of_heal", hedged,
          (hedged ? "hedged " + fixed(took, 1) + " s after heal: " : "NOT hedged after " + fixed(took, 1) + " s: ") +
              hedge_figures(venue, lots_)};
}

// Quiet: the venue's order ledger and fill count unchanged for 10 s (two of carryd's reconcile
// passes), within 120 s.
void Soak::wait_for_quiet() {
  std::string last;
  auto since = std::chrono::steady_clock::now();
  const bool quiet = wait_until(
      [&] {
        const json orders = world_->get("/sim/orders");
        const json stats = world_->get("/sim/stats");
        const std::string now = orders.dump() + std::to_string(stats.is_object() ? stats.value("fills", 0) : -1);
        if (now != last) {
          last = now;
          since = std::chrono::steady_clock::now();
        }
        watch_daemon();
        return std::chrono::steady_clock::now() - since >= 10s;
      },
      120s, 500ms);
  say(quiet ? "venue quiet for 10 s" : "venue NOT quiet within 120 s (checking anyway)");
}

// The store catches up asynchronously (fills every reconcile pass, funding bills every 15 s):
// wait, bounded, until it holds what the venue says, then carryd may stop.
void Soak::wait_for_store() {
  const bool caught_up = wait_until(
      [&] {
        watch_daemon();
        const json orders = world_->get("/sim/orders");
        if (!orders.is_object() || !orders.contains(World::kApiKey)) return false;
        const json& ledger = orders.at(World::kApiKey);
        const StoreView store = read_store(world_->db_path());
        const auto fills = read_venue_fills(*world_, symbols_, start_server_ms_ - 60'000, heal_server_ms_ + 600'000);
        return fills && check_orders_known(ledger, store, opt_.prefix).pass &&
               check_fills_known(*fills, ledger, store, opt_.prefix).pass &&
               check_funding_once(world_->get("/sim/settlements"), store, heal_server_ms_).pass;
      },
      60s, 1s);
  say(caught_up ? "carryd's store agrees with the venue" : "carryd's store still disagrees with the venue after 60 s");
}

std::vector<Check> Soak::final_checks() {
  const json orders = world_->get("/sim/orders");
  const json ledger = orders.is_object() && orders.contains(World::kApiKey) ? orders[World::kApiKey] : json::array();
  std::vector<Check> checks;
  checks.push_back(check_unique_client_oids(ledger));
  const StoreView store = read_store(world_->db_path());
  checks.push_back(check_orders_known(ledger, store, opt_.prefix));
  const auto fills = read_venue_fills(*world_, symbols_, start_server_ms_ - 60'000, stop_server_ms_ + 600'000);
  if (fills)
    checks.push_back(check_fills_known(*fills, ledger, store, opt_.prefix));
  else
    checks.push_back({"venue_fills_in_store", false, "the venue's fills could not be read"});
  // Settlements up to the heal must be recorded; later ones (carryd reads bills every 15 s) may
  // still be on their way when it stops, yet none may be recorded twice or without a payment.
  checks.push_back(check_funding_once(world_->get("/sim/settlements"), store, heal_server_ms_));
  checks.push_back(check_limits(monitor_->report(), std::stod(world_->options().max_symbol_notional),
                                std::stod(world_->options().max_total_notional)));
  checks.push_back({"daemon_never_exited_by_itself", unexpected_exits_ == 0 && final_exit_ == 0,
                    "unexpected exits=" + std::to_string(unexpected_exits_) + " final SIGTERM exit=" +
                        (final_exit_ ? std::to_string(*final_exit_) : std::string("none (killed)"))});
  return checks;
}

void Soak::print_summary(const std::vector<Check>& checks) {
  bool pass = true;
  for (const auto& c : checks) {
    std::cout << "INVARIANT " << c.name << ": " << (c.pass ? "PASS" : "FAIL") << " (" << c.figures << ")\n";
    pass = pass && c.pass;
  }
  const json stats = world_->get("/sim/stats");
  const json orders = world_->get("/sim/orders");
  const auto rep = monitor_->report();
  std::string scheduled, hit;
  for (const auto& [k, n] : injected_) scheduled += k + "=" + std::to_string(n) + " ";
  if (stats.is_object())
    for (const auto& [k, n] : stats["faults_injected"].items()) hit += k + "=" + n.dump() + " ";
  const auto all_trips = world_->log_events("kill_switch.trip").size() + world_->log_events("kill_switch.halt").size();
  // What carryd did about the faults, from its own event log.
  std::string reactions;
  for (const char* ev :
       {"order.outcome_unknown", "order.unknown", "idempotent.recover", "reconcile.missed_fill", "ws.dead_link",
        "ws.closed", "ws.frame_rejected", "rest.request_failed", "reconcile.failed", "oms.position_adopted"})
    reactions += std::string(ev) + "=" + std::to_string(world_->log_events(ev).size()) + " ";
  std::cout << "SUMMARY faults scheduled: " << scheduled << (clock_skew_supported_ ? "" : "(clock_step skipped) ")
            << "\n"
            << "SUMMARY faults the simulator injected: " << hit << "\n"
            << "SUMMARY carryd events: " << reactions << "\n"
            << "SUMMARY finished orders whose store status differs from the venue's: "
            << status_disagreements(
                   orders.is_object() && orders.contains(World::kApiKey) ? orders.at(World::kApiKey) : json::array(),
                   read_store(world_->db_path()), opt_.prefix)
            << "\n"
            << "SUMMARY orders on the venue="
            << (orders.is_object() && orders.contains(World::kApiKey) ? orders.at(World::kApiKey).size() : 0)
            << " fills on the venue=" << (stats.is_object() ? stats["fills"].dump() : "?")
            << " funding settlements=" << (stats.is_object() ? stats["funding_settlements"].dump() : "?") << "\n"
            << "SUMMARY worst hedge gap=" << fixed(rep.worst.worst, 6) << " "
            << (rep.worst.symbol.empty() ? "-" : rep.worst.symbol) << " lasting " << fixed(rep.worst.seconds, 1)
            << " s; longest unhedged=" << fixed(rep.longest.seconds, 1) << " s "
            << (rep.longest.symbol.empty() ? "-" : rep.longest.symbol) << " (gap " << fixed(rep.longest.worst, 6)
            << "); samples=" << rep.samples << "\n"
            << "SUMMARY restarts survived=" << restarts_ << " unexpected exits=" << unexpected_exits_
            << " kill switch trips=" << all_trips << " operator resets=" << kill_switch_resets_ << "\n"
            << "SOAK seed=" << opt_.seed << " duration_s=" << opt_.duration_s << " result=" << (pass ? "PASS" : "FAIL")
            << std::endl;
}

int Soak::run() {
  setup();
  fault_phase();
  std::vector<Check> checks;
  checks.push_back(heal_and_hedge());
  wait_for_quiet();
  wait_for_store();
  monitor_->stop();
  stop_server_ms_ = server_ms(*world_);
  daemon_up_ = false;
  final_exit_ = world_->stop_daemon();
  say("carryd stopped with SIGTERM: exit " + (final_exit_ ? std::to_string(*final_exit_) : std::string("none")));
  for (auto& c : final_checks()) checks.push_back(std::move(c));
  print_summary(checks);
  for (const auto& c : checks)
    if (!c.pass) return 1;
  return 0;
}

}  // namespace carry::soak
