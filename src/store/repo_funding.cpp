// store::Repo: the funding_events table (one row per settlement of a symbol).
#include "repo_internal.hpp"

namespace carry::store {

using namespace detail;

namespace {

FundingRecord read_funding(const Row& r) {
  FundingRecord f;
  f.symbol = r.text(0);
  f.ts = r.ts(1);
  f.rate = r.opt_dec(2);
  f.position_size = r.opt_dec(3);
  f.mark_price = r.opt_dec(4);
  f.amount = r.dec(5);
  f.ts_init = r.ts(6);
  return f;
}

}  // namespace

Result<bool> Repo::insert_funding(const FundingRecord& r) {
  return impl_->guarded([&]() -> Result<bool> {
    return Impl::run(impl_->insert_funding, r.symbol, r.ts, r.rate, r.position_size, r.mark_price, r.amount,
                     r.ts_init) > 0;
  });
}

Result<std::vector<FundingRecord>> Repo::funding_events(UnixNanos from, UnixNanos to) {
  return impl_->guarded([&]() -> Result<std::vector<FundingRecord>> {
    return select_rows(impl_->funding_between, "funding_events", read_funding, from, to);
  });
}

}  // namespace carry::store
