#include "request_auth.hpp"

#include <carry/bitget/signer.hpp>

#include <charconv>

namespace carry::sim {

namespace {

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

AuthOutcome fail(std::string code, std::string msg, bool bad_sig = false) {
  AuthOutcome o;
  o.error = ApiError{std::move(code), std::move(msg), 400};
  o.bad_signature = bad_sig;
  return o;
}

const Account* find_account(const Exchange& ex, const std::string& key) {
  auto it = ex.accounts().find(key);
  return it == ex.accounts().end() ? nullptr : &it->second;
}

}  // namespace

AuthOutcome authenticate_rest(const RestAuthRequest& req, std::int64_t now_ms, std::int64_t window_ms,
                              const Exchange& exchange) {
  const std::string key = req.header("ACCESS-KEY");
  const std::string sign = req.header("ACCESS-SIGN");
  const std::string ts = req.header("ACCESS-TIMESTAMP");
  const std::string passphrase = req.header("ACCESS-PASSPHRASE");
  if (key.empty()) return fail("40001", "ACCESS_KEY cannot be empty");
  if (sign.empty()) return fail("40002", "ACCESS_SIGN cannot be empty");
  if (ts.empty()) return fail("40004", "Request timestamp cannot be empty");
  if (passphrase.empty()) return fail("40011", "ACCESS_PASSPHRASE cannot be empty");
  const auto ts_ms = parse_int(ts);
  if (!ts_ms) return fail("40005", "Invalid ACCESS_TIMESTAMP");
  if (*ts_ms < now_ms - window_ms || *ts_ms > now_ms + window_ms) return fail("40008", "Request timestamp expired");
  const Account* acc = find_account(exchange, key);
  if (!acc) return fail("40006", "Invalid ACCESS_KEY");
  if (acc->passphrase != passphrase) return fail("40012", "apikey/password is incorrect");
  if (!bitget::verify_rest_signature(acc->secret, ts, req.method, req.path, req.query, req.body, sign))
    return fail("40009", "sign signature error", true);
  AuthOutcome ok;
  ok.account = key;
  return ok;
}

WsLoginOutcome authenticate_ws_login(const nlohmann::json& arg, std::int64_t now_ms, std::int64_t window_ms,
                                     const Exchange& exchange) {
  WsLoginOutcome out;
  auto field = [&](const char* name) -> std::string {
    if (!arg.is_object() || !arg.contains(name)) return {};
    const auto& v = arg.at(name);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    return {};
  };
  auto failure = [&](int code, std::string msg, bool bad_sig = false) {
    out.error_code = code;
    out.error_msg = std::move(msg);
    out.bad_signature = bad_sig;
    return out;
  };
  const std::string key = field("apiKey"), passphrase = field("passphrase"), ts = field("timestamp"),
                    sign = field("sign");
  const Account* acc = key.empty() ? nullptr : find_account(exchange, key);
  if (!acc) return failure(30011, "Invalid ACCESS_KEY");
  if (passphrase != acc->passphrase) return failure(30012, "Invalid ACCESS_PASSPHRASE");
  const auto ts_s = parse_int(ts);
  if (!ts_s) return failure(30013, "Invalid ACCESS_TIMESTAMP");
  const std::int64_t now_s = now_ms / 1000, window_s = window_ms / 1000;
  if (*ts_s < now_s - window_s || *ts_s > now_s + window_s) return failure(30014, "Request timestamp expired");
  if (sign.empty() || !bitget::verify_ws_login_signature(acc->secret, ts, sign))
    return failure(30015, "Invalid sign", true);
  out.account = key;
  return out;
}

}  // namespace carry::sim
