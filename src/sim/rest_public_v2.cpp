// Public v2 REST (REFERENCE section 3): server time, spot symbols/tickers/books/candles/trades and
// the USDT-M futures market endpoints. Every handler reads the shared market state only.
#include "rest_router.hpp"
#include "wire.hpp"

#include <algorithm>
#include <set>

namespace carry::sim::rest {

namespace {

const InstrumentMarket* find_inst(const Call& c, Market m) { return c.sim.market().find(m, c.get("symbol")); }

HttpResponse server_time(const Call& c) { return c.ok({{"serverTime", std::to_string(c.sim.server_ms())}}); }

// Spot list endpoints: every instrument, or the one named by `symbol` (40034 when unknown).
template <class Render>
HttpResponse spot_list(const Call& c, Render render) {
  json data = json::array();
  const auto sym = c.get("symbol");
  for (const auto& i : c.sim.market().instruments())
    if (i.spec.market == Market::Spot && (sym.empty() || sym == i.spec.symbol)) data.push_back(render(i));
  if (!sym.empty() && data.empty()) return c.fail(unknown_symbol(sym));
  return c.ok(data);
}

HttpResponse spot_symbols(const Call& c) {
  return spot_list(c, [](const InstrumentMarket& i) { return wire::spot_symbol(i.spec); });
}

HttpResponse spot_tickers(const Call& c) {
  return spot_list(
      c, [&](const InstrumentMarket& i) { return wire::spot_ticker_rest(i, c.sim.market().stats_24h(i, c.now)); });
}

HttpResponse spot_orderbook(const Call& c) {
  if (auto e = need_symbol(c, Market::Spot)) return c.fail(*e);
  const auto* inst = find_inst(c, Market::Spot);
  const auto limit = static_cast<std::size_t>(limit_param(c.get("limit"), 150, 150));
  json d = {{"asks", wire::levels(inst->asks, inst->spec, limit)},
            {"bids", wire::levels(inst->bids, inst->spec, limit)},
            {"ts", std::to_string(inst->updated_ms)}};
  if (c.path.ends_with("merge-depth")) {
    d["scale"] = inst->spec.tick().to_string();
    d["precision"] = "scale0";
    d["isMaxPrecision"] = "YES";
  }
  return c.ok(d);
}

HttpResponse candles(const Call& c) {
  const bool spot = c.path.find("/spot/") != std::string::npos;
  if (auto e = need_symbol(c, spot ? Market::Spot : Market::Perp)) return c.fail(*e);
  const auto* inst = find_inst(c, spot ? Market::Spot : Market::Perp);
  const auto g = c.get("granularity");
  if (g.empty()) return c.fail(missing("granularity"));
  auto gms = granularity_ms(g, spot);
  if (!gms) return c.fail(bad("granularity"));
  const bool history = c.path.ends_with("history-candles");
  const auto limit = static_cast<std::size_t>(limit_param(c.get("limit"), 100, history ? 200 : 1000));
  const auto start = to_int(c.get("startTime")).value_or(0);
  auto end = to_int(c.get("endTime")).value_or(INT64_MAX);
  if (history) end = std::min(end, c.now - (c.now % *gms) - 1);  // finished bars only
  json data = json::array();
  for (const auto& k : c.sim.market().candles(*inst, *gms, start, end, limit)) {
    json row = {std::to_string(k.open_ms),   inst->spec.fmt_price(k.open),  inst->spec.fmt_price(k.high),
                inst->spec.fmt_price(k.low), inst->spec.fmt_price(k.close), wire::num(k.base_volume),
                wire::num(k.quote_volume)};
    if (spot) row.push_back(wire::num(k.quote_volume));
    data.push_back(row);
  }
  return c.ok(data);
}

HttpResponse market_fills(const Call& c) {
  const bool spot = c.path.find("/spot/") != std::string::npos;
  if (auto e = need_symbol(c, spot ? Market::Spot : Market::Perp)) return c.fail(*e);
  const auto* inst = find_inst(c, spot ? Market::Spot : Market::Perp);
  const auto limit = static_cast<std::size_t>(limit_param(c.get("limit"), 100, 500));
  json data = json::array();
  for (auto r = inst->trades.rbegin(); r != inst->trades.rend() && data.size() < limit; ++r) {
    json t = wire::trade_push(*r, inst->spec);
    t["symbol"] = inst->spec.symbol;
    data.push_back(t);
  }
  return c.ok(data);
}

// Coins of the configured instruments and balances. The simulator has no chains (no deposits or
// withdrawals), so `chains` is empty: clients read that as "neither deposit nor withdraw".
HttpResponse spot_coins(const Call& c) {
  std::set<std::string> coins;
  for (const auto& i : c.sim.market().instruments()) {
    coins.insert(i.spec.base_coin);
    coins.insert("USDT");
  }
  for (const auto& [coin, amount] : c.sim.config().balances.spot) coins.insert(coin);
  const auto want = c.get("coin");
  if (!want.empty() && !coins.count(want)) return c.fail(unknown_symbol(want));
  json data = json::array();
  int id = 0;
  for (const auto& coin : coins) {
    ++id;
    if (!want.empty() && coin != want) continue;
    data.push_back({{"coinId", std::to_string(id)}, {"coin", coin}, {"transfer", "true"}, {"chains", json::array()}});
  }
  return c.ok(data);
}

// Spot margin is not simulated: no pair is borrowable.
HttpResponse margin_currencies(const Call& c) { return c.ok(json::array()); }

// ---- USDT-M futures market (productType is checked by the router) ----

// Listings of the futures kinds the simulator does not trade are empty rather than refused, as a
// client that loads every kind at start (ccxt asks all six) expects; USDT-FUTURES is served.
HttpResponse contracts(const Call& c);
HttpResponse contracts_any_kind(const Call& c) {
  static const std::set<std::string> empty_kinds = {"COIN-FUTURES", "USDC-FUTURES", "SUSDT-FUTURES", "SCOIN-FUTURES",
                                                    "SUSDC-FUTURES"};
  if (empty_kinds.count(upper(c.get("productType")))) return c.ok(json::array());
  if (auto e = check_product_type(c.get("productType"))) return c.fail(*e);
  return contracts(c);
}

// Every perp, or the one named by `symbol` (40034 when unknown and `strict`).
template <class Fn>
std::optional<ApiError> each_perp(const Call& c, Fn fn, bool strict = true) {
  const auto sym = c.get("symbol");
  if (strict && !sym.empty() && !find_inst(c, Market::Perp)) return unknown_symbol(sym);
  for (const auto& i : c.sim.market().instruments())
    if (i.spec.market == Market::Perp && (sym.empty() || sym == i.spec.symbol)) fn(i);
  return std::nullopt;
}

HttpResponse contracts(const Call& c) {
  json data = json::array();
  const int hours = c.sim.config().funding.reported_interval_hours;
  if (auto e = each_perp(c, [&](const InstrumentMarket& i) { data.push_back(wire::contract(i.spec, hours)); }))
    return c.fail(*e);
  return c.ok(data);
}

HttpResponse mix_tickers(const Call& c) {
  if (c.path.ends_with("ticker")) {
    if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  }
  json data = json::array();
  auto e = each_perp(
      c,
      [&](const InstrumentMarket& i) {
        data.push_back(wire::mix_ticker_rest(i, c.sim.market().stats_24h(i, c.now), c.sim.funding_view(i)));
      },
      false);
  if (e) return c.fail(*e);
  return c.ok(data);
}

HttpResponse current_fund_rate(const Call& c) {
  const auto& f = c.sim.config().funding;
  json data = json::array();
  auto e = each_perp(c, [&](const InstrumentMarket& i) {
    auto fv = c.sim.funding_view(i);
    data.push_back({{"symbol", i.spec.symbol},
                    {"fundingRate", wire::num(fv.rate)},
                    {"fundingRateInterval", std::to_string(f.reported_interval_hours)},
                    {"nextUpdate", std::to_string(fv.next_ms)},
                    {"minFundingRate", wire::num(f.min_rate)},
                    {"maxFundingRate", wire::num(f.max_rate)}});
  });
  if (e) return c.fail(*e);
  return c.ok(data);
}

HttpResponse funding_time(const Call& c) {
  if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  const auto sym = c.get("symbol");
  return c.ok(json::array({{{"symbol", sym},
                            {"nextFundingTime", std::to_string(c.sim.next_settlement(sym))},
                            {"ratePeriod", std::to_string(c.sim.config().funding.reported_interval_hours)}}}));
}

HttpResponse history_fund_rate(const Call& c) {
  if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  const auto sym = c.get("symbol");
  const auto page_size = limit_param(c.get("pageSize"), 20, 100);
  const auto page_no = limit_param(c.get("pageNo"), 1, 1'000'000);
  json data = json::array();
  std::int64_t skip = (page_no - 1) * page_size;
  const auto& history = c.sim.funding_history();
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->symbol != sym) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    if (static_cast<std::int64_t>(data.size()) >= page_size) break;
    data.push_back(
        {{"symbol", sym}, {"fundingRate", wire::num(it->rate)}, {"fundingTime", std::to_string(it->time_ms)}});
  }
  return c.ok(data);
}

HttpResponse mix_merge_depth(const Call& c) {
  if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  const auto* inst = find_inst(c, Market::Perp);
  const auto lim = c.get("limit");
  std::size_t limit = 100;
  if (lim == "max")
    limit = 1000;
  else if (!lim.empty())
    limit = static_cast<std::size_t>(limit_param(lim, 100, 1000));
  return c.ok({{"asks", wire::levels(inst->asks, inst->spec, limit)},
               {"bids", wire::levels(inst->bids, inst->spec, limit)},
               {"ts", std::to_string(inst->updated_ms)},
               {"scale", inst->spec.tick().to_string()},
               {"precision", "scale0"},
               {"isMaxPrecision", "NO"}});
}

HttpResponse symbol_price(const Call& c) {
  if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  const auto* inst = find_inst(c, Market::Perp);
  const auto& sym = inst->spec.symbol;
  return c.ok(json::array({{{"symbol", sym},
                            {"price", inst->spec.fmt_price(inst->last_price)},
                            {"indexPrice", wire::num(c.sim.market().index_price(sym))},
                            {"markPrice", wire::num(c.sim.market().mark_price(sym))},
                            {"ts", std::to_string(inst->updated_ms)}}}));
}

HttpResponse open_interest(const Call& c) {
  if (auto e = need_symbol(c, Market::Perp)) return c.fail(*e);
  return c.ok({{"openInterestList", json::array({{{"symbol", c.get("symbol")}, {"size", "0"}}})},
               {"ts", std::to_string(c.now)}});
}

}  // namespace

void add_public_v2(Router& r) {
  auto get = [&r](const char* path, Handler h, bool mix = false) { r.add({"GET", path, Api::Public, h, mix}); };
  get("/api/v2/public/time", server_time);
  get("/api/v2/spot/public/symbols", spot_symbols);
  get("/api/v2/spot/market/tickers", spot_tickers);
  get("/api/v2/spot/market/orderbook", spot_orderbook);
  get("/api/v2/spot/market/merge-depth", spot_orderbook);
  get("/api/v2/spot/market/candles", candles);
  get("/api/v2/spot/market/history-candles", candles);
  get("/api/v2/spot/market/fills", market_fills);
  get("/api/v2/spot/market/fills-history", market_fills);
  get("/api/v2/mix/market/candles", candles, true);
  get("/api/v2/mix/market/history-candles", candles, true);
  get("/api/v2/mix/market/fills", market_fills, true);
  get("/api/v2/mix/market/fills-history", market_fills, true);
  get("/api/v2/spot/public/coins", spot_coins);
  get("/api/v2/margin/currencies", margin_currencies);
  get("/api/v2/mix/market/contracts", contracts_any_kind);
  get("/api/v2/mix/market/tickers", mix_tickers, true);
  get("/api/v2/mix/market/ticker", mix_tickers, true);
  get("/api/v2/mix/market/current-fund-rate", current_fund_rate, true);
  get("/api/v2/mix/market/funding-time", funding_time, true);
  get("/api/v2/mix/market/history-fund-rate", history_fund_rate, true);
  get("/api/v2/mix/market/merge-depth", mix_merge_depth, true);
  get("/api/v2/mix/market/symbol-price", symbol_price, true);
  get("/api/v2/mix/market/open-interest", open_interest, true);
}

}  // namespace carry::sim::rest
