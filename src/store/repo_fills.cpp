// store::Repo: the fills table (one row per trade; a trade seen twice is stored once).
#include "repo_internal.hpp"

namespace carry::store {

using namespace detail;

namespace {

FillRecord read_fill(const Row& r) {
  FillRecord f;
  f.id = r.i64(0);
  f.fill.market = r.enm(1, kMarkets);
  f.fill.trade_id = r.text(2);
  f.fill.symbol = r.text(3);
  f.fill.client_oid = r.text(4);
  f.fill.order_id = r.text(5);
  f.fill.side = r.enm(6, kSides);
  f.fill.price = r.dec(7);
  f.fill.size = r.dec(8);
  f.fill.fee = r.dec(9);
  f.fill.fee_coin = r.text(10);
  f.fill.maker = r.i64(11) != 0;
  f.fill.ts_event = r.ts(12);
  f.fill.ts_init = r.ts(13);
  return f;
}

}  // namespace

Result<bool> Repo::insert_fill(const Fill& f) {
  return impl_->guarded([&]() -> Result<bool> {
    return Impl::run(impl_->insert_fill, to_string(f.market), f.trade_id, f.symbol, f.client_oid, f.order_id,
                     to_string(f.side), f.price, f.size, f.fee, f.fee_coin, f.maker, f.ts_event, f.ts_init) > 0;
  });
}

Result<std::vector<FillRecord>> Repo::fills_since(UnixNanos since) {
  return fills_between(since, UnixNanos{std::numeric_limits<std::int64_t>::max()});
}

Result<std::vector<FillRecord>> Repo::fills_between(UnixNanos from, UnixNanos to) {
  return impl_->guarded([&]() -> Result<std::vector<FillRecord>> {
    return select_rows(impl_->fills_between, "fills", read_fill, from, to);
  });
}

}  // namespace carry::store
