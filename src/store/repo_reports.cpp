// store::Repo: the tables the reports read: position_snapshots, daily_pnl and decisions.
#include "repo_internal.hpp"

namespace carry::store {

using namespace detail;

namespace {

PositionSnapshotRecord read_position(const Row& r) {
  PositionSnapshotRecord p;
  p.ts = r.ts(0);
  p.symbol = r.text(1);
  p.market = r.enm(2, kMarkets);
  p.size = r.dec(3);
  p.entry_price = r.opt_dec(4);
  p.mark_price = r.opt_dec(5);
  p.unrealized_pnl = r.dec(6);
  return p;
}

DailyPnlRecord read_daily_pnl(const Row& r) {
  DailyPnlRecord d;
  d.date = r.text(0);
  d.symbol = r.text(1);
  d.funding = r.dec(2);
  d.fees = r.dec(3);
  d.basis_pnl = r.dec(4);
  d.realized_pnl = r.dec(5);
  d.net_pnl = r.dec(6);
  d.updated = r.ts(7);
  return d;
}

DecisionRecord read_decision(const Row& r) {
  DecisionRecord d;
  d.id = r.i64(0);
  d.ts = r.ts(1);
  d.symbol = r.text(2);
  d.kind = r.text(3);
  d.reason = r.text(4);
  const std::string numbers = r.text(5);
  d.numbers = nlohmann::json::parse(numbers, nullptr, /*allow_exceptions=*/false);
  if (d.numbers.is_discarded()) throw BadRow("decisions.numbers (id " + std::to_string(d.id) + "): not JSON");
  return d;
}

}  // namespace

Result<void> Repo::insert_position_snapshot(const PositionSnapshotRecord& p) {
  return impl_->guarded([&]() -> Result<void> {
    Impl::run(impl_->insert_position, p.ts, p.symbol, to_string(p.market), p.size, p.entry_price, p.mark_price,
              p.unrealized_pnl);
    return {};
  });
}

Result<void> Repo::upsert_daily_pnl(const DailyPnlRecord& r) {
  if (!valid_date(r.date)) {
    impl_->fail("daily_pnl.date: '" + r.date + "' is not YYYY-MM-DD", false);
    return make_error_code(Errc::invalid_argument);
  }
  return impl_->guarded([&]() -> Result<void> {
    Impl::run(impl_->upsert_pnl, r.date, r.symbol, r.funding, r.fees, r.basis_pnl, r.realized_pnl, r.net_pnl,
              r.updated);
    return {};
  });
}

Result<void> Repo::insert_decision(const DecisionRecord& d) {
  return impl_->guarded([&]() -> Result<void> {
    Impl::run(impl_->insert_decision, d.ts, d.symbol, d.kind, d.reason, d.numbers.dump());
    return {};
  });
}

Result<std::vector<PositionSnapshotRecord>> Repo::last_positions(std::optional<UnixNanos> before) {
  return impl_->guarded([&]() -> Result<std::vector<PositionSnapshotRecord>> {
    return select_rows(impl_->last_positions, "position_snapshots", read_position,
                       before.value_or(UnixNanos{std::numeric_limits<std::int64_t>::max()}));
  });
}

Result<std::vector<DailyPnlRecord>> Repo::daily_pnl(std::string_view from_date, std::string_view to_date) {
  return impl_->guarded([&]() -> Result<std::vector<DailyPnlRecord>> {
    return select_rows(impl_->daily_pnl, "daily_pnl", read_daily_pnl, from_date, to_date);
  });
}

Result<std::vector<DecisionRecord>> Repo::decisions_for_day(std::string_view date) {
  const auto bounds = utc_day_bounds(date);
  if (!bounds) {
    impl_->fail("decisions date: '" + std::string(date) + "' is not YYYY-MM-DD", false);
    return bounds.error();
  }
  return impl_->guarded([&]() -> Result<std::vector<DecisionRecord>> {
    return select_rows(impl_->decisions_between, "decisions", read_decision, bounds->first, bounds->second);
  });
}

}  // namespace carry::store
