#include <carry/bitget/signer.hpp>

// The one-shot SHA-256 API is deprecated in OpenSSL 3 in favour of EVP, whose context copies
// allocate; request the 1.1.1 API level for this file only.
#define OPENSSL_API_COMPAT 0x10101000L
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cassert>
#include <stdexcept>

namespace carry::bitget {
namespace {

constexpr std::size_t kBlock = 64;   // SHA-256 block size
constexpr std::size_t kDigest = 32;  // SHA-256 output size

bool unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string base64(const unsigned char* data, std::size_t len) {
  std::string out(4 * ((len + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("OpenSSL failure in ") + what);
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// HMAC (RFC 2104) with the ipad/opad blocks hashed once. The prepared SHA-256 states are plain
// structs, so each signature copies them by value: no allocation, no key setup (EVP context
// copies allocate in OpenSSL 3 and cost as much as the hashing).
struct HmacKey {
  SHA256_CTX inner{};
  SHA256_CTX outer{};

  explicit HmacKey(std::string_view secret) {
    std::array<unsigned char, kBlock> key{};
    if (secret.size() > kBlock) {
      SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), key.data());
    } else {
      std::copy(secret.begin(), secret.end(), key.begin());
    }
    std::array<unsigned char, kBlock> ipad{}, opad{};
    for (std::size_t i = 0; i < kBlock; ++i) {
      ipad[i] = key[i] ^ 0x36;
      opad[i] = key[i] ^ 0x5c;
    }
    check(SHA256_Init(&inner), "SHA256_Init");
    check(SHA256_Update(&inner, ipad.data(), kBlock), "SHA256_Update");
    check(SHA256_Init(&outer), "SHA256_Init");
    check(SHA256_Update(&outer, opad.data(), kBlock), "SHA256_Update");
    OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(ipad.data(), ipad.size());
    OPENSSL_cleanse(opad.data(), opad.size());
  }
  ~HmacKey() {
    OPENSSL_cleanse(&inner, sizeof inner);
    OPENSSL_cleanse(&outer, sizeof outer);
  }
  HmacKey(const HmacKey&) = delete;
  HmacKey& operator=(const HmacKey&) = delete;

  std::array<unsigned char, kDigest> mac(std::string_view message) const {
    std::array<unsigned char, kDigest> inner_digest{}, out{};
    SHA256_CTX c = inner;
    check(SHA256_Update(&c, message.data(), message.size()), "SHA256_Update");
    check(SHA256_Final(inner_digest.data(), &c), "SHA256_Final");
    c = outer;
    check(SHA256_Update(&c, inner_digest.data(), kDigest), "SHA256_Update");
    check(SHA256_Final(out.data(), &c), "SHA256_Final");
    OPENSSL_cleanse(&c, sizeof c);
    return out;
  }
};

}  // namespace

struct Signer::HmacState : HmacKey {
  using HmacKey::HmacKey;
};

std::string Credentials::redacted() const {
  std::string key = api_key.size() > 4 ? api_key.substr(0, 4) + "..." : std::string("***");
  return "key=" + key + " secret=*** passphrase=***";
}

Result<std::string> build_query(QueryParams params) {
  for (const auto& [k, v] : params) {
    if (k.empty()) return make_error_code(Errc::invalid_argument);
    if (!std::all_of(k.begin(), k.end(), unreserved) || !std::all_of(v.begin(), v.end(), unreserved))
      return make_error_code(Errc::invalid_argument);
  }
  return build_query_unchecked(std::move(params));
}

std::string build_query_unchecked(QueryParams params) {
  std::stable_sort(params.begin(), params.end(),
                   [](const QueryParam& a, const QueryParam& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [k, v] : params) {
    assert(std::all_of(k.begin(), k.end(), unreserved) && std::all_of(v.begin(), v.end(), unreserved));
    if (!out.empty()) out.push_back('&');
    out.append(k).push_back('=');
    out.append(v);
  }
  return out;
}

std::string rest_prehash(std::string_view timestamp_ms, std::string_view method, std::string_view request_path,
                         std::string_view query, std::string_view body) {
  std::string s;
  s.reserve(timestamp_ms.size() + method.size() + request_path.size() + query.size() + body.size() + 1);
  s.append(timestamp_ms).append(method).append(request_path);
  if (!query.empty()) s.append("?").append(query);
  s.append(body);
  return s;
}

std::string ws_login_prehash(std::string_view timestamp_s) { return std::string(timestamp_s) + "GET/user/verify"; }

std::string hmac_sha256_base64(std::string_view secret, std::string_view message) {
  const auto mac = HmacKey(secret).mac(message);
  return base64(mac.data(), mac.size());
}

Signer::Signer(Credentials credentials, bool demo, std::string locale)
    : credentials_(std::move(credentials)),
      demo_(demo),
      locale_(std::move(locale)),
      hmac_(std::make_unique<HmacState>(credentials_.secret)) {}
Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;

std::string Signer::sign(std::string_view message) const {
  const auto mac = hmac_->mac(message);
  return base64(mac.data(), mac.size());
}

std::string Signer::sign_prehash(std::string_view ts, std::string_view method, std::string_view path,
                                 std::string_view query, std::string_view body) const {
  scratch_.clear();
  scratch_.append(ts).append(method).append(path);
  if (!query.empty()) scratch_.append("?").append(query);
  scratch_.append(body);
  return sign(scratch_);
}

std::string Signer::sign_rest(std::int64_t timestamp_ms, std::string_view method, std::string_view request_path,
                              std::string_view query, std::string_view body) const {
  return sign_prehash(std::to_string(timestamp_ms), method, request_path, query, body);
}

std::vector<Header> Signer::rest_headers(std::int64_t timestamp_ms, std::string_view method,
                                         std::string_view request_path, std::string_view query,
                                         std::string_view body) const {
  std::string ts = std::to_string(timestamp_ms);
  std::vector<Header> h;
  h.reserve(7);
  h.push_back({"ACCESS-KEY", credentials_.api_key});
  h.push_back({"ACCESS-SIGN", sign_prehash(ts, method, request_path, query, body)});
  h.push_back({"ACCESS-TIMESTAMP", std::move(ts)});
  h.push_back({"ACCESS-PASSPHRASE", credentials_.passphrase});
  h.push_back({"Content-Type", "application/json"});
  h.push_back({"locale", locale_});
  if (demo_) h.push_back({"paptrading", "1"});
  return h;
}

std::vector<Header> Signer::public_headers() const {
  std::vector<Header> h{{"Content-Type", "application/json"}, {"locale", locale_}};
  if (demo_) h.push_back({"paptrading", "1"});
  return h;
}

WsLoginArgs Signer::ws_login_args(std::int64_t timestamp_s) const {
  std::string ts = std::to_string(timestamp_s);
  std::string s = sign(ws_login_prehash(ts));
  return {credentials_.api_key, credentials_.passphrase, std::move(ts), std::move(s)};
}

std::string Signer::ws_login_message(std::int64_t timestamp_s) const {
  const auto a = ws_login_args(timestamp_s);
  nlohmann::json j = {
      {"op", "login"},
      {"args",
       nlohmann::json::array(
           {{{"apiKey", a.api_key}, {"passphrase", a.passphrase}, {"timestamp", a.timestamp}, {"sign", a.sign}}})}};
  return j.dump();
}

std::string Signer::to_string() const {
  return "bitget::Signer{" + credentials_.redacted() + (demo_ ? " demo" : " live") + "}";
}

bool verify_rest_signature(std::string_view secret, std::string_view timestamp_ms, std::string_view method,
                           std::string_view request_path, std::string_view query, std::string_view body,
                           std::string_view received_sign) {
  return constant_time_equal(hmac_sha256_base64(secret, rest_prehash(timestamp_ms, method, request_path, query, body)),
                             received_sign);
}

bool verify_ws_login_signature(std::string_view secret, std::string_view timestamp_s, std::string_view received_sign) {
  return constant_time_equal(hmac_sha256_base64(secret, ws_login_prehash(timestamp_s)), received_sign);
}

}  // namespace carry::bitget
