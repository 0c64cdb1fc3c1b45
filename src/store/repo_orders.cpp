// store::Repo: the orders table (the latest state of each order) and order_events (every update).
#include "repo_internal.hpp"

namespace carry::store {

using namespace detail;

namespace {

// The order columns orders and order_events share (client_oid .. reason), from column `c` on;
// returns the column after them.
template <class O>
int read_order_columns(const Row& r, int c, O& o) {
  o.client_oid = r.text(c);
  o.order_id = r.text(c + 1);
  o.symbol = r.text(c + 2);
  o.market = r.enm(c + 3, kMarkets);
  o.side = r.enm(c + 4, kSides);
  o.type = r.enm(c + 5, kTypes);
  o.tif = r.enm(c + 6, kTifs);
  o.price = r.opt_dec(c + 7);
  o.size = r.dec(c + 8);
  o.filled_size = r.dec(c + 9);
  o.avg_price = r.opt_dec(c + 10);
  o.status = r.enm(c + 11, kStatuses);
  o.reduce_only = r.i64(c + 12) != 0;
  o.reason = r.text(c + 13);
  return c + 14;
}

OrderRecord read_order(const Row& r) {
  OrderRecord o;
  const int c = read_order_columns(r, 0, o);
  o.created = r.ts(c);
  o.updated = r.ts(c + 1);
  return o;
}

OrderEventRecord read_order_event(const Row& r) {
  OrderEventRecord e;
  e.id = r.i64(0);
  const int c = read_order_columns(r, 1, e.update);
  e.update.ts_event = r.ts(c);
  e.update.ts_init = r.ts(c + 1);
  return e;
}

}  // namespace

void Repo::Impl::do_upsert_order(const OrderRecord& o) { run_order(upsert_order, o, o.created, o.updated); }

Result<void> Repo::upsert_order(const OrderRecord& order) {
  return impl_->guarded([&]() -> Result<void> {
    impl_->do_upsert_order(order);
    return {};
  });
}

Result<void> Repo::append_order_update(const OrderUpdate& update) {
  return impl_->guarded([&]() -> Result<void> {
    return impl_->in_txn([&]() -> Result<void> {
      impl_->do_upsert_order(OrderRecord::from(update));
      Impl::run_order(impl_->insert_order_event, update, update.ts_event, update.ts_init);
      return {};
    });
  });
}

Result<std::optional<OrderRecord>> Repo::order(std::string_view client_oid) {
  return impl_->guarded([&]() -> Result<std::optional<OrderRecord>> {
    return select_one(impl_->get_order, "orders", read_order, client_oid);
  });
}

Result<std::vector<OrderRecord>> Repo::open_orders() {
  return impl_->guarded(
      [&]() -> Result<std::vector<OrderRecord>> { return select_rows(impl_->open_orders, "orders", read_order); });
}

Result<std::vector<OrderEventRecord>> Repo::order_events(std::string_view client_oid) {
  return impl_->guarded([&]() -> Result<std::vector<OrderEventRecord>> {
    return select_rows(impl_->order_events, "order_events", read_order_event, client_oid);
  });
}

}  // namespace carry::store
