#include "account_kind_probe.hpp"

#include <carry/bitget/io/gateway.hpp>

namespace carry::app {
namespace asio = boost::asio;
using Verdict = bitget::AccountProbe::Verdict;

namespace {
constexpr std::chrono::seconds kUpgradePoll{10};
}

asio::awaitable<AccountKindOutcome> detect_account_kind(bitget::Gateway& probe, bitget::AccountModeSetting setting,
                                                        EventSink& log, SetupSleep sleep,
                                                        std::chrono::seconds max_wait) {
  AccountKindOutcome out;
  int failures = 0;
  std::chrono::seconds waited{0};
  for (;;) {
    const bitget::AccountProbe p = co_await probe.probe_account_kind();
    out.account_mode = p.account_mode;
    out.hold_mode = p.hold_mode;
    if (p.verdict == Verdict::Known) {
      const auto choice = bitget::choose_account_kind(setting, *p.kind);
      out.kind = choice.kind;
      out.error = choice.error;
      co_return out;
    }
    std::chrono::milliseconds delay{0};
    if (p.verdict == Verdict::Failed && ++failures < kAccountSetupAttempts) {
      delay = account_setup_retry_delay(failures - 1);
    } else if (p.verdict == Verdict::Wait && waited < max_wait) {
      delay = kUpgradePoll;
      waited += kUpgradePoll;
    } else {
      out.error = p.reason;
      co_return out;
    }
    log.warn("account.kind_retry", {{"reason", p.reason}, {"retry_in_ms", delay.count()}});
    if (!co_await sleep(delay)) {
      out.error = "stopped while asking the account's kind";
      co_return out;
    }
  }
}

}  // namespace carry::app
