#pragma once
// Bitget Unified Trading Account WebSocket (/v3/ws/public, /v3/ws/private): subscribe frames and
// the parsers of events and pushes into the event types the v2 WS parsers produce (ws_parsers.hpp).
// Login is v2's, byte for byte: Signer::ws_login_message (timestamp in seconds, sign of
// ts + "GET" + "/user/verify"). The hot BBO path for books1/books5/ticker frames is
// UtaFastBboParser (fast_bbo.hpp).
//
// Subscribe args are {instType, topic, symbol}: instType lower case "spot" / "usdt-futures" on the
// public socket, "UTA" (upper case) for the private topics order, fill, position and account,
// which take no symbol (uta/websocket/*).
#include <carry/bitget/requests.hpp>
#include <carry/bitget/signer.hpp>
#include <carry/bitget/uta_parsers.hpp>
#include <carry/bitget/ws_parsers.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace carry::bitget::uta {

struct WsArg {
  std::string inst_type;  // "spot" | "usdt-futures" | "UTA"
  std::string topic;      // "books1", "books5", "books", "ticker" | "order", "fill", "position", "account"
  std::string symbol;     // public topics only

  nlohmann::json to_json() const;
  std::string key() const;  // "usdt-futures/books1/BTCUSDT", "UTA/order"
  friend bool operator==(const WsArg&, const WsArg&) = default;
};
// Public market data of one symbol: topic books1 | books5 | books | ticker.
WsArg public_arg(MarketType market, std::string_view topic, std::string_view symbol);
// Private account stream: topic order | fill | position | account.
WsArg private_arg(std::string_view topic);

// {"op":"subscribe"|"unsubscribe","args":[...]}, split so each message's args stay within
// max_args_bytes (the v2 limit is assumed for v3: nothing else is documented).
WireResult<std::vector<std::string>> build_subscription_messages(std::string_view op, const std::vector<WsArg>& args,
                                                                 std::size_t max_args_bytes = kMaxSubscribeArgsBytes);

// {"op":"login","args":[{apiKey, passphrase, timestamp (seconds), sign}]}: the v2 frame, which v3
// takes unchanged (uta/guide; the TS SDK signs both alike). Its reply is {event:"login", code:0}.
std::string login_message(const Signer& signer, std::int64_t timestamp_s);

// Bitget sends this about 60 s before it drops the connection for a service upgrade: open a new
// connection and move the subscriptions over (a planned reconnect), do not wait for the drop.
inline constexpr std::string_view kPlannedReconnectCode = "30033";

struct WsEvent {
  WsEventKind kind = WsEventKind::Error;
  std::optional<WsArg> arg;
  std::string code;  // number or string on the wire; "" when absent
  std::string msg;
  // Login code 0 / "0" / "00000"; a subscribe/unsubscribe ack.
  bool ok() const noexcept;
  bool planned_reconnect() const noexcept { return kind == WsEventKind::Error && code == kPlannedReconnectCode; }
  Errc errc() const noexcept;  // ok, or the classified error (30033 is retryable: http_server_error)
};

struct WsPush {
  std::string action;  // "snapshot" | "update"
  WsArg arg;
  nlohmann::json data;  // always an array
  UnixNanos ts;         // the push's top-level ts; zero when absent
};

using WsMessage = std::variant<WsPong, WsEvent, WsPush>;
// "pong", an event or a push; anything else is bad_payload naming what is wrong.
WireResult<WsMessage> parse_ws_message(std::string_view text);

// ---------- public ----------
// ticker: the symbol is the arg's; ts_event = the push ts (v3 items carry none). A futures frame
// with fundingRate and nextFundingTime also yields a FundingRateUpdate. An item with an empty
// side is skipped (no BBO).
WireResult<std::vector<WsTicker>> parse_ws_ticker(const WsPush& push, UnixNanos ts_init);
// books/books1/books5: levels `a`/`b` as the original strings (the checksum is over them),
// checksum/seq/pseq numbers, item ts. Feed bbo_from_book (ws_parsers.hpp) for a BBO.
WireResult<std::vector<BookMessage>> parse_ws_books(const WsPush& push);

// ---------- private (instType UTA) ----------
WireResult<std::vector<VenueOrder>> parse_ws_orders(const WsPush& push, UnixNanos ts_init);
WireResult<std::vector<Fill>> parse_ws_fills(const WsPush& push, UnixNanos ts_init);
WireResult<std::vector<PositionRecord>> parse_ws_positions(const WsPush& push, UnixNanos ts_init);
// account: totalEquity, effEquity, imr, mmr and coin[] balances (reported with `account`).
WireResult<std::vector<Assets>> parse_ws_account(const WsPush& push, MarketType account, UnixNanos ts_init);

}  // namespace carry::bitget::uta
