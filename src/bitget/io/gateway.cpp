// bitget::Gateway itself: construction, start and stop, and the plumbing it hands out. The calls
// live beside it by area (gateway_impl.hpp lists the files).
#include "gateway_impl.hpp"

namespace carry::bitget {

namespace asio = boost::asio;

Gateway::Gateway(asio::any_io_executor ex, GatewayConfig config, EventSink& events, const Clock& clock)
    : impl_(std::make_unique<Impl>(*this, std::move(ex), std::move(config), events, clock)) {}

Gateway::~Gateway() { stop(); }

void Gateway::set_market_handler(MarketHandler handler) { impl_->market_handler = std::move(handler); }

asio::awaitable<Result<void>> Gateway::start() {
  Result<void> result;
  if (impl_->config.sync_server_time) {
    auto offset = co_await impl_->rest.sync_server_time();
    if (!offset) result = offset.error();
  }
  if (impl_->config.sync_server_time) impl_->exchange_clock.start();
  impl_->ws_pub.start();
  if (impl_->ws_priv) {
    impl_->ws_priv->subscribe(impl_->private_args());
    impl_->ws_priv->start();
  }
  co_return result;
}

void Gateway::stop() {
  impl_->exchange_clock.stop();
  impl_->ws_pub.stop();
  if (impl_->ws_priv) impl_->ws_priv->stop();
}

// ---------- plumbing ----------
RestClient& Gateway::rest() noexcept { return impl_->rest; }
WsClient& Gateway::ws_public() noexcept { return impl_->ws_pub.active(); }
WsClient* Gateway::ws_private() noexcept { return impl_->ws_priv.get(); }
const GatewayConfig& Gateway::config() const noexcept { return impl_->config; }
GatewayStats Gateway::stats() const noexcept { return impl_->stats; }

}  // namespace carry::bitget
