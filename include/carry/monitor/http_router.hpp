#pragma once
// The monitoring endpoint's request handling, without sockets: a parsed request in, a reply out.
// The Beast shell (src/app/http_server.*) only reads, calls route_request or error_reply, writes.
//   GET|HEAD /metrics  Prometheus text 0.0.4      GET|HEAD /health  200 ok | 503 with the reason
//   GET|HEAD /status   the heartbeat as JSON      anything else: 404; other methods: 405 + Allow
// With a token configured every request needs `Authorization: Bearer <token>` (401 otherwise).
#include <carry/monitor/health.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carry::monitor {

struct HttpRequestInfo {
  std::string method;         // as sent ("GET", "POST", ...)
  std::string target;         // "/metrics?x=1"
  std::string authorization;  // the Authorization header, "" when absent
  bool has_body = false;      // Content-Length > 0 or chunked
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra (Allow, WWW-Authenticate)
  bool head = false;   // HEAD: the shell sends the headers (Content-Length of body) only
  bool close = false;  // the shell closes the connection after writing
};

// Failures the shell detects before a request is complete.
enum class HttpFailure { HeaderTooLarge, BodyTooLarge, Malformed, TooManyConnections };

struct RouterContext {
  std::string token;                     // "" = no authentication
  std::function<std::string()> metrics;  // the /metrics text
  std::function<Health()> health;
  std::function<nlohmann::json()> status;
};

HttpReply route_request(const HttpRequestInfo& request, const RouterContext& context);
HttpReply error_reply(HttpFailure failure);

// Constant-time comparison of "Bearer <token>" with the header (no early exit on the first
// differing byte).
bool bearer_matches(std::string_view authorization, std::string_view token);

}  // namespace carry::monitor
