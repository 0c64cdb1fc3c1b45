#pragma once
// Which kind of Bitget account a key belongs to, and what that means for the daemon (sans-I/O).
// Classic accounts speak the v2 API; Unified Trading Accounts (UTA) speak v3 and get 40085 on
// every private v2 call, Classic keys get 40084 on private v3 calls. The kind is detected at start
// with GET /api/v3/account/settings (as ccxt does: success means UTA).
#include <carry/bitget/wire.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace carry::bitget {

enum class AccountKind : std::uint8_t { Classic, Uta };
std::string_view to_string(AccountKind k) noexcept;

// exchange.account_mode: auto (detect), classic or uta (detect, and refuse a different account).
enum class AccountModeSetting : std::uint8_t { Auto, Classic, Uta };
std::optional<AccountModeSetting> account_mode_setting_from(std::string_view s) noexcept;
std::string_view to_string(AccountModeSetting s) noexcept;

// What GET /api/v3/account/settings said, classified.
struct AccountProbe {
  enum class Verdict : std::uint8_t {
    Known,    // `kind` is set
    Wait,     // the account is being upgraded or switched: ask again later
    Failed,   // a transient failure: ask again
    Refused,  // a final failure (bad key, permissions...): `reason` says which
  };
  Verdict verdict = Verdict::Failed;
  std::optional<AccountKind> kind;
  std::string account_mode;  // the venue's word: unified, hybrid, upgrading, switching; "" for Classic
  std::string hold_mode;     // UTA: one_way_mode / hedge_mode (account-wide); "" when not given
  std::string reason;        // for Wait / Failed / Refused
};

// The answer's data on success (code 00000): accountMode unified|hybrid -> UTA; upgrading|switching
// -> Wait; anything else is Refused naming the value.
AccountProbe classify_account_settings(const nlohmann::json& data);
// A failed call: 40084 ("Classic Account mode") or a venue without the v3 API (HTTP 404 / 40404)
// -> Classic; a retryable failure -> Failed; any other -> Refused.
AccountProbe classify_account_settings_error(const Error& e);

// The configured setting against the detected kind: the kind to use, or the one-line reason
// start-up stops (naming both and what to change).
struct KindChoice {
  std::optional<AccountKind> kind;
  std::string error;
};
KindChoice choose_account_kind(AccountModeSetting setting, AccountKind detected);

// The kind to assume when nothing private may be called (dry run, no keys): the configured one,
// Classic for auto (public market data is the same for both kinds).
AccountKind assumed_account_kind(AccountModeSetting setting) noexcept;

// The WebSocket URL for the kind on the configured host: a path /v2/ws/<x> becomes /v3/ws/<x> for
// UTA and the other way round for Classic; any other path is kept as configured.
std::string ws_url_for(AccountKind kind, std::string_view url);

}  // namespace carry::bitget
