#include <carry/oms/order.hpp>

namespace carry::oms {
namespace {

using Table = std::array<std::array<bool, kOrderStatusCount>, kOrderStatusCount>;

constexpr std::size_t idx(OrderStatus s) { return static_cast<std::size_t>(s); }

constexpr Table make_table() {
  using S = OrderStatus;
  Table t{};
  auto allow = [&t](S from, std::initializer_list<S> tos) {
    for (S to : tos) t[idx(from)][idx(to)] = true;
  };
  allow(S::New, {S::Sent, S::Rejected});
  // Fills may overtake the ack; a post-only or IOC order may be canceled before we see it live.
  allow(S::Sent, {S::Acked, S::PartiallyFilled, S::Filled, S::Canceled, S::Rejected, S::Expired, S::Unknown});
  allow(S::Acked, {S::PartiallyFilled, S::Filled, S::Canceled, S::Expired});
  allow(S::PartiallyFilled, {S::PartiallyFilled, S::Filled, S::Canceled, S::Expired});
  // A fill that raced the cancel (or the expiry) completes the order after the fact.
  allow(S::Canceled, {S::Filled});
  allow(S::Expired, {S::Filled});
  // Resolution of an unknown outcome: whatever the venue says, or Rejected when it has no order.
  allow(S::Unknown, {S::Acked, S::PartiallyFilled, S::Filled, S::Canceled, S::Rejected, S::Expired});
  // The venue is the truth: an order we called Rejected (not found while its request may still
  // have been in flight) that turns out to exist is adopted as what the venue says it is.
  allow(S::Rejected, {S::Acked, S::PartiallyFilled, S::Filled, S::Canceled});
  return t;
}

constexpr Table kTable = make_table();

}  // namespace

bool transition_allowed(OrderStatus from, OrderStatus to) noexcept {
  const auto f = idx(from), t = idx(to);
  return f < kOrderStatusCount && t < kOrderStatusCount && kTable[f][t];
}

const Table& transition_table() noexcept { return kTable; }

OrderUpdate Order::as_update(UnixNanos ts_init) const {
  OrderUpdate u;
  u.symbol = symbol;
  u.market = market;
  u.client_oid = client_oid;
  u.order_id = order_id;
  u.side = side;
  u.type = type;
  u.tif = tif;
  u.price = price;
  u.size = size;
  u.filled_size = known_filled();
  u.avg_price = avg_fill_price();
  u.status = status;
  u.reduce_only = reduce_only;
  u.reason = reason;
  u.ts_event = last_venue_ts.ns != 0 ? last_venue_ts : ts_init;  // a wall time: last_change is monotonic
  u.ts_init = ts_init;
  return u;
}

std::optional<Decimal> Order::avg_fill_price() const {
  if (filled.is_zero()) return std::nullopt;
  return notional / filled;
}

}  // namespace carry::oms
