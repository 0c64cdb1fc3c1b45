#pragma once
// The soak's invariants, each checked against the simulator's own ledger (GET /sim/orders,
// /sim/settlements, the signed fills reads any Bitget client would make) and carryd's SQLite
// store (tables orders, fills, funding_events).
#include "soak_monitor.hpp"
#include "soak_world.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace carry::soak {

// A figure for the report with a fixed number of decimals.
inline std::string fixed(double v, int decimals = 2) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(decimals);
  o << v;
  return o.str();
}

struct Check {
  std::string name;
  bool pass = false;
  std::string figures;
};

struct VenueFill {
  std::string market;  // spot | perp (as the store spells it)
  std::string trade_id, order_id, symbol;
  std::int64_t ts_ms = 0;
};

// Every fill of the account in [from_ms, to_ms], read with the signed fills endpoints and explicit
// startTime/endTime, windows halved until no page is full; nullopt if a read failed.
std::optional<std::vector<VenueFill>> read_venue_fills(const World& w, const std::vector<std::string>& symbols,
                                                       std::int64_t from_ms, std::int64_t to_ms);

struct StoreView {
  bool readable = false;
  std::string error;
  std::set<std::string> order_oids;
  std::map<std::string, std::string> order_status;      // client_oid -> status as carryd last wrote it
  std::set<std::pair<std::string, std::string>> fills;  // (market, trade_id)
  std::map<std::pair<std::string, std::int64_t>, std::vector<double>> funding;  // (symbol, ms) -> amounts
};
StoreView read_store(const std::string& db_path);

Check check_unique_client_oids(const json& ledger);
Check check_orders_known(const json& ledger, const StoreView& store, const std::string& prefix);
Check check_fills_known(const std::vector<VenueFill>& fills, const json& ledger, const StoreView& store,
                        const std::string& prefix);
// Settlements that paid us up to `settled_before_ms` must each be one row; no row may lack one.
Check check_funding_once(const json& settlements, const StoreView& store, std::int64_t settled_before_ms);
Check check_limits(const MonitorReport& r, double max_leg, double max_total);
// Not an invariant, a finding: our finished venue orders whose row in `orders` says otherwise
// (venue filled / canceled, store still sent / acked / unknown ...), as "N of M e.g. ...".
std::string status_disagreements(const json& ledger, const StoreView& store, const std::string& prefix);

}  // namespace carry::soak
