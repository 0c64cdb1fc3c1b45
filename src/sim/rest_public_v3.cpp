// Public v3 (UTA) market REST over the same market state, funding and history as v2. Shapes and
// fields from Bitget's uta/public pages (SG scrape, see UTA.md): instruments, tickers, orderbook,
// candles / history-candles, current-fund-rate, history-fund-rate. v3 selects the market with
// `category` (SPOT | USDT-FUTURES here); the kinds the simulator does not trade list nothing.
#include "rest_router.hpp"
#include "wire_v3.hpp"

#include <algorithm>
#include <set>

namespace carry::sim::rest {

namespace {

ApiError v3_missing(const std::string& k) { return {"40017", "Parameter verification failed " + k, 400}; }
ApiError v3_no_pair(const std::string& sym) { return {"25100", "Trading pair " + sym + " does not exist", 400}; }

// The category's market, or nullopt with `error` unset for a known kind that lists nothing here.
std::optional<Market> category(const Call& c, std::optional<ApiError>& error) {
  const auto cat = upper(c.get("category"));
  if (cat.empty())
    error = v3_missing("category");
  else if (cat == "SPOT")
    return Market::Spot;
  else if (cat == "USDT-FUTURES")
    return Market::Perp;
  else if (cat != "MARGIN" && cat != "COIN-FUTURES" && cat != "USDC-FUTURES")
    error = ApiError{"40034", "Parameter category does not exist", 400};
  return std::nullopt;
}

json instrument(const Call& c, const InstrumentSpec& s) {
  const bool perp = s.market == Market::Perp;
  json j = {{"symbol", s.symbol},
            {"category", perp ? "USDT-FUTURES" : "SPOT"},
            {"baseCoin", s.base_coin},
            {"quoteCoin", s.quote_coin},
            {"buyLimitPriceRatio", "0.05"},
            {"sellLimitPriceRatio", "0.05"},
            {"minOrderQty", wire::num(s.min_size)},
            {"feeRateUpRatio", perp ? "0.005" : ""},
            {"maxOrderQty", ""},
            {"maxMarketOrderQty", ""},
            {"quotePrecision", perp ? "" : "8"},
            {"maxSymbolOrderNum", ""},
            {"maxProductOrderNum", ""},
            {"pricePrecision", std::to_string(s.price_place)},
            {"quantityPrecision", std::to_string(s.volume_place)},
            {"minOrderAmount", wire::num(s.min_notional)},
            {"status", "online"},
            {"offTime", perp ? "-1" : ""},
            {"limitOpenTime", perp ? "-1" : ""},
            {"maintainTime", ""}};
  if (perp) {
    j["makerFeeRate"] = wire::num(s.maker_fee);
    j["takerFeeRate"] = wire::num(s.taker_fee);
    j["priceMultiplier"] = s.tick().to_string();
    j["quantityMultiplier"] = wire::num(s.size_multiplier);
    // Bitget's page names it symbolType; the live reply ccxt records (bitget.ts, fetchUtaMarkets)
    // has `type`, which ccxt reads. Both, until one source is shown wrong.
    j["symbolType"] = "perpetual";
    j["type"] = "perpetual";
    j["fundInterval"] = std::to_string(c.sim.config().funding.reported_interval_hours);
    j["minLeverage"] = "1";
    j["maxLeverage"] = std::to_string(s.max_lever);
  }
  return j;
}

json ticker(const Call& c, const InstrumentMarket& i) {
  std::optional<wire::FundingView> fv;
  if (i.spec.market == Market::Perp) fv = c.sim.funding_view(i);
  return wire::v3::ticker(i, c.sim.market().stats_24h(i, c.now), fv, false);
}

// instruments and tickers: every instrument of the category, or the named one.
template <class Render>
HttpResponse listing(const Call& c, Render render) {
  std::optional<ApiError> error;
  const auto m = category(c, error);
  if (error) return c.fail(*error);
  json data = json::array();
  if (!m) return c.ok(data);
  const auto sym = c.get("symbol");
  for (const auto& i : c.sim.market().instruments())
    if (i.spec.market == *m && (sym.empty() || sym == i.spec.symbol)) data.push_back(render(i));
  if (!sym.empty() && data.empty()) return c.fail(v3_no_pair(sym));
  return c.ok(data);
}

HttpResponse instruments(const Call& c) {
  return listing(c, [&](const InstrumentMarket& i) { return instrument(c, i.spec); });
}

HttpResponse tickers(const Call& c) {
  return listing(c, [&](const InstrumentMarket& i) { return ticker(c, i); });
}

// The named instrument of the request's category (symbol required).
const InstrumentMarket* one(const Call& c, std::optional<ApiError>& error, bool perp_only = false) {
  std::optional<Market> m;
  if (perp_only)
    m = Market::Perp;
  else
    m = category(c, error);
  if (error) return nullptr;
  const auto sym = c.get("symbol");
  if (sym.empty()) {
    error = v3_missing("symbol");
    return nullptr;
  }
  const InstrumentMarket* inst = m ? c.sim.market().find(*m, sym) : nullptr;
  if (!inst) error = v3_no_pair(sym);
  return inst;
}

HttpResponse orderbook(const Call& c) {
  std::optional<ApiError> error;
  const auto* inst = one(c, error);
  if (!inst) return c.fail(*error);
  const auto limit = static_cast<std::size_t>(limit_param(c.get("limit"), 5, 200));
  return c.ok({{"a", wire::levels(inst->asks, inst->spec, limit)},
               {"b", wire::levels(inst->bids, inst->spec, limit)},
               {"ts", std::to_string(inst->updated_ms)}});
}

HttpResponse candles(const Call& c) {
  std::optional<ApiError> error;
  const auto* inst = one(c, error);
  if (!inst) return c.fail(*error);
  const auto interval = c.get("interval");
  if (interval.empty()) return c.fail(v3_missing("interval"));
  static const std::set<std::string> allowed = {"1m", "3m", "5m", "15m", "30m", "1H", "4H", "6H", "12H", "1D"};
  if (!allowed.count(interval)) return c.fail({"40017", "Parameter verification failed interval", 400});
  const auto type = lower(c.get("type"));
  if (!type.empty() && type != "market") return c.ok(json::array());  // mark/index/premium: not modelled
  const auto gms = *granularity_ms(interval, false);
  const bool history = c.path.ends_with("history-candles");
  const auto limit = static_cast<std::size_t>(limit_param(c.get("limit"), 100, 100));
  const auto start = to_int(c.get("startTime")).value_or(0);
  auto end = to_int(c.get("endTime")).value_or(INT64_MAX);
  if (history) end = std::min(end, c.now - (c.now % gms) - 1);  // finished bars only
  json data = json::array();
  for (const auto& k : c.sim.market().candles(*inst, gms, start, end, limit))
    data.push_back({std::to_string(k.open_ms), inst->spec.fmt_price(k.open), inst->spec.fmt_price(k.high),
                    inst->spec.fmt_price(k.low), inst->spec.fmt_price(k.close), wire::num(k.base_volume),
                    wire::num(k.quote_volume)});
  return c.ok(data);
}

HttpResponse current_fund_rate(const Call& c) {
  std::optional<ApiError> error;
  const auto* inst = one(c, error, true);
  if (!inst) return c.fail(*error);
  const auto& f = c.sim.config().funding;
  const auto fv = c.sim.funding_view(*inst);
  return c.ok(json::array({{{"symbol", inst->spec.symbol},
                            {"fundingRate", wire::num(fv.rate)},
                            {"fundingRateInterval", std::to_string(f.reported_interval_hours)},
                            {"nextUpdate", std::to_string(fv.next_ms)},
                            {"minFundingRate", wire::num(f.min_rate)},
                            {"maxFundingRate", wire::num(f.max_rate)}}}));
}

// `cursor` is a page number (1-100), `limit` the page size (<= 200); newest first.
HttpResponse history_fund_rate(const Call& c) {
  std::optional<ApiError> error;
  const auto* inst = one(c, error);
  if (!inst) return c.fail(*error);
  if (inst->spec.market != Market::Perp) return c.fail(v3_no_pair(inst->spec.symbol));
  const auto page_size = limit_param(c.get("limit"), 200, 200);
  const auto page_no = limit_param(c.get("cursor"), 1, 100);
  std::int64_t skip = (page_no - 1) * page_size;
  json list = json::array();
  const auto& history = c.sim.funding_history();
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->symbol != inst->spec.symbol) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    if (static_cast<std::int64_t>(list.size()) >= page_size) break;
    list.push_back({{"symbol", it->symbol},
                    {"fundingRate", wire::num(it->rate)},
                    {"fundingRateTimestamp", std::to_string(it->time_ms)}});
  }
  return c.ok({{"resultList", list}});
}

}  // namespace

void add_public_v3(Router& r) {
  auto get = [&r](const char* path, Handler h) { r.add({"GET", path, Api::Public, h}); };
  get("/api/v3/market/instruments", instruments);
  get("/api/v3/market/tickers", tickers);
  get("/api/v3/market/orderbook", orderbook);
  get("/api/v3/market/candles", candles);
  get("/api/v3/market/history-candles", candles);
  get("/api/v3/market/current-fund-rate", current_fund_rate);
  get("/api/v3/market/history-fund-rate", history_fund_rate);
}

}  // namespace carry::sim::rest
