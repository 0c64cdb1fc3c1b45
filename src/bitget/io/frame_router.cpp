#include "frame_router.hpp"

#include <carry/bitget/uta_requests.hpp>
#include <carry/bitget/uta_ws.hpp>

namespace carry::bitget::io {

namespace {

// O(1) guard for the hot path: first and last non-blank characters must be '{' and '}'.
// simdjson On-Demand reads only the fields it needs, so a frame cut short after them would still
// "parse": a push must be one whole JSON object.
bool looks_complete(std::string_view f) {
  const auto first = f.find_first_not_of(" \t\r\n");
  const auto last = f.find_last_not_of(" \t\r\n");
  return first != std::string_view::npos && f[first] == '{' && f[last] == '}';
}

Error truncated(std::string_view f) { return bad_payload("truncated frame: " + std::string(f.substr(0, 80))); }

template <class Event>
void reject(std::vector<Event>& out, const Error& e) {
  out.emplace_back(FrameRejected{e});
}

// Every item of a parsed list as an event (through `pick`), or the parse's rejection.
template <class Event, class Parsed, class Pick>
void append(std::vector<Event>& out, Parsed&& parsed, Pick pick) {
  if (!parsed) return reject(out, parsed.error());
  for (auto& item : *parsed) out.emplace_back(pick(item));
}

// The item itself, moved into its event.
constexpr auto kSelf = [](auto& item) { return std::move(item); };

// ---------- public ----------

void push_fast(const FastBbo& f, UnixNanos ts_init, std::vector<PublicEvent>& out) {
  Bbo bbo{std::string(f.symbol), f.market, f.bid_price, f.bid_size, f.ask_price, f.ask_size, f.ts_event, ts_init};
  out.emplace_back(bbo);
  if (!f.funding_rate || !f.next_funding_time) return;
  FundingRateUpdate fr;
  fr.symbol = bbo.symbol;
  fr.rate = *f.funding_rate;
  fr.next_settlement = *f.next_funding_time;
  fr.mark_price = f.mark_price;
  fr.index_price = f.index_price;
  fr.ts_event = f.ts_event;
  fr.ts_init = ts_init;
  out.emplace_back(std::move(fr));
}

void push_tickers(const WireResult<std::vector<WsTicker>>& tickers, std::vector<PublicEvent>& out) {
  if (!tickers) return reject(out, tickers.error());
  for (const auto& t : *tickers) {
    out.emplace_back(t.ticker.bbo);
    if (t.funding) out.emplace_back(*t.funding);
  }
}

// books1/5/15 (v2) or books1/5 (v3) that the fast parser declined: the full parser judges them.
void push_book_tops(const std::vector<BookMessage>& books, UnixNanos ts_init, std::vector<PublicEvent>& out) {
  for (const auto& b : books) {
    auto bbo = bbo_from_book(b, ts_init);
    if (!bbo) return reject(out, bbo.error());
    out.emplace_back(std::move(*bbo));
  }
}

market::BookUpdate book_update(const BookMessage& b) {
  market::BookUpdate u;
  u.snapshot = b.snapshot;
  u.checksum = b.checksum;
  u.seq = b.seq;
  u.pseq = b.pseq;
  u.ts = b.ts;
  u.bids.reserve(b.bids.size());
  u.asks.reserve(b.asks.size());
  for (const auto& l : b.bids) u.bids.push_back({l.price, l.size});
  for (const auto& l : b.asks) u.asks.push_back({l.price, l.size});
  return u;
}

// Full-depth books into the local order books; a gap or checksum failure resyncs `arg`.
void apply_books(OrderBooks& books, const std::vector<BookMessage>& messages, const SubscriptionArg& arg,
                 UnixNanos ts_init, std::vector<PublicEvent>& out) {
  for (const auto& b : messages) {
    auto it = books.find(book_key(b.market, b.symbol));
    if (it == books.end()) continue;  // not (or no longer) subscribed
    auto& book = *it->second;
    const auto r = book.apply(book_update(b));
    if (r == market::OrderBook::Result::NeedsResync) {
      out.emplace_back(BookResync{arg});  // fresh snapshot: unsubscribe + subscribe
      continue;
    }
    if (r != market::OrderBook::Result::Applied) continue;
    const auto bid = book.best_bid();
    const auto ask = book.best_ask();
    if (!bid || !ask) continue;
    out.emplace_back(Bbo{b.symbol, b.market, bid->first, bid->second, ask->first, ask->second, b.ts, ts_init});
  }
}

void route_public_v2(OrderBooks& books, std::string_view frame, UnixNanos ts_init, std::vector<PublicEvent>& out) {
  auto msg = parse_ws_message(frame);
  if (!msg) return reject(out, msg.error());
  const auto* push = std::get_if<WsPush>(&*msg);
  if (!push) return;
  const std::string& channel = push->arg.channel;
  if (channel == "trade") return append(out, parse_ws_trades(*push, ts_init), kSelf);
  if (channel == "ticker") return push_tickers(parse_ws_ticker(*push, ts_init), out);
  if (!channel.starts_with("books")) return;
  auto parsed = parse_ws_books(*push);
  if (!parsed) return reject(out, parsed.error());
  if (channel == "books") return apply_books(books, *parsed, push->arg, ts_init, out);
  push_book_tops(*parsed, ts_init, out);
}

void route_public_v3(OrderBooks& books, std::string_view frame, UnixNanos ts_init, std::vector<PublicEvent>& out) {
  auto msg = uta::parse_ws_message(frame);
  if (!msg) return reject(out, msg.error());
  const auto* push = std::get_if<uta::WsPush>(&*msg);
  if (!push) return;
  const std::string& topic = push->arg.topic;
  if (topic == "ticker") return push_tickers(uta::parse_ws_ticker(*push, ts_init), out);
  if (!topic.starts_with("books")) return;
  auto parsed = uta::parse_ws_books(*push);
  if (!parsed) return reject(out, parsed.error());
  if (topic == "books") {
    const SubscriptionArg arg{push->arg.inst_type, push->arg.topic, push->arg.symbol, {}};
    return apply_books(books, *parsed, arg, ts_init, out);
  }
  push_book_tops(*parsed, ts_init, out);
}

// ---------- private ----------

void route_private_v2(std::string_view frame, UnixNanos ts_init, std::vector<PrivateEvent>& out) {
  auto msg = parse_ws_message(frame);
  if (!msg) return reject(out, msg.error());
  const auto* push = std::get_if<WsPush>(&*msg);
  if (!push) return;
  const std::string& ch = push->arg.channel;
  if (ch == "orders") return append(out, parse_ws_orders(*push, ts_init), [](auto& o) { return std::move(o.order); });
  if (ch == "fill") return append(out, parse_ws_fills(*push, ts_init), kSelf);
  if (ch == "positions")
    return append(out, parse_ws_positions(*push, ts_init), [](auto& p) { return std::move(p.position); });
  if (ch != "account") return;
  if (push->arg.inst_type == "SPOT") return append(out, parse_ws_spot_account(*push, ts_init), kSelf);
  append(out, parse_ws_futures_account(*push, ts_init), [](auto& a) { return std::move(a.balance); });
}

void route_private_v3(const std::string& margin_coin, std::string_view frame, UnixNanos ts_init,
                      std::vector<PrivateEvent>& out) {
  auto msg = uta::parse_ws_message(frame);
  if (!msg) return reject(out, msg.error());
  const auto* push = std::get_if<uta::WsPush>(&*msg);
  if (!push) return;
  const std::string& topic = push->arg.topic;
  if (topic == "order")
    return append(out, uta::parse_ws_orders(*push, ts_init), [](auto& o) { return std::move(o.order); });
  if (topic == "fill") return append(out, uta::parse_ws_fills(*push, ts_init), kSelf);
  if (topic == "position")
    return append(out, uta::parse_ws_positions(*push, ts_init), [](auto& p) { return std::move(p.position); });
  if (topic != "account") return;
  auto accounts = uta::parse_ws_account(*push, MarketType::Spot, ts_init);
  if (!accounts) return reject(out, accounts.error());
  for (auto& a : *accounts)
    for (auto& b : uta_wallet(std::move(a.balances), margin_coin)) out.emplace_back(std::move(b));
}

}  // namespace

std::string book_key(MarketType m, std::string_view symbol) {
  return std::string(m == MarketType::Spot ? "S/" : "P/") + std::string(symbol);
}

void route_public(PublicRouteState& state, std::string_view frame, UnixNanos ts_init, std::vector<PublicEvent>& out) {
  if (!looks_complete(frame)) return reject(out, truncated(frame));
  const bool uta = state.kind == AccountKind::Uta;
  // Hot path: books1/5/15 and ticker straight to a BBO (simdjson, no allocation).
  auto fast = uta ? state.uta_fast_bbo.parse(frame) : state.fast_bbo.parse(frame);
  if (fast) return push_fast(*fast, ts_init, out);
  if (fast.error().errc != Errc::unsupported) return reject(out, fast.error());
  if (uta) return route_public_v3(state.books, frame, ts_init, out);
  route_public_v2(state.books, frame, ts_init, out);
}

void reset_book(PublicRouteState& state, const SubscriptionArg& arg) {
  const bool uta = state.kind == AccountKind::Uta;
  const auto market = uta ? uta::market_from_category(arg.inst_type) : market_from_inst_type(arg.inst_type);
  if (!market) return;
  if (auto it = state.books.find(book_key(*market, arg.inst_id)); it != state.books.end()) it->second->reset();
}

void route_private(const PrivateRouteState& state, std::string_view frame, UnixNanos ts_init,
                   std::vector<PrivateEvent>& out) {
  if (!looks_complete(frame)) return reject(out, truncated(frame));
  if (state.kind == AccountKind::Uta) return route_private_v3(state.margin_coin, frame, ts_init, out);
  route_private_v2(frame, ts_init, out);
}

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

}  // namespace carry::bitget::io
