#include "account_setup_runner.hpp"

#include <carry/bitget/io/gateway.hpp>
#include <carry/core/backoff.hpp>

#include <algorithm>

namespace carry::app {
namespace asio = boost::asio;
using account_setup::Answer;
using account_setup::Field;
using account_setup::Step;

std::chrono::milliseconds account_setup_retry_delay(int attempt) {
  // 0.5 s, 1 s, 2 s ...: the project's backoff without jitter (a handful of start-up requests).
  static const Backoff kBackoff(BackoffPolicy{std::chrono::milliseconds(500), std::chrono::seconds(30), 2.0, 0.0}, 0);
  return kBackoff.nominal(std::max(attempt, 0));
}

namespace {

account_setup::Observed observed(const bitget::FuturesAccount& a) {
  account_setup::Observed o;
  o.position_mode = a.pos_mode ? std::string(bitget::to_wire(*a.pos_mode)) : std::string();
  o.margin_mode = a.margin_mode;
  o.crossed_leverage = a.crossed_leverage;
  o.isolated_long_leverage = a.isolated_long_leverage;
  o.isolated_short_leverage = a.isolated_short_leverage;
  return o;
}

std::string error_text(const bitget::Error& e) { return e.message.empty() ? e.code().message() : e.message; }

// Every request of the setup: retried while the failure is transient, at most
// kAccountSetupAttempts times. Coroutines are member functions (no capturing lambdas).
class Runner {
 public:
  Runner(bitget::Gateway& gw, EventSink& log, SetupSleep& sleep) : gw_(gw), log_(log), sleep_(sleep) {}

  bool stopped() const noexcept { return stopped_; }

  // Every symbol's settings into `out`; false (logged) when one cannot be read, or on a stop.
  asio::awaitable<bool> read_all(const account_setup::Wanted& w, account_setup::Account& out, std::string_view when) {
    out.clear();
    for (std::string symbol : w.symbols) {  // a copy: no reference into a container across co_await
      for (int attempt = 0;; ++attempt) {
        auto r = co_await gw_.futures_account(symbol);
        if (r) {
          out[symbol] = observed(*r);
          break;
        }
        if (!co_await retry(r.error(), attempt, "read", symbol)) {
          if (!stopped_) log_read_failure(symbol, when, r.error());
          co_return false;
        }
      }
    }
    co_return true;
  }

  asio::awaitable<Answer> apply(Step step) {
    Answer a;
    a.step = step;
    for (int attempt = 0;; ++attempt) {
      auto r = co_await send(step);
      if (r) {
        a.ok = true;
        co_return a;
      }
      if (!co_await retry(r.error(), attempt, std::string(account_setup::to_string(step.field)), step.symbol)) {
        a.code = r.error().exchange_code;
        a.message = error_text(r.error());
        co_return a;
      }
    }
  }

 private:
  asio::awaitable<bitget::WireResult<void>> send(const Step& step) {
    if (step.field == Field::PositionMode) {
      const auto mode = bitget::position_mode_from_wire(step.value).value_or(bitget::PositionMode::OneWay);
      co_return co_await gw_.set_position_mode(mode);
    }
    if (step.field == Field::MarginMode) co_return co_await gw_.set_margin_mode(step.symbol, step.value);
    co_return co_await gw_.set_leverage(step.symbol, std::stoi(step.value));
  }

  // True when the request should be sent again (after the wait); false on a final failure or a stop.
  asio::awaitable<bool> retry(bitget::Error e, int attempt, std::string what, std::string symbol) {
    if (!e.retryable() || attempt + 1 >= kAccountSetupAttempts) co_return false;
    const auto delay = account_setup_retry_delay(attempt);
    log_.warn("account.setup_retry", {{"step", what},
                                      {"symbol", symbol},
                                      {"attempt", attempt + 1},
                                      {"error", e.to_string()},
                                      {"retry_in_ms", delay.count()}});
    if (co_await sleep_(delay)) co_return true;
    stopped_ = true;
    co_return false;
  }

  void log_read_failure(const std::string& symbol, std::string_view when, const bitget::Error& e) {
    log_.error("account.setup_failed",
               {{"step", "read_" + std::string(when)},
                {"symbol", symbol},
                {"code", e.exchange_code},
                {"msg", error_text(e)},
                {"error", e.to_string()},
                {"note",
                 "cannot read the account's settings (v2 mix/account/account, or v3 account/settings on a "
                 "UTA); carryd does not trade on an account it cannot check"}});
  }

  bitget::Gateway& gw_;
  EventSink& log_;
  SetupSleep& sleep_;
  bool stopped_ = false;
};

}  // namespace

asio::awaitable<AccountSetupResult> run_account_setup(bitget::Gateway& gateway, account_setup::Wanted wanted,
                                                      EventSink& log, SetupSleep sleep) {
  Runner runner(gateway, log, sleep);
  auto stopped_or_refused = [&runner] {
    return runner.stopped() ? AccountSetupResult::Stopped : AccountSetupResult::Refused;
  };
  account_setup::Account before;
  if (!co_await runner.read_all(wanted, before, "before")) co_return stopped_or_refused();

  const std::vector<Step> steps = account_setup::plan(wanted, before);
  std::vector<Answer> answers;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    Answer answer = co_await runner.apply(steps[i]);
    if (runner.stopped()) co_return AccountSetupResult::Stopped;
    const bool ok = answer.ok;
    answers.push_back(std::move(answer));
    if (!ok) break;  // final: change nothing more, report what differs
  }

  account_setup::Account after;
  if (answers.empty()) {
    after = before;  // nothing to change: what was read is what is verified
  } else if (!co_await runner.read_all(wanted, after, "after")) {
    co_return stopped_or_refused();
  }
  const auto verdict = account_setup::verify(wanted, after, answers);
  if (verdict.ok()) {
    log.info("account.setup", account_setup::setup_fields(wanted, after, answers));
    co_return AccountSetupResult::Ready;
  }
  log.error("account.setup_failed", account_setup::failure_fields(verdict, answers));
  co_return AccountSetupResult::Refused;
}

}  // namespace carry::app
