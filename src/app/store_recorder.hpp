#pragma once
// The engine's durable facts go to the daemon's SQLite store (queued; the writer thread commits
// them).
#include <carry/engine/engine.hpp>
#include <carry/store/store.hpp>

#include "engine_records.hpp"

namespace carry::app {

class StoreRecorder final : public engine::EngineRecorder {
 public:
  explicit StoreRecorder(store::Store& s) : store_(s) {}
  void order_sent(const PlaceOrderRequest& req, UnixNanos ts) override {
    store_.record(store::OrderRecord::from_request(req, OrderStatus::Sent, ts));
  }
  void order_update(const OrderUpdate& u) override { store_.append(u); }
  void fill(const Fill& f) override { store_.append(f); }
  void funding(const FundingPayment& p) override { store_.append(store::FundingRecord::from(p)); }
  void decision(const strategy::Decision& d) override { store_.append(decision_record(d)); }
  void kill_switch(const risk::KillSwitch& ks) override { store_.put_kill_switch(kill_switch_record(ks)); }

 private:
  store::Store& store_;
};

}  // namespace carry::app
