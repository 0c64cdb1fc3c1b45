// The gateway's WebSocket side: the public subscriptions, the args of both dialects (v2 channels,
// v3 topics), and the shell around the sans-I/O router: frames in from the sessions,
// route_public / route_private (frame_router.hpp), the routed events delivered.
#include "gateway_impl.hpp"

#include <type_traits>

namespace carry::bitget {

// ---------- public subscriptions (kept across reconnects) ----------
void Gateway::subscribe_ticker(const std::string& symbol, MarketType market) {
  impl_->subscribe_public(impl_->public_arg(symbol, market, "ticker"));
}
void Gateway::unsubscribe(const std::string& symbol, MarketType market, const std::string& channel) {
  impl_->unsubscribe_public(impl_->public_arg(symbol, market, channel));
}
void Gateway::subscribe_books1(const std::string& symbol, MarketType market) {
  impl_->subscribe_public(impl_->public_arg(symbol, market, "books1"));
}
void Gateway::subscribe_books5(const std::string& symbol, MarketType market) {
  impl_->subscribe_public(impl_->public_arg(symbol, market, "books5"));
}
void Gateway::subscribe_books(const std::string& symbol, MarketType market) {
  auto& slot = impl_->public_routes.books[io::book_key(market, symbol)];
  if (!slot) slot = std::make_unique<market::OrderBook>(symbol, impl_->events);
  impl_->subscribe_public(impl_->public_arg(symbol, market, "books"));
}
void Gateway::subscribe_trades(const std::string& symbol, MarketType market) {
  if (impl_->uta()) {  // v3's publicTrade topic has no parser here yet: refuse rather than drop its frames
    impl_->events.error(
        "ws.subscribe_refused",
        {{"symbol", symbol}, {"channel", "trade"}, {"reason", "public trades are read on Classic (v2) only"}});
    return;
  }
  impl_->subscribe_public(impl_->public_arg(symbol, market, "trade"));
}
const market::OrderBook* Gateway::book(const std::string& symbol, MarketType market) const {
  const auto& books = impl_->public_routes.books;
  auto it = books.find(io::book_key(market, symbol));
  return it == books.end() ? nullptr : it->second.get();
}

// ---------- the args: v2 channels, v3 topics ----------
SubscriptionArg Gateway::Impl::public_arg(const std::string& symbol, MarketType market, std::string channel) const {
  if (uta()) {
    const uta::WsArg a = uta::public_arg(market, channel, symbol);
    return {a.inst_type, a.topic, a.symbol, {}};
  }
  return {market == MarketType::Spot ? std::string("SPOT") : config.product_type, std::move(channel), symbol, ""};
}

std::vector<SubscriptionArg> Gateway::Impl::private_args() const {
  if (uta()) {
    std::vector<SubscriptionArg> out;
    for (const char* topic : {"order", "fill", "position", "account"}) {
      const uta::WsArg a = uta::private_arg(topic);
      out.push_back({a.inst_type, a.topic, {}, {}});
    }
    return out;
  }
  const std::string& pt = config.product_type;
  return {{pt, "orders", "default", ""},     {pt, "fill", "default", ""},       {pt, "positions", "default", ""},
          {pt, "account", "", "default"},    {"SPOT", "orders", "default", ""}, {"SPOT", "fill", "default", ""},
          {"SPOT", "account", "", "default"}};
}

// ---------- the shell: frames in, routed events delivered ----------
WsClient::Handlers Gateway::Impl::public_handlers() {
  // ts_init is the LOCAL receive time (freshness checks compare it with the local clock); the
  // WS sessions themselves run on the exchange-corrected clock for the login timestamp.
  return {[this](std::string_view frame, UnixNanos) { on_public(frame, now()); },
          [this](bool priv, UnixNanos at) { on_reconnected(priv, at); },
          [this](const SubscriptionArg& arg) { on_book_resync(arg); },
          nullptr};  // a 30033 notice: the PublicStream around the client rotates
}

WsClient::Handlers Gateway::Impl::private_handlers() {
  return {[this](std::string_view frame, UnixNanos) { on_private(frame, now()); },
          [this](bool priv, UnixNanos at) { on_reconnected(priv, at); }, nullptr,
          nullptr};  // a 30033 notice: the client reconnects at once
}

void Gateway::Impl::reject_frame(std::string_view session, const Error& e) {
  ++stats.rejected_frames;
  events.warn("ws.frame_rejected", {{"session", std::string(session)}, {"error", e.to_string()}});
}

void Gateway::Impl::on_public(std::string_view frame, UnixNanos ts_init) {
  ++stats.public_frames;
  stats.public_data_at = std::chrono::steady_clock::now();
  // The buffer is taken for the call: a handler that reached back into the gateway would find
  // it empty and route into a fresh one.
  auto routed = std::move(public_events);
  routed.clear();
  io::route_public(public_routes, frame, ts_init, routed);
  for (auto& ev : routed) {
    std::visit(
        [this](auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, io::FrameRejected>) {
            reject_frame("public", e.error);
          } else if constexpr (std::is_same_v<T, io::BookResync>) {
            ++stats.book_resyncs;
            ws_pub.resync(e.arg);  // fresh snapshot: unsubscribe + subscribe
          } else {
            publish(std::move(e));
          }
        },
        ev);
  }
  public_events = std::move(routed);
}

void Gateway::Impl::on_private(std::string_view frame, UnixNanos ts_init) {
  ++stats.private_frames;
  auto routed = std::move(private_events);  // as in on_public
  routed.clear();
  io::route_private(private_routes, frame, ts_init, routed);
  for (auto& ev : routed) {
    std::visit(
        [this](auto& e) {
          if constexpr (std::is_same_v<std::decay_t<decltype(e)>, io::FrameRejected>) {
            reject_frame("private", e.error);
          } else {
            self.emit(std::move(e));
          }
        },
        ev);
  }
  private_events = std::move(routed);
}

void Gateway::Impl::on_book_resync(const SubscriptionArg& arg) { io::reset_book(public_routes, arg); }

void Gateway::Impl::on_reconnected(bool private_stream, UnixNanos at) {
  ++(private_stream ? stats.private_reconnects : stats.public_reconnects);
  self.emit(StreamReconnected{private_stream, at, now()});
}

}  // namespace carry::bitget
