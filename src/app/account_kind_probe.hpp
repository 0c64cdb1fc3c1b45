#pragma once
// Asks the venue which kind of account the key belongs to (Classic or UTA) and checks it against
// exchange.account_mode, before anything else private is called. Transient failures are retried
// like the account setup's requests; an account Bitget is upgrading or switching is waited for up
// to `max_wait` (ops-check does not wait: it names the state and fails).
#include "account_setup_runner.hpp"

#include <carry/bitget/account_kind.hpp>

#include <optional>
#include <string>

namespace carry::app {

// How long the daemon waits for an account Bitget is upgrading or switching (about a minute).
inline constexpr std::chrono::seconds kAccountUpgradeWait{300};

struct AccountKindOutcome {
  std::optional<bitget::AccountKind> kind;  // empty: start-up stops, `error` says why
  std::string error;
  std::string account_mode;  // the venue's word (unified, hybrid...); "" for Classic
  std::string hold_mode;
};

boost::asio::awaitable<AccountKindOutcome> detect_account_kind(bitget::Gateway& probe,
                                                               bitget::AccountModeSetting setting, EventSink& log,
                                                               SetupSleep sleep, std::chrono::seconds max_wait);

}  // namespace carry::app
