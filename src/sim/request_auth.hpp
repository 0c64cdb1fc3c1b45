#pragma once
// Bitget's checks of a private REST request (headers ACCESS-KEY / -SIGN / -TIMESTAMP / -PASSPHRASE,
// 30 s timestamp window, HMAC-SHA256 of timestamp+METHOD+path[?query]+body) and of a WebSocket
// login (timestamp in seconds, prehash ts+"GET"+"/user/verify"), with Bitget's error codes.
#include "exchange.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace carry::sim {

struct RestAuthRequest {
  std::string_view method, path, query, body;
  // Header lookup by case-insensitive name; empty when absent.
  std::function<std::string(std::string_view)> header;
};

struct AuthOutcome {
  std::string account;            // api key on success
  std::optional<ApiError> error;  // on failure (HTTP 400, Bitget code)
  bool bad_signature = false;     // the failure was a signature mismatch (40009 / 30015)
};

AuthOutcome authenticate_rest(const RestAuthRequest& req, std::int64_t now_ms, std::int64_t window_ms,
                              const Exchange& exchange);

// args[0] of {"op":"login"}; error codes are WS numbers (30011..30015).
struct WsLoginOutcome {
  std::string account;
  int error_code = 0;  // 0 = success
  std::string error_msg;
  bool bad_signature = false;
};
WsLoginOutcome authenticate_ws_login(const nlohmann::json& arg, std::int64_t now_ms, std::int64_t window_ms,
                                     const Exchange& exchange);

}  // namespace carry::sim
