#pragma once
// The gateway's WebSocket frame routing, sans I/O: one push frame in, the events it yields out, in
// the order the gateway delivers them. No socket, no io_context: the coroutine shell (Gateway::Impl)
// reads frames, calls route_public / route_private and delivers what comes back. Both dialects:
// Classic (v2 channels) and UTA (v3 topics). A frame that cannot be read is a FrameRejected event
// (counted and logged by the shell), never an exception.
#include <carry/bitget/account_kind.hpp>
#include <carry/bitget/fast_bbo.hpp>
#include <carry/bitget/ws_parsers.hpp>
#include <carry/core/events.hpp>
#include <carry/market/order_book.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace carry::bitget::io {

// A frame (or one item of it) that could not be read: the shell counts and logs it.
struct FrameRejected {
  Error error;
};
// A full-depth book broke (gap, checksum): the shell resubscribes its arg for a fresh snapshot.
struct BookResync {
  SubscriptionArg arg;
};

using PublicEvent = std::variant<Bbo, FundingRateUpdate, TradeTick, BookResync, FrameRejected>;
using PrivateEvent = std::variant<OrderUpdate, Fill, PositionUpdate, BalanceUpdate, FrameRejected>;

// The local books of `books` subscriptions, by book_key(market, symbol).
using OrderBooks = std::map<std::string, std::unique_ptr<market::OrderBook>>;
std::string book_key(MarketType m, std::string_view symbol);

// What public routing reads and updates: the dialect, the hot-path parsers (their buffers are
// reused from frame to frame) and the local books.
struct PublicRouteState {
  AccountKind kind = AccountKind::Classic;
  FastBboParser fast_bbo;
  UtaFastBboParser uta_fast_bbo;
  OrderBooks books;
};

// Appends the events of one public frame to `out`: BBOs (and the funding a futures ticker
// carries), trades, full-depth books applied to state.books (their BBO, or a BookResync).
// Non-push messages (pong, acks) yield nothing.
void route_public(PublicRouteState& state, std::string_view frame, UnixNanos ts_init, std::vector<PublicEvent>& out);

// Drops the local book of `arg` until its next snapshot (the session resubscribed it).
void reset_book(PublicRouteState& state, const SubscriptionArg& arg);

struct PrivateRouteState {
  AccountKind kind = AccountKind::Classic;
  std::string margin_coin = "USDT";  // UTA: the coin that is also the futures account
};

// Appends the events of one private frame to `out`: orders, fills, positions and balances.
void route_private(const PrivateRouteState& state, std::string_view frame, UnixNanos ts_init,
                   std::vector<PrivateEvent>& out);

// A UTA account's coins as balances: one wallet for both markets.
std::vector<BalanceUpdate> uta_wallet(std::vector<BalanceUpdate> coins, const std::string& margin_coin);

}  // namespace carry::bitget::io
