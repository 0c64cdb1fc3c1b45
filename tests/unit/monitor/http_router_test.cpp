// The monitoring endpoint's routing without sockets.
#include <carry/monitor/http_router.hpp>
#include <carry/monitor/prometheus.hpp>

#include <gtest/gtest.h>

using namespace carry::monitor;

namespace {

RouterContext context(std::string token = {}) {
  RouterContext c;
  c.token = std::move(token);
  c.metrics = [] { return std::string("carry_up 1\n"); };
  c.health = [] {
    HealthInput in;
    in.started = false;
    return evaluate_health(in);
  };
  c.status = [] { return nlohmann::json{{"mode", "testnet"}}; };
  return c;
}

HttpRequestInfo get(std::string target, std::string method = "GET") {
  HttpRequestInfo r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

std::string header(const HttpReply& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

}  // namespace

TEST(HttpRouter, MetricsAreTextFormat004) {
  const auto r = route_request(get("/metrics"), context());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "carry_up 1\n");
  EXPECT_FALSE(r.head);
}

TEST(HttpRouter, QueryIsIgnoredAndHeadKeepsTheBodyLengthOnly) {
  const auto r = route_request(get("/metrics?name[]=x", "HEAD"), context());
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.head);
  EXPECT_EQ(r.body, "carry_up 1\n");  // its length is sent; the bytes are not
}

TEST(HttpRouter, HealthCarriesItsStatusCodeAndJson) {
  const auto r = route_request(get("/health"), context());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.content_type, "application/json");
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["status"], "starting");
  EXPECT_TRUE(j.contains("reason"));
}

TEST(HttpRouter, StatusIsJson) {
  const auto r = route_request(get("/status"), context());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["mode"], "testnet");
}

TEST(HttpRouter, UnknownPathIs404) {
  for (const char* t : {"/", "/metricsx", "/health/", "*", "", "/../etc/passwd"})
    EXPECT_EQ(route_request(get(t), context()).status, 404) << t;
}

TEST(HttpRouter, OtherMethodsAre405WithAllow) {
  for (const char* m : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get", "BREW"}) {
    const auto r = route_request(get("/metrics", m), context());
    EXPECT_EQ(r.status, 405) << m;
    EXPECT_EQ(header(r, "Allow"), "GET, HEAD") << m;
  }
}

TEST(HttpRouter, BodyIsRefusedAndTheConnectionClosed) {
  auto req = get("/metrics");
  req.has_body = true;
  const auto r = route_request(req, context());
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(r.close);
}

TEST(HttpRouter, TokenIsRequiredWhenConfigured) {
  const auto ctx = context("s3cret");
  auto req = get("/metrics");
  auto r = route_request(req, ctx);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(header(r, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(r.body.find("carry_up"), std::string::npos);
  for (const char* bad : {"Bearer s3cre", "Bearer s3cretX", "bearer s3cret", "Basic s3cret", "s3cret"}) {
    req.authorization = bad;
    EXPECT_EQ(route_request(req, ctx).status, 401) << bad;
  }
  req.authorization = "Bearer s3cret";
  EXPECT_EQ(route_request(req, ctx).status, 200);
  // Unauthenticated callers do not learn which paths or methods exist.
  EXPECT_EQ(route_request(get("/nope", "POST"), ctx).status, 401);
}

TEST(HttpRouter, BearerComparison) {
  EXPECT_TRUE(bearer_matches("Bearer abc", "abc"));
  EXPECT_FALSE(bearer_matches("Bearer abd", "abc"));
  EXPECT_FALSE(bearer_matches("", "abc"));
}

TEST(HttpRouter, ShellFailuresMapToStatusCodesAndClose) {
  EXPECT_EQ(error_reply(HttpFailure::HeaderTooLarge).status, 431);
  EXPECT_EQ(error_reply(HttpFailure::BodyTooLarge).status, 413);
  EXPECT_EQ(error_reply(HttpFailure::Malformed).status, 400);
  EXPECT_EQ(error_reply(HttpFailure::TooManyConnections).status, 503);
  EXPECT_TRUE(error_reply(HttpFailure::TooManyConnections).close);
}
