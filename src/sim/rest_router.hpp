#pragma once
// The simulator's REST route table: {method, path} -> handler, built once. Handlers are plain
// functions over a Call (the simulator, the request's parameters, the authenticated account);
// they live in one file per API area (rest_public_v2.cpp, rest_trade_v2.cpp, ...). Shared
// parameter helpers with Bitget's error codes are here too.
#include "exchange.hpp"
#include "simulator.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace carry::sim::rest {

using nlohmann::json;

// Query string and JSON body of a request; body keys win (Bitget reads POST parameters there).
struct Params {
  std::map<std::string, std::string> query;
  json body = json::object();

  static std::string value_string(const json& v);
  std::string get(const std::string& k) const;
};

struct Call {
  Simulator& sim;
  const Params& p;
  std::string account;  // api key of the signed request; empty on public routes
  std::string path;
  std::int64_t now = 0;

  HttpResponse ok(json data) const;
  HttpResponse fail(const ApiError& e) const;
  Account& acc() const { return *sim.exchange().account(account); }
  std::string get(const std::string& k) const { return p.get(k); }
};

using Handler = HttpResponse (*)(const Call&);

// Which API family a route belongs to: decides the signature check and the account-mode gate.
enum class Api { Public, PrivateV2, PrivateV3 };

struct Route {
  std::string method, path;
  Api api = Api::Public;
  Handler handler = nullptr;
  // Bitget checks productType before anything else on every USDT-M futures (mix) route.
  bool checks_product_type = false;
};

class Router {
 public:
  void add(Route r);
  struct Match {
    const Route* route = nullptr;  // method and path match
    bool path_known = false;       // the path exists under another method
  };
  Match find(std::string_view method, const std::string& path) const;
  std::size_t size() const { return count_; }

 private:
  std::unordered_map<std::string, std::vector<Route>> by_path_;
  std::size_t count_ = 0;
};

// Route sets, one per file.
void add_public_v2(Router& r);
void add_trade_v2(Router& r);
void add_account_v2(Router& r);
void add_account_v3(Router& r);
void add_public_v3(Router& r);
void add_trade_v3(Router& r);
void add_position_v3(Router& r);

// The simulator's full table (built on first use).
const Router& routes();

// ---- helpers shared by the handlers ----
// Bitget's error envelope: {code, msg, requestTime, data:null} with the error's HTTP status.
HttpResponse error_response(const ApiError& e, std::int64_t now_ms);
std::string lower(std::string s);
std::string upper(std::string s);
std::map<std::string, std::string> parse_query(std::string_view q);
std::optional<std::int64_t> to_int(const std::string& s);
// limit-style parameter: default when absent or not positive, capped at `max`.
std::int64_t limit_param(const std::string& s, std::int64_t def, std::int64_t max);
ApiError missing(const std::string& k);
ApiError bad(const std::string& k);
ApiError unknown_symbol(const std::string& sym);
// productType of a USDT-M route: only USDT-FUTURES is tradable here.
std::optional<ApiError> check_product_type(const std::string& pt);
// Granularity -> ms. Futures: 1m,...,1H,4H,...,1D,1W; spot: 1min,...,1h,4h,1day,1week.
std::optional<std::int64_t> granularity_ms(const std::string& g, bool spot);
// `symbol` present and a known instrument of `m`.
std::optional<ApiError> need_symbol(const Call& c, Market m);
// One order of place-order / batch entries; `g` reads the entry (falling back to the top level).
using Getter = std::function<std::string(const std::string&)>;
ApiResult<PlaceRequest> parse_place(const Getter& g, Market market);
json order_ids(const Order& o);

}  // namespace carry::sim::rest
