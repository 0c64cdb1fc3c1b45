#include "soak_checks.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <cmath>
#include <functional>
#include <sstream>

namespace carry::soak {

namespace {

double num(const json& v) {
  if (v.is_string()) return std::stod(v.get<std::string>());
  return v.is_number() ? v.get<double>() : 0.0;
}

// A few names of what is missing, so a FAIL line says where to look.
std::string sample(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < 5; ++i) out += (i ? "," : "") + items[i];
  if (items.size() > 5) out += ",...";
  return out.empty() ? "" : " e.g. " + out;
}

std::map<std::string, std::string> our_order_ids(const json& ledger, const std::string& prefix) {
  std::map<std::string, std::string> out;  // orderId -> clientOid
  for (const auto& o : ledger) {
    const std::string coid = o.value("clientOid", "");
    if (coid.rfind(prefix, 0) == 0) out[o.value("orderId", "")] = coid;
  }
  return out;
}

}  // namespace

std::optional<std::vector<VenueFill>> read_venue_fills(const World& w, const std::vector<std::string>& symbols,
                                                       std::int64_t from_ms, std::int64_t to_ms) {
  std::vector<VenueFill> out;
  constexpr std::size_t kPage = 100;
  // One window of one endpoint; a full page means the window may hold more: halve it.
  std::function<bool(bool, const std::string&, std::int64_t, std::int64_t)> read =
      [&](bool perp, const std::string& sym, std::int64_t a, std::int64_t b) -> bool {
    const std::string range = "&startTime=" + std::to_string(a) + "&endTime=" + std::to_string(b) + "&limit=100";
    const json r = perp ? w.signed_get("/api/v2/mix/order/fills?productType=USDT-FUTURES&symbol=" + sym + range)
                        : w.signed_get("/api/v2/spot/trade/fills?symbol=" + sym + range);
    if (!r.is_object() || r.value("code", "") != "00000") return false;
    const json& list = perp ? r["data"]["fillList"] : r["data"];
    if (list.size() >= kPage && b > a) {
      const std::int64_t mid = a + (b - a) / 2;
      return read(perp, sym, a, mid) && read(perp, sym, mid + 1, b);
    }
    for (const auto& f : list)
      out.push_back({perp ? "perp" : "spot", f.value("tradeId", ""), f.value("orderId", ""), f.value("symbol", ""),
                     std::stoll(f.value("cTime", "0"))});
    return true;
  };
  for (const auto& s : symbols)
    for (const bool perp : {false, true})
      if (!read(perp, s, from_ms, to_ms)) return std::nullopt;
  return out;
}

StoreView read_store(const std::string& db_path) {
  StoreView v;
  try {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    SQLite::Statement orders(db, "SELECT client_oid, status FROM orders");
    while (orders.executeStep()) {
      v.order_oids.insert(orders.getColumn(0).getString());
      v.order_status[orders.getColumn(0).getString()] = orders.getColumn(1).getString();
    }
    SQLite::Statement fills(db, "SELECT market, trade_id FROM fills");
    while (fills.executeStep()) v.fills.insert({fills.getColumn(0).getString(), fills.getColumn(1).getString()});
    SQLite::Statement funding(db, "SELECT symbol, ts_ns, amount FROM funding_events");
    while (funding.executeStep())
      v.funding[{funding.getColumn(0).getString(), funding.getColumn(1).getInt64() / 1'000'000}].push_back(
          std::stod(funding.getColumn(2).getString()));
    v.readable = true;
  } catch (const std::exception& e) {
    v.error = e.what();
  }
  return v;
}

Check check_unique_client_oids(const json& ledger) {
  std::map<std::string, int> seen;
  for (const auto& o : ledger) ++seen[o.value("clientOid", "")];
  std::vector<std::string> dups;
  for (const auto& [coid, n] : seen)
    if (n > 1) dups.push_back(coid + "x" + std::to_string(n));
  return {"no_client_oid_accepted_twice", dups.empty() && !ledger.empty(),
          "venue orders=" + std::to_string(ledger.size()) + " distinct clientOids=" + std::to_string(seen.size()) +
              " duplicated=" + std::to_string(dups.size()) + sample(dups)};
}

Check check_orders_known(const json& ledger, const StoreView& store, const std::string& prefix) {
  if (!store.readable) return {"venue_orders_known_to_store", false, "store unreadable: " + store.error};
  std::vector<std::string> missing;
  const auto ours = our_order_ids(ledger, prefix);
  for (const auto& [oid, coid] : ours)
    if (!store.order_oids.count(coid)) missing.push_back(coid);
  return {"venue_orders_known_to_store", missing.empty() && !ours.empty(),
          "ours on venue=" + std::to_string(ours.size()) + " store orders=" + std::to_string(store.order_oids.size()) +
              " missing=" + std::to_string(missing.size()) + sample(missing)};
}

Check check_fills_known(const std::vector<VenueFill>& fills, const json& ledger, const StoreView& store,
                        const std::string& prefix) {
  if (!store.readable) return {"venue_fills_in_store", false, "store unreadable: " + store.error};
  const auto ours = our_order_ids(ledger, prefix);
  std::vector<std::string> missing;
  std::size_t mine = 0;
  for (const auto& f : fills) {
    if (!ours.count(f.order_id)) continue;
    ++mine;
    if (!store.fills.count({f.market, f.trade_id})) missing.push_back(f.market + ":" + f.trade_id);
  }
  return {"venue_fills_in_store", missing.empty() && mine > 0,
          "our venue fills=" + std::to_string(mine) + " (all=" + std::to_string(fills.size()) + ") store fills=" +
              std::to_string(store.fills.size()) + " missing=" + std::to_string(missing.size()) + sample(missing)};
}

Check check_funding_once(const json& settlements, const StoreView& store, std::int64_t settled_before_ms) {
  if (!store.readable) return {"funding_recorded_once", false, "store unreadable: " + store.error};
  std::map<std::pair<std::string, std::int64_t>, double> paid;  // every settlement that paid us
  for (const auto& s : settlements)
    for (const auto& p : s["payments"])
      if (p.value("api_key", "") == World::kApiKey && num(p["amount"]) != 0.0)
        paid[{s.value("symbol", ""), s.value("fundingTime", std::int64_t{0})}] = num(p["amount"]);
  std::vector<std::string> missing, extra, twice, wrong;
  std::size_t due = 0;
  for (const auto& [key, amount] : paid) {
    if (key.second > settled_before_ms) continue;  // too recent for carryd's 15 s bills poll
    ++due;
    auto it = store.funding.find(key);
    const std::string name = key.first + "@" + std::to_string(key.second);
    if (it == store.funding.end())
      missing.push_back(name);
    else if (it->second.size() > 1)
      twice.push_back(name);
    else if (std::abs(it->second.front() - amount) > 1e-6)
      wrong.push_back(name + ":" + fixed(it->second.front(), 6) + "!=" + fixed(amount, 6));
  }
  for (const auto& [key, rows] : store.funding)
    if (!paid.count(key)) extra.push_back(key.first + "@" + std::to_string(key.second));
  const bool pass = missing.empty() && extra.empty() && twice.empty() && wrong.empty() && due > 0;
  return {"funding_recorded_once", pass,
          "settlements paying us=" + std::to_string(paid.size()) + " due=" + std::to_string(due) + " store rows=" +
              std::to_string(store.funding.size()) + " missing=" + std::to_string(missing.size()) + sample(missing) +
              " twice=" + std::to_string(twice.size()) + " unmatched=" + std::to_string(extra.size()) + sample(extra) +
              " wrong_amount=" + std::to_string(wrong.size()) + sample(wrong)};
}

Check check_limits(const MonitorReport& r, double max_leg, double max_total) {
  double worst_leg = 0;
  std::string worst_sym = "-";
  for (const auto& [sym, n] : r.peak_leg_notional)
    if (n > worst_leg) worst_leg = n, worst_sym = sym;
  return {"positions_within_limits", r.samples > 0 && worst_leg <= max_leg && r.peak_total_notional <= max_total,
          "peak leg notional=" + fixed(worst_leg) + " (" + worst_sym + ") limit=" + fixed(max_leg) + " peak total=" +
              fixed(r.peak_total_notional) + " limit=" + fixed(max_total) + " samples=" + std::to_string(r.samples)};
}

std::string status_disagreements(const json& ledger, const StoreView& store, const std::string& prefix) {
  std::vector<std::string> differ;
  std::size_t finished = 0;
  for (const auto& o : ledger) {
    const std::string coid = o.value("clientOid", ""), venue = o.value("status", "");
    auto it = store.order_status.find(coid);
    if (coid.rfind(prefix, 0) != 0 || it == store.order_status.end()) continue;
    const bool filled = venue == "filled", canceled = venue == "canceled" || venue == "cancelled";
    if (!filled && !canceled) continue;
    ++finished;
    const bool agrees = filled ? it->second == "filled" : it->second == "canceled" || it->second == "expired";
    if (!agrees) differ.push_back(coid + " venue=" + venue + " store=" + it->second);
  }
  return std::to_string(differ.size()) + " of " + std::to_string(finished) + sample(differ);
}

}  // namespace carry::soak
