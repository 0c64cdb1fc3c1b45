// The status row `carryd status` reads (kv "status"), written at every heartbeat, and the daily
// report's summary figures (the alert's text).
#include "runtime.hpp"

#include <carry/risk/kill_switch.hpp>
#include <carry/store/store.hpp>

#include <unistd.h>

namespace carry::app {

void Runtime::write_status(const nlohmann::json& hb) {
  if (!store_ || !engine_) return;
  const auto& ks = engine_->risk().kill_switch();
  nlohmann::json row{{"ts", hb.value("ts", "")},
                     {"mode", std::string(to_string(mode_))},
                     {"environment", cfg_.exchange.environment},
                     {"pid", static_cast<long>(::getpid())},
                     {"trading", trading_ && !stopping_},
                     // The last row of a run is written after shutdown: `status` then says stopped.
                     {"state", stopping_  ? "stopped"
                               : trading_ ? "trading"
                                          : "starting"},
                     {"kill_switch", std::string(risk::to_string(ks.state()))},
                     {"kill_reason", ks.reason()},
                     {"heartbeat_s", cfg_.monitor.heartbeat_s},
                     {"open_orders", engine_->oms().open_orders().size()},
                     {"symbols", hb.value("symbols", nlohmann::json::array())},
                     {"pnl", hb.value("pnl", nlohmann::json::object())}};
  if (status_extra_) row.update(status_extra_());
  store_->put_kv("status", row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), clock_.now());
}

boost::asio::awaitable<nlohmann::json> Runtime::day_summary(std::string date) {
  nlohmann::json out = nlohmann::json::object();
  auto rows = co_await store_->daily_pnl(date, date);
  if (!rows) co_return out;
  Decimal funding, fees, net;
  for (const auto& r : *rows) {
    if (r.symbol.empty()) continue;  // the total row: summed here from the symbols instead
    funding += r.funding;
    fees += r.fees;
    net += r.net_pnl;
  }
  out["funding"] = funding.to_string();
  out["fees"] = fees.to_string();
  out["net"] = net.to_string();
  co_return out;
}

}  // namespace carry::app
