#include "reconciler.hpp"
#include "runtime_util.hpp"

#include <carry/app/position_share.hpp>

#include <set>

namespace carry::app::reconciler {

using runtime_util::base_coin;

namespace {

Decimal signed_size(Side side, Decimal size) { return side == Side::Buy ? size : -size; }

}  // namespace

std::optional<MissedQuantity> Ledger::book_venue_fill(const OrderUpdate& u) {
  Decimal& known = filled[u.client_oid];
  const Decimal missed = u.filled_size - known;
  if (!missed.is_positive()) return std::nullopt;
  known = u.filled_size;
  (u.market == MarketType::Spot ? spot_net : perp_net)[u.symbol] += signed_size(u.side, missed);
  return MissedQuantity{u.client_oid, u.symbol, u.market, missed};
}

Ledger ledger_from(const std::vector<Fill>& stored, const Owns& owns) {
  Ledger l;
  for (const auto& f : stored) {
    if (!owns(f.client_oid)) continue;
    l.filled[f.client_oid] += f.size;
    Decimal& net = (f.market == MarketType::Spot ? l.spot_net : l.perp_net)[f.symbol];
    net += signed_size(f.side, f.size);
    if (f.market == MarketType::Spot && f.fee_coin == base_coin(f.symbol)) net -= f.fee;
  }
  return l;
}

OrderPlan plan_orders(const std::vector<OrderUpdate>& venue_open, const std::vector<store::OrderRecord>& store_open,
                      const std::function<bool(std::string_view symbol)>& tracked, const Owns& owns, const OmsView& oms,
                      Ledger& ledger) {
  OrderPlan plan;
  std::set<std::string, std::less<>> listed;
  for (const auto& u : venue_open) {
    if (!tracked(u.symbol) || !owns(u.client_oid)) {
      plan.foreign.push_back(u);
      continue;
    }
    listed.insert(u.client_oid);
    if (auto m = ledger.book_venue_fill(u)) plan.missed.push_back(std::move(*m));
    plan.record.push_back(u);
    if (!oms.knows(u.client_oid)) plan.adopt.push_back(u);
  }
  for (const auto& row : store_open) {
    if (listed.contains(row.client_oid) || !owns(row.client_oid)) continue;
    if (oms.has_open(row.client_oid)) continue;  // live in this process: the OMS follows it
    plan.resolve.push_back(row);
  }
  return plan;
}

Resolution resolve(const store::OrderRecord& row, const std::optional<OrderUpdate>& venue, UnixNanos now,
                   Ledger& ledger) {
  Resolution r;
  if (venue) {
    r.reached_venue = true;
    r.record = *venue;
    r.missed = ledger.book_venue_fill(*venue);
    return r;
  }
  r.record = row.as_update();
  r.record.status = OrderStatus::Rejected;
  r.record.reason = "not_on_exchange";
  r.record.ts_event = r.record.ts_init = now;
  return r;
}

MissedFills missed_fills(std::vector<Fill> venue, const Applied& applied, const NameOf& name_of, const Owns& owns) {
  MissedFills out;
  std::set<std::string, std::less<>> taken;  // a page overlap may list a trade twice
  for (auto& f : venue) {
    if (!f.trade_id.empty() &&
        (applied(f.market, f.trade_id) || !taken.insert(std::string(to_string(f.market)) + ":" + f.trade_id).second))
      continue;
    if (f.client_oid.empty())
      if (auto name = name_of(f.order_id)) f.client_oid = *name;
    if (f.client_oid.empty() && !f.order_id.empty())
      out.unnamed.push_back(std::move(f));
    else if (owns(f.client_oid))
      out.ours.push_back(std::move(f));
    else if (!f.client_oid.empty())
      out.foreign.push_back(std::move(f));
  }
  return out;
}

DriftTracker::Verdict DriftTracker::observe(const std::string& symbol, Decimal venue, Decimal foreign, Decimal ours,
                                            Decimal lot) {
  Verdict v;
  int& passes = passes_[symbol];
  v.unexplained = unexplained(venue, foreign, ours);
  if (!drifted(venue, foreign, ours, lot)) {
    v.cleared = passes > 0;
    passes = 0;
    return v;
  }
  v.drifted = true;
  v.passes = ++passes;
  v.trip = passes >= kTripAfterPasses;
  return v;
}

}  // namespace carry::app::reconciler
