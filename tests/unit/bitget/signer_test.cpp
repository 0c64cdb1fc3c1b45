#include <carry/bitget/signer.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace carry::bitget {
namespace {

// Every known answer below is from REFERENCE.md section 2 (secret "test_secret_key").
constexpr std::string_view kSecret = "test_secret_key";
constexpr std::int64_t kTsMs = 1700000000000;
constexpr std::int64_t kTsS = 1700000000;
constexpr std::string_view kPlaceBody =
    R"({"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed","marginCoin":"USDT","size":"0.001","price":"30000","side":"buy","orderType":"limit","force":"post_only","clientOid":"bot-0001"})";

Signer make_signer(bool demo = false) { return Signer({"my-api-key", std::string(kSecret), "my-pass"}, demo); }

TEST(Signer, GetWithQueryKnownAnswer) {
  const auto q = build_query({{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"marginCoin", "USDT"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(*q, "marginCoin=USDT&productType=USDT-FUTURES&symbol=BTCUSDT");
  EXPECT_EQ(rest_prehash("1700000000000", "GET", "/api/v2/mix/account/account", *q, ""),
            "1700000000000GET/api/v2/mix/account/account?marginCoin=USDT&productType=USDT-FUTURES&symbol=BTCUSDT");
  EXPECT_EQ(make_signer().sign_rest(kTsMs, "GET", "/api/v2/mix/account/account", *q, ""),
            "B5DeOWobgV8dPxb3suB9U2l2kOzA3oJkT1pCm5aIxUA=");
}

TEST(Signer, GetWithoutQueryKnownAnswer) {
  EXPECT_EQ(rest_prehash("1700000000000", "GET", "/api/v2/mix/market/contracts", "", ""),
            "1700000000000GET/api/v2/mix/market/contracts");
  EXPECT_EQ(make_signer().sign_rest(kTsMs, "GET", "/api/v2/mix/market/contracts", "", ""),
            "A49CtyOBoT05eT60VYZdzIKsLGkRKAPlwG6OfpNvNl8=");
}

TEST(Signer, PostKnownAnswer) {
  EXPECT_EQ(make_signer().sign_rest(kTsMs, "POST", "/api/v2/mix/order/place-order", "", kPlaceBody),
            "rH3U10BtEiJADfGlx0cFVpkqkPKwQkHZsFx8oLH9IVU=");
  EXPECT_EQ(hmac_sha256_base64(kSecret,
                               std::string("1700000000000POST/api/v2/mix/order/place-order") + std::string(kPlaceBody)),
            "rH3U10BtEiJADfGlx0cFVpkqkPKwQkHZsFx8oLH9IVU=");
}

TEST(Signer, WsLoginKnownAnswerUsesSeconds) {
  EXPECT_EQ(ws_login_prehash("1700000000"), "1700000000GET/user/verify");
  const auto args = make_signer().ws_login_args(kTsS);
  EXPECT_EQ(args.timestamp, "1700000000");
  EXPECT_EQ(args.sign, "8peuLkMXKbqI53je2/zbvNjej6V/ud92Dm6oml7vfEE=");
  EXPECT_EQ(args.api_key, "my-api-key");
  EXPECT_EQ(args.passphrase, "my-pass");

  const auto j = nlohmann::json::parse(make_signer().ws_login_message(kTsS));
  EXPECT_EQ(j["op"], "login");
  ASSERT_EQ(j["args"].size(), 1u);
  EXPECT_EQ(j["args"][0]["apiKey"], "my-api-key");
  EXPECT_EQ(j["args"][0]["passphrase"], "my-pass");
  EXPECT_EQ(j["args"][0]["timestamp"], "1700000000");
  EXPECT_EQ(j["args"][0]["sign"], "8peuLkMXKbqI53je2/zbvNjej6V/ud92Dm6oml7vfEE=");
}

TEST(Signer, RestHeadersCarryEverythingAndDemoFlag) {
  const auto q =
      build_query_unchecked({{"productType", "USDT-FUTURES"}, {"symbol", "BTCUSDT"}, {"marginCoin", "USDT"}});
  for (bool demo : {false, true}) {
    const auto headers = make_signer(demo).rest_headers(kTsMs, "GET", "/api/v2/mix/account/account", q, "");
    std::map<std::string, std::string> h;
    for (const auto& x : headers) h[std::string(x.name)] = x.value;
    EXPECT_EQ(h.at("ACCESS-KEY"), "my-api-key");
    EXPECT_EQ(h.at("ACCESS-SIGN"), "B5DeOWobgV8dPxb3suB9U2l2kOzA3oJkT1pCm5aIxUA=");
    EXPECT_EQ(h.at("ACCESS-TIMESTAMP"), "1700000000000");
    EXPECT_EQ(h.at("ACCESS-PASSPHRASE"), "my-pass");
    EXPECT_EQ(h.at("Content-Type"), "application/json");
    EXPECT_EQ(h.at("locale"), "en-US");
    EXPECT_EQ(h.count("paptrading"), demo ? 1u : 0u);
    if (demo) {
      EXPECT_EQ(h.at("paptrading"), "1");
    }
  }
  const auto pub = make_signer(true).public_headers();
  EXPECT_EQ(pub.size(), 3u);
  EXPECT_EQ(make_signer(false).public_headers().size(), 2u);
}

TEST(Signer, QueryIsSortedAndRejectsCharactersNeedingEscapes) {
  EXPECT_EQ(build_query({}).value(), "");
  EXPECT_EQ(build_query({{"limit", "20"}, {"symbol", "BTCUSDT"}}).value(), "limit=20&symbol=BTCUSDT");
  EXPECT_EQ(build_query({{"symbol", "BTCUSDT"}, {"limit", "20"}}).value(), "limit=20&symbol=BTCUSDT");
  EXPECT_FALSE(build_query({{"symbol", "BTC USDT"}}));
  EXPECT_FALSE(build_query({{"symbol", "a&b=c"}}));
  EXPECT_FALSE(build_query({{"", "x"}}));
  EXPECT_EQ(build_query({{"symbol", "BTC USDT"}}).error(), make_error_code(Errc::invalid_argument));
}

TEST(Signer, VerifyHelpersAcceptGoodAndRejectBadSignatures) {
  EXPECT_TRUE(verify_rest_signature(kSecret, "1700000000000", "POST", "/api/v2/mix/order/place-order", "", kPlaceBody,
                                    "rH3U10BtEiJADfGlx0cFVpkqkPKwQkHZsFx8oLH9IVU="));
  EXPECT_FALSE(verify_rest_signature(kSecret, "1700000000001", "POST", "/api/v2/mix/order/place-order", "", kPlaceBody,
                                     "rH3U10BtEiJADfGlx0cFVpkqkPKwQkHZsFx8oLH9IVU="));
  EXPECT_FALSE(verify_rest_signature("other", "1700000000000", "POST", "/api/v2/mix/order/place-order", "", kPlaceBody,
                                     "rH3U10BtEiJADfGlx0cFVpkqkPKwQkHZsFx8oLH9IVU="));
  EXPECT_TRUE(verify_ws_login_signature(kSecret, "1700000000", "8peuLkMXKbqI53je2/zbvNjej6V/ud92Dm6oml7vfEE="));
  EXPECT_FALSE(verify_ws_login_signature(kSecret, "1700000000000", "8peuLkMXKbqI53je2/zbvNjej6V/ud92Dm6oml7vfEE="));
  EXPECT_FALSE(verify_ws_login_signature(kSecret, "1700000000", ""));
}

TEST(Signer, LongSecretIsHashedFirstAsRfc2104Says) {
  // A >64-byte key must equal HMAC with SHA256(key); the signer and the one-shot agree.
  const std::string long_secret(100, 'k');
  Signer s({"k", long_secret, "p"}, false);
  EXPECT_EQ(s.sign_rest(1, "GET", "/x", "", ""), hmac_sha256_base64(long_secret, "1GET/x"));
  // RFC 4231 test case 6 (131-byte key of 0xaa).
  const std::string key(131, '\xaa');
  EXPECT_EQ(hmac_sha256_base64(key, "Test Using Larger Than Block-Size Key - Hash Key First"),
            "YOQxWR7gtn8Niiaqy/W3f44LxiE3KMUUBUYEDw7jf1Q=");
}

TEST(Signer, SecretsNeverPrinted) {
  Signer s({"abcdefgh12345", "SUPER-SECRET", "PASSPHRASE-XYZ"}, true);
  const auto text = s.to_string();
  EXPECT_EQ(text.find("SUPER-SECRET"), std::string::npos);
  EXPECT_EQ(text.find("PASSPHRASE-XYZ"), std::string::npos);
  EXPECT_EQ(text.find("abcdefgh12345"), std::string::npos);
  EXPECT_NE(text.find("demo"), std::string::npos);
  const Credentials c{"abcdefgh12345", "SUPER-SECRET", "PASSPHRASE-XYZ"};
  EXPECT_EQ(c.redacted().find("SUPER-SECRET"), std::string::npos);
  EXPECT_EQ(c.redacted().find("PASSPHRASE-XYZ"), std::string::npos);
}

}  // namespace
}  // namespace carry::bitget
