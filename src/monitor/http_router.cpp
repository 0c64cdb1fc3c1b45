#include <carry/monitor/http_router.hpp>
#include <carry/monitor/prometheus.hpp>

namespace carry::monitor {
namespace {

HttpReply text(int status, std::string body, bool close = false) {
  HttpReply r;
  r.status = status;
  r.body = std::move(body);
  r.body += "\n";
  r.close = close;
  return r;
}

HttpReply json_reply(int status, const nlohmann::json& j) {
  HttpReply r;
  r.status = status;
  r.content_type = "application/json";
  r.body = j.dump() + "\n";
  return r;
}

}  // namespace

bool bearer_matches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() != kScheme.size() + token.size()) return false;
  unsigned diff = 0;
  for (std::size_t i = 0; i < kScheme.size(); ++i) diff |= static_cast<unsigned char>(authorization[i] ^ kScheme[i]);
  for (std::size_t i = 0; i < token.size(); ++i)
    diff |= static_cast<unsigned char>(authorization[kScheme.size() + i] ^ token[i]);
  return diff == 0;
}

HttpReply route_request(const HttpRequestInfo& req, const RouterContext& ctx) {
  // Authentication first: without the token a caller learns nothing, not even which paths exist.
  if (!ctx.token.empty() && !bearer_matches(req.authorization, ctx.token)) {
    HttpReply r = text(401, "unauthorized: send Authorization: Bearer <monitor.http.token>");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  const bool head = req.method == "HEAD";
  if (req.method != "GET" && !head) {
    HttpReply r = text(405, "method not allowed: only GET and HEAD");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (req.has_body) return text(413, "request bodies are not accepted", true);
  const std::string_view target = req.target;
  const std::string_view path = target.substr(0, target.find('?'));
  HttpReply r;
  if (path == "/metrics" && ctx.metrics) {
    r.content_type = std::string(kPrometheusContentType);
    r.body = ctx.metrics();
  } else if (path == "/health" && ctx.health) {
    const Health h = ctx.health();
    r = json_reply(h.http_status, h.body);
  } else if (path == "/status" && ctx.status) {
    r = json_reply(200, ctx.status());
  } else {
    r = text(404, "not found: try /metrics, /health or /status");
  }
  r.head = head;
  return r;
}

HttpReply error_reply(HttpFailure failure) {
  switch (failure) {
    case HttpFailure::HeaderTooLarge:
      return text(431, "request header fields too large", true);
    case HttpFailure::BodyTooLarge:
      return text(413, "request bodies are not accepted", true);
    case HttpFailure::TooManyConnections:
      return text(503, "too many connections", true);
    case HttpFailure::Malformed:
      break;
  }
  return text(400, "bad request", true);
}

}  // namespace carry::monitor
