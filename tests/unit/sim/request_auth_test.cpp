#include "request_auth.hpp"

#include <carry/bitget/signer.hpp>

#include <gtest/gtest.h>

#include <map>

namespace carry::sim {
namespace {

struct AuthFixture : ::testing::Test {
  Tape tape = Tape::synthetic(1, default_instruments(), 10'000, 1000);
  MarketState market{default_instruments(), tape, 0, 1.0, true, 5, 1};
  Exchange ex{market};
  static constexpr std::int64_t kNow = 1'700'000'000'000;

  void SetUp() override { ex.add_account("key1", "secret1", "pass1", StartingBalances{}, 10, "one_way_mode"); }

  AuthOutcome call(std::map<std::string, std::string> headers, std::string_view method = "GET",
                   std::string_view path = "/api/v2/mix/account/accounts",
                   std::string_view query = "productType=USDT-FUTURES", std::string_view body = "") {
    RestAuthRequest r;
    r.method = method;
    r.path = path;
    r.query = query;
    r.body = body;
    r.header = [headers](std::string_view name) {
      auto it = headers.find(std::string(name));
      return it == headers.end() ? std::string() : it->second;
    };
    return authenticate_rest(r, kNow, 30'000, ex);
  }

  std::map<std::string, std::string> signed_headers(const std::string& secret, std::int64_t ts,
                                                    std::string_view method = "GET",
                                                    std::string_view path = "/api/v2/mix/account/accounts",
                                                    std::string_view query = "productType=USDT-FUTURES",
                                                    std::string_view body = "") {
    bitget::Signer signer(bitget::Credentials{"key1", secret, "pass1"}, false);
    std::map<std::string, std::string> h;
    for (const auto& hd : signer.rest_headers(ts, method, path, query, body)) h[std::string(hd.name)] = hd.value;
    return h;
  }
};

TEST_F(AuthFixture, CorrectSignatureIsAccepted) {
  auto o = call(signed_headers("secret1", kNow));
  EXPECT_FALSE(o.error.has_value());
  EXPECT_EQ(o.account, "key1");
  const std::string body = R"({"symbol":"BTCUSDT","productType":"USDT-FUTURES"})";
  auto post = call(signed_headers("secret1", kNow - 29'000, "POST", "/api/v2/mix/order/place-order", "", body), "POST",
                   "/api/v2/mix/order/place-order", "", body);
  EXPECT_FALSE(post.error.has_value());
}

TEST_F(AuthFixture, WrongSecretGives40009) {
  auto o = call(signed_headers("not-the-secret", kNow));
  ASSERT_TRUE(o.error.has_value());
  EXPECT_EQ(o.error->code, "40009");
  EXPECT_EQ(o.error->http_status, 400);
  EXPECT_TRUE(o.bad_signature);
}

TEST_F(AuthFixture, TamperedBodyOrQueryFailsTheSignature) {
  auto h = signed_headers("secret1", kNow);
  EXPECT_EQ(call(h, "GET", "/api/v2/mix/account/accounts", "productType=COIN-FUTURES").error->code, "40009");
  EXPECT_EQ(call(h, "POST").error->code, "40009");
}

TEST_F(AuthFixture, HeaderAndTimestampErrors) {
  auto h = signed_headers("secret1", kNow);
  auto without = [&](const char* name) {
    auto c = h;
    c.erase(name);
    return call(c).error->code;
  };
  EXPECT_EQ(without("ACCESS-KEY"), "40001");
  EXPECT_EQ(without("ACCESS-SIGN"), "40002");
  EXPECT_EQ(without("ACCESS-TIMESTAMP"), "40004");
  EXPECT_EQ(without("ACCESS-PASSPHRASE"), "40011");
  auto stale = call(signed_headers("secret1", kNow - 30'001));
  EXPECT_EQ(stale.error->code, "40008");
  EXPECT_FALSE(stale.bad_signature);
  EXPECT_EQ(call(signed_headers("secret1", kNow + 31'000)).error->code, "40008");
  auto bad_ts = h;
  bad_ts["ACCESS-TIMESTAMP"] = "17e11";
  EXPECT_EQ(call(bad_ts).error->code, "40005");
  auto bad_pass = h;
  bad_pass["ACCESS-PASSPHRASE"] = "wrong";
  EXPECT_EQ(call(bad_pass).error->code, "40012");
  auto bad_key = h;
  bad_key["ACCESS-KEY"] = "nobody";
  EXPECT_EQ(call(bad_key).error->code, "40006");
}

TEST_F(AuthFixture, WsLogin) {
  const std::int64_t ts_s = kNow / 1000;
  bitget::Signer good(bitget::Credentials{"key1", "secret1", "pass1"}, false);
  auto args = good.ws_login_args(ts_s);
  nlohmann::json arg = {
      {"apiKey", args.api_key}, {"passphrase", args.passphrase}, {"timestamp", args.timestamp}, {"sign", args.sign}};
  auto ok = authenticate_ws_login(arg, kNow, 30'000, ex);
  EXPECT_EQ(ok.error_code, 0);
  EXPECT_EQ(ok.account, "key1");

  bitget::Signer bad(bitget::Credentials{"key1", "other", "pass1"}, false);
  auto bad_args = bad.ws_login_args(ts_s);
  arg["sign"] = bad_args.sign;
  auto r = authenticate_ws_login(arg, kNow, 30'000, ex);
  EXPECT_EQ(r.error_code, 30015);
  EXPECT_TRUE(r.bad_signature);

  arg["sign"] = args.sign;
  arg["timestamp"] = std::to_string(ts_s - 31);
  EXPECT_EQ(authenticate_ws_login(arg, kNow, 30'000, ex).error_code, 30014);
  arg["timestamp"] = args.timestamp;
  arg["passphrase"] = "x";
  EXPECT_EQ(authenticate_ws_login(arg, kNow, 30'000, ex).error_code, 30012);
  arg["apiKey"] = "nobody";
  EXPECT_EQ(authenticate_ws_login(arg, kNow, 30'000, ex).error_code, 30011);
}

}  // namespace
}  // namespace carry::sim
