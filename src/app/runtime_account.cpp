// The account's kind and set-up at start: asked and checked before anything else private.
#include "runtime.hpp"

#include "account_kind_probe.hpp"
#include "account_setup_runner.hpp"
#include "gateway_setup.hpp"

#include <carry/bitget/io/gateway.hpp>

#include <iostream>

namespace carry::app {
namespace asio = boost::asio;

// The account as the strategy assumes it (one-way, margin mode, leverage per symbol), before
// reconciling: set up and read back, or carryd stops with exit 1 (account.setup_failed).
asio::awaitable<void> Runtime::set_up_account() {
  auto wanted = account_setup::wanted_from(cfg_.exchange, tracked_symbols());
  SetupSleep wait = [this](std::chrono::milliseconds d) { return sleep(main_timer_, d); };
  const auto setup = co_await run_account_setup(*gw_, std::move(wanted), log_, std::move(wait));
  if (setup != AccountSetupResult::Refused) co_return;
  exit_code_ = 1;
  request_stop("account_setup_failed");
}

// The key's account kind, asked before any other private call with a REST-only gateway; empty
// (logged, exit 1) when it cannot be known or disagrees with exchange.account_mode.
asio::awaitable<std::optional<bitget::AccountKind>> Runtime::settle_account_kind() {
  auto pcfg = gateway_config(cfg_, true);
  pcfg.private_streams = false;
  bitget::Gateway probe(ioc_.get_executor(), std::move(pcfg), log_, clock_);
  SetupSleep wait = [this](std::chrono::milliseconds d) { return sleep(main_timer_, d); };
  const auto setting = account_mode_setting(cfg_);
  auto out = co_await detect_account_kind(probe, setting, log_, std::move(wait), kAccountUpgradeWait);
  probe.stop();
  if (stopping_) co_return std::nullopt;
  if (!out.error.empty()) {
    log_.error("account.kind_refused", {{"configured", std::string(bitget::to_string(setting))},
                                        {"account_mode", out.account_mode},
                                        {"error", out.error}});
    std::cerr << "carryd: " << out.error << std::endl;  // the one line a user starting it by hand sees
    co_return std::nullopt;
  }
  log_.info("account.kind", {{"kind", std::string(bitget::to_string(*out.kind))},
                             {"configured", std::string(bitget::to_string(setting))}});
  co_return out.kind;
}

}  // namespace carry::app
