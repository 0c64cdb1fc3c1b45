// The /sim/ admin endpoints' dispatch: which method each path answers, what the others get (404,
// or 405 where the path takes both GET and POST), loopback only, and the refusals of the POSTs.
#include "sim_fixture.hpp"

#include <gtest/gtest.h>

#include <string>

namespace carry::sim {
namespace {

using nlohmann::json;
using test_support::SimFixture;

struct SimAdmin : SimFixture {
  HttpResponse call(const std::string& method, const std::string& target, const std::string& text = "",
                    bool loopback = true) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = text;
    r.loopback = loopback;
    return sim->handle_http(r);
  }
  static std::string error_of(const HttpResponse& r) { return json::parse(r.body).value("error", ""); }
};

TEST_F(SimAdmin, EachPathAnswersItsMethods) {
  for (const char* path :
       {"/sim/stats", "/sim/faults", "/sim/funding", "/sim/settlements", "/sim/orders", "/sim/accounts"}) {
    const auto r = call("GET", path);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    EXPECT_FALSE(json::parse(r.body).is_discarded()) << path;
  }
  EXPECT_EQ(call("POST", "/sim/faults", "{}").status, 200);
  EXPECT_EQ(call("POST", "/sim/funding", "").status, 200);
  EXPECT_EQ(call("POST", "/sim/accounts", R"({"api_key":"key1","account_mode":"classic"})").status, 200);
}

TEST_F(SimAdmin, OtherMethodsAndPathsAreRefused) {
  for (const auto& [method, path] :
       {std::pair{"POST", "/sim/stats"}, std::pair{"POST", "/sim/settlements"}, std::pair{"POST", "/sim/orders"},
        std::pair{"DELETE", "/sim/accounts"}, std::pair{"GET", "/sim/nothing"}, std::pair{"GET", "/sim/"}}) {
    const auto r = call(method, path);
    EXPECT_EQ(r.status, 404) << method << " " << path;
    EXPECT_EQ(error_of(r), "unknown /sim/ endpoint") << method << " " << path;
  }
  for (const char* path : {"/sim/faults", "/sim/funding"}) {
    const auto r = call("PUT", path, "{}");
    EXPECT_EQ(r.status, 405) << path;
    EXPECT_EQ(error_of(r), "GET or POST") << path;
  }
}

TEST_F(SimAdmin, LoopbackOnly) {
  const auto r = call("GET", "/sim/stats", "", false);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, R"({"error":"/sim/ endpoints are loopback only"})");
}

TEST_F(SimAdmin, BadBodiesAreRefusedWithTheirReason) {
  struct Case {
    const char* path;
    const char* body;
    const char* error;
  };
  const Case cases[] = {
      {"/sim/faults", "not json", "faults: body is not JSON"},
      {"/sim/faults", R"({"nope":1})", "faults: unknown key 'nope'"},
      {"/sim/funding", "[1]", "funding: body is not a JSON object"},
      {"/sim/funding", R"({"rate":"abc"})", "funding.rate: expected a decimal string"},
      {"/sim/funding", R"({"rate":"0.5"})", "funding.rate: outside [min_rate, max_rate]"},
      {"/sim/funding", R"({"rate":"0.0001","symbol":"XYZUSDT"})", "funding.symbol: unknown perp XYZUSDT"},
      {"/sim/accounts", "nope", "accounts: body is not a JSON object"},
      {"/sim/accounts", R"({"api_key":"key9"})", "accounts.api_key: unknown account 'key9'"},
      {"/sim/accounts", R"({"api_key":"key1","account_mode":"uta"})",
       "accounts.account_mode: expected classic, unified, hybrid, upgrading or switching"},
  };
  for (const auto& c : cases) {
    const auto r = call("POST", c.path, c.body);
    EXPECT_EQ(r.status, 400) << c.path << " " << c.body;
    EXPECT_EQ(error_of(r), c.error) << c.path << " " << c.body;
  }
}

TEST_F(SimAdmin, FaultActionsWaitForTheServer) {
  ASSERT_EQ(call("POST", "/sim/faults", R"({"ws_close_now":"public","ws_service_upgrade":100})").status, 200);
  const FaultActions a = sim->take_actions();
  EXPECT_EQ(a.ws_close_now, "public");
  EXPECT_EQ(a.ws_stall_now, "");
  EXPECT_EQ(a.ws_service_upgrade_ms, 100);
  EXPECT_EQ(sim->take_actions().ws_close_now, "");
}

TEST_F(SimAdmin, FundingOverrideShowsInTheAnswer) {
  const auto r = call("POST", "/sim/funding", R"({"rate":"-0.0002","symbol":"BTCUSDT"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["BTCUSDT"]["fundingRate"], "-0.0002");
  const auto cleared = call("POST", "/sim/funding", R"({"clear":true})");
  EXPECT_EQ(json::parse(cleared.body)["BTCUSDT"]["fundingRate"], "0.0003");
}

}  // namespace
}  // namespace carry::sim
