// Simulator: the REST entry point (REFERENCE sections 1-4): HTTP fault injection, the signature
// check, and dispatch through the route table (rest_router.hpp) to the handlers of each API area.
#include "request_auth.hpp"
#include "rest_router.hpp"
#include "simulator.hpp"

namespace carry::sim {

using nlohmann::json;

namespace {

// Private by prefix, so that an unknown path under a private area is still counted, gated and
// authenticated before it is answered 404, as Bitget does.
rest::Api private_family(const std::string& path) {
  static const char* v2[] = {"/api/v2/mix/order/", "/api/v2/mix/account/", "/api/v2/mix/position/",
                             "/api/v2/spot/trade/", "/api/v2/spot/account/"};
  static const char* v3[] = {"/api/v3/trade/", "/api/v3/account/", "/api/v3/position/"};
  for (const char* p : v2)
    if (path.rfind(p, 0) == 0) return rest::Api::PrivateV2;
  for (const char* p : v3)
    if (path.rfind(p, 0) == 0) return rest::Api::PrivateV3;
  return rest::Api::Public;
}

bool is_private_path(const std::string& path) { return private_family(path) != rest::Api::Public; }

// Bitget refuses the other account kind's private API before it checks the signature (UTA.md):
// a wrong secret on a UTA key still gets 40085. Unknown keys fall through to the auth check.
std::optional<ApiError> account_mode_gate(rest::Api family, const Account* acc) {
  if (!acc) return std::nullopt;
  const bool classic = acc->account_mode == "classic";
  if (family == rest::Api::PrivateV2 && !classic)
    return ApiError{"40085",
                    "You are in Unified Account mode, and the Classic Account API is not supported at this time", 400};
  if (family == rest::Api::PrivateV3 && classic)
    return ApiError{"40084",
                    "You are in Classic Account mode, and the Unified Account API is not supported at this time", 400};
  return std::nullopt;
}

}  // namespace

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
    if (http_scope_matches(faults_.http_scope, path, priv)) {
      bool hit429 = false, hit5xx = false;
      if (faults_.http_429_next > 0) {
        --faults_.http_429_next;
        hit429 = true;
      } else if (faults_.http_5xx_next > 0) {
        --faults_.http_5xx_next;
        hit5xx = true;
      } else {
        if (faults_.http_429_rate > 0 && u(rng_) < faults_.http_429_rate)
          hit429 = true;
        else if (faults_.http_5xx_rate > 0 && u(rng_) < faults_.http_5xx_rate)
          hit5xx = true;
      }
      // Faults reject the request before it is processed: nothing changes on the exchange.
      if (hit429) {
        resp.status = 429;
        resp.body =
            json({{"code", "429"}, {"msg", "Too Many Requests"}, {"requestTime", now_ms()}, {"data", nullptr}}).dump();
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
    if (path.rfind("/api/", 0) == 0 && http_scope_matches(faults_.http_scope, path, priv)) lose_response(resp);
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
  const auto now = now_ms();
  const auto match = rest::routes().find(req.method, path);
  if (!match.route && match.path_known)
    return rest::error_response({"405", "Request method '" + req.method + "' not supported", 405}, now);
  const auto family = private_family(path);
  if (family != rest::Api::Public) {
    auto key = req.headers.find("access-key");
    if (auto e = account_mode_gate(family, key == req.headers.end() ? nullptr : exchange_.account(key->second)))
      return rest::error_response(*e, now);
  }
  rest::Params p;
  p.query = rest::parse_query(query);
  if (req.method == "POST" && !req.body.empty()) {
    p.body = json::parse(req.body, nullptr, false);
    // Objects everywhere, except the v3 batch routes, whose body is an array of orders.
    if (p.body.is_discarded() || !(p.body.is_object() || (p.body.is_array() && path.rfind("/api/v3/", 0) == 0)))
      return rest::error_response({"40017", "Parameter verification failed", 400}, now);
  }
  std::string account;
  if (family != rest::Api::Public) {
    RestAuthRequest ar;
    ar.method = req.method;
    ar.path = path;
    ar.query = query;
    ar.body = req.body;
    ar.header = [&req](std::string_view name) {
      auto it = req.headers.find(rest::lower(std::string(name)));
      return it == req.headers.end() ? std::string() : it->second;
    };
    auto auth = authenticate_rest(ar, server_ms(), config_.timestamp_window_ms, exchange_);
    if (auth.error) {
      ++stats_.auth_failures;
      if (auth.bad_signature) ++stats_.signature_failures;
      return rest::error_response(*auth.error, now);
    }
    account = auth.account;
  }
  if (!match.route) return rest::error_response({"40404", "Request URL NOT FOUND", 404}, now);
  const rest::Call call{*this, p, account, path, now};
  if (match.route->checks_product_type) {
    if (auto e = rest::check_product_type(p.get("productType"))) return call.fail(*e);
  }
  return match.route->handler(call);
}

}  // namespace carry::sim
