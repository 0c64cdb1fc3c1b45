#pragma once
// The backtest's EngineRecorder: the engine's durable facts written into the run's SQLite file
// (the same tables as live), and the running totals the summary and the per-day table need.
#include <carry/engine/engine.hpp>
#include <carry/store/repo.hpp>

#include "backtest_report.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace carry::app {

class BacktestRecorder final : public engine::EngineRecorder {
 public:
  // Opens the first transaction. Every write failure throws BacktestError naming the table.
  explicit BacktestRecorder(store::Repo& repo);

  void order_sent(const PlaceOrderRequest& req, UnixNanos ts) override;
  void order_update(const OrderUpdate& u) override;
  void fill(const Fill& f) override;
  void funding(const FundingPayment& p) override;
  void decision(const strategy::Decision& d) override;
  void kill_switch(const risk::KillSwitch& ks) override;

  void finish();  // commits the last transaction
  void check(Result<void> r, const char* what);

  using Day = BacktestDay;
  Day& day() { return days[current_day]; }

  std::string current_day;  // "YYYY-MM-DD": the day fills and funding are summed into
  std::map<std::string, Day> days;
  std::size_t trades = 0, settlements = 0, decisions = 0;
  Decimal funding_pnl, fees;

 private:
  [[noreturn]] void fail(const char* what);
  void tick();
  void check_raw(Result<void> r);

  store::Repo& repo_;
  std::uint64_t writes_ = 0;
};

}  // namespace carry::app
