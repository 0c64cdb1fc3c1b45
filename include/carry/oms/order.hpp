#pragma once
// One order as the OMS tracks it, and the explicit status transition table.
#include <carry/core/events.hpp>
#include <carry/core/types.hpp>

#include <array>
#include <optional>
#include <string>

namespace carry::oms {

inline constexpr std::size_t kOrderStatusCount = 9;

// True when an order may move from `from` to `to`. Real-world races are allowed on purpose:
// fills before the ack (Sent -> PartiallyFilled/Filled), a fill racing a cancel or an expiry
// (Canceled/Expired -> Filled), and an Unknown order resolving to any venue state.
// PartiallyFilled -> PartiallyFilled is a further partial fill; every other same-status pair is a
// no-op, not a transition, and is reported false here.
bool transition_allowed(OrderStatus from, OrderStatus to) noexcept;

// The whole table, indexed [from][to] by the enum's value (for tests and documentation).
const std::array<std::array<bool, kOrderStatusCount>, kOrderStatusCount>& transition_table() noexcept;

struct Order : OrderSpec {
  std::string client_oid;
  std::string order_id;  // empty until the venue tells us
  std::string tag;       // the strategy's label (leg, decision id)

  OrderStatus status = OrderStatus::New;
  Decimal filled;        // from Fill events, each trade id counted once
  Decimal venue_filled;  // cumulative size the venue reported in order updates
  Decimal notional;      // sum of price x size over fills
  Decimal fees;          // quote coin, positive = paid
  std::string reason;    // last reject/cancel reason

  UnixNanos last_venue_ts;                  // the venue's time of the newest update applied
  MonoNanos created, sent_at, last_change;  // local monotonic time: timeouts, expiry, pruning

  // Amend chain: every replacement of one strategy order shares `chain` (the first client id).
  std::string chain;
  std::string replaces, replaced_by;

  bool cancel_pending = false;  // cancel request on the wire
  MonoNanos cancel_sent_at;
  bool cancel_confirm_pending = false;  // venue accepted the cancel, terminal update not seen yet
  bool amend_pending = false;           // this order is being replaced
  bool query_pending = false;           // a query-by-client-id is on the wire
  MonoNanos last_query;
  int not_found_count = 0;    // consecutive "no such order" answers while Unknown, counted
                              // only once the request itself has answered
  bool request_open = false;  // place/amend request not answered yet: it may still arrive
  bool written = false;       // ... and has left for the venue (sent_at is when)
  bool adopted = false;       // found on the venue, not submitted by this process

  Decimal known_filled() const { return filled > venue_filled ? filled : venue_filled; }
  Decimal remaining() const {
    const Decimal f = known_filled();
    return size > f ? size - f : Decimal{};
  }
  std::optional<Decimal> avg_fill_price() const;
  // The order as the OMS knows it now, in the venue's shape (what its listeners and the store get).
  OrderUpdate as_update(UnixNanos ts_init) const;
  bool is_open() const noexcept { return !is_terminal(status); }
  bool is_live() const noexcept { return status == OrderStatus::Acked || status == OrderStatus::PartiallyFilled; }
};

}  // namespace carry::oms
