// The calls the daemon and ops-check make whatever the account's kind: account detection,
// instruments, funding, settlements, one ticker and a private probe. Each picks the dialect of
// the configured account kind; the runtime never calls a version-specific endpoint itself.
#include "gateway_impl.hpp"

namespace carry::bitget {

namespace {

constexpr int kSettlementPages = 10;  // 100 bills a page: far more than one poll interval holds

}  // namespace

AccountKind Gateway::account_kind() const noexcept { return impl_->config.account_kind; }

asio::awaitable<AccountProbe> Gateway::probe_account_kind() {
  if (!impl_->signer) {
    AccountProbe p;
    p.verdict = AccountProbe::Verdict::Refused;
    p.reason = "no API keys: the account's kind cannot be asked";
    co_return p;
  }
  RestRequest req = get("/api/v3/account/settings", QueryParams{}, true);
  auto r = co_await impl_->call_detailed<AccountProbe>(
      std::move(req), [](const json& d) -> WireResult<AccountProbe> { return classify_account_settings(d); }, false);
  if (!r) co_return classify_account_settings_error(r.error());
  co_return std::move(*r);
}

asio::awaitable<Result<std::size_t>> Gateway::load_instruments() {
  if (impl_->uta()) co_return co_await impl_->uta_load_instruments();
  co_return co_await refresh_instruments();
}

asio::awaitable<Result<CurrentFunding>> Gateway::funding_info(std::string symbol) {
  if (impl_->uta()) co_return co_await impl_->uta_funding_info(std::move(symbol));
  auto cur = co_await current_funding_rate(symbol);
  if (!cur) co_return cur.error();
  auto it = std::find_if(cur->begin(), cur->end(), [&](const CurrentFunding& c) { return c.symbol == symbol; });
  if (it == cur->end() && cur->size() == 1 && cur->front().symbol.empty()) it = cur->begin();
  if (it == cur->end()) co_return make_error_code(Errc::not_found);
  CurrentFunding f = std::move(*it);
  f.symbol = symbol;
  if (f.next_update.ns == 0) {
    auto t = co_await funding_time(symbol);
    if (t && !t->empty()) f.next_update = t->front().next_funding_time;
  }
  co_return f;
}

asio::awaitable<Result<std::vector<FundingPayment>>> Gateway::funding_settlements(UnixNanos since) {
  if (impl_->uta()) co_return co_await impl_->uta_funding_settlements(since);
  std::vector<FundingPayment> out;
  BillsQuery q;
  q.business_type = "contract_settle_fee";
  q.start = since;
  q.end = impl_->now();
  q.limit = 100;
  for (int page = 0; page < kSettlementPages; ++page) {
    auto r = co_await account_bills(q);
    if (!r) co_return r.error();
    for (auto& p : funding_payments(*r, impl_->now())) out.push_back(std::move(p));
    if (r->bills.size() < static_cast<std::size_t>(q.limit) || r->end_id.empty()) break;
    q.id_less_than = r->end_id;
  }
  co_return out;
}

asio::awaitable<Result<std::vector<FundingHistoryEntry>>> Gateway::settled_funding(std::string symbol, int count) {
  if (!impl_->uta()) co_return co_await funding_history(std::move(symbol), count, 1);
  auto r = uta::history_fund_rate(symbol, 1, count);
  if (!r) co_return r.error().code();
  co_return co_await impl_->call<std::vector<FundingHistoryEntry>>(
      to_rest(std::move(*r), {}), [](const json& d) { return uta::parse_funding_history(d); });
}

asio::awaitable<Result<std::optional<Ticker>>> Gateway::ticker(std::string symbol, MarketType market) {
  if (impl_->uta()) co_return co_await impl_->uta_ticker(std::move(symbol), market);
  Result<std::vector<Ticker>> r = make_error_code(Errc::unsupported);
  if (market == MarketType::Perp)
    r = co_await perp_tickers();
  else
    r = co_await spot_tickers(symbol);
  if (!r) co_return r.error();
  std::optional<Ticker> out;
  for (auto& t : *r)
    if (t.bbo.symbol == symbol) out = std::move(t);
  co_return out;
}

asio::awaitable<Result<std::vector<Ticker>>> Gateway::all_tickers(MarketType market) {
  if (impl_->uta()) co_return co_await impl_->uta_all_tickers(market);
  // One co_await per statement: g++ 12 miscompiles co_await inside a conditional expression.
  if (market == MarketType::Perp) co_return co_await perp_tickers();
  co_return co_await spot_tickers();
}

asio::awaitable<Result<std::size_t>> Gateway::private_probe(std::string symbol) {
  if (impl_->uta()) co_return co_await impl_->uta_private_probe(std::move(symbol));
  auto acc = co_await futures_accounts();
  if (!acc) co_return acc.error();
  auto perp = co_await perp_open_orders(symbol);
  if (!perp) co_return perp.error();
  auto spot = co_await spot_open_orders(symbol);
  if (!spot) co_return spot.error();
  co_return perp->size() + spot->size();
}

}  // namespace carry::bitget
