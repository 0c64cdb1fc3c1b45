// The gateway's UTA (v3) WebSocket: the args it subscribes and the pushes it routes. Public
// books1/books5/ticker frames take the simdjson path in on_public (UtaFastBboParser); what it
// declines and every private push is parsed here into the same events v2 produces.
#include "gateway_impl.hpp"

namespace carry::bitget {

// One wallet funds both markets in UTA: every coin is the spot wallet, and the futures margin coin
// is the futures account too, all marked `shared` so that sizing never spends one sum twice.
std::vector<BalanceUpdate> uta_wallet(std::vector<BalanceUpdate> coins, const std::string& margin_coin) {
  std::vector<BalanceUpdate> out;
  out.reserve(coins.size() + 1);
  for (auto& b : coins) {
    b.account = MarketType::Spot;
    b.shared = true;
    if (b.coin == margin_coin) {
      BalanceUpdate perp = b;
      perp.account = MarketType::Perp;
      out.push_back(std::move(perp));
    }
    out.push_back(std::move(b));
  }
  return out;
}

SubscriptionArg Gateway::Impl::public_arg_v3(const std::string& symbol, MarketType market,
                                             std::string_view channel) const {
  const uta::WsArg a = uta::public_arg(market, channel, symbol);
  return {a.inst_type, a.topic, a.symbol, {}};
}

std::vector<SubscriptionArg> Gateway::Impl::private_args_v3() const {
  std::vector<SubscriptionArg> out;
  for (const char* topic : {"order", "fill", "position", "account"}) {
    const uta::WsArg a = uta::private_arg(topic);
    out.push_back({a.inst_type, a.topic, {}, {}});
  }
  return out;
}

void Gateway::Impl::on_public_v3(std::string_view frame, UnixNanos ts_init) {
  auto msg = uta::parse_ws_message(frame);
  if (!msg) return reject_frame("public", msg.error());
  const auto* push = std::get_if<uta::WsPush>(&*msg);
  if (!push) return;
  const std::string& topic = push->arg.topic;
  if (topic == "ticker") {
    auto tickers = uta::parse_ws_ticker(*push, ts_init);
    if (!tickers) return reject_frame("public", tickers.error());
    for (const auto& t : *tickers) {
      publish(t.ticker.bbo);
      if (t.funding) publish(*t.funding);
    }
    return;
  }
  if (!topic.starts_with("books")) return;
  auto books = uta::parse_ws_books(*push);
  if (!books) return reject_frame("public", books.error());
  if (topic == "books") {
    apply_books(*books, SubscriptionArg{push->arg.inst_type, push->arg.topic, push->arg.symbol, {}}, ts_init);
    return;
  }
  for (const auto& b : *books) {
    auto bbo = bbo_from_book(b, ts_init);
    if (!bbo) return reject_frame("public", bbo.error());
    publish(*bbo);
  }
}

void Gateway::Impl::on_private_v3(std::string_view frame, UnixNanos ts_init) {
  auto msg = uta::parse_ws_message(frame);
  if (!msg) return reject_frame("private", msg.error());
  const auto* push = std::get_if<uta::WsPush>(&*msg);
  if (!push) return;
  const std::string& topic = push->arg.topic;
  if (topic == "order") {
    auto orders = uta::parse_ws_orders(*push, ts_init);
    if (!orders) return reject_frame("private", orders.error());
    for (const auto& o : *orders) self.emit(o.order);
  } else if (topic == "fill") {
    auto fills = uta::parse_ws_fills(*push, ts_init);
    if (!fills) return reject_frame("private", fills.error());
    for (const auto& f : *fills) self.emit(f);
  } else if (topic == "position") {
    auto positions = uta::parse_ws_positions(*push, ts_init);
    if (!positions) return reject_frame("private", positions.error());
    for (const auto& p : *positions) self.emit(p.position);
  } else if (topic == "account") {
    auto accounts = uta::parse_ws_account(*push, MarketType::Spot, ts_init);
    if (!accounts) return reject_frame("private", accounts.error());
    for (auto& a : *accounts)
      for (const auto& b : uta_wallet(std::move(a.balances), config.margin_coin)) self.emit(b);
  }
}

}  // namespace carry::bitget
