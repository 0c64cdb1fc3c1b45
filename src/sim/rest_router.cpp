// The route table and the parameter helpers every REST handler shares.
#include "rest_router.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace carry::sim::rest {

std::string Params::value_string(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number()) return v.dump();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return {};
}

std::string Params::get(const std::string& k) const {
  if (body.is_object() && body.contains(k)) return value_string(body.at(k));
  auto it = query.find(k);
  return it == query.end() ? std::string() : it->second;
}

HttpResponse Call::ok(json data) const {
  HttpResponse r;
  r.body =
      json({{"code", "00000"}, {"msg", "success"}, {"requestTime", sim.now_ms()}, {"data", std::move(data)}}).dump();
  return r;
}

HttpResponse Call::fail(const ApiError& e) const { return error_response(e, sim.now_ms()); }

HttpResponse error_response(const ApiError& e, std::int64_t now_ms) {
  HttpResponse r;
  r.status = e.http_status;
  r.body = json({{"code", e.code}, {"msg", e.msg}, {"requestTime", now_ms}, {"data", nullptr}}).dump();
  return r;
}

void Router::add(Route r) {
  auto& v = by_path_[r.path];
  for (const auto& existing : v)
    if (existing.method == r.method) throw std::logic_error("duplicate route " + r.method + " " + r.path);
  v.push_back(std::move(r));
  ++count_;
}

Router::Match Router::find(std::string_view method, const std::string& path) const {
  Match m;
  auto it = by_path_.find(path);
  if (it == by_path_.end()) return m;
  m.path_known = true;
  for (const auto& r : it->second)
    if (r.method == method) m.route = &r;
  return m;
}

const Router& routes() {
  static const Router table = [] {
    Router r;
    add_public_v2(r);
    add_trade_v2(r);
    add_account_v2(r);
    add_account_v3(r);
    add_public_v3(r);
    add_trade_v3(r);
    add_position_v3(r);
    return r;
  }();
  return table;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

namespace {

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

}  // namespace

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    auto eq = part.find('=');
    if (!part.empty())
      out[url_decode(part.substr(0, eq))] = eq == std::string_view::npos ? "" : url_decode(part.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

std::optional<std::int64_t> to_int(const std::string& s) {
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::int64_t limit_param(const std::string& s, std::int64_t def, std::int64_t max) {
  auto v = to_int(s);
  if (!v || *v <= 0) return def;
  return std::min(*v, max);
}

ApiError missing(const std::string& k) { return {"40019", "Parameter " + k + " cannot be empty", 400}; }
ApiError bad(const std::string& k) { return {"40020", "Parameter " + k + " error", 400}; }
ApiError unknown_symbol(const std::string& sym) { return {"40034", "Parameter " + sym + " does not exist", 400}; }

std::optional<ApiError> check_product_type(const std::string& pt) {
  if (pt.empty()) return missing("productType");
  const auto u = upper(pt);
  if (u == "USDT-FUTURES") return std::nullopt;
  if (u == "SUSDT-FUTURES" || u == "SCOIN-FUTURES" || u == "SUSDC-FUTURES")
    return ApiError{"40099", "exchange environment is incorrect", 400};
  return ApiError{"40034", "Parameter productType does not exist", 400};
}

std::optional<std::int64_t> granularity_ms(const std::string& g, bool spot) {
  static const std::map<std::string, std::int64_t> perp = {
      {"1m", 60'000},         {"3m", 180'000},       {"5m", 300'000},        {"15m", 900'000},
      {"30m", 1'800'000},     {"1H", 3'600'000},     {"2H", 7'200'000},      {"4H", 14'400'000},
      {"6H", 21'600'000},     {"12H", 43'200'000},   {"1D", 86'400'000},     {"3D", 259'200'000},
      {"1W", 604'800'000},    {"6Hutc", 21'600'000}, {"12Hutc", 43'200'000}, {"1Dutc", 86'400'000},
      {"3Dutc", 259'200'000}, {"1Wutc", 604'800'000}};
  static const std::map<std::string, std::int64_t> sp = {
      {"1min", 60'000},      {"3min", 180'000},      {"5min", 300'000},     {"15min", 900'000},
      {"30min", 1'800'000},  {"1h", 3'600'000},      {"4h", 14'400'000},    {"6h", 21'600'000},
      {"12h", 43'200'000},   {"1day", 86'400'000},   {"3day", 259'200'000}, {"1week", 604'800'000},
      {"6Hutc", 21'600'000}, {"12Hutc", 43'200'000}, {"1Dutc", 86'400'000}, {"3Dutc", 259'200'000},
      {"1Wutc", 604'800'000}};
  const auto& m = spot ? sp : perp;
  auto it = m.find(g);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

std::optional<ApiError> need_symbol(const Call& c, Market m) {
  const auto sym = c.get("symbol");
  if (sym.empty()) return missing("symbol");
  if (!c.sim.market().find(m, sym)) return unknown_symbol(sym);
  return std::nullopt;
}

json order_ids(const Order& o) { return json{{"orderId", o.order_id}, {"clientOid", o.client_oid}}; }

namespace {

std::optional<ApiError> parse_perp_fields(const Getter& g, PlaceRequest& r) {
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
  return std::nullopt;
}

}  // namespace

ApiResult<PlaceRequest> parse_place(const Getter& g, Market market) {
  PlaceRequest r;
  r.market = market;
  r.symbol = g("symbol");
  if (r.symbol.empty()) return missing("symbol");
  const auto side = lower(g("side"));
  if (side.empty()) return missing("side");
  if (side == "buy")
    r.side = Side::Buy;
  else if (side == "sell")
    r.side = Side::Sell;
  else
    return bad("side");
  const auto type = lower(g("orderType"));
  if (type.empty()) return missing("orderType");
  if (type == "limit")
    r.type = OrdType::Limit;
  else if (type == "market")
    r.type = OrdType::Market;
  else
    return bad("orderType");
  const auto force = lower(g("force"));
  if (force.empty() || force == "gtc")
    r.force = Force::Gtc;
  else if (force == "post_only")
    r.force = Force::PostOnly;
  else if (force == "ioc")
    r.force = Force::Ioc;
  else if (force == "fok")
    r.force = Force::Fok;
  else
    return bad("force");
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
    if (auto e = parse_perp_fields(g, r)) return *e;
  }
  return r;
}

}  // namespace carry::sim::rest
