// The gateway's UTA (v3) dialect: the Venue, the mode-neutral calls and the account settings of a
// Unified Trading Account, over the request builders of uta_requests.hpp and the parsers of
// uta_parsers.hpp. Each Gateway method picks this dialect when the account is UTA; the daemon
// above never sees which one answered.
#include "gateway_impl.hpp"

#include <carry/bitget/uta_parsers.hpp>
#include <carry/bitget/uta_requests.hpp>

namespace carry::bitget {

namespace {

constexpr int kPage = 100;     // v3 list pages hold at most 100 entries
constexpr int kMaxPages = 20;  // 2,000 entries a query: far beyond one poll or reconcile window
constexpr std::int64_t kMsPerDay = 24LL * 3600 * 1000;
// Bitget keeps 90 days of fills and records: an older start is clamped (the rest is gone).
constexpr std::int64_t kMaxLookbackMs = 90 * kMsPerDay - 60'000;

// [start, end] as windows of at most 30 days, the newest first (v3 refuses longer windows).
std::vector<uta::TimeWindow> windows(UnixNanos start, UnixNanos end) {
  std::vector<uta::TimeWindow> out;
  const std::int64_t end_ms = end.ms();
  std::int64_t start_ms = std::max(start.ms(), end_ms - kMaxLookbackMs);
  for (std::int64_t hi = end_ms; hi > start_ms;) {
    const std::int64_t lo = std::max(start_ms, hi - uta::kMaxWindowMs + 1);
    out.push_back({UnixNanos::from_ms(lo), UnixNanos::from_ms(hi)});
    hi = lo - 1;
  }
  return out;
}

// A cursor-paged v3 list ends with a short page, an empty cursor, or one that did not move.
bool last_page(std::size_t got, const std::string& next, const std::string& previous) {
  return got < static_cast<std::size_t>(kPage) || next.empty() || next == previous;
}

}  // namespace

RestRequest to_rest(uta::Request r, std::function<void()> on_write) {
  RestRequest out;
  out.method = r.method == uta::Method::Post ? HttpMethod::Post : HttpMethod::Get;
  out.path = std::move(r.path);
  out.query = std::move(r.query);
  out.body = std::move(r.body);
  out.sign = r.sign;
  out.on_write = std::move(on_write);
  return out;
}

// A builder's refusal (a bad symbol, an out-of-range limit) never reaches the venue: logged, and
// answered as the request's error.
template <class T>
Result<T> Gateway::Impl::refused_request(std::string_view what, const Error& e) {
  events.error("rest.request_refused", {{"request", std::string(what)}, {"error", e.to_string()}});
  return e.code();
}

// ---------- orders ----------
asio::awaitable<Result<OrderIds>> Gateway::Impl::uta_place(PlaceOrderRequest req, std::function<void()> on_write) {
  auto order = uta::to_order(req);
  if (!order) co_return order.error();
  auto r = uta::place_order(*order);
  if (!r) co_return refused_request<OrderIds>("place-order", r.error());
  co_return co_await call<OrderIds>(to_rest(std::move(*r), std::move(on_write)),
                                    [](const json& d) { return uta::parse_order_ack(d); });
}

asio::awaitable<Result<OrderIds>> Gateway::Impl::uta_cancel(MarketType market, OrderRef ref) {
  auto r = uta::cancel_order(uta::category_of(market), ref);
  if (!r) co_return refused_request<OrderIds>("cancel-order", r.error());
  co_return co_await call<OrderIds>(to_rest(std::move(*r), {}), [](const json& d) { return uta::parse_order_ack(d); });
}

// v3's modify-order amends in place and keeps the clientOid, while the OMS models an amend as a
// replacement under a new clientOid (as v2's modify-order and cancel-replace do). So an amend on
// UTA is: read the order (it must still be live), cancel it, and only once the cancel is
// acknowledged place its copy under the new clientOid at the new price and size. A fill that
// races the cancel makes the cancel fail: nothing is placed, and the amend fails as on v2.
asio::awaitable<Result<carry::OrderAck>> Gateway::Impl::uta_amend(AmendOrderRequest req,
                                                                  std::function<void()> on_write) {
  OrderRef ref{req.order_id, req.client_oid};
  auto current = co_await uta_order(ref);
  if (!current) co_return current.error();
  if (!*current || is_terminal((*current)->status)) {
    events.warn("order.amend_rejected",
                {{"client_oid", req.client_oid}, {"msg", *current ? "the order is no longer live" : "no such order"}});
    co_return make_error_code(Errc::exchange_rejected);
  }
  const OrderUpdate& o = **current;
  auto cancelled = co_await uta_cancel(req.market, ref);
  if (!cancelled) co_return cancelled.error();
  PlaceOrderRequest copy;
  copy.spec() = o.spec();
  if (copy.symbol.empty()) copy.symbol = req.symbol;
  copy.market = req.market;
  copy.client_oid = req.new_client_oid;
  copy.price = req.new_price;
  copy.size = req.new_size;
  auto placed = co_await uta_place(std::move(copy), std::move(on_write));
  co_return order_outcome(std::move(placed), "amend", req.new_client_oid);
}

asio::awaitable<Result<std::optional<OrderUpdate>>> Gateway::Impl::uta_order(OrderRef ref) {
  auto r = uta::order_info(ref);
  if (!r) co_return refused_request<std::optional<OrderUpdate>>("order-info", r.error());
  const UnixNanos t = now();
  auto rec =
      co_await call<VenueOrder>(to_rest(std::move(*r), {}), [t](const json& d) { return uta::parse_order_info(d, t); });
  if (!rec) {
    if (rec.error() == make_error_code(Errc::not_found)) co_return std::optional<OrderUpdate>{};
    co_return rec.error();
  }
  co_return std::optional<OrderUpdate>{std::move(rec->order)};
}

asio::awaitable<Result<std::vector<VenueOrder>>> Gateway::Impl::uta_open_orders(MarketType market, std::string symbol) {
  std::vector<VenueOrder> out;
  std::string cursor;
  const UnixNanos t = now();
  for (int page = 0; page < kMaxPages; ++page) {
    auto r = uta::unfilled_orders(uta::category_of(market), symbol, cursor, kPage);
    if (!r) co_return refused_request<std::vector<VenueOrder>>("unfilled-orders", r.error());
    auto p = co_await call<uta::OrdersPage>(to_rest(std::move(*r), {}),
                                            [t](const json& d) { return uta::parse_unfilled_orders(d, t); });
    if (!p) co_return p.error();
    const bool last = last_page(p->orders.size(), p->cursor, cursor);
    for (auto& o : p->orders) out.push_back(std::move(o));
    if (last) break;
    cursor = std::move(p->cursor);
  }
  co_return out;
}

// ---------- positions, balances, fills, settlements ----------
asio::awaitable<Result<std::vector<PositionUpdate>>> Gateway::Impl::uta_positions() {
  const UnixNanos t = now();
  auto r = co_await call<std::vector<PositionRecord>>(to_rest(uta::current_position(), {}),
                                                      [t](const json& d) { return uta::parse_positions(d, t); });
  if (!r) co_return r.error();
  std::vector<PositionUpdate> out;
  for (auto& p : *r) out.push_back(std::move(p.position));
  co_return out;
}

asio::awaitable<Result<std::vector<BalanceUpdate>>> Gateway::Impl::uta_balances() {
  const UnixNanos t = now();
  auto r = co_await call<uta::Assets>(to_rest(uta::account_assets(), {}),
                                      [t](const json& d) { return uta::parse_assets(d, MarketType::Spot, t); });
  if (!r) co_return r.error();
  co_return io::uta_wallet(std::move(r->balances), config.margin_coin);
}

asio::awaitable<Result<std::vector<Fill>>> Gateway::Impl::uta_fills(std::string symbol, MarketType market,
                                                                    UnixNanos start, UnixNanos end) {
  std::vector<Fill> out;
  std::set<std::string, std::less<>> seen;
  const UnixNanos t = now();
  for (const auto& w : windows(start, end)) {
    std::string cursor;
    for (int page = 0; page < kMaxPages; ++page) {
      auto r = uta::fills(uta::category_of(market), w, cursor, {}, kPage);
      if (!r) co_return refused_request<std::vector<Fill>>("fills", r.error());
      auto p = co_await call<uta::FillsPage>(to_rest(std::move(*r), {}),
                                             [t](const json& d) { return uta::parse_fills(d, t); });
      if (!p) co_return p.error();
      const bool last = last_page(p->fills.size(), p->cursor, cursor);
      for (auto& f : p->fills)
        if ((symbol.empty() || f.symbol == symbol) && seen.insert(f.trade_id).second) out.push_back(std::move(f));
      if (last) break;
      cursor = std::move(p->cursor);
    }
  }
  std::sort(out.begin(), out.end(), [](const Fill& a, const Fill& b) { return a.ts_event < b.ts_event; });
  co_return out;
}

asio::awaitable<Result<std::vector<FundingPayment>>> Gateway::Impl::uta_funding_settlements(UnixNanos since) {
  std::vector<FundingPayment> out;
  const UnixNanos t = now();
  for (const auto& w : windows(since, t)) {
    std::string cursor;
    for (int page = 0; page < kMaxPages; ++page) {
      auto r = uta::financial_records(uta::Category::UsdtFutures, w, cursor, {}, kPage);
      if (!r) co_return refused_request<std::vector<FundingPayment>>("financial-records", r.error());
      auto p = co_await call<uta::RecordsPage>(to_rest(std::move(*r), {}),
                                               [](const json& d) { return uta::parse_financial_records(d); });
      if (!p) co_return p.error();
      for (auto& f : uta::funding_payments(*p, t)) out.push_back(std::move(f));
      if (last_page(p->records.size(), p->cursor, cursor)) break;
      cursor = std::move(p->cursor);
    }
  }
  co_return out;
}

// ---------- market data ----------
asio::awaitable<Result<std::size_t>> Gateway::Impl::uta_load_instruments() {
  std::vector<Instrument> all;
  for (const MarketType m : {MarketType::Perp, MarketType::Spot}) {
    auto r = co_await call<std::vector<Instrument>>(to_rest(uta::instruments(uta::category_of(m)), {}),
                                                    [m](const json& d) { return uta::parse_instruments(d, m); });
    if (!r) co_return r.error();
    for (auto& i : *r) all.push_back(std::move(i));
  }
  const UnixNanos t = now();
  for (auto& i : all) publish(InstrumentUpdate{std::move(i), t, t});
  co_return all.size();
}

asio::awaitable<Result<CurrentFunding>> Gateway::Impl::uta_funding_info(std::string symbol) {
  auto r = uta::current_fund_rate(symbol);
  if (!r) co_return refused_request<CurrentFunding>("current-fund-rate", r.error());
  auto cur = co_await call<std::vector<CurrentFunding>>(to_rest(std::move(*r), {}),
                                                        [](const json& d) { return uta::parse_current_funding(d); });
  if (!cur) co_return cur.error();
  auto it = std::find_if(cur->begin(), cur->end(), [&](const CurrentFunding& c) { return c.symbol == symbol; });
  if (it == cur->end()) co_return make_error_code(Errc::not_found);
  co_return std::move(*it);
}

asio::awaitable<Result<std::vector<Ticker>>> Gateway::Impl::uta_all_tickers(MarketType market) {
  const UnixNanos t = now();
  auto r = co_await call_detailed<std::vector<Ticker>>(
      to_rest(uta::tickers(uta::category_of(market)), {}),
      [t, market](const json& d) { return uta::parse_tickers(d, market, t, t); }, false);
  if (!r) {
    log_rejected("/api/v3/market/tickers", r.error());
    co_return r.error().code();
  }
  co_return std::move(*r);
}

asio::awaitable<Result<std::optional<Ticker>>> Gateway::Impl::uta_ticker(std::string symbol, MarketType market) {
  constexpr std::string_view kNoSuchPair = "25100";  // "Trading pair X does not exist"
  const UnixNanos t = now();
  // The doc's examples carry no per-item ts: the answer's own time dates the quote (as the local
  // receive time would otherwise). An unlisted symbol is an empty answer, as on v2.
  auto r = co_await call_detailed<std::vector<Ticker>>(
      to_rest(uta::tickers(uta::category_of(market), symbol), {}),
      [t, market](const json& d) { return uta::parse_tickers(d, market, t, t); }, false);
  if (!r) {
    if (r.error().exchange_code == kNoSuchPair) co_return std::optional<Ticker>{};
    log_rejected("/api/v3/market/tickers", r.error());
    co_return r.error().code();
  }
  std::optional<Ticker> out;
  for (auto& tk : *r)
    if (tk.bbo.symbol == symbol) out = std::move(tk);
  co_return out;
}

asio::awaitable<Result<std::size_t>> Gateway::Impl::uta_private_probe(std::string symbol) {
  auto assets = co_await uta_balances();
  if (!assets) co_return assets.error();
  std::size_t open = 0;
  for (const MarketType m : {MarketType::Perp, MarketType::Spot}) {
    auto r = co_await uta_open_orders(m, symbol);
    if (!r) co_return r.error();
    open += r->size();
  }
  co_return open;
}

// ---------- account settings ----------
// The v2 single-account read in v3 terms: holdMode is account-wide; margin mode and leverage come
// from the symbol's entry. A symbol without an entry reads as crossed (the v3 default) with no
// leverage, so the set-up sets one and reads it back.
asio::awaitable<WireResult<FuturesAccount>> Gateway::Impl::uta_futures_account(std::string symbol) {
  auto r = co_await call_detailed<uta::AccountSettings>(to_rest(uta::account_settings(), {}),
                                                        [](const json& d) { return uta::parse_account_settings(d); });
  if (!r) co_return r.error();
  FuturesAccount a;
  a.pos_mode = r->hold_mode;
  a.asset_mode = r->asset_mode;
  a.margin_mode = "crossed";
  for (const auto& s : r->symbols) {
    if (s.symbol != symbol || uta::market_from_category(s.category) != MarketType::Perp) continue;
    if (!s.margin_mode.empty()) a.margin_mode = s.margin_mode;
    a.crossed_leverage = s.leverage;
  }
  co_return a;
}

asio::awaitable<WireResult<void>> Gateway::Impl::uta_set_leverage(std::string symbol, int leverage) {
  auto r = uta::set_leverage(symbol, leverage);
  if (!r) co_return r.error();
  co_return co_await call_success(to_rest(std::move(*r), {}));
}

asio::awaitable<WireResult<void>> Gateway::Impl::uta_set_hold_mode(PositionMode mode) {
  co_return co_await call_success(to_rest(uta::set_hold_mode(mode), {}));
}

asio::awaitable<WireResult<void>> Gateway::Impl::call_success(RestRequest req) {
  auto r = co_await call_detailed<Acknowledged>(std::move(req), [](const json& d) -> WireResult<Acknowledged> {
    auto ok = uta::parse_success(d);
    if (!ok) return ok.error();
    return Acknowledged{};
  });
  if (!r) co_return r.error();
  co_return WireResult<void>{};
}

}  // namespace carry::bitget
