#pragma once
// The reconciliation's decisions, without I/O. The runtime fetches (the store's fills and open
// rows, the venue's open orders, fills, positions) and executes; everything that decides what
// those answers mean lives here and is unit-tested without sockets: which fills the OMS missed,
// which orders are adopted, recorded, left alone or resolved by query, how much of an order's fill
// the store lacks, and when a leg's drift trips the kill switch.
#include <carry/core/events.hpp>
#include <carry/store/records.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carry::app::reconciler {

using Owns = std::function<bool(std::string_view client_oid)>;

struct MissedQuantity {
  std::string client_oid, symbol;
  MarketType market = MarketType::Spot;
  Decimal size;
};

// What our own recorded fills say: per order its filled size, per symbol our signed share of
// each leg (a spot buy's fee taken in the base coin never reached the wallet).
struct Ledger {
  std::map<std::string, Decimal, std::less<>> filled;              // client id -> filled size
  std::map<std::string, Decimal, std::less<>> spot_net, perp_net;  // symbol -> signed base coin
  // The venue reports `u` filled further than the ledger knows: the difference is booked to its
  // leg and returned (nullopt when nothing is missing).
  std::optional<MissedQuantity> book_venue_fill(const OrderUpdate& u);
};
Ledger ledger_from(const std::vector<Fill>& stored, const Owns& owns);

// Start-up and reconnect: the venue's open orders and the store's open rows against the OMS.
struct OmsView {
  std::function<bool(std::string_view client_oid)> knows;     // the OMS has this order
  std::function<bool(std::string_view client_oid)> has_open;  // ... and it is open there
};
struct OrderPlan {
  std::vector<OrderUpdate> foreign;         // listed, not ours or not a tracked symbol: left alone
  std::vector<OrderUpdate> record;          // ours and listed: the store takes the venue's state
  std::vector<OrderUpdate> adopt;           // ... of which the OMS knows nothing: adopted
  std::vector<store::OrderRecord> resolve;  // open in the store, not listed, not open in the OMS: query
  std::vector<MissedQuantity> missed;       // fills the store lacks, from the listed orders
};
OrderPlan plan_orders(const std::vector<OrderUpdate>& venue_open, const std::vector<store::OrderRecord>& store_open,
                      const std::function<bool(std::string_view symbol)>& tracked, const Owns& owns, const OmsView& oms,
                      Ledger& ledger);

// A store row the venue does not list, after querying it: the update to record (the venue's
// state, or Rejected "not_on_exchange" when the request never arrived) and what it filled beyond
// the ledger.
struct Resolution {
  OrderUpdate record;
  bool reached_venue = false;
  std::optional<MissedQuantity> missed;
};
Resolution resolve(const store::OrderRecord& row, const std::optional<OrderUpdate>& venue, UnixNanos now,
                   Ledger& ledger);

// Fills read back from the venue that the OMS has not applied: ours (named by client id, or by an
// order id the OMS knows), foreign ones (another client's id on the same account: v3 fills carry
// it) and unnamed ones (a fill without its client id whose order the OMS does not know) that go to
// the FillNamer. Foreign fills are never booked as ours; they go through the exec path so the
// foreign part of the position follows them (else they would read as drift).
using Applied = std::function<bool(MarketType market, std::string_view trade_id)>;
using NameOf = std::function<std::optional<std::string>(std::string_view order_id)>;
struct MissedFills {
  std::vector<Fill> ours;
  std::vector<Fill> foreign;
  std::vector<Fill> unnamed;
};
MissedFills missed_fills(std::vector<Fill> venue, const Applied& applied, const NameOf& name_of, const Owns& owns);

// The venue's perp position against ours plus the foreign part, pass after pass: a difference
// beyond one lot step is drift; still there at the next pass (the fills and order queries of this
// one have had an interval to land), the kill switch goes to Reducing.
class DriftTracker {
 public:
  static constexpr int kTripAfterPasses = 2;
  struct Verdict {
    bool drifted = false;
    bool cleared = false;  // drifted at the last pass, not any more
    bool trip = false;
    int passes = 0;
    Decimal unexplained;
  };
  Verdict observe(const std::string& symbol, Decimal venue, Decimal foreign, Decimal ours, Decimal lot);

 private:
  std::map<std::string, int, std::less<>> passes_;
};

}  // namespace carry::app::reconciler
