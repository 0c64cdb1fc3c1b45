#pragma once
// Pre-trade limits and the kill switch, plugged into the OMS as its PreTradeCheck. Reads the
// OMS's positions; tracks marks and market-data freshness from MarketEvents; time from the Clock.
#include <carry/core/event_sink.hpp>
#include <carry/oms/order_manager.hpp>
#include <carry/risk/kill_switch.hpp>
#include <carry/risk/risk_limits.hpp>

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace carry::risk {

class RiskEngine final : public oms::PreTradeCheck {
 public:
  RiskEngine(RiskLimits limits, EventSink& events, const Clock& clock);

  // Becomes `oms`'s pre-trade check and reads its positions and instruments from now on.
  void attach(oms::OrderManager& oms);
  // Called on every kill switch change (the store persists serialize()).
  void set_state_listener(std::function<void(const KillSwitch&)> listener) { listener_ = std::move(listener); }

  std::optional<std::string> check(const PlaceOrderRequest& req, const oms::PreTradeContext& ctx) override;

  void on_market(const MarketEvent& event);
  // Every REST/WS request outcome; transport and server errors count towards the burst trigger.
  void on_api_result(const boost::system::error_code& ec);
  void on_timer();  // market-data staleness, daily loss, Reducing -> Halted when flat

  void trip(KillState to, std::string_view reason);  // operator or supervisor escalation
  void reset();                                      // operator only
  void restore(const KillSwitch& saved);             // from the store at start-up
  const KillSwitch& kill_switch() const noexcept { return kill_; }

  // Market orders (reduce-only on perps) that take every leg towards flat, each at most the
  // symbol's max order size. Cancel open orders first; call again until flat() holds.
  std::vector<oms::SubmitRequest> flatten_all() const;
  bool flat() const;  // every leg below one lot

  double net_delta_bps(std::string_view symbol) const;
  Decimal pnl() const;        // realized - fees + funding + unrealized at the latest marks
  Decimal daily_pnl() const;  // change since the start of the UTC day
  std::optional<Decimal> mark(std::string_view symbol, MarketType market) const;
  const RiskLimits& limits() const noexcept { return limits_; }

 private:
  struct Leg {
    std::optional<Decimal> mid;
    std::optional<MonoNanos> last_data;  // monotonic: a wall-clock step never fakes silence
  };
  struct SymbolMarks {
    Leg legs[2];
  };

  std::optional<std::string> refuse(std::string_view rule, const PlaceOrderRequest& req, nlohmann::json extra);
  bool escalate(KillState to, std::string_view reason, nlohmann::json extra = nlohmann::json::object());
  Decimal max_size_for(std::string_view symbol) const;
  Decimal lot_of(std::string_view symbol, MarketType market) const;

  RiskLimits limits_;
  EventSink& events_;
  const Clock& clock_;
  oms::OrderManager* oms_ = nullptr;
  KillSwitch kill_;
  std::function<void(const KillSwitch&)> listener_;
  std::unordered_map<std::string, SymbolMarks, oms::StringHash, std::equal_to<>> marks_;
  std::deque<MonoNanos> api_errors_;
  MonoNanos started_;
  // A held leg that has had no market data yet: when the timer first saw it held (see on_timer).
  std::unordered_map<std::string, MonoNanos> unfed_since_;
  std::int64_t day_ = -1;
  Decimal day_start_pnl_;
};

}  // namespace carry::risk
