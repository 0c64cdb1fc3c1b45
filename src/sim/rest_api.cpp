// Simulator: the REST API (REFERENCE sections 1-4): envelope, public market endpoints, signed
// private endpoints, HTTP fault injection, and the loopback admin endpoints under /sim/.
#include "request_auth.hpp"
#include "simulator.hpp"
#include "wire.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace carry::sim {

using nlohmann::json;

struct Simulator::Params {
  std::map<std::string, std::string> query;
  json body = json::object();

  static std::string value_string(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    if (v.is_number()) return v.dump();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return {};
  }
  std::string get(const std::string& k) const {
    if (body.is_object() && body.contains(k)) return value_string(body.at(k));
    auto it = query.find(k);
    return it == query.end() ? std::string() : it->second;
  }
};

namespace {

using Getter = std::function<std::string(const std::string&)>;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    auto eq = part.find('=');
    if (!part.empty()) out[url_decode(part.substr(0, eq))] = eq == std::string_view::npos ? "" : url_decode(part.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

bool is_private_path(const std::string& path) {
  static const char* prefixes[] = {"/api/v2/mix/order/", "/api/v2/mix/account/", "/api/v2/mix/position/",
                                   "/api/v2/spot/trade/", "/api/v2/spot/account/"};
  for (const char* p : prefixes)
    if (path.rfind(p, 0) == 0) return true;
  return false;
}

ApiError missing(const std::string& k) { return {"40019", "Parameter " + k + " cannot be empty", 400}; }
ApiError bad(const std::string& k) { return {"40020", "Parameter " + k + " error", 400}; }

std::optional<std::int64_t> to_int(const std::string& s) {
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<ApiError> check_product_type(const std::string& pt) {
  if (pt.empty()) return missing("productType");
  const auto u = upper(pt);
  if (u == "USDT-FUTURES") return std::nullopt;
  if (u == "SUSDT-FUTURES" || u == "SCOIN-FUTURES" || u == "SUSDC-FUTURES")
    return ApiError{"40099", "exchange environment is incorrect", 400};
  return ApiError{"40034", "Parameter productType does not exist", 400};
}

// Granularity -> ms. Futures: 1m,3m,5m,15m,30m,1H,4H,6H,12H,1D,1W; spot: 1min,...,1h,4h,1day,1week.
std::optional<std::int64_t> granularity_ms(const std::string& g, bool spot) {
  static const std::map<std::string, std::int64_t> perp = {
      {"1m", 60'000}, {"3m", 180'000}, {"5m", 300'000}, {"15m", 900'000}, {"30m", 1'800'000},
      {"1H", 3'600'000}, {"2H", 7'200'000}, {"4H", 14'400'000}, {"6H", 21'600'000}, {"12H", 43'200'000},
      {"1D", 86'400'000}, {"3D", 259'200'000}, {"1W", 604'800'000}, {"6Hutc", 21'600'000}, {"12Hutc", 43'200'000},
      {"1Dutc", 86'400'000}, {"3Dutc", 259'200'000}, {"1Wutc", 604'800'000}};
  static const std::map<std::string, std::int64_t> sp = {
      {"1min", 60'000}, {"3min", 180'000}, {"5min", 300'000}, {"15min", 900'000}, {"30min", 1'800'000},
      {"1h", 3'600'000}, {"4h", 14'400'000}, {"6h", 21'600'000}, {"12h", 43'200'000}, {"1day", 86'400'000},
      {"3day", 259'200'000}, {"1week", 604'800'000}, {"6Hutc", 21'600'000}, {"12Hutc", 43'200'000},
      {"1Dutc", 86'400'000}, {"3Dutc", 259'200'000}, {"1Wutc", 604'800'000}};
  const auto& m = spot ? sp : perp;
  auto it = m.find(g);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

// Parses one order of place-order / batch entries. `g` reads the entry, falling back to the
// request's top level for batch requests.
ApiResult<PlaceRequest> parse_place(const Getter& g, Market market) {
  PlaceRequest r;
  r.market = market;
  r.symbol = g("symbol");
  if (r.symbol.empty()) return missing("symbol");
  const auto side = lower(g("side"));
  if (side.empty()) return missing("side");
  if (side == "buy") r.side = Side::Buy;
  else if (side == "sell") r.side = Side::Sell;
  else return bad("side");
  const auto type = lower(g("orderType"));
  if (type.empty()) return missing("orderType");
  if (type == "limit") r.type = OrdType::Limit;
  else if (type == "market") r.type = OrdType::Market;
  else return bad("orderType");
  const auto force = lower(g("force"));
  if (force.empty() || force == "gtc") r.force = Force::Gtc;
  else if (force == "post_only") r.force = Force::PostOnly;
  else if (force == "ioc") r.force = Force::Ioc;
  else if (force == "fok") r.force = Force::Fok;
  else return bad("force");
  const auto size = g("size");
  if (size.empty()) return missing("size");
  auto sz = Decimal::parse(size);
  if (!sz) return bad("size");
  r.size = *sz;
  const auto price = g("price");
  if (!price.empty()) {
    auto p = Decimal::parse(price);
    if (!p) return bad("price");
    r.price = *p;
  }
  r.client_oid = g("clientOid");
  if (market == Market::Perp) {
    const auto mm = lower(g("marginMode"));
    if (mm.empty()) return missing("marginMode");
    if (mm != "crossed" && mm != "isolated") return bad("marginMode");
    r.margin_mode = mm;
    if (g("marginCoin").empty()) return missing("marginCoin");
    if (upper(g("marginCoin")) != "USDT") return bad("marginCoin");
    const auto ro = upper(g("reduceOnly"));
    if (!ro.empty() && ro != "YES" && ro != "NO") return bad("reduceOnly");
    r.reduce_only = ro == "YES";
    const auto ts = lower(g("tradeSide"));
    if (!ts.empty() && ts != "open" && ts != "close") return bad("tradeSide");
    r.trade_side = ts;
  }
  return r;
}

std::int64_t limit_param(const std::string& s, std::int64_t def, std::int64_t max) {
  auto v = to_int(s);
  if (!v || *v <= 0) return def;
  return std::min(*v, max);
}

}  // namespace

HttpResponse Simulator::ok(json data) const {
  HttpResponse r;
  r.body = json({{"code", "00000"}, {"msg", "success"}, {"requestTime", now_ms()}, {"data", std::move(data)}}).dump();
  return r;
}

HttpResponse Simulator::fail(const ApiError& e) const {
  HttpResponse r;
  r.status = e.http_status;
  r.body = json({{"code", e.code}, {"msg", e.msg}, {"requestTime", now_ms()}, {"data", nullptr}}).dump();
  return r;
}

HttpResponse Simulator::handle_http(const HttpRequest& req) {
  const auto qpos = req.target.find('?');
  const std::string path = req.target.substr(0, qpos);
  const std::string query = qpos == std::string::npos ? "" : req.target.substr(qpos + 1);
  if (path.rfind("/sim/", 0) == 0) return sim_admin(req, path);

  ++stats_.requests_total;
  ++stats_.requests_by_path[path];
  const bool priv = is_private_path(path);
  if (priv) ++stats_.private_rest_calls;
  HttpResponse resp;
  bool injected = false;
  if (path.rfind("/api/", 0) == 0) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    if (faults_.latency_max_ms > 0) {
      std::uniform_int_distribution<int> d(faults_.latency_min_ms, faults_.latency_max_ms);
      resp.delay_ms = d(rng_);
    }
    if (scope_matches(faults_.http_scope, priv)) {
      bool hit429 = false, hit5xx = false;
      if (faults_.http_429_next > 0) {
        --faults_.http_429_next;
        hit429 = true;
      } else if (faults_.http_5xx_next > 0) {
        --faults_.http_5xx_next;
        hit5xx = true;
      } else {
        if (faults_.http_429_rate > 0 && u(rng_) < faults_.http_429_rate) hit429 = true;
        else if (faults_.http_5xx_rate > 0 && u(rng_) < faults_.http_5xx_rate) hit5xx = true;
      }
      // Faults reject the request before it is processed: nothing changes on the exchange.
      if (hit429) {
        resp.status = 429;
        resp.body = json({{"code", "429"}, {"msg", "Too Many Requests"}, {"requestTime", now_ms()}, {"data", nullptr}}).dump();
        ++stats_.faults_injected["http_429"];
        injected = true;
      } else if (hit5xx) {
        resp.status = 503;
        resp.content_type = "text/html";
        resp.body = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>";
        ++stats_.faults_injected["http_5xx"];
        injected = true;
      }
    }
  }
  if (!injected) {
    const int delay = resp.delay_ms;
    resp = route(req, path, query);
    resp.delay_ms = delay;
    if (path.rfind("/api/", 0) == 0 && scope_matches(faults_.http_scope, priv)) lose_response(resp);
  }
  ++stats_.http_status[resp.drop_connection ? std::string("closed") : std::to_string(resp.status)];
  render_private_events();
  return resp;
}

void Simulator::lose_response(HttpResponse& resp) {
  bool hit = false;
  if (faults_.response_drop_next > 0) {
    --faults_.response_drop_next;
    hit = true;
  } else if (faults_.response_drop_rate > 0) {
    hit = std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < faults_.response_drop_rate;
  }
  if (!hit) return;
  ++stats_.faults_injected["response_dropped"];
  // Both ways a real ack gets lost: the socket dies mid-request, or a proxy answers 503 after the
  // matching engine has acted. Clients must treat either as "outcome unknown".
  if (std::bernoulli_distribution(0.5)(rng_)) {
    resp.drop_connection = true;
    resp.body.clear();
    return;
  }
  resp.status = 503;
  resp.content_type = "text/html";
  resp.body = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>";
}

HttpResponse Simulator::route(const HttpRequest& req, const std::string& path, const std::string& query) {
  Params p;
  p.query = parse_query(query);
  if (req.method == "POST" && !req.body.empty()) {
    p.body = json::parse(req.body, nullptr, false);
    if (p.body.is_discarded() || !p.body.is_object()) return fail({"40017", "Parameter verification failed", 400});
  }
  bool found = false;
  if (is_private_path(path)) {
    RestAuthRequest ar;
    ar.method = req.method;
    ar.path = path;
    ar.query = query;
    ar.body = req.body;
    ar.header = [&req](std::string_view name) {
      auto it = req.headers.find(lower(std::string(name)));
      return it == req.headers.end() ? std::string() : it->second;
    };
    auto auth = authenticate_rest(ar, server_ms(), config_.timestamp_window_ms, exchange_);
    if (auth.error) {
      ++stats_.auth_failures;
      if (auth.bad_signature) ++stats_.signature_failures;
      return fail(*auth.error);
    }
    auto r = private_endpoint(path, req.method, p, auth.account, found);
    if (found) return r;
  } else if (req.method == "GET") {
    auto r = public_endpoint(path, p, found);
    if (found) return r;
  }
  return fail({"40404", "Request URL NOT FOUND", 404});
}

HttpResponse Simulator::public_endpoint(const std::string& path, const Params& p, bool& found) {
  found = true;
  const std::int64_t now = now_ms();
  auto perp_inst = [&](const std::string& sym) { return market_.find(Market::Perp, sym); };
  auto funding_view = [&](const InstrumentMarket& inst) {
    wire::FundingView v;
    v.rate = funding_.rate_at(inst.spec.symbol, now);
    v.next_ms = next_settlement_.at(inst.spec.symbol);
    v.mark = market_.mark_price(inst.spec.symbol);
    v.index = market_.index_price(inst.spec.symbol);
    return v;
  };
  const int hours = config_.funding.reported_interval_hours;

  if (path == "/api/v2/public/time") return ok({{"serverTime", std::to_string(server_ms())}});

  if (path == "/api/v2/spot/public/symbols") {
    json data = json::array();
    const auto sym = p.get("symbol");
    for (const auto& i : market_.instruments())
      if (i.spec.market == Market::Spot && (sym.empty() || sym == i.spec.symbol)) data.push_back(wire::spot_symbol(i.spec));
    if (!sym.empty() && data.empty()) return fail({"40034", "Parameter " + sym + " does not exist", 400});
    return ok(data);
  }
  if (path == "/api/v2/spot/market/tickers") {
    json data = json::array();
    const auto sym = p.get("symbol");
    for (const auto& i : market_.instruments())
      if (i.spec.market == Market::Spot && (sym.empty() || sym == i.spec.symbol))
        data.push_back(wire::spot_ticker_rest(i, market_.stats_24h(i, now)));
    if (!sym.empty() && data.empty()) return fail({"40034", "Parameter " + sym + " does not exist", 400});
    return ok(data);
  }
  if (path == "/api/v2/spot/market/orderbook" || path == "/api/v2/spot/market/merge-depth") {
    const auto sym = p.get("symbol");
    if (sym.empty()) return fail(missing("symbol"));
    const auto* inst = market_.find(Market::Spot, sym);
    if (!inst) return fail({"40034", "Parameter " + sym + " does not exist", 400});
    const auto limit = static_cast<std::size_t>(limit_param(p.get("limit"), 150, 150));
    json d = {{"asks", wire::levels(inst->asks, inst->spec, limit)},
              {"bids", wire::levels(inst->bids, inst->spec, limit)},
              {"ts", std::to_string(inst->updated_ms)}};
    if (path.ends_with("merge-depth")) {
      d["scale"] = inst->spec.tick().to_string();
      d["precision"] = "scale0";
      d["isMaxPrecision"] = "YES";
    }
    return ok(d);
  }
  if (path == "/api/v2/spot/market/candles" || path == "/api/v2/spot/market/history-candles" ||
      path == "/api/v2/mix/market/candles" || path == "/api/v2/mix/market/history-candles") {
    const bool spot = path.find("/spot/") != std::string::npos;
    if (!spot) {
      if (auto e = check_product_type(p.get("productType"))) return fail(*e);
    }
    const auto sym = p.get("symbol");
    if (sym.empty()) return fail(missing("symbol"));
    const auto* inst = market_.find(spot ? Market::Spot : Market::Perp, sym);
    if (!inst) return fail({"40034", "Parameter " + sym + " does not exist", 400});
    const auto g = p.get("granularity");
    if (g.empty()) return fail(missing("granularity"));
    auto gms = granularity_ms(g, spot);
    if (!gms) return fail(bad("granularity"));
    const bool history = path.ends_with("history-candles");
    const auto limit = static_cast<std::size_t>(limit_param(p.get("limit"), 100, history ? 200 : 1000));
    const auto start = to_int(p.get("startTime")).value_or(0);
    auto end = to_int(p.get("endTime")).value_or(INT64_MAX);
    if (history) end = std::min(end, now - (now % *gms) - 1);  // finished bars only
    json data = json::array();
    for (const auto& c : market_.candles(*inst, *gms, start, end, limit)) {
      json row = {std::to_string(c.open_ms), inst->spec.fmt_price(c.open), inst->spec.fmt_price(c.high),
                  inst->spec.fmt_price(c.low), inst->spec.fmt_price(c.close), wire::num(c.base_volume),
                  wire::num(c.quote_volume)};
      if (spot) row.push_back(wire::num(c.quote_volume));
      data.push_back(row);
    }
    return ok(data);
  }
  if (path == "/api/v2/spot/market/fills" || path == "/api/v2/mix/market/fills" ||
      path == "/api/v2/spot/market/fills-history" || path == "/api/v2/mix/market/fills-history") {
    const bool spot = path.find("/spot/") != std::string::npos;
    if (!spot) {
      if (auto e = check_product_type(p.get("productType"))) return fail(*e);
    }
    const auto sym = p.get("symbol");
    if (sym.empty()) return fail(missing("symbol"));
    const auto* inst = market_.find(spot ? Market::Spot : Market::Perp, sym);
    if (!inst) return fail({"40034", "Parameter " + sym + " does not exist", 400});
    const auto limit = static_cast<std::size_t>(limit_param(p.get("limit"), 100, 500));
    json data = json::array();
    for (auto r = inst->trades.rbegin(); r != inst->trades.rend() && data.size() < limit; ++r) {
      json t = wire::trade_push(*r, inst->spec);
      t["symbol"] = sym;
      data.push_back(t);
    }
    return ok(data);
  }

  if (path.rfind("/api/v2/mix/market/", 0) != 0) {
    found = false;
    return {};
  }
  if (auto e = check_product_type(p.get("productType"))) return fail(*e);
  const std::string sym = p.get("symbol");
  const InstrumentMarket* inst = sym.empty() ? nullptr : perp_inst(sym);
  auto need_symbol = [&]() -> std::optional<ApiError> {
    if (sym.empty()) return missing("symbol");
    if (!inst) return ApiError{"40034", "Parameter " + sym + " does not exist", 400};
    return std::nullopt;
  };
  auto each_perp = [&](auto&& fn) {
    for (const auto& i : market_.instruments())
      if (i.spec.market == Market::Perp && (sym.empty() || sym == i.spec.symbol)) fn(i);
  };

  if (path == "/api/v2/mix/market/contracts") {
    if (!sym.empty() && !inst) return fail({"40034", "Parameter " + sym + " does not exist", 400});
    json data = json::array();
    each_perp([&](const InstrumentMarket& i) { data.push_back(wire::contract(i.spec, hours)); });
    return ok(data);
  }
  if (path == "/api/v2/mix/market/tickers" || path == "/api/v2/mix/market/ticker") {
    if (path.ends_with("ticker")) {
      if (auto e = need_symbol()) return fail(*e);
    }
    json data = json::array();
    each_perp([&](const InstrumentMarket& i) {
      data.push_back(wire::mix_ticker_rest(i, market_.stats_24h(i, now), funding_view(i)));
    });
    return ok(data);
  }
  if (path == "/api/v2/mix/market/current-fund-rate") {
    if (!sym.empty() && !inst) return fail({"40034", "Parameter " + sym + " does not exist", 400});
    json data = json::array();
    each_perp([&](const InstrumentMarket& i) {
      auto fv = funding_view(i);
      data.push_back({{"symbol", i.spec.symbol},
                      {"fundingRate", wire::num(fv.rate)},
                      {"fundingRateInterval", std::to_string(hours)},
                      {"nextUpdate", std::to_string(fv.next_ms)},
                      {"minFundingRate", wire::num(config_.funding.min_rate)},
                      {"maxFundingRate", wire::num(config_.funding.max_rate)}});
    });
    return ok(data);
  }
  if (path == "/api/v2/mix/market/funding-time") {
    if (auto e = need_symbol()) return fail(*e);
    return ok(json::array({{{"symbol", sym},
                            {"nextFundingTime", std::to_string(next_settlement_.at(sym))},
                            {"ratePeriod", std::to_string(hours)}}}));
  }
  if (path == "/api/v2/mix/market/history-fund-rate") {
    if (auto e = need_symbol()) return fail(*e);
    const auto page_size = limit_param(p.get("pageSize"), 20, 100);
    const auto page_no = limit_param(p.get("pageNo"), 1, 1'000'000);
    json data = json::array();
    std::int64_t skip = (page_no - 1) * page_size;
    for (auto it = funding_history_.rbegin(); it != funding_history_.rend(); ++it) {
      if (it->symbol != sym) continue;
      if (skip > 0) {
        --skip;
        continue;
      }
      if (static_cast<std::int64_t>(data.size()) >= page_size) break;
      data.push_back({{"symbol", sym}, {"fundingRate", wire::num(it->rate)}, {"fundingTime", std::to_string(it->time_ms)}});
    }
    return ok(data);
  }
  if (path == "/api/v2/mix/market/merge-depth") {
    if (auto e = need_symbol()) return fail(*e);
    const auto lim = p.get("limit");
    std::size_t limit = 100;
    if (lim == "max") limit = 1000;
    else if (!lim.empty()) limit = static_cast<std::size_t>(limit_param(lim, 100, 1000));
    return ok({{"asks", wire::levels(inst->asks, inst->spec, limit)},
               {"bids", wire::levels(inst->bids, inst->spec, limit)},
               {"ts", std::to_string(inst->updated_ms)},
               {"scale", inst->spec.tick().to_string()},
               {"precision", "scale0"},
               {"isMaxPrecision", "NO"}});
  }
  if (path == "/api/v2/mix/market/symbol-price") {
    if (auto e = need_symbol()) return fail(*e);
    return ok(json::array({{{"symbol", sym},
                            {"price", inst->spec.fmt_price(inst->last_price)},
                            {"indexPrice", wire::num(market_.index_price(sym))},
                            {"markPrice", wire::num(market_.mark_price(sym))},
                            {"ts", std::to_string(inst->updated_ms)}}}));
  }
  if (path == "/api/v2/mix/market/open-interest") {
    if (auto e = need_symbol()) return fail(*e);
    return ok({{"openInterestList", json::array({{{"symbol", sym}, {"size", "0"}}})}, {"ts", std::to_string(now)}});
  }
  found = false;
  return {};
}

HttpResponse Simulator::private_endpoint(const std::string& path, const std::string& method, const Params& p,
                                         const std::string& account, bool& found) {
  found = true;
  const std::int64_t now = now_ms();
  Account& acc = *exchange_.account(account);
  const bool post = method == "POST";
  auto top = [&p](const std::string& k) { return p.get(k); };
  auto order_ids = [](const Order& o) { return json{{"orderId", o.order_id}, {"clientOid", o.client_oid}}; };
  auto spec_of = [&](Market m, const std::string& sym) -> const InstrumentSpec& { return market_.find(m, sym)->spec; };

  // ---------------- futures (mix) ----------------
  if (path.rfind("/api/v2/mix/", 0) == 0) {
    if (auto e = check_product_type(p.get("productType"))) return fail(*e);
    const std::string sym = p.get("symbol");
    auto need_symbol = [&]() -> std::optional<ApiError> {
      if (sym.empty()) return missing("symbol");
      if (!market_.find(Market::Perp, sym)) return ApiError{"40034", "Parameter " + sym + " does not exist", 400};
      return std::nullopt;
    };
    if (post && path == "/api/v2/mix/order/place-order") {
      auto req = parse_place(top, Market::Perp);
      if (auto* e = std::get_if<ApiError>(&req)) return fail(*e);
      auto r = exchange_.place(account, std::get<PlaceRequest>(req), now);
      if (auto* e = std::get_if<ApiError>(&r)) return fail(*e);
      return ok(order_ids(std::get<Order>(r)));
    }
    if (post && path == "/api/v2/mix/order/batch-place-order") {
      if (auto e = need_symbol()) return fail(*e);
      const json& list = p.body.contains("orderList") ? p.body["orderList"] : json();
      if (!list.is_array() || list.empty()) return fail(missing("orderList"));
      if (list.size() > 50) return fail({"40306", "Batch processing orders can only process up to 50", 400});
      json success = json::array(), failure = json::array();
      for (const auto& entry : list) {
        Getter g = [&](const std::string& k) {
          if (entry.is_object() && entry.contains(k)) return Params::value_string(entry.at(k));
          return p.get(k);
        };
        const std::string coid = g("clientOid");
        auto req = parse_place(g, Market::Perp);
        ApiResult<Order> r = std::holds_alternative<ApiError>(req) ? ApiResult<Order>(std::get<ApiError>(req))
                                                                    : exchange_.place(account, std::get<PlaceRequest>(req), now);
        if (auto* e = std::get_if<ApiError>(&r))
          failure.push_back({{"orderId", ""}, {"clientOid", coid}, {"errorMsg", e->msg}, {"errorCode", e->code}});
        else
          success.push_back(order_ids(std::get<Order>(r)));
      }
      return ok({{"successList", success}, {"failureList", failure}});
    }
    if (post && path == "/api/v2/mix/order/cancel-order") {
      if (auto e = need_symbol()) return fail(*e);
      if (p.get("orderId").empty() && p.get("clientOid").empty()) return fail(missing("orderId"));
      auto r = exchange_.cancel(account, Market::Perp, sym, p.get("orderId"), p.get("clientOid"), now);
      if (auto* e = std::get_if<ApiError>(&r)) return fail(*e);
      return ok(order_ids(std::get<Order>(r)));
    }
    if (post && (path == "/api/v2/mix/order/batch-cancel-orders" || path == "/api/v2/mix/order/cancel-all-orders")) {
      json success = json::array(), failure = json::array();
      const json& list = p.body.contains("orderIdList") ? p.body["orderIdList"] : json();
      if (list.is_array() && !list.empty()) {
        if (auto e = need_symbol()) return fail(*e);
        for (const auto& entry : list) {
          const auto oid = entry.contains("orderId") ? Params::value_string(entry["orderId"]) : "";
          const auto coid = entry.contains("clientOid") ? Params::value_string(entry["clientOid"]) : "";
          auto r = exchange_.cancel(account, Market::Perp, sym, oid, coid, now);
          if (auto* e = std::get_if<ApiError>(&r))
            failure.push_back({{"orderId", oid}, {"clientOid", coid}, {"errorMsg", e->msg}, {"errorCode", e->code}});
          else
            success.push_back(order_ids(std::get<Order>(r)));
        }
      } else {
        for (const auto& o : exchange_.cancel_all(account, Market::Perp, sym, now)) success.push_back(order_ids(o));
      }
      return ok({{"successList", success}, {"failureList", failure}});
    }
    if (post && path == "/api/v2/mix/order/modify-order") {
      if (auto e = need_symbol()) return fail(*e);
      if (p.get("orderId").empty() && p.get("clientOid").empty()) return fail(missing("orderId"));
      std::optional<Decimal> ns, np;
      if (!p.get("newSize").empty()) {
        auto d = Decimal::parse(p.get("newSize"));
        if (!d) return fail(bad("newSize"));
        ns = *d;
      }
      if (!p.get("newPrice").empty()) {
        auto d = Decimal::parse(p.get("newPrice"));
        if (!d) return fail(bad("newPrice"));
        np = *d;
      }
      auto r = exchange_.modify(account, sym, p.get("orderId"), p.get("clientOid"), p.get("newClientOid"), ns, np, now);
      if (auto* e = std::get_if<ApiError>(&r)) return fail(*e);
      return ok(order_ids(std::get<Order>(r)));
    }
    if (!post && path == "/api/v2/mix/order/detail") {
      if (auto e = need_symbol()) return fail(*e);
      if (p.get("orderId").empty() && p.get("clientOid").empty()) return fail(missing("orderId"));
      const Order* o = exchange_.find_order(account, Market::Perp, p.get("orderId"), p.get("clientOid"));
      if (!o || o->symbol != sym)
        return fail({"40109", "The data of the order cannot be found, please confirm the order number", 400});
      return ok(wire::perp_order_rest(*o, spec_of(Market::Perp, sym), true));
    }
    if (!post && (path == "/api/v2/mix/order/orders-pending" || path == "/api/v2/mix/order/orders-history")) {
      const bool pending = path.ends_with("pending");
      const auto limit = limit_param(p.get("limit"), 100, 100);
      const auto id_lt = p.get("idLessThan");
      const auto status = p.get("status");
      json list = json::array();
      for (const Order* o : exchange_.orders(account, Market::Perp, pending)) {
        if (!sym.empty() && o->symbol != sym) continue;
        if (!p.get("orderId").empty() && o->order_id != p.get("orderId")) continue;
        if (!p.get("clientOid").empty() && o->client_oid != p.get("clientOid")) continue;
        if (!status.empty() && std::string(to_string(o->status, Market::Perp)) != status) continue;
        if (!id_lt.empty() && !(o->order_id.size() < id_lt.size() || (o->order_id.size() == id_lt.size() && o->order_id < id_lt))) continue;
        if (static_cast<std::int64_t>(list.size()) >= limit) break;
        list.push_back(wire::perp_order_rest(*o, spec_of(Market::Perp, o->symbol), false));
      }
      json end_id = list.empty() ? json(nullptr) : json(list.back()["orderId"]);
      return ok({{"entrustedList", list}, {"endId", end_id}});
    }
    if (!post && (path == "/api/v2/mix/order/fills" || path == "/api/v2/mix/order/fill-history")) {
      const auto limit = limit_param(p.get("limit"), 100, 100);
      const auto start = to_int(p.get("startTime")).value_or(INT64_MIN);
      const auto end = to_int(p.get("endTime")).value_or(INT64_MAX);
      const auto id_lt = p.get("idLessThan");
      json list = json::array();
      for (auto it = acc.fills.rbegin(); it != acc.fills.rend(); ++it) {
        if (it->market != Market::Perp) continue;
        if (!sym.empty() && it->symbol != sym) continue;
        if (!p.get("orderId").empty() && it->order_id != p.get("orderId")) continue;
        if (it->ts < start || it->ts > end) continue;
        if (!id_lt.empty() && !(it->trade_id < id_lt)) continue;
        if (static_cast<std::int64_t>(list.size()) >= limit) break;
        list.push_back(wire::perp_fill_rest(*it, spec_of(Market::Perp, it->symbol)));
      }
      json end_id = list.empty() ? json(nullptr) : json(list.back()["tradeId"]);
      return ok({{"fillList", list}, {"endId", end_id}});
    }
    if (!post && (path == "/api/v2/mix/position/all-position" || path == "/api/v2/mix/position/single-position")) {
      const bool single = path.ends_with("single-position");
      if (single) {
        if (auto e = need_symbol()) return fail(*e);
      }
      json data = json::array();
      for (const auto& pos : acc.positions) {
        if (single && pos.symbol != sym) continue;
        wire::PositionFigures fig;
        fig.mark = market_.mark_price(pos.symbol);
        fig.unrealized_pl = exchange_.unrealized_pl(pos);
        fig.margin = exchange_.position_margin(acc, pos);
        fig.leverage = acc.leverage_for(pos.symbol);
        data.push_back(wire::position_rest(acc, pos, fig));
      }
      return ok(data);
    }
    if (!post && path == "/api/v2/mix/account/accounts") {
      return ok(json::array({wire::futures_account_rest(acc, exchange_.futures_figures(acc), false, "")}));
    }
    if (!post && path == "/api/v2/mix/account/account") {
      if (auto e = need_symbol()) return fail(*e);
      if (p.get("marginCoin").empty()) return fail(missing("marginCoin"));
      return ok(wire::futures_account_rest(acc, exchange_.futures_figures(acc), true, sym));
    }
    if (!post && path == "/api/v2/mix/account/bill") {
      const auto limit = limit_param(p.get("limit"), 20, 100);
      const auto start = to_int(p.get("startTime")).value_or(INT64_MIN);
      const auto end = to_int(p.get("endTime")).value_or(INT64_MAX);
      const auto bt = p.get("businessType");
      const bool only_funding = lower(p.get("onlyFunding")) == "true" || upper(p.get("onlyFunding")) == "YES";
      const auto id_lt = p.get("idLessThan");
      json bills = json::array();
      for (auto it = acc.bills.rbegin(); it != acc.bills.rend(); ++it) {
        if (!bt.empty() && it->business_type != bt) continue;
        if (only_funding && it->business_type != "contract_settle_fee") continue;
        if (!sym.empty() && it->symbol != sym) continue;
        if (it->c_time < start || it->c_time > end) continue;
        if (!id_lt.empty() && !(it->bill_id < id_lt)) continue;
        if (static_cast<std::int64_t>(bills.size()) >= limit) break;
        bills.push_back(wire::bill(*it));
      }
      json end_id = bills.empty() ? json(nullptr) : json(bills.back()["billId"]);
      return ok({{"bills", bills}, {"endId", end_id}});
    }
    if (post && path == "/api/v2/mix/account/set-leverage") {
      if (auto e = need_symbol()) return fail(*e);
      auto lev = to_int(p.get("leverage"));
      if (!lev) return fail(missing("leverage"));
      auto r = exchange_.set_leverage(account, sym, static_cast<int>(*lev));
      if (auto* e = std::get_if<ApiError>(&r)) return fail(*e);
      const auto l = std::to_string(std::get<int>(r));
      return ok({{"symbol", sym}, {"marginCoin", "USDT"}, {"longLeverage", l}, {"shortLeverage", l},
                 {"crossMarginLeverage", l}, {"marginMode", acc.margin_mode_for(sym)}});
    }
    if (post && path == "/api/v2/mix/account/set-position-mode") {
      auto r = exchange_.set_position_mode(account, p.get("posMode"));
      if (auto* e = std::get_if<ApiError>(&r)) return fail(*e);
      return ok({{"posMode", std::get<std::string>(r)}});
    }
    if (post && path == "/api/v2/mix/account/set-margin-mode") {
      if (auto e = need_symbol()) return fail(*e);
      auto r = exchange_.set_margin_mode(account, sym, lower(p.get("marginMode")));
      if (auto* e = std::get_if<ApiError>(&r)) return fail(*e);
      const auto l = std::to_string(acc.leverage_for(sym));
      return ok({{"symbol", sym}, {"marginCoin", "USDT"}, {"longLeverage", l}, {"shortLeverage", l},
                 {"marginMode", std::get<std::string>(r)}});
    }
    found = false;
    return {};
  }

  // ---------------- spot ----------------
  const std::string sym = p.get("symbol");
  auto need_symbol = [&]() -> std::optional<ApiError> {
    if (sym.empty()) return missing("symbol");
    if (!market_.find(Market::Spot, sym)) return ApiError{"40034", "Parameter " + sym + " does not exist", 400};
    return std::nullopt;
  };
  if (post && path == "/api/v2/spot/trade/place-order") {
    auto req = parse_place(top, Market::Spot);
    if (auto* e = std::get_if<ApiError>(&req)) return fail(*e);
    auto r = exchange_.place(account, std::get<PlaceRequest>(req), now);
    if (auto* e = std::get_if<ApiError>(&r)) return fail(*e);
    return ok(order_ids(std::get<Order>(r)));
  }
  if (post && path == "/api/v2/spot/trade/batch-orders") {
    const json& list = p.body.contains("orderList") ? p.body["orderList"] : json();
    if (!list.is_array() || list.empty()) return fail(missing("orderList"));
    if (list.size() > 50) return fail({"40306", "Batch processing orders can only process up to 50", 400});
    json success = json::array(), failure = json::array();
    for (const auto& entry : list) {
      Getter g = [&](const std::string& k) {
        if (entry.is_object() && entry.contains(k)) return Params::value_string(entry.at(k));
        return p.get(k);
      };
      const std::string coid = g("clientOid");
      auto req = parse_place(g, Market::Spot);
      ApiResult<Order> r = std::holds_alternative<ApiError>(req) ? ApiResult<Order>(std::get<ApiError>(req))
                                                                  : exchange_.place(account, std::get<PlaceRequest>(req), now);
      if (auto* e = std::get_if<ApiError>(&r))
        failure.push_back({{"orderId", ""}, {"clientOid", coid}, {"errorMsg", e->msg}, {"errorCode", e->code}});
      else
        success.push_back(order_ids(std::get<Order>(r)));
    }
    return ok({{"successList", success}, {"failureList", failure}});
  }
  if (post && path == "/api/v2/spot/trade/cancel-order") {
    if (auto e = need_symbol()) return fail(*e);
    if (p.get("orderId").empty() && p.get("clientOid").empty()) return fail(missing("orderId"));
    auto r = exchange_.cancel(account, Market::Spot, sym, p.get("orderId"), p.get("clientOid"), now);
    if (auto* e = std::get_if<ApiError>(&r)) return fail(*e);
    return ok(order_ids(std::get<Order>(r)));
  }
  if (post && path == "/api/v2/spot/trade/batch-cancel-order") {
    if (auto e = need_symbol()) return fail(*e);
    const json& list = p.body.contains("orderList") ? p.body["orderList"] : json();
    if (!list.is_array() || list.empty()) return fail(missing("orderList"));
    json success = json::array(), failure = json::array();
    for (const auto& entry : list) {
      const auto oid = entry.contains("orderId") ? Params::value_string(entry["orderId"]) : "";
      const auto coid = entry.contains("clientOid") ? Params::value_string(entry["clientOid"]) : "";
      auto r = exchange_.cancel(account, Market::Spot, sym, oid, coid, now);
      if (auto* e = std::get_if<ApiError>(&r))
        failure.push_back({{"orderId", oid}, {"clientOid", coid}, {"errorMsg", e->msg}, {"errorCode", e->code}});
      else
        success.push_back(order_ids(std::get<Order>(r)));
    }
    return ok({{"successList", success}, {"failureList", failure}});
  }
  if (post && path == "/api/v2/spot/trade/cancel-symbol-order") {
    if (auto e = need_symbol()) return fail(*e);
    exchange_.cancel_all(account, Market::Spot, sym, now);
    return ok({{"symbol", sym}});
  }
  if (post && path == "/api/v2/spot/trade/cancel-replace-order") {
    if (auto e = need_symbol()) return fail(*e);
    if (p.get("orderId").empty() && p.get("clientOid").empty()) return fail(missing("orderId"));
    auto price = Decimal::parse(p.get("price"));
    auto size = Decimal::parse(p.get("size"));
    if (p.get("price").empty()) return fail(missing("price"));
    if (p.get("size").empty()) return fail(missing("size"));
    if (!price) return fail(bad("price"));
    if (!size) return fail(bad("size"));
    auto r = exchange_.cancel_replace(account, sym, p.get("orderId"), p.get("clientOid"), p.get("newClientOid"),
                                      *price, *size, now);
    if (auto* e = std::get_if<ApiError>(&r)) return fail(*e);
    const auto& o = std::get<Order>(r);
    return ok({{"orderId", o.order_id}, {"clientOid", o.client_oid}, {"success", "success"}, {"msg", ""}});
  }
  if (!post && path == "/api/v2/spot/trade/orderInfo") {
    if (p.get("orderId").empty() && p.get("clientOid").empty()) return fail(missing("orderId"));
    const Order* o = exchange_.find_order(account, Market::Spot, p.get("orderId"), p.get("clientOid"));
    if (!o) return fail({"43001", "The order does not exist", 400});
    return ok(json::array({wire::spot_order_rest(*o, spec_of(Market::Spot, o->symbol), false)}));
  }
  if (!post && (path == "/api/v2/spot/trade/unfilled-orders" || path == "/api/v2/spot/trade/history-orders")) {
    const bool pending = path.ends_with("unfilled-orders");
    const auto limit = limit_param(p.get("limit"), 100, 100);
    json list = json::array();
    for (const Order* o : exchange_.orders(account, Market::Spot, pending)) {
      if (!sym.empty() && o->symbol != sym) continue;
      if (!p.get("orderId").empty() && o->order_id != p.get("orderId")) continue;
      if (static_cast<std::int64_t>(list.size()) >= limit) break;
      list.push_back(wire::spot_order_rest(*o, spec_of(Market::Spot, o->symbol), pending));
    }
    return ok(list);
  }
  if (!post && path == "/api/v2/spot/trade/fills") {
    const auto limit = limit_param(p.get("limit"), 100, 100);
    const auto start = to_int(p.get("startTime")).value_or(INT64_MIN);
    const auto end = to_int(p.get("endTime")).value_or(INT64_MAX);
    json list = json::array();
    for (auto it = acc.fills.rbegin(); it != acc.fills.rend(); ++it) {
      if (it->market != Market::Spot) continue;
      if (!sym.empty() && it->symbol != sym) continue;
      if (!p.get("orderId").empty() && it->order_id != p.get("orderId")) continue;
      if (it->ts < start || it->ts > end) continue;
      if (static_cast<std::int64_t>(list.size()) >= limit) break;
      list.push_back(wire::spot_fill_rest(*it, spec_of(Market::Spot, it->symbol)));
    }
    return ok(list);
  }
  if (!post && path == "/api/v2/spot/account/assets") {
    const auto coin = p.get("coin");
    const bool all = p.get("assetType") == "all";
    json data = json::array();
    for (const auto& [c, amount] : acc.spot_available) {
      if (!coin.empty() && c != coin) continue;
      const Decimal frozen = acc.spot_frozen.count(c) ? acc.spot_frozen.at(c) : Decimal{};
      if (!all && coin.empty() && amount.is_zero() && frozen.is_zero()) continue;
      data.push_back(wire::spot_asset(acc, c));
    }
    return ok(data);
  }
  if (!post && path == "/api/v2/spot/account/bills") return ok(json::array());  // not modelled
  found = false;
  return {};
}

HttpResponse Simulator::sim_admin(const HttpRequest& req, const std::string& path) {
  HttpResponse r;
  if (!req.loopback) {
    r.status = 403;
    r.body = R"({"error":"/sim/ endpoints are loopback only"})";
    return r;
  }
  auto error = [&](int status, const std::string& msg) {
    HttpResponse e;
    e.status = status;
    e.body = json({{"error", msg}}).dump();
    return e;
  };
  if (req.method == "GET" && path == "/sim/stats") {
    r.body = stats_json().dump();
    return r;
  }
  if (path == "/sim/faults") {
    if (req.method == "POST") {
      json j = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
      if (j.is_discarded()) return error(400, "faults: body is not JSON");
      FaultActions actions;
      auto e = apply_fault_json(faults_, actions, j);
      if (!e.empty()) return error(400, e);
      if (!actions.ws_close_now.empty()) pending_actions_.ws_close_now = actions.ws_close_now;
      if (!actions.ws_stall_now.empty()) pending_actions_.ws_stall_now = actions.ws_stall_now;
    } else if (req.method != "GET") {
      return error(405, "GET or POST");
    }
    r.body = fault_json(faults_).dump();
    return r;
  }
  if (path == "/sim/funding") {
    if (req.method == "POST") {
      json j = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return error(400, "funding: body is not a JSON object");
      if (j.value("clear", false)) funding_.clear_overrides();
      if (j.contains("rate")) {
        auto rate = Decimal::parse(Params::value_string(j["rate"]));
        if (!rate) return error(400, "funding.rate: expected a decimal string");
        if (*rate < config_.funding.min_rate || *rate > config_.funding.max_rate)
          return error(400, "funding.rate: outside [min_rate, max_rate]");
        const std::string sym = j.contains("symbol") ? Params::value_string(j["symbol"]) : "";
        if (!sym.empty() && !market_.find(Market::Perp, sym)) return error(400, "funding.symbol: unknown perp " + sym);
        funding_.set_override(sym, *rate);
      }
    } else if (req.method != "GET") {
      return error(405, "GET or POST");
    }
    json out = json::object();
    const std::int64_t now = now_ms();
    for (const auto& [sym, next] : next_settlement_)
      out[sym] = {{"fundingRate", wire::num(funding_.rate_at(sym, now))},
                  {"nextFundingTime", next},
                  {"markPrice", wire::num(market_.mark_price(sym))}};
    r.body = out.dump();
    return r;
  }
  if (req.method == "GET" && path == "/sim/settlements") {
    json out = json::array();
    for (const auto& rec : funding_history_) {
      json pays = json::array();
      for (const auto& [key, amount] : rec.payments) pays.push_back({{"api_key", key}, {"amount", wire::num(amount)}});
      out.push_back({{"symbol", rec.symbol}, {"fundingRate", wire::num(rec.rate)}, {"fundingTime", rec.time_ms},
                     {"markPrice", wire::num(rec.mark)}, {"payments", pays}});
    }
    r.body = out.dump();
    return r;
  }
  if (req.method == "GET" && path == "/sim/orders") {
    r.body = orders_json().dump();
    return r;
  }
  if (req.method == "GET" && path == "/sim/accounts") {
    json out = json::object();
    for (const auto& [key, acc] : exchange_.accounts()) {
      json positions = json::array();
      for (const auto& p : acc.positions)
        positions.push_back({{"symbol", p.symbol}, {"holdSide", p.hold_side}, {"total", wire::num(p.total)},
                             {"openPriceAvg", wire::num(p.open_price_avg)}, {"totalFee", wire::num(p.total_fee)}});
      json spot = json::object();
      for (const auto& [c, a] : acc.spot_available)
        spot[c] = {{"available", wire::num(a)}, {"frozen", wire::num(acc.spot_frozen.count(c) ? acc.spot_frozen.at(c) : Decimal{})}};
      const auto fig = exchange_.futures_figures(acc);
      out[key] = {{"open_orders", {{"spot", exchange_.orders(key, Market::Spot, true).size()},
                                   {"perp", exchange_.orders(key, Market::Perp, true).size()}}},
                  {"positions", positions},
                  {"spot", spot},
                  {"futures", {{"cash", wire::num(fig.cash)}, {"equity", wire::num(fig.equity)},
                               {"available", wire::num(fig.available)}}}};
    }
    r.body = out.dump();
    return r;
  }
  return error(404, "unknown /sim/ endpoint");
}

}  // namespace carry::sim
