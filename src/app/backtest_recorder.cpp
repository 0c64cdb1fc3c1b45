#include "backtest_recorder.hpp"

#include "engine_records.hpp"

#include <carry/app/backtest_runner.hpp>

namespace carry::app {

BacktestRecorder::BacktestRecorder(store::Repo& repo) : repo_(repo) { check(repo_.begin(), "begin"); }

void BacktestRecorder::order_sent(const PlaceOrderRequest& req, UnixNanos ts) {
  check(repo_.upsert_order(store::OrderRecord::from_request(req, OrderStatus::Sent, ts)), "orders");
}

void BacktestRecorder::order_update(const OrderUpdate& u) { check(repo_.append_order_update(u), "order_events"); }

void BacktestRecorder::fill(const Fill& f) {
  auto inserted = repo_.insert_fill(f);
  if (!inserted) fail("fills");
  if (*inserted) {
    ++trades;
    fees += f.fee;
    day().trades += 1;
    day().fees += f.fee;
  }
  tick();
}

void BacktestRecorder::funding(const FundingPayment& p) {
  auto inserted = repo_.insert_funding(store::FundingRecord::from(p));
  if (!inserted) fail("funding_events");
  if (*inserted) {
    funding_pnl += p.amount;
    day().funding += p.amount;
    ++settlements;
  }
  tick();
}

void BacktestRecorder::decision(const strategy::Decision& d) {
  check(repo_.insert_decision(decision_record(d)), "decisions");
  ++decisions;
}

void BacktestRecorder::kill_switch(const risk::KillSwitch& ks) {
  check(repo_.put_kill_switch(kill_switch_record(ks)), "kv");
}

void BacktestRecorder::finish() { check(repo_.commit(), "commit"); }

void BacktestRecorder::check(Result<void> r, const char* what) {
  if (!r) fail(what);
  tick();
}

void BacktestRecorder::fail(const char* what) {
  throw BacktestError("cannot write " + repo_.file().string() + " (" + what + "): " + repo_.last_error());
}

// Large transactions: the backtest's database is rebuilt from scratch on every run.
void BacktestRecorder::tick() {
  if (++writes_ % 20'000 == 0) {
    check_raw(repo_.commit());
    check_raw(repo_.begin());
  }
}

void BacktestRecorder::check_raw(Result<void> r) {
  if (!r) fail("commit");
}

}  // namespace carry::app
