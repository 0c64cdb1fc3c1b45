// Typed private REST of Classic (v2), account: positions, balances, bills and the futures
// account's settings (checked and applied at start; UTA answers through gateway_uta.cpp).
#include "gateway_impl.hpp"

namespace carry::bitget {

namespace asio = boost::asio;
using nlohmann::json;

asio::awaitable<Result<std::vector<PositionRecord>>> Gateway::all_positions() {
  QueryParams q = impl_->product();
  add(q, "marginCoin", impl_->config.margin_coin);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<PositionRecord>>(
      get("/api/v2/mix/position/all-position", std::move(q), true),
      [t](const json& d) { return parse_positions(d, t); });
}

asio::awaitable<Result<std::vector<FuturesAccount>>> Gateway::futures_accounts() {
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<FuturesAccount>>(
      get("/api/v2/mix/account/accounts", impl_->product(), true),
      [t](const json& d) { return parse_futures_accounts(d, t); });
}

asio::awaitable<Result<BillsPage>> Gateway::account_bills(BillsQuery bq) {
  QueryParams q = impl_->product();
  add(q, "symbol", bq.symbol);
  add(q, "businessType", bq.business_type);
  add_ms(q, "startTime", bq.start);
  add_ms(q, "endTime", bq.end);
  add(q, "idLessThan", bq.id_less_than);
  add_int(q, "limit", bq.limit);
  co_return co_await impl_->call<BillsPage>(get("/api/v2/mix/account/bill", std::move(q), true),
                                            [](const json& d) { return parse_account_bills(d); });
}

asio::awaitable<Result<std::vector<BalanceUpdate>>> Gateway::spot_assets() {
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call<std::vector<BalanceUpdate>>(get("/api/v2/spot/account/assets", QueryParams{}, true),
                                                             [t](const json& d) { return parse_spot_assets(d, t); });
}

// ---------- the futures account's settings ----------
asio::awaitable<WireResult<FuturesAccount>> Gateway::futures_account(std::string symbol) {
  if (impl_->uta()) co_return co_await impl_->uta_futures_account(std::move(symbol));
  QueryParams q = impl_->product();
  add(q, "symbol", symbol);
  add(q, "marginCoin", impl_->config.margin_coin);
  const UnixNanos t = impl_->now();
  co_return co_await impl_->call_detailed<FuturesAccount>(get("/api/v2/mix/account/account", std::move(q), true),
                                                          [t](const json& d) { return parse_futures_account(d, t); });
}

asio::awaitable<WireResult<void>> Gateway::set_leverage(std::string symbol, int leverage) {
  if (impl_->uta()) co_return co_await impl_->uta_set_leverage(std::move(symbol), leverage);
  co_return co_await impl_->call_void(
      post("/api/v2/mix/account/set-leverage",
           build_set_leverage_body(symbol, leverage, impl_->config.product_type, impl_->config.margin_coin)));
}

asio::awaitable<WireResult<void>> Gateway::set_margin_mode(std::string symbol, std::string margin_mode) {
  if (impl_->uta())  // v3 has no per-symbol margin-mode call: a unified account trades crossed
    co_return Error{Errc::unsupported,
                    {},
                    "a Unified Trading Account's margin mode is set for the whole account in Bitget's app, "
                    "not per symbol through the API (wanted " +
                        margin_mode + " for " + symbol + ")"};
  co_return co_await impl_->call_void(
      post("/api/v2/mix/account/set-margin-mode",
           build_set_margin_mode_body(symbol, margin_mode, impl_->config.product_type, impl_->config.margin_coin)));
}

asio::awaitable<WireResult<void>> Gateway::set_position_mode(PositionMode mode) {
  if (impl_->uta()) co_return co_await impl_->uta_set_hold_mode(mode);  // account-wide in UTA
  co_return co_await impl_->call_void(
      post("/api/v2/mix/account/set-position-mode", build_set_position_mode_body(mode, impl_->config.product_type)));
}

}  // namespace carry::bitget
