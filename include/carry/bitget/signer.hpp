#pragma once
// Bitget v2 request signing: HMAC-SHA256, base64 (REFERENCE section 2).
// REST prehash = timestamp(ms) + METHOD + requestPath + ("?" + query if any) + body.
// WS login prehash = timestamp(seconds) + "GET" + "/user/verify".
// The same functions verify signatures on the simulator side.
#include <carry/core/result.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carry::bitget {

// API credentials. Deliberately no operator<< / to_json: only `redacted()` is printable.
struct Credentials {
  std::string api_key;
  std::string secret;
  std::string passphrase;

  bool empty() const noexcept { return api_key.empty() || secret.empty() || passphrase.empty(); }
  // "key=abcd…(24) secret=*** passphrase=***": safe for logs.
  std::string redacted() const;
};

using QueryParam = std::pair<std::string, std::string>;
using QueryParams = std::vector<QueryParam>;

// One query string for both the URL and the prehash: keys sorted ascending (stable for equal
// keys), "k=v" joined by '&'. Keys and values must consist of URL-unreserved characters
// (A-Z a-z 0-9 - . _ ~) so the signed and sent strings are byte-identical; anything else is
// rejected with invalid_argument (Bitget's handling of escaped query characters is unverified).
Result<std::string> build_query(QueryParams params);
// Same, when the caller already validated the characters (hot path; asserts in debug).
std::string build_query_unchecked(QueryParams params);

std::string rest_prehash(std::string_view timestamp_ms, std::string_view method, std::string_view request_path,
                         std::string_view query, std::string_view body);
std::string ws_login_prehash(std::string_view timestamp_s);

// Base64(HMAC_SHA256(key=secret, msg)).
std::string hmac_sha256_base64(std::string_view secret, std::string_view message);

struct Header {
  std::string_view name;  // always a static literal
  std::string value;
};

struct WsLoginArgs {
  std::string api_key;
  std::string passphrase;
  std::string timestamp;  // unix SECONDS as a decimal string
  std::string sign;
};

// Holds the keyed HMAC state so each signature costs two SHA-256 passes, not a key setup.
// Not thread-safe (one io_context thread per DESIGN).
class Signer {
 public:
  Signer(Credentials credentials, bool demo, std::string locale = "en-US");
  ~Signer();
  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  bool demo() const noexcept { return demo_; }
  const std::string& api_key() const noexcept { return credentials_.api_key; }

  // ACCESS-SIGN for a REST request; `query` without the leading '?'.
  std::string sign_rest(std::int64_t timestamp_ms, std::string_view method, std::string_view request_path,
                        std::string_view query, std::string_view body) const;
  // Every header of a signed request: ACCESS-KEY, ACCESS-SIGN, ACCESS-TIMESTAMP (ms),
  // ACCESS-PASSPHRASE, Content-Type: application/json, locale, and paptrading: 1 in demo.
  std::vector<Header> rest_headers(std::int64_t timestamp_ms, std::string_view method, std::string_view request_path,
                                   std::string_view query, std::string_view body) const;
  // Headers of a public (unsigned) request: Content-Type, locale (+ paptrading in demo).
  std::vector<Header> public_headers() const;

  WsLoginArgs ws_login_args(std::int64_t timestamp_s) const;
  // {"op":"login","args":[{"apiKey":..,"passphrase":..,"timestamp":"<s>","sign":..}]}
  std::string ws_login_message(std::int64_t timestamp_s) const;

  // Safe description (no secret, no passphrase).
  std::string to_string() const;

 private:
  std::string sign(std::string_view message) const;
  std::string sign_prehash(std::string_view ts, std::string_view method, std::string_view path, std::string_view query,
                           std::string_view body) const;

  Credentials credentials_;
  bool demo_;
  std::string locale_;
  struct HmacState;
  std::unique_ptr<HmacState> hmac_;
  mutable std::string scratch_;  // prehash buffer reused across signatures
};

// Simulator side. Constant-time comparison of a received ACCESS-SIGN.
bool verify_rest_signature(std::string_view secret, std::string_view timestamp_ms, std::string_view method,
                           std::string_view request_path, std::string_view query, std::string_view body,
                           std::string_view received_sign);
bool verify_ws_login_signature(std::string_view secret, std::string_view timestamp_s, std::string_view received_sign);

}  // namespace carry::bitget
