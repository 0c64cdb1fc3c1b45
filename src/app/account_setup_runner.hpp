#pragma once
// Sets the futures account up at start (live and testnet runs with keys; never in paper or
// ops-check): reads every configured symbol's settings, applies what differs
// (account_setup::plan), reads them back and verifies them (account_setup::verify). Transient
// failures (network, timeout, HTTP 5xx, 429, circuit open) are retried a few times with backoff;
// an exchange refusal (e.g. 40920: the position or margin mode cannot be switched while a
// position or an order is open) is final. Logs account.setup, or account.setup_failed with what
// differs; the runtime then exits 1 rather than trade on an account set up otherwise.
#include "account_setup.hpp"

#include <carry/core/event_sink.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>

namespace carry::bitget {
class Gateway;
}

namespace carry::app {

enum class AccountSetupResult {
  Ready,    // the account reads back as configured
  Refused,  // it does not, or it could not be read: logged as account.setup_failed
  Stopped,  // a stop was requested while waiting to retry
};

// Waits `delay`; false when the runtime is stopping (the setup then ends with Stopped).
using SetupSleep = std::function<boost::asio::awaitable<bool>(std::chrono::milliseconds)>;

// Per request: the first try and seven retries, 0.5 s doubling to 30 s (about a minute): a start-up
// inside a 429/5xx storm rides it out (found by the fault soak) instead of exiting at once.
inline constexpr int kAccountSetupAttempts = 8;
// The wait before retry `attempt` (0-based): 0.5 s, 1 s, 2 s ... at most 30 s.
std::chrono::milliseconds account_setup_retry_delay(int attempt);

boost::asio::awaitable<AccountSetupResult> run_account_setup(bitget::Gateway& gateway, account_setup::Wanted wanted,
                                                             EventSink& log, SetupSleep sleep);

}  // namespace carry::app
